/**
 * The caller's Stream: chunks from the model that answered, with an idle limit between
 * chunks and the call's deadline. A failure after chunks reached the caller — a reset, an
 * SSE error event, an idle stall, a malformed chunk, an end without a finish reason — is
 * thrown to the consumer, never a stream that simply ends early, unless the route opted
 * into `resumeOnMidStreamFailure`: then the next model continues the answer from the
 * delivered text (stream-continuation.ts), the segments are joined into one coherent
 * stream (stream-segments.ts) and the DecisionRecord lists each.
 *
 * What the stream holds (the upstream request, a concurrency slot, a budget reservation)
 * is released however it ends: at its end, on an error, an abort, a `break`, and also when
 * the consumer never reads it or stops reading mid-way (`timeouts.abandonMs`), or drops it
 * unread (a FinalizationRegistry, as the raw SDK frees such a stream at garbage
 * collection). Those end as `abandoned`.
 */
import { OpenAIError } from 'openai/core/error';
import { Stream } from 'openai/streaming';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { ModelEntry } from '../../spec/model-entry.js';
import { connectionError, timeoutError } from '../../errors/provider-error.js';
import { attribute, malformed } from './attempt.js';
import { isDeadlineError, type Call, type Lease } from './call.js';
import { watchAbandon, type AbandonWatch } from './abandon-watch.js';
import { streamController } from './stream-controller.js';
import { boundedNext, disarm as disarmTimer, type StreamTimer } from './bounded-next.js';
import { continuationBody, OverlapTrimmer } from './stream-continuation.js';
import { Segment, SegmentJoiner } from './stream-segments.js';
import { fastIterator, NEXT_THEN, type NextThen, type Resume } from './stream-fast-iterator.js';

/** A stream whose first event has arrived (until then, a failure falls back transparently). */
export interface Opened<E = ChatCompletionChunk> {
  iterator: AsyncIterator<E>;
  first: IteratorResult<E>;
  ttftMs: number;
}

export type StreamEnd = (outcome: 'success' | 'error' | 'aborted' | 'abandoned', entry: ModelEntry, answeredBy: string | undefined, error?: unknown) => void;

/** Opens another stream to continue from `index + 1`; used for resume. */
export type Reopen = (delivered: string, from: number, signal: AbortSignal) => Promise<{ lease: Lease<Opened>; index: number }>;

export function wrapStream(
  call: Call,
  opened: { lease: Lease<Opened>; index: number },
  wantsUsage: boolean,
  reopen: Reopen,
  onEnd: StreamEnd,
  /** Measures the router's own time from a detected failure to the continuation's first chunk being ready (bench). */
  onResume?: (ms: number) => void,
): Stream<ChatCompletionChunk> {
  const policy = call.policy;
  const callerSignal = call.input.signal;
  let cur = opened.lease;
  let index = opened.index;
  // Aborting cancels whichever segment's attempt is current.
  const { controller, unlink } = streamController(callerSignal, () => cur.handle.controller.abort());
  let consumed = false;
  let answeredBy: string | undefined;
  let usage: unknown;
  let settled = false;
  let stall: string | undefined;
  let estimated = false;
  // Resumable streams pass through a joiner that makes one coherent stream of the segments.
  const joiner = policy.resume && (call.input.body.n ?? 1) <= 1 ? new SegmentJoiner(call) : undefined;
  let seg = new Segment(cur.entry, undefined, undefined);
  const recordOf = () => call.recorder.attemptList.at(-1);
  const timer: StreamTimer = { id: undefined };
  const disarm = () => disarmTimer(timer);
  const extra = () => ({ ttftMs: cur.value.ttftMs, ...(answeredBy ? { answeredBy } : {}), usage, ...(estimated ? { usageEstimated: true } : {}) });
  // Set once the stream object exists (the watch needs it); the closures above read it.
  const held: { watch?: AbandonWatch } = {};
  const end = (outcome: 'success' | 'error' | 'aborted' | 'abandoned', err?: unknown) => {
    if (settled) return;
    settled = true;
    disarm();
    held.watch?.stop();
    unlink();
    onEnd(outcome, cur.entry, answeredBy, err);
  };
  let abandoned: Error | undefined;
  const abandon = (why: string) => {
    if (settled) return;
    abandoned = new OpenAIError(`Stream abandoned: ${why}; the upstream request was cancelled and its resources released.`);
    disarm();
    controller.abort();
    void cur.value.iterator.return?.().catch(() => undefined);
    call.finishStream(cur, 'abandoned', extra());
    joiner?.close(seg, 'abandoned', recordOf());
    joiner?.publish();
    end('abandoned');
  };

  const begin = () => {
    if (consumed) throw new OpenAIError('Cannot iterate over a consumed stream, use `.tee()` to split the stream.');
    consumed = true;
    if (abandoned) throw abandoned;
    held.watch?.back();
  };
  const onStall = (message: string) => {
    stall = message;
    cur.handle.controller.abort();
  };
  const next = (): Promise<IteratorResult<ChatCompletionChunk>> => boundedNext(cur.value.iterator, policy, 'chunk', timer, onStall);
  // The consumer has the chunk: it is away until it asks for the next one.
  const away = () => held.watch?.away();
  const back = () => {
    held.watch?.back();
    if (abandoned) throw abandoned;
  };
  // The consumer stopped early (break / return): cancel upstream, record it.
  const stopEarly = () => {
    if (settled) return;
    disarm();
    controller.abort();
    void cur.value.iterator.return?.().catch(() => undefined);
    call.finishStream(cur, 'aborted', extra());
    joiner?.close(seg, 'aborted', recordOf());
    joiner?.publish();
    end('aborted');
  };

  /**
   * The whole iteration as a generator: a joined (resumable) stream runs in it from the
   * start; any other stream only from its end or first failure on (see fastIterator), with
   * `from` saying where it picks up.
   */
  async function* iterate(from?: Resume<ChatCompletionChunk>): AsyncGenerator<ChatCompletionChunk> {
    if (!from) begin();
    // A joined stream ends with one usage chunk summed over its segments (when asked for), then its record.
    function* publishJoined(j: SegmentJoiner, withUsage: boolean): Generator<ChatCompletionChunk> {
      const u = withUsage && wantsUsage ? j.usageChunk() : undefined;
      if (u) {
        away();
        yield u;
        back();
      }
      j.publish();
    }

    let r = from && 'result' in from ? from.result : cur.value.first;
    let failure = from && 'error' in from ? from : undefined;
    try {
      for (;;) {
        try {
          if (failure) {
            const { error } = failure;
            failure = undefined;
            throw error;
          }
          while (!r.done) {
            const chunk = r.value;
            answeredBy ??= chunk.model;
            if (chunk.usage) usage = chunk.usage;
            seg.observe(chunk);
            if (joiner) {
              for (const out of joiner.take(chunk, seg)) {
                away();
                yield out;
                back();
              }
            } else if (chunk.choices.length === 0 && chunk.usage) {
              if (wantsUsage) {
                away();
                yield chunk;
                back();
              }
            } else {
              if (!wantsUsage && chunk.usage === null) delete (chunk as { usage?: unknown }).usage;
              away();
              yield chunk;
              back();
            }
            r = await next();
          }
          // Some SDKs end an aborted stream quietly; it is still not a complete answer.
          const outcome = controller.signal.aborted ? 'aborted' : 'success';
          // Without a finish reason the answer is incomplete, however quietly the connection
          // closed (OpenAI-compatible servers that drop `[DONE]`, a proxy that cuts cleanly).
          if (outcome === 'success' && !seg.finished) throw connectionError(undefined, 'The stream ended without a finish reason: the response is incomplete.');
          call.finishStream(cur, outcome, extra());
          if (joiner) {
            joiner.close(seg, outcome === 'success' ? 'finished' : 'aborted', recordOf());
            yield* publishJoined(joiner, outcome === 'success');
          }
          end(outcome);
          return;
        } catch (raw) {
          disarm();
          if (abandoned) throw abandoned;
          // Like the OpenAI SDK: a stream the caller aborted ends quietly.
          if (controller.signal.aborted) {
            call.finishStream(cur, 'aborted', extra());
            joiner?.close(seg, 'aborted', recordOf());
            joiner?.publish();
            end('aborted');
            return;
          }
          const err = attribute(stall && !(raw as { status?: number })?.status ? timeoutError(stall) : malformed(raw), cur.entry);
          stall = undefined;
          // The provider billed what it produced: without its usage, the router's estimate counts.
          if (!usage) {
            usage = seg.estimateUsage(call.input.promptTokens ?? 0);
            estimated = true;
          }
          const c = call.failStream(cur, err, extra());
          const from = cur.entry;
          if (joiner) joiner.close(seg, 'cut', recordOf(), { reason: c.reason, message: err instanceof Error ? err.message : String(err) });
          // The answer was complete (its finish reason was delivered) and only its tail was lost.
          if (joiner && seg.finished) {
            yield* publishJoined(joiner, true);
            end('success');
            return;
          }
          if (joiner && c.action !== 'stop' && !isDeadlineError(err)) {
            const failedAt = performance.now();
            try {
              call.checkDeadline();
              const again = await reopen(joiner.delivered, index + 1, controller.signal);
              const how = continuationBody(call.input.body, joiner.delivered, again.lease.entry);
              call.recorder.event({ type: 'resume', from: from.id, to: again.lease.entry.id, reason: c.reason, deliveredChars: joiner.delivered.length, method: how.method, at: new Date().toISOString() });
              onResume?.(performance.now() - failedAt);
              cur = again.lease;
              index = again.index;
              r = cur.value.first;
              answeredBy = undefined;
              usage = undefined;
              estimated = false;
              seg = new Segment(cur.entry, how.method, new OverlapTrimmer(joiner.delivered, how.method, how.heldWhitespace));
              if (controller.signal.aborted) cur.handle.controller.abort();
              continue;
            } catch {
              // The caller aborted while the continuation was being opened: end quietly, as the SDK does.
              if (controller.signal.aborted || callerSignal?.aborted) {
                joiner.publish();
                end('aborted');
                return;
              }
              // Nothing could continue the answer: the consumer gets the original failure.
            }
          }
          joiner?.publish();
          end('error', err);
          throw err;
        }
      }
    } finally {
      stopEarly();
    }
  }

  // Bookkeeping for a chunk outside a joined stream; false: not for the consumer.
  const take = (chunk: ChatCompletionChunk): boolean => {
    answeredBy ??= chunk.model;
    if (chunk.usage) usage = chunk.usage;
    seg.observe(chunk);
    if (chunk.choices.length === 0 && chunk.usage) return wantsUsage;
    if (!wantsUsage && chunk.usage === null) delete (chunk as { usage?: unknown }).usage;
    return true;
  };
  // Called by the Stream as its method: `this` is the stream, which the iterator holds (a
  // closure here must not: the abandon watch's must let it be collected).
  const iterator = function (this: unknown): AsyncIterator<ChatCompletionChunk> {
    return joiner ? iterate.call(this) : fastIterator({ begin, first: cur.value.first, back, away, pull: next, pullThen: fusedNext(cur.value.iterator, policy), take, slow: iterate, stop: stopEarly }, this);
  };
  const stream = new Stream<ChatCompletionChunk>(iterator, controller);
  held.watch = watchAbandon(stream, policy.abandonMs, abandon);
  return stream;
}

/** The upstream's fused next-then, when it has one and no timer bounds the wait (bounded-next.ts). */
export function fusedNext<E>(iterator: AsyncIterator<E>, policy: Call['policy']): NextThen<E> | undefined {
  if (policy.idleMs !== undefined || policy.deadline !== undefined) return undefined;
  const fused = (iterator as { [NEXT_THEN]?: NextThen<E> })[NEXT_THEN];
  return typeof fused === 'function' ? fused : undefined;
}
