/**
 * The promise `create()` returns: awaits to exactly what the OpenAI SDK returns, and
 * adds `.withDecision()` for the routing record, in the spirit of the SDK's APIPromise.
 */
import type { Stream } from 'openai/streaming';
import type { DecisionRecord } from '../spec/decision-record.js';

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
  /** Streams: the decision and the model that opened the stream, known before it ends. */
  answering?: { decisionId: string; route: string | null; model: string; provider: string } | undefined;
}

// Set by RoutedPromise's static block: reads the private result without a member in the .d.ts.
let innerOf: <T>(p: RoutedPromise<T>) => Promise<Routed<T>>;

/** The call's result with its decision (router.fetch answers from it). Not exported from the package. */
export function routedResult<T>(p: RoutedPromise<T>): Promise<Routed<T>> {
  return innerOf(p);
}

export class RoutedPromise<T> extends Promise<T> {
  static {
    innerOf = (p) => p.#inner;
  }
  #inner: Promise<Routed<T>>;
  #data: Promise<T> | undefined;

  constructor(inner: Promise<Routed<T>>) {
    // The executor is a formality: every consumer goes through then() below.
    super(resolveNull);
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

  /**
   * As the OpenAI SDK's `withResponse()`. The call may have crossed several providers (or
   * none, on a cache hit), so `response` is synthesized: status 200, no body, and headers
   * `x-request-id` (the upstream request id, when the provider gave one),
   * `x-switchboard-decision-id`, `x-switchboard-model` and `x-switchboard-provider`.
   * @example const { data, request_id } = await router.chat.completions.create(body).withResponse();
   */
  async withResponse(): Promise<{ data: T; response: Response; request_id: string | null }> {
    const r = await this.#inner;
    const requestId = (r.data as { _request_id?: string | null } | null)?._request_id ?? null;
    const headers = new Headers();
    if (requestId) headers.set('x-request-id', requestId);
    // A stream's decision exists only once it ends; what answered is known now only for completions.
    const decision = r.settled ? await r.decision : undefined;
    if (decision) {
      headers.set('x-switchboard-decision-id', decision.id);
      if (decision.model) headers.set('x-switchboard-model', decision.model);
      if (decision.provider) headers.set('x-switchboard-provider', decision.provider);
    }
    return { data: r.data, response: new Response(null, { status: 200, headers }), request_id: requestId };
  }

  /** As the OpenAI SDK's `asResponse()`: the synthesized response of `withResponse()`. */
  async asResponse(): Promise<Response> {
    return (await this.withResponse()).response;
  }

  private parse(): Promise<T> {
    return (this.#data ??= this.#inner.then(dataOf));
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

// Module-level rather than inline arrows: no closure allocated per call.
function resolveNull(resolve: (v: never) => void): void {
  resolve(null as never);
}

function dataOf<T>(r: Routed<T>): T {
  return r.data;
}
