/**
 * The iterator an adapter hands out for a stream: it reads an SDK's event stream and hands
 * out the OpenAI chunks a translator makes of each event. The Anthropic and Gemini
 * adapters differ only in the translator, the error mapping, the end-of-stream hook and
 * whether the caller-facing stream may take their fast paths.
 *
 * A hand-written iterator rather than an async generator: one `.then` per event on the
 * SDK's own promise (a generator adds a request queue, an await and a yield hop per
 * chunk). It closes like the generator it replaces: `return()` mid-stream closes the SDK
 * stream, as `for await` would; a throw while translating closes it too; before the first
 * `next()` it touches nothing. Every failure goes through `mapError`, then `finish`.
 */
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';

/** Hands one chunk out (undefined: nothing to hand out, so translators need not check). */
export type Emit = (chunk: ChatCompletionChunk | undefined) => void;

/** One stream's translation state: a method call per event, so the hot path makes no closure. */
export interface ChunkTranslator<E> {
  /** One event's chunks, in order; a throw fails the stream after the source is closed. */
  step(event: E, emit: Emit): void;
  /** The source ended: the closing chunks, or a throw saying why the stream is not an answer. */
  end(emit: Emit): void;
}

export interface TranslatingOptions {
  /** Maps whatever the stream throws (the SDK's errors, the translator's own). */
  mapError: (err: unknown) => unknown;
  /**
   * Runs once however the stream ends, if it was started, including when the consumer stops
   * early. `drained`: the source ran to its end (nothing is left to cancel).
   */
  finish?: ((drained: boolean) => void) | undefined;
  /** Offer NEXT_THEN, the fused next-then of pipeline/execute/stream-fast-iterator.ts. */
  nextThen?: boolean | undefined;
  /** Offer COMPOSE_ERROR_MAP, so the scrubbing wrapper joins `mapError` instead of adding a layer. */
  composableErrors?: boolean | undefined;
}

/** The scrubbing wrapper's hook into a stream's own error mapping (see scrub-secrets.ts). */
const COMPOSE_ERROR_MAP = Symbol.for('llm-switchboard.compose-error-map');

/** The fused next-then the caller-facing stream uses when offered (pipeline/execute/stream-fast-iterator.ts). */
const NEXT_THEN = Symbol.for('llm-switchboard.next-then');

const DONE: IteratorResult<ChatCompletionChunk> = Object.freeze({ done: true, value: undefined });

export function translatingIterator<E>(source: AsyncIterable<E>, tr: ChunkTranslator<E>, opts: TranslatingOptions): AsyncIterableIterator<ChatCompletionChunk> {
  let mapping = opts.mapError;
  const finishHook = opts.finish;
  let it: AsyncIterator<E> | undefined;
  let started = false;
  /** The source ended (or failed): nothing upstream is left to close. */
  let sourceOver = false;
  let over = false;
  let finished = false;
  let pending: Promise<unknown> | undefined;
  // Chunks translated from one event (or the end) and not yet handed out: most events make
  // one, which waits in `one` (no array touched); any after it in `more`.
  let one: ChatCompletionChunk | undefined;
  let more: ChatCompletionChunk[] | undefined;
  let head = 0;
  const emit: Emit = (c) => {
    if (!c) return;
    if (one === undefined && more === undefined) one = c;
    else (more ??= []).push(c);
  };
  const queued = () => one !== undefined || more !== undefined;
  const shift = (): IteratorResult<ChatCompletionChunk> => {
    let value = one;
    if (value !== undefined) one = undefined;
    else {
      value = more![head++]!;
      if (head === more!.length) {
        more = undefined;
        head = 0;
      }
    }
    return { done: false, value };
  };
  const clear = () => {
    one = undefined;
    more = undefined;
    head = 0;
  };
  const finish = (drained: boolean) => {
    if (finished || !finishHook) return;
    finished = true;
    finishHook(drained);
  };
  // What the generator's catch and finally did with a failure inside its try: map, then finish.
  const failWith = (err: unknown, drained = false): never => {
    over = true;
    sourceOver = true;
    const e = mapping(err);
    finish(drained);
    throw e;
  };

  const onEvent = (r: IteratorResult<E>): IteratorResult<ChatCompletionChunk> | Promise<IteratorResult<ChatCompletionChunk>> => {
    pending = undefined;
    if (r.done) {
      sourceOver = true;
      try {
        tr.end(emit);
      } catch (err) {
        failWith(err, true);
      }
      finish(true);
      if (queued()) return shift();
      over = true;
      return DONE;
    }
    try {
      tr.step(r.value, emit);
    } catch (err) {
      // As `for await` does when its body throws: close the source, then fail.
      over = true;
      sourceOver = true;
      const failed = () => failWith(err);
      return it!.return ? Promise.resolve(it!.return()).then(failed, failed) : failed();
    }
    return queued() ? shift() : pull();
  };
  const onSourceError = (err: unknown): never => {
    pending = undefined;
    return failWith(err);
  };
  /** The source's next(), which may throw rather than reject: a rejection either way. */
  const failedNext = (err: unknown): Promise<never> => {
    try {
      return failWith(err);
    } catch (e) {
      return Promise.reject(e);
    }
  };
  const pull = (): Promise<IteratorResult<ChatCompletionChunk>> => {
    let next: Promise<IteratorResult<E>>;
    try {
      next = (it ??= source[Symbol.asyncIterator]()).next();
    } catch (err) {
      return failedNext(err);
    }
    return (pending = next.then(onEvent, onSourceError));
  };

  type Step = IteratorResult<ChatCompletionChunk> | Promise<IteratorResult<ChatCompletionChunk>>;
  type Ok = (r: IteratorResult<ChatCompletionChunk>) => unknown;
  type Bad = (err: unknown) => unknown;
  // The callbacks of the one fused call in flight (calls never overlap: `pending` holds the
  // others back), so the two reactions below are made once per stream, not once per chunk.
  let fusedOk: Ok | undefined;
  let fusedBad: Bad | undefined;
  const onFused = (r: IteratorResult<E>): unknown => {
    const ok = fusedOk!;
    const bad = fusedBad!;
    let step: Step;
    try {
      step = onEvent(r);
    } catch (err) {
      return bad(err);
    }
    return step instanceof Promise ? step.then(ok, bad) : ok(step);
  };
  const onFusedError = (err: unknown): unknown => {
    const bad = fusedBad!;
    try {
      return onSourceError(err);
    } catch (mapped) {
      return bad(mapped);
    }
  };
  // `next().then(ok, bad)` with `ok` / `bad` run from the callback on the SDK's own promise
  // (the caller-facing stream's fast path, stream-fast-iterator.ts): one promise fewer per chunk.
  const nextThen = <U>(ok: (r: IteratorResult<ChatCompletionChunk>) => U | Promise<U>, bad: (err: unknown) => U | Promise<U>): Promise<U> => {
    if (pending || queued() || over || sourceOver || !it) return chunks.next().then(ok, bad);
    let next: Promise<IteratorResult<E>>;
    try {
      next = it.next();
    } catch (err) {
      return failedNext(err).then(ok, bad);
    }
    fusedOk = ok;
    fusedBad = bad;
    const fused = next.then(onFused, onFusedError) as Promise<U>;
    pending = fused;
    return fused;
  };

  const chunks: AsyncIterableIterator<ChatCompletionChunk> = {
    next: () => {
      // Calls made while one is pending wait their turn, as a generator's do.
      if (pending) return pending.then(chunks.next, chunks.next);
      started = true;
      if (queued()) return Promise.resolve(shift());
      if (over || sourceOver) {
        over = true;
        return Promise.resolve(DONE);
      }
      return pull();
    },
    return: (value?: unknown) => {
      if (pending) {
        const again = () => chunks.return!(value);
        return pending.then(again, again);
      }
      const result: IteratorResult<ChatCompletionChunk> = { done: true, value: value as ChatCompletionChunk };
      const inLoop = started && !over && !sourceOver;
      over = true;
      sourceOver = true;
      clear();
      // Never started, or past the source's end (finish already ran): nothing to close.
      if (!inLoop) return Promise.resolve(result);
      if (!it?.return) {
        finish(false);
        return Promise.resolve(result);
      }
      return Promise.resolve(it.return()).then(
        () => {
          finish(false);
          return result;
        },
        (err: unknown) => failWith(err),
      );
    },
    [Symbol.asyncIterator]: () => chunks,
  };
  if (opts.nextThen) Object.defineProperty(chunks, NEXT_THEN, { value: nextThen });
  if (opts.composableErrors) {
    Object.defineProperty(chunks, COMPOSE_ERROR_MAP, {
      value: (outer: (err: unknown) => unknown) => {
        const inner = mapping;
        mapping = (err) => outer(inner(err));
        return chunks;
      },
    });
  }
  return chunks;
}
