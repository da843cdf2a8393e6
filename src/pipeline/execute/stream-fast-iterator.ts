/**
 * The iterator a caller-facing stream hands out. A plain item (a chunk or an event, with
 * its per-item bookkeeping) goes through one `.then`; everything else — the end, a
 * failure, an item the bookkeeping rejects, a consumer throwing into the iterator — is
 * handed to the stream's own async generator, created at that point and picking up
 * from there. An async generator costs a request queue, an await and a yield hop per
 * item, and a stream is nearly all plain items, so only the rare paths pay for one.
 *
 * It keeps the generator's contract: calls made while one is pending wait their turn
 * (as `tee()` may issue them), `return()` before the first `next()` runs nothing,
 * `return()` while the consumer holds an item runs the generator's `finally` work
 * (`stop`), and once over every call answers done.
 */

/**
 * An upstream iterator of our own (an adapter's translator) may offer `next().then(ok, bad)`
 * fused under this key: it calls `ok` / `bad` from its own callback on the SDK's promise
 * instead of resolving a promise of its own first. Read with Symbol.for, so adapters need
 * no import of this file.
 */
export const NEXT_THEN = Symbol.for('llm-switchboard.next-then');

export type NextThen<E> = <U>(ok: (r: IteratorResult<E>) => U | Promise<U>, bad: (err: unknown) => U | Promise<U>) => Promise<U>;

/** Where the generator picks up: with this result (the end), or this failure thrown inside its `try`. */
export type Resume<E> = { result: IteratorResult<E> } | { error: unknown };

export interface FastPath<E> {
  /** The checks at the first `next()` (consumed, abandoned); throws to refuse, before any `try`. */
  begin(): void;
  /** The item the stream opened with. */
  first: IteratorResult<E>;
  /** The consumer asks for the next item; throws if the stream was abandoned meanwhile. */
  back(): void;
  /** The consumer has an item. */
  away(): void;
  /** The upstream's next item (within the idle limit and deadline). */
  pull(): Promise<IteratorResult<E>>;
  /**
   * When set: `pull().then(ok, bad)` in one step, the upstream running `ok` / `bad` in its own
   * `.then` (see NEXT_THEN) — one promise and one microtask fewer per item.
   */
  pullThen?: (<U>(ok: (r: IteratorResult<E>) => U | Promise<U>, bad: (err: unknown) => U | Promise<U>) => Promise<U>) | undefined;
  /** Bookkeeping for one item; false: it is not for the consumer. A throw is a failure of the stream. */
  take(item: E): boolean;
  /** The stream's generator, picking up with `from`. */
  slow(from: Resume<E>): AsyncGenerator<E>;
  /** What the generator's `finally` does when the consumer stops while holding an item. */
  stop(): void;
}

/**
 * The stream the iterator came from, held by the iterator: a stream whose iterator is still
 * read must not look garbage-collected (abandon-watch.ts), as a generator holds its `this`.
 */
const OWNER = Symbol('stream');

const NOT_STARTED = 0;
const FAST = 1;
const OVER = 2;

export function fastIterator<E>(p: FastPath<E>, owner: unknown): AsyncIterableIterator<E> {
  let state = NOT_STARTED;
  let slow: AsyncGenerator<E> | undefined;
  let pending: Promise<IteratorResult<E>> | undefined;

  const toSlow = (from: Resume<E>): Promise<IteratorResult<E>> => (slow = p.slow(from)).next();
  const deliver = (r: IteratorResult<E>): IteratorResult<E> | Promise<IteratorResult<E>> => {
    if (r.done) return toSlow({ result: r });
    let wanted: boolean;
    try {
      wanted = p.take(r.value);
    } catch (err) {
      return toSlow({ error: err });
    }
    if (!wanted) return request();
    p.away();
    return r;
  };
  const settled = (r: IteratorResult<E>) => {
    pending = undefined;
    return deliver(r);
  };
  const failed = (err: unknown) => {
    pending = undefined;
    return toSlow({ error: err });
  };
  const request = (): Promise<IteratorResult<E>> => {
    let next: Promise<IteratorResult<E>>;
    try {
      if (p.pullThen) return (pending = p.pullThen(settled, failed));
      next = p.pull();
    } catch (err) {
      return toSlow({ error: err });
    }
    return (pending = next.then(settled, failed));
  };

  const it: AsyncIterableIterator<E> & { [OWNER]: unknown } = {
    [OWNER]: owner,
    next: () => {
      if (slow) return slow.next();
      if (pending) return pending.then(it.next, it.next);
      if (state === OVER) return Promise.resolve({ done: true, value: undefined });
      if (state === NOT_STARTED) {
        state = FAST;
        try {
          p.begin();
        } catch (err) {
          state = OVER;
          return Promise.reject(err);
        }
        return Promise.resolve(deliver(p.first));
      }
      try {
        p.back();
      } catch (err) {
        return toSlow({ error: err });
      }
      return request();
    },
    return: (value?: unknown) => {
      if (slow) return slow.return(value as E);
      if (pending) {
        const again = () => it.return!(value);
        return pending.then(again, again);
      }
      const was = state;
      state = OVER;
      if (was === FAST) {
        try {
          p.stop();
        } catch (err) {
          return Promise.reject(err);
        }
      }
      return Promise.resolve({ done: true, value: value as E });
    },
    throw: (err?: unknown) => {
      if (slow) return slow.throw(err);
      if (pending) {
        const again = () => it.throw!(err);
        return pending.then(again, again);
      }
      if (state !== FAST) {
        state = OVER;
        return Promise.reject(err);
      }
      // Thrown in where the consumer holds an item: inside the generator's `try`, as a generator would take it.
      return toSlow({ error: err });
    },
    [Symbol.asyncIterator]: () => it,
  };
  return it;
}
