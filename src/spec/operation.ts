/**
 * What one kind of request (chat completions, the Responses API, embeddings) tells the
 * pipeline: how it is routed, which models of the plan can serve it, which adapter
 * method one attempt calls, and how to read an answer. Operations hold no loops: the
 * orchestration (pipeline/run.ts) and the attempt loop (pipeline/execute/) are shared,
 * so retries, fallback, breakers, limits, timeouts, budgets and records behave the same
 * for every operation.
 *
 * Types only, and spec/ only: what routing reads (`Env`) and what it returns (`Plan`)
 * are parameters, bound by pipeline/operation.ts to the route stage's RouteEnv and
 * Decision, so this file names nothing above spec/.
 */
import type { AdapterCallOptions } from './chat-model.js';
import type { RecordedContent } from './decision-record.js';
import type { ModelEntry } from './model-entry.js';
import type { RoutingContext } from './routing-context.js';
import type { OperationName } from './operation-name.js';

export type { OperationName } from './operation-name.js';

/** The parts of an answer the attempt loop needs, whatever the operation. */
export interface ResultReader<Result> {
  /** The model that really answered (`completion.model`), when the answer says. */
  answeredBy(result: Result): string | undefined;
  /** Usage in the chat-completions shape (`prompt_tokens`, `completion_tokens`, …), which the recorder prices. */
  usage(result: Result): unknown;
  /** Tokens the answer used, for token-rate limits. */
  totalTokens(result: Result): number | undefined;
}

/** What a stream's events say about the answer as they pass. */
export interface EventReader<Event> {
  /** The model that answers, when this event carries it. */
  eventModel(event: Event): string | undefined;
  /** Usage (chat-completions shape) when this event carries it. */
  eventUsage(event: Event): unknown;
}

/** The routing decision an operation returns: at least the models to try, in order. */
export interface RoutedPlan {
  plan: ModelEntry[];
}

export interface OperationSpec<Body, Result, Event, Env, Plan extends RoutedPlan> extends ResultReader<Result> {
  readonly name: OperationName;
  /**
   * Checks the caller's body before anything is routed (a BadRequestError for a body no
   * model could serve) and returns the body this call works on (the same object, or a
   * per-call copy when the operation keeps derived data keyed on it).
   */
  prepare(body: Body): Body;
  /** Whether this body asks for a stream. */
  isStream(body: Body): boolean;
  /** The routing decision over this operation's models: synchronous, no I/O. */
  route(env: Env, body: Body, context: RoutingContext, dryRun: boolean): Plan;
  /** The same body sent to another route (a budget's downgrade). */
  onRoute(body: Body, route: string): Body;
  /**
   * Keeps the models of the plan that can serve this body (e.g. Responses features with
   * no chat equivalent: OpenAI-type models only). Throws a BadRequestError when none is left.
   */
  narrow?(decision: Plan, body: Body): Plan;
  /**
   * One attempt for a whole answer. `options` may hold its `signal` as an accessor (made
   * only when read, pipeline/execute/execute.ts): extend it by layering over it
   * (`Object.create(options)`), never by spreading it, which would drop the signal.
   */
  generate(entry: ModelEntry, body: Body, options: AdapterCallOptions): Promise<Result>;
  /** One attempt for a stream; absent when the operation has no streams. */
  stream?(entry: ModelEntry, body: Body, options: AdapterCallOptions): Promise<AsyncIterable<Event>>;
  /** Reads stream events; present with `stream`. */
  readonly events?: EventReader<Event> | undefined;
  /**
   * Whether a strategy of the chat registry chose the model, so `router.feedback()` on the
   * decision can reach it (the decision is remembered for feedback).
   */
  readonly strategyRouted: boolean;
  /** Whether answers may be served from (and stored in) the response cache. */
  readonly cacheable: boolean;
  /**
   * Whether the route's cascade / ensemble modes apply (their `accept` and `select` judge
   * chat completions); otherwise those routes run as fallback. Hedging applies to all.
   */
  readonly judgedModes: boolean;
  /** The prompt and answer text for a record that opted into content; absent: none recorded. */
  content?(body: Body, result: Result | undefined): RecordedContent;
}
