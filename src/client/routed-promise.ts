/**
 * The promise `create()` returns: awaits to exactly what the OpenAI SDK returns, and
 * adds `.withDecision()` for the routing record, in the spirit of the SDK's APIPromise.
 */
import type { Stream } from 'openai/streaming';
import type { DecisionRecord } from '../pipeline/decision-record.js';

/** As the OpenAI SDK types its results: `_request_id` is the upstream request id when known. */
export type WithRequestID<T> = T & { _request_id?: string | null };

/** For streams the decision is known only when the stream ends, so it stays a promise. */
export type DecisionFor<T> = T extends Stream<any> ? Promise<DecisionRecord> : DecisionRecord;

export interface WithDecision<T> {
  data: T;
  decision: DecisionFor<T>;
}

export interface Routed<T> {
  data: T;
  decision: Promise<DecisionRecord>;
  /** True when `decision` is already settled (non-streaming calls). */
  settled: boolean;
}

export class RoutedPromise<T> extends Promise<T> {
  #inner: Promise<Routed<T>>;
  #data: Promise<T> | undefined;

  constructor(inner: Promise<Routed<T>>) {
    // The executor is a formality: every consumer goes through then() below.
    super((resolve) => resolve(null as T));
    this.#inner = inner;
  }

  // Derived promises (then/catch/finally) are plain Promises, not RoutedPromises.
  static override get [Symbol.species]() {
    return Promise;
  }

  /**
   * Resolves to the result and its DecisionRecord. For streams, `decision` is a promise
   * that settles when the stream ends, fails or is aborted.
   * @example const { data, decision } = await router.chat.completions.create(body).withDecision();
   */
  async withDecision(): Promise<WithDecision<T>> {
    const r = await this.#inner;
    const decision = r.settled ? await r.decision : r.decision;
    return { data: r.data, decision: decision as DecisionFor<T> };
  }

  private parse(): Promise<T> {
    return (this.#data ??= this.#inner.then((r) => r.data));
  }

  override then<R1 = T, R2 = never>(
    onfulfilled?: ((value: T) => R1 | PromiseLike<R1>) | null,
    onrejected?: ((reason: any) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    return this.parse().then(onfulfilled, onrejected);
  }

  override catch<R = never>(onrejected?: ((reason: any) => R | PromiseLike<R>) | null): Promise<T | R> {
    return this.parse().catch(onrejected);
  }

  override finally(onfinally?: (() => void) | null): Promise<T> {
    return this.parse().finally(onfinally);
  }
}
