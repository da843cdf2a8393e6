/**
 * The attempt loop for calls that are not chat completions (embeddings, Responses API
 * pass-through): one attempt per plan entry, each with its own AbortController linked
 * to the caller's signal and the per-attempt timeout; the failure table decides whether
 * to move on. The last model of the plan gets the openai SDK's retries (2, with its
 * backoff and the provider's retry-after), so nothing fails that the SDK would have
 * served. Chat completions have their own, richer loop in pipeline/execute.ts.
 */
import type { ModelEntry } from '../spec/model-entry.js';
import type { Recorder } from '../pipeline/record.js';
import { describeError } from '../pipeline/record.js';
import { abortError, timeoutError } from '../errors/provider-error.js';
import { classifyError } from '../resilience/classify-error.js';
import type { AdapterCallOptions } from '../spec/chat-model.js';
import type { ProviderErrorInfo } from '../spec/provider-error-info.js';
import { RETRY_DEFAULTS, retryDelay } from '../resilience/retry-policy.js';
import { sleep } from '../internal/sleep.js';

export interface AttemptLoopInput {
  plan: readonly ModelEntry[];
  recorder: Recorder;
  signal: AbortSignal | undefined;
  timeoutMs: number | undefined;
  headers: Record<string, string> | undefined;
  /** The caller's `maxRetries` (it can lower the default of 2, never raise it). */
  maxRetries?: number | undefined;
}

const DECAY = 0.2;

/**
 * Runs the plan until one attempt succeeds. `describe` reports the answer for the
 * record; without it (streams) the caller records the attempt itself when the stream
 * ends, using the returned `started` and `controller` (still linked to the caller's
 * signal until `unlink()`).
 */
export async function runAttempts<T>(
  input: AttemptLoopInput,
  call: (entry: ModelEntry, options: AdapterCallOptions) => Promise<T>,
  describe: ((result: T) => { answeredBy?: string | undefined; usage?: unknown }) | undefined,
): Promise<{ result: T; entry: ModelEntry; started: number; controller: AbortController; unlink: () => void }> {
  const { plan, recorder } = input;
  let lastErr: unknown;
  const retries = Math.min(RETRY_DEFAULTS.attemptsPerModel - 1, typeof input.maxRetries === 'number' && input.maxRetries >= 0 ? Math.floor(input.maxRetries) : Infinity);
  let retried = 0;
  for (let i = 0; i < plan.length; i++) {
    const entry = plan[i]!;
    if (input.signal?.aborted) throw abortError();
    const started = Date.now();
    const controller = new AbortController();
    let timedOut = false;
    const onAbort = () => controller.abort(input.signal?.reason);
    input.signal?.addEventListener('abort', onAbort, { once: true });
    const timer = input.timeoutMs !== undefined ? setTimeout(() => ((timedOut = true), controller.abort()), input.timeoutMs) : undefined;
    entry.stats.inFlight++;
    let keepLinked = false;
    try {
      const result = await call(entry, { signal: controller.signal, timeoutMs: input.timeoutMs, headers: input.headers, maxOutputTokens: entry.maxOutputTokens });
      const unlink = () => input.signal?.removeEventListener('abort', onAbort);
      if (!describe) {
        keepLinked = true;
        return { result, entry, started, controller, unlink };
      }
      const d = describe(result);
      const rec = recorder.attempt(entry, started, 'success', { ...(d.answeredBy ? { answeredBy: d.answeredBy } : {}), usage: d.usage });
      const s = entry.stats;
      s.successes++;
      s.latencyMs = s.latencyMs === undefined ? rec.latencyMs : s.latencyMs + DECAY * (rec.latencyMs - s.latencyMs);
      return { result, entry, started, controller, unlink };
    } catch (raw) {
      const err = attribute(input.signal?.aborted ? abortError() : timedOut ? timeoutError() : raw, entry);
      entry.stats.failures++;
      const c = classifyError(err);
      const d = describeError(err);
      recorder.attempt(entry, started, c.reason === 'aborted' ? 'aborted' : c.reason === 'timeout' ? 'timeout' : 'error', {
        errorClass: d.class,
        errorMessage: d.message,
        ...(d.status !== undefined ? { status: d.status } : {}),
      });
      lastErr = err;
      if (c.action === 'stop') throw err;
      const next = plan[i + 1];
      if (next) recorder.fallback(entry, next, c.reason);
      else if (c.action === 'retry' && retried < retries) {
        const d = retryDelay(retried + 1, (err as ProviderErrorInfo).retryAfterMs, RETRY_DEFAULTS, Math.random);
        if (d) {
          retried++;
          recorder.event({ type: 'retry', model: entry.id, attempt: retried + 1, delayMs: d.delayMs, delaySource: d.source, reason: c.reason, at: new Date().toISOString() });
          try {
            await sleep(d.delayMs, input.signal);
          } catch {
            throw abortError();
          }
          i--;
        }
      }
    } finally {
      entry.stats.inFlight--;
      // The timeout bounds the wait for an answer (a stream's first event), never a long stream.
      clearTimeout(timer);
      if (!keepLinked) input.signal?.removeEventListener('abort', onAbort);
    }
  }
  const attempts = recorder.attemptList;
  if (attempts.length > 1 && lastErr instanceof Error) {
    lastErr.message = `All ${attempts.length} attempts failed — ${attempts.map((a) => a.errorMessage ?? `[${a.model} via ${a.provider}] ${a.outcome}`).join('; ')}`;
  }
  throw lastErr;
}

function attribute(err: unknown, entry: ModelEntry): unknown {
  if (err instanceof Error && !(err as { model?: string }).model) {
    err.message = `[${entry.id} via ${entry.provider}] ${err.message}`;
    Object.assign(err, { model: entry.id, provider: entry.provider });
  }
  return err;
}
