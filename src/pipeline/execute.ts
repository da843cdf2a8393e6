/**
 * Stage 4: attempts along the plan. Each attempt gets its own AbortController, linked
 * to the caller's signal and to the per-attempt timeout, so a timeout or an abort
 * cancels exactly the upstream request it concerns.
 */
import { OpenAIError } from 'openai';
import { Stream } from 'openai/streaming';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import type { ModelEntry } from '../registry/registry.js';
import { abortError, timeoutError } from '../errors/provider-error.js';
import { markAllFailed } from '../errors/all-candidates-failed-error.js';
import { classifyError } from '../resilience/classify-error.js';
import type { Recorder } from './record.js';
import { describeError } from './record.js';

export interface ExecuteInput {
  plan: readonly ModelEntry[];
  body: ChatCompletionCreateParams;
  signal: AbortSignal | undefined;
  timeoutMs: number | undefined;
  headers: Record<string, string> | undefined;
  recorder: Recorder;
}

const DECAY = 0.2;

interface AttemptHandle {
  controller: AbortController;
  timedOut: () => boolean;
  /** Stops the timeout timer and unlinks the caller's signal. */
  release: () => void;
}

function openAttempt(signal: AbortSignal | undefined, timeoutMs: number | undefined): AttemptHandle {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    timeoutMs !== undefined
      ? setTimeout(() => {
          timedOut = true;
          controller.abort(new Error('timeout'));
        }, timeoutMs)
      : undefined;
  return {
    controller,
    timedOut: () => timedOut,
    release: () => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** Turns whatever an attempt threw into the error the caller should see for it. */
function normalize(err: unknown, handle: AttemptHandle, callerSignal: AbortSignal | undefined): unknown {
  if (callerSignal?.aborted) return abortError();
  if (handle.timedOut()) return timeoutError();
  return err;
}

function observe(entry: ModelEntry, latencyMs: number, ttftMs?: number): void {
  const s = entry.stats;
  s.successes++;
  s.latencyMs = s.latencyMs === undefined ? latencyMs : s.latencyMs + DECAY * (latencyMs - s.latencyMs);
  if (ttftMs !== undefined) s.ttftMs = s.ttftMs === undefined ? ttftMs : s.ttftMs + DECAY * (ttftMs - s.ttftMs);
}

/** Says which model and provider failed, once, in the message the caller reads. */
function attribute(err: unknown, entry: ModelEntry): unknown {
  if (err instanceof Error && !(err as { model?: string }).model) {
    err.message = `[${entry.id} via ${entry.provider}] ${err.message}`;
    Object.assign(err, { model: entry.id, provider: entry.provider });
  }
  return err;
}

function allFailed(lastErr: unknown, recorder: Recorder): unknown {
  const attempts = recorder.attemptList;
  if (attempts.length > 1 && lastErr instanceof Error) {
    const summary = attempts.map((a) => a.errorMessage ?? `[${a.model} via ${a.provider}] ${a.outcome}`).join('; ');
    lastErr.message = `All ${attempts.length} attempts failed — ${summary}`;
    markAllFailed(lastErr, attempts);
  }
  return lastErr;
}

function failureFields(err: unknown) {
  const d = describeError(err);
  return { errorClass: d.class, errorMessage: d.message, ...(d.status !== undefined ? { status: d.status } : {}) };
}

export async function executeGenerate(input: ExecuteInput): Promise<{ completion: ChatCompletion; entry: ModelEntry }> {
  const { plan, recorder } = input;
  let lastErr: unknown;
  for (let i = 0; i < plan.length; i++) {
    const entry = plan[i]!;
    if (input.signal?.aborted) throw abortError();
    const started = Date.now();
    const handle = openAttempt(input.signal, input.timeoutMs);
    entry.stats.inFlight++;
    try {
      const body = { ...input.body, model: entry.upstream } as ChatCompletionCreateParamsNonStreaming;
      const completion = await entry.adapter.doGenerate(body, {
        signal: handle.controller.signal,
        timeoutMs: input.timeoutMs,
        headers: input.headers,
        maxOutputTokens: entry.maxOutputTokens,
      });
      const rec = recorder.attempt(entry, started, 'success', { answeredBy: completion.model, usage: completion.usage });
      observe(entry, rec.latencyMs);
      return { completion, entry };
    } catch (raw) {
      const err = attribute(normalize(raw, handle, input.signal), entry);
      entry.stats.failures++;
      const c = classifyError(err);
      recorder.attempt(entry, started, c.reason === 'aborted' ? 'aborted' : c.reason === 'timeout' ? 'timeout' : 'error', failureFields(err));
      lastErr = err;
      if (c.action === 'stop') throw err;
      const next = plan[i + 1];
      if (next) recorder.fallback(entry, next, c.reason);
    } finally {
      entry.stats.inFlight--;
      handle.release();
    }
  }
  throw allFailed(lastErr, recorder);
}

export interface StreamResult {
  stream: Stream<ChatCompletionChunk>;
  entry: ModelEntry;
}

/**
 * Opens the stream on the first model that produces a first chunk: a failure before
 * anything reached the caller falls back transparently. After that, a failure is
 * thrown to the consumer — never a stream that simply ends early.
 */
export async function executeStream(
  input: ExecuteInput,
  wantsUsage: boolean,
  onEnd: (outcome: 'success' | 'error' | 'aborted', entry: ModelEntry, answeredBy: string | undefined, error?: unknown) => void,
): Promise<StreamResult> {
  const { plan, recorder } = input;
  let lastErr: unknown;
  for (let i = 0; i < plan.length; i++) {
    const entry = plan[i]!;
    if (input.signal?.aborted) throw abortError();
    const started = Date.now();
    const handle = openAttempt(input.signal, input.timeoutMs);
    entry.stats.inFlight++;
    let iterator: AsyncIterator<ChatCompletionChunk> | undefined;
    try {
      const body = { ...input.body, model: entry.upstream } as ChatCompletionCreateParamsStreaming;
      const upstream = await entry.adapter.doStream(body, {
        signal: handle.controller.signal,
        timeoutMs: input.timeoutMs,
        headers: input.headers,
        maxOutputTokens: entry.maxOutputTokens,
      });
      iterator = upstream[Symbol.asyncIterator]();
      const first = await iterator.next();
      // The timeout bounds the wait for the first byte; idle limits mid-stream are separate.
      handle.release();
      const ttftMs = Date.now() - started;
      return { stream: wrapStream(entry, iterator, first, handle, started, ttftMs, wantsUsage, recorder, input.signal, onEnd), entry };
    } catch (raw) {
      handle.release();
      entry.stats.inFlight--;
      handle.controller.abort();
      const err = attribute(normalize(raw, handle, input.signal), entry);
      entry.stats.failures++;
      const c = classifyError(err);
      recorder.attempt(entry, started, c.reason === 'aborted' ? 'aborted' : c.reason === 'timeout' ? 'timeout' : 'error', failureFields(err));
      lastErr = err;
      if (c.action === 'stop') throw err;
      const next = plan[i + 1];
      if (next) recorder.fallback(entry, next, c.reason);
    }
  }
  throw allFailed(lastErr, recorder);
}

function wrapStream(
  entry: ModelEntry,
  iterator: AsyncIterator<ChatCompletionChunk>,
  first: IteratorResult<ChatCompletionChunk>,
  handle: AttemptHandle,
  started: number,
  ttftMs: number,
  wantsUsage: boolean,
  recorder: Recorder,
  callerSignal: AbortSignal | undefined,
  onEnd: (outcome: 'success' | 'error' | 'aborted', entry: ModelEntry, answeredBy: string | undefined, error?: unknown) => void,
): Stream<ChatCompletionChunk> {
  // The Stream's own controller: `stream.controller.abort()` must cancel the upstream
  // request, as it does with the OpenAI SDK. The caller's signal keeps doing so too.
  const controller = new AbortController();
  const abortUpstream = () => handle.controller.abort();
  controller.signal.addEventListener('abort', abortUpstream, { once: true });
  const onCallerAbort = () => controller.abort();
  callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  let consumed = false;
  let answeredBy: string | undefined;
  let usage: unknown;

  const settle = (outcome: 'success' | 'error' | 'aborted', err?: unknown) => {
    entry.stats.inFlight--;
    callerSignal?.removeEventListener('abort', onCallerAbort);
    const fields = outcome === 'error' ? failureFields(err) : {};
    const rec = recorder.attempt(entry, started, outcome, { ttftMs, ...(answeredBy ? { answeredBy } : {}), usage, ...fields });
    if (outcome === 'success') observe(entry, rec.latencyMs, ttftMs);
    else if (outcome === 'error') entry.stats.failures++;
    onEnd(outcome, entry, answeredBy, err);
  };

  async function* iterate(): AsyncGenerator<ChatCompletionChunk> {
    if (consumed) throw new OpenAIError('Cannot iterate over a consumed stream, use `.tee()` to split the stream.');
    consumed = true;
    let finished = false;
    try {
      let r = first;
      while (!r.done) {
        const chunk = r.value;
        answeredBy ??= chunk.model;
        if (chunk.usage) usage = chunk.usage;
        if (chunk.choices.length === 0 && chunk.usage) {
          if (wantsUsage) yield chunk;
        } else {
          if (!wantsUsage && chunk.usage === null) delete (chunk as { usage?: unknown }).usage;
          yield chunk;
        }
        r = await iterator.next();
      }
      finished = true;
      // Some SDKs end an aborted stream quietly; it is still not a complete answer.
      settle(controller.signal.aborted ? 'aborted' : 'success');
    } catch (raw) {
      finished = true;
      // Like the OpenAI SDK: a stream the caller aborted ends quietly.
      if (controller.signal.aborted) {
        settle('aborted');
        return;
      }
      const err = attribute(raw, entry);
      settle('error', err);
      throw err;
    } finally {
      if (!finished) {
        // The consumer stopped early (break / return): cancel upstream, record it.
        controller.abort();
        void iterator.return?.().catch(() => undefined);
        settle('aborted');
      }
    }
  }

  return new Stream<ChatCompletionChunk>(iterate, controller);
}
