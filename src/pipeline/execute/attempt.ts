/**
 * One upstream attempt's plumbing: its own AbortController linked to the caller's (or a
 * hedge leg's) signal and to a timer, so a timeout, a lost hedge or the caller's abort
 * cancels exactly the request it concerns; and the helpers that turn what it threw into
 * what the caller should read.
 */
import type { ModelEntry } from '../../spec/model-entry.js';
import { abortError, connectionError, providerError, timeoutError } from '../../errors/provider-error.js';
import { describeError } from '../record/record.js';

export interface AttemptHandle {
  controller: AbortController;
  /** Why our timer fired, if it did. */
  timedOut: () => string | undefined;
  /** Stops the timer and unlinks the parent signal. Idempotent. */
  release: () => void;
  /**
   * False when nothing links the controller (no parent signal, no timer): only code that
   * holds the handle can abort it then.
   */
  linked: boolean;
}

/**
 * The common attempt (no caller signal, no timeout): no listener, no timer, no closures,
 * and its controller made only when something asks for it — an adapter that leaves an
 * unabortable signal out of its SDK call never does (see execute.ts, UNABORTABLE).
 */
class UnlinkedAttempt implements AttemptHandle {
  private made: AbortController | undefined;
  readonly linked = false;

  get controller(): AbortController {
    return (this.made ??= new AbortController());
  }

  timedOut(): undefined {
    return undefined;
  }

  release(): void {}
}

export function openAttempt(parent: AbortSignal | undefined, timeoutMs: number | undefined, timeoutMessage?: string): AttemptHandle {
  if (parent === undefined && timeoutMs === undefined) return new UnlinkedAttempt();
  const controller = new AbortController();
  let timedOut: string | undefined;
  const onAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onAbort, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined =
    timeoutMs !== undefined
      ? setTimeout(() => {
          timedOut = timeoutMessage ?? `Request timed out after ${timeoutMs} ms.`;
          controller.abort(new Error('timeout'));
        }, Math.max(0, timeoutMs))
      : undefined;
  return {
    controller,
    timedOut: () => timedOut,
    release: () => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      parent?.removeEventListener('abort', onAbort);
    },
    linked: true,
  };
}

/** Turns whatever an attempt threw into the error the caller should see for it. */
export function normalizeError(err: unknown, handle: AttemptHandle, callerSignal: AbortSignal | undefined, legSignal?: AbortSignal): unknown {
  if (callerSignal?.aborted || legSignal?.aborted) return abortError();
  const t = handle.timedOut();
  if (t) return timeoutError(t);
  return malformed(err);
}

/**
 * Provider faults that surface as plain JS errors become OpenAI errors: a body that is
 * not the JSON it claims to be (SyntaxError) is an APIError; a connection the network
 * layer dropped mid-body (undici's TypeError 'terminated', 'fetch failed', ECONNRESET)
 * is an APIConnectionError. Neither is the caller's bug.
 */
export function malformed(err: unknown): unknown {
  if (err instanceof TypeError && isNetworkFailure(err)) {
    return connectionError(err, `Connection lost: ${err.message}${causeCode(err) ? ` (${causeCode(err)})` : ''}.`);
  }
  if (!(err instanceof SyntaxError)) return err;
  const e = providerError({ status: undefined, message: `Malformed response from the provider: ${err.message}`, error: { message: err.message, type: 'malformed_response', code: 'malformed_response' }, cause: err });
  (e as { code: string }).code = 'malformed_response';
  return e;
}

/** Says which model and provider failed, once, in the message the caller reads. */
export function attribute(err: unknown, entry: ModelEntry): unknown {
  if (err instanceof Error && !(err as { model?: string }).model) {
    err.message = `[${entry.id} via ${entry.provider}] ${err.message}`;
    Object.assign(err, { model: entry.id, provider: entry.provider });
  }
  return err;
}

export function failureFields(err: unknown) {
  const d = describeError(err);
  return { errorClass: d.class, errorMessage: d.message, ...(d.status !== undefined ? { status: d.status } : {}) };
}

const DECAY = 0.2;

export function observeSuccess(entry: ModelEntry, latencyMs: number, ttftMs?: number): void {
  const s = entry.stats;
  s.successes++;
  s.latencyMs = s.latencyMs === undefined ? latencyMs : s.latencyMs + DECAY * (latencyMs - s.latencyMs);
  if (ttftMs !== undefined) s.ttftMs = s.ttftMs === undefined ? ttftMs : s.ttftMs + DECAY * (ttftMs - s.ttftMs);
}

function causeCode(err: Error): string | undefined {
  const code = (err.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

function isNetworkFailure(err: TypeError): boolean {
  return /^(terminated|fetch failed|network error|other side closed)/i.test(err.message) || /^(ECONNRESET|EPIPE|ECONNREFUSED|UND_ERR_)/.test(causeCode(err) ?? '');
}
