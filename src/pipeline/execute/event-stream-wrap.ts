/**
 * The caller's Stream for operations whose events are not chat chunks (the Responses
 * API's event stream): the events of the model that answered, with the route's idle
 * limit between events and the call's deadline. Fallback is transparent until the first
 * event (the attempt loop reads it); after that a failure reaches the consumer. The
 * attempt is finished through the same Call bookkeeping as a chat stream's: the record,
 * stats, latency window, breaker and limit slot see how it ended.
 *
 * What the stream holds is released however it ends, also when the consumer never
 * reads it or stops mid-way (`timeouts.abandonMs`, see abandon-watch.ts).
 */
import { OpenAIError } from 'openai/core/error';
import { Stream } from 'openai/streaming';
import type { EventReader } from '../../spec/operation.js';
import { timeoutError } from '../../errors/provider-error.js';
import { attribute, malformed } from './attempt.js';
import type { Call, Lease } from './call.js';
import { watchAbandon, type AbandonWatch } from './abandon-watch.js';
import { streamController } from './stream-controller.js';
import { boundedNext, disarm as disarmTimer, type StreamTimer } from './bounded-next.js';
import { fusedNext, type Opened, type StreamEnd } from './stream-wrap.js';
import { fastIterator, type Resume } from './stream-fast-iterator.js';

export function wrapEvents<E>(call: Call<unknown>, lease: Lease<Opened<E>>, reader: EventReader<E>, onEnd: StreamEnd): Stream<E> {
  const policy = call.policy;
  const callerSignal = call.input.signal;
  const { iterator, first, ttftMs } = lease.value;
  const { controller, unlink } = streamController(callerSignal, () => lease.handle.controller.abort());
  let consumed = false;
  let answeredBy: string | undefined;
  let usage: unknown;
  let settled = false;
  let stall: string | undefined;
  const timer: StreamTimer = { id: undefined };
  const disarm = () => disarmTimer(timer);
  // Set once the stream object exists (the watch needs it); the closures read it.
  const held: { watch?: AbandonWatch } = {};
  let abandoned: Error | undefined;
  const extra = () => ({ ttftMs, ...(answeredBy ? { answeredBy } : {}), usage });

  const settle = (outcome: 'success' | 'error' | 'aborted' | 'abandoned', err?: unknown) => {
    if (settled) return;
    settled = true;
    disarm();
    held.watch?.stop();
    unlink();
    if (outcome === 'error') call.failStream(lease, err, extra());
    else call.finishStream(lease, outcome, extra());
    onEnd(outcome, lease.entry, answeredBy, err);
  };

  const onStall = (message: string) => {
    stall = message;
    lease.handle.controller.abort();
  };
  const next = (): Promise<IteratorResult<E>> => boundedNext(iterator, policy, 'event', timer, onStall);

  const begin = () => {
    if (consumed) throw new OpenAIError('Cannot iterate over a consumed stream, use `.tee()` to split the stream.');
    consumed = true;
    if (abandoned) throw abandoned;
    held.watch?.back();
  };
  const back = () => {
    held.watch?.back();
    if (abandoned) throw abandoned;
  };
  // The consumer stopped early (break / return): cancel upstream, record it.
  const stopEarly = () => {
    controller.abort();
    void iterator.return?.()?.catch(() => undefined);
    settle('aborted');
  };

  /** The whole iteration as a generator; run only from the stream's end or first failure on (see fastIterator). */
  async function* iterate(from: Resume<E>): AsyncGenerator<E> {
    let finished = false;
    try {
      if ('error' in from) throw from.error;
      let r = from.result;
      while (!r.done) {
        const event = r.value;
        answeredBy = reader.eventModel(event) ?? answeredBy;
        usage = reader.eventUsage(event) ?? usage;
        held.watch?.away();
        yield event;
        held.watch?.back();
        if (abandoned) throw abandoned;
        r = await next();
      }
      finished = true;
      settle(controller.signal.aborted || callerSignal?.aborted ? 'aborted' : 'success');
    } catch (raw) {
      finished = true;
      if (abandoned) throw abandoned;
      if (controller.signal.aborted && !stall) {
        settle('aborted');
        return;
      }
      const err = attribute(stall && !(raw as { status?: number })?.status ? timeoutError(stall) : malformed(raw), lease.entry);
      settle('error', err);
      throw err;
    } finally {
      if (!finished) stopEarly();
    }
  }

  const take = (event: E): boolean => {
    answeredBy = reader.eventModel(event) ?? answeredBy;
    usage = reader.eventUsage(event) ?? usage;
    return true;
  };
  const away = () => held.watch?.away();
  // Called by the Stream as its method: `this` is the stream, which the iterator holds (a
  // closure here must not: the abandon watch's must let it be collected).
  const handOut = function (this: unknown): AsyncIterator<E> {
    return fastIterator({ begin, first, back, away, pull: next, pullThen: fusedNext(iterator, policy), take, slow: iterate, stop: stopEarly }, this);
  };
  const stream = new Stream<E>(handOut, controller);
  held.watch = watchAbandon(stream, policy.abandonMs, (why) => {
    if (settled) return;
    abandoned = new OpenAIError(`Stream abandoned: ${why}; the upstream request was cancelled and its resources released.`);
    controller.abort();
    void iterator.return?.()?.catch(() => undefined);
    settle('abandoned');
  });
  return stream;
}
