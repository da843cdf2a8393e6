/**
 * The caller's Stream: chunks from the model that answered, with an idle limit between
 * chunks and the call's deadline. A failure after chunks reached the caller is thrown to
 * the consumer — never a stream that simply ends early — unless the route opted into
 * `resumeOnMidStreamFailure`, in which case the next model continues the answer from the
 * delivered text (sent as an assistant prefix) and the DecisionRecord says so.
 *
 * What the stream holds (the upstream request, a concurrency slot, a budget reservation)
 * is released however it ends: at its end, on an error, an abort, a `break`, and also when
 * the consumer never reads it or stops reading mid-way (`timeouts.abandonMs`), or drops it
 * unread (a FinalizationRegistry, as the raw SDK frees such a stream at garbage
 * collection). Those end as `abandoned`.
 */
import { OpenAIError } from 'openai';
import { Stream } from 'openai/streaming';
import type { ChatCompletionChunk, ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { ModelEntry } from '../registry/registry.js';
import { timeoutError } from '../errors/provider-error.js';
import { attribute, malformed } from './attempt.js';
import { isDeadlineError, type Call, type Lease } from './call.js';
import { watchAbandon, type AbandonWatch } from './abandon-watch.js';

export interface Opened {
  iterator: AsyncIterator<ChatCompletionChunk>;
  first: IteratorResult<ChatCompletionChunk>;
  ttftMs: number;
}

export type StreamEnd = (outcome: 'success' | 'error' | 'aborted' | 'abandoned', entry: ModelEntry, answeredBy: string | undefined, error?: unknown) => void;

/** Opens another stream to continue from `index + 1`; used for resume. */
export type Reopen = (delivered: string, from: number) => Promise<{ lease: Lease<Opened>; index: number }>;

export function wrapStream(
  call: Call,
  opened: { lease: Lease<Opened>; index: number },
  wantsUsage: boolean,
  reopen: Reopen,
  onEnd: StreamEnd,
): Stream<ChatCompletionChunk> {
  const policy = call.policy;
  const callerSignal = call.input.signal;
  // The Stream's own controller: `stream.controller.abort()` must cancel the upstream
  // request, as it does with the OpenAI SDK. The caller's signal keeps doing so too.
  const controller = new AbortController();
  let cur = opened.lease;
  let index = opened.index;
  controller.signal.addEventListener('abort', () => cur.handle.controller.abort(), { once: true });
  const onCallerAbort = () => controller.abort();
  if (callerSignal?.aborted) controller.abort();
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  let consumed = false;
  let answeredBy: string | undefined;
  let usage: unknown;
  let settled = false;
  let stall: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const disarm = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
  };
  const extra = () => ({ ttftMs: cur.value.ttftMs, ...(answeredBy ? { answeredBy } : {}), usage });
  // Set once the stream object exists (the watch needs it); the closures above read it.
  const held: { watch?: AbandonWatch } = {};
  const end = (outcome: 'success' | 'error' | 'aborted' | 'abandoned', err?: unknown) => {
    settled = true;
    disarm();
    held.watch?.stop();
    callerSignal?.removeEventListener('abort', onCallerAbort);
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
    end('abandoned');
  };

  async function* iterate(): AsyncGenerator<ChatCompletionChunk> {
    if (consumed) throw new OpenAIError('Cannot iterate over a consumed stream, use `.tee()` to split the stream.');
    consumed = true;
    if (abandoned) throw abandoned;
    held.watch?.back();
    let delivered = '';
    let resumed = false;
    // One timer per wait: the idle limit or what is left of the deadline, whichever is sooner.
    const next = (): Promise<IteratorResult<ChatCompletionChunk>> => {
      const left = policy.deadline !== undefined ? policy.deadline - Date.now() : undefined;
      const idle = policy.idleMs;
      if (idle === undefined && left === undefined) return cur.value.iterator.next();
      const byDeadline = left !== undefined && (idle === undefined || left <= idle);
      const ms = Math.max(0, byDeadline ? left! : idle!);
      return new Promise((resolve, reject) => {
        timer = setTimeout(() => {
          stall = byDeadline ? `Deadline of ${policy.deadlineMs} ms exceeded mid-stream.` : `No chunk for ${idle} ms (stream idle limit).`;
          cur.handle.controller.abort();
          reject(timeoutError(stall));
        }, ms);
        cur.value.iterator.next().then(
          (r) => {
            disarm();
            resolve(r);
          },
          (e) => {
            disarm();
            reject(e);
          },
        );
      });
    };
    // The consumer has the chunk: it is away until it asks for the next one.
    const away = () => held.watch?.away();
    const back = () => {
      held.watch?.back();
      if (abandoned) throw abandoned;
    };

    let r = cur.value.first;
    try {
      for (;;) {
        try {
          while (!r.done) {
            const chunk = r.value;
            answeredBy ??= chunk.model;
            if (chunk.usage) usage = chunk.usage;
            if (resumed) {
              // The continuation is one answer with what came before: no second role.
              const d = chunk.choices[0]?.delta;
              if (d && 'role' in d) delete (d as { role?: unknown }).role;
            }
            const text = chunk.choices[0]?.delta?.content;
            if (text) delivered += text;
            if (chunk.choices.length === 0 && chunk.usage) {
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
          call.finishStream(cur, outcome, extra());
          end(outcome);
          return;
        } catch (raw) {
          disarm();
          if (abandoned) throw abandoned;
          // Like the OpenAI SDK: a stream the caller aborted ends quietly.
          if (controller.signal.aborted) {
            call.finishStream(cur, 'aborted', extra());
            end('aborted');
            return;
          }
          const err = attribute(stall && !(raw as { status?: number })?.status ? timeoutError(stall) : malformed(raw), cur.entry);
          stall = undefined;
          const c = call.failStream(cur, err, extra());
          const from = cur.entry;
          if (policy.resume && c.action !== 'stop' && !isDeadlineError(err)) {
            try {
              call.checkDeadline();
              const again = await reopen(delivered, index + 1);
              call.recorder.event({ type: 'resume', from: from.id, to: again.lease.entry.id, reason: c.reason, deliveredChars: delivered.length, at: new Date().toISOString() });
              cur = again.lease;
              index = again.index;
              r = cur.value.first;
              answeredBy = undefined;
              usage = undefined;
              resumed = true;
              if (controller.signal.aborted) cur.handle.controller.abort();
              continue;
            } catch {
              // Nothing could continue the answer: the consumer gets the original failure.
            }
          }
          end('error', err);
          throw err;
        }
      }
    } finally {
      if (!settled) {
        // The consumer stopped early (break / return): cancel upstream, record it.
        disarm();
        controller.abort();
        void cur.value.iterator.return?.().catch(() => undefined);
        call.finishStream(cur, 'aborted', extra());
        end('aborted');
      }
    }
  }

  const stream = new Stream<ChatCompletionChunk>(iterate, controller);
  held.watch = watchAbandon(stream, policy.abandonMs, abandon);
  return stream;
}

/** The request that continues a partial answer on another model. */
export function resumeBody(body: ChatCompletionCreateParams, delivered: string): ChatCompletionCreateParams {
  if (!delivered) return body;
  return { ...body, messages: [...body.messages, { role: 'assistant', content: delivered }] };
}

