/**
 * The operation contract of spec/operation.ts bound to this pipeline's route stage: what
 * an operation's `route()` reads (the registries and the chat decision) and returns (a
 * Decision). Operations (operations/) and the client implement and pass this type; the
 * pipeline runs any of them without importing one.
 */
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { EmbeddingRegistry } from '../registry/embedding-registry.js';
import type { Registry } from '../registry/registry.js';
import type { OperationSpec } from '../spec/operation.js';
import type { RoutingContext } from '../spec/routing-context.js';
import type { Decision } from './route/decide.js';

/** What routing reads: the registries, and the chat decision (rules, requirements, filter, rank). */
export interface RouteEnv {
  readonly registry: Registry;
  readonly embeddings: EmbeddingRegistry | undefined;
  /** pipeline/route/decide.ts over the chat registry, with the router's strategies and rules. */
  decide(body: ChatCompletionCreateParams, context: RoutingContext, dryRun: boolean): Decision;
}

export type Operation<Body, Result, Event = never> = OperationSpec<Body, Result, Event, RouteEnv, Decision>;
