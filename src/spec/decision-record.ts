/**
 * The DecisionRecord: enough to reconstruct, after the fact, who answered and why.
 * Frozen and JSON-serialisable; field names are stable. It never holds an API key, and
 * holds prompt or completion text only when the user opts in.
 */
import type { ModelMetadataSources } from './model-entry.js';
import type { OperationName } from './operation-name.js';
import type { RoutingContext } from './routing-context.js';

export type ExclusionReason =
  | 'capability-tools'
  | 'capability-vision'
  | 'capability-json-schema'
  | 'capability-streaming'
  | 'capability-reasoning'
  /** A capability the request needs is neither declared nor in the catalog, and another model is known to have it. */
  | 'capability-unknown'
  | 'context-window'
  | 'min-quality'
  | 'region'
  | 'policy'
  | 'cost'
  | 'circuit-open'
  /** Embeddings: the request asks for longer vectors than the model makes. */
  | 'dimensions';

export interface CandidateRecord {
  model: string;
  provider: string;
  kept: boolean;
  /** Why it was excluded; absent when kept. */
  reason?: ExclusionReason;
  detail?: string;
  /**
   * A kept model whose circuit is open, tried anyway after the healthy ones: 'ejection-cap'
   * (open circuits may remove at most `maxEjectedShare` of the models) or 'panic' (every
   * model was open; the least recently failed is tried).
   */
  readmitted?: 'ejection-cap' | 'panic';
  /** The strategy's score for a kept model (e.g. estimated USD for `cost`, ms for `latency`), when it reports one. */
  score?: number;
  /**
   * Where the model's pricing, window, output ceiling and capabilities came from, when any
   * came from the catalog or a default (absent when the descriptor or the provider gave all).
   */
  sources?: Readonly<ModelMetadataSources>;
}

/** The routing rule that chose the route. */
export interface MatchedRuleRecord {
  /** 0-based position in `rules`. */
  index: number;
  /** The rule's `name`, else `rules[<index>]`. */
  name: string;
  route: string;
}

/**
 * 'abandoned': a stream the consumer stopped reading (never iterated, left mid-way, or
 * garbage-collected unread); the router cancelled it and released what it held.
 */
export type AttemptOutcome = 'success' | 'error' | 'aborted' | 'timeout' | 'abandoned';

export interface AttemptRecord {
  /** 1-based order of this attempt within the call. */
  n: number;
  model: string;
  provider: string;
  /** The upstream model id sent; `answeredBy` is what the provider reported. */
  upstreamModel: string;
  answeredBy?: string;
  region?: string;
  outcome: AttemptOutcome;
  /** The OpenAI error class name, e.g. 'RateLimitError'. */
  errorClass?: string;
  status?: number;
  errorMessage?: string;
  startedAt: string;
  latencyMs: number;
  /** Streams only: time to the first chunk. */
  ttftMs?: number;
  /** Cascade: whether `accept` took this answer (absent outside cascade). */
  accepted?: boolean;
  /** Tokens this attempt consumed (failed attempts that consumed tokens are billed too). */
  usage?: UsageRecord;
  /** What this attempt cost, from its usage and the model's pricing. */
  costUsd?: number;
  /**
   * True when `usage` is the router's estimate: a stream cut before the provider reported
   * usage (prompt tokens as estimated before the call, output from the delivered text).
   */
  usageEstimated?: boolean;
}

export interface FallbackEvent {
  type: 'fallback';
  from: string;
  to: string;
  reason: string;
  at: string;
}

/** The same model is tried again after `delayMs` (backoff, or the provider's Retry-After). */
export interface RetryEvent {
  type: 'retry';
  model: string;
  /** 1-based try of this model that is about to start. */
  attempt: number;
  delayMs: number;
  delaySource: 'retry-after' | 'backoff';
  reason: string;
  at: string;
}

/** A model of the plan was not tried: open circuit, a limit, its provider's credentials failed, too small a context window. */
export interface SkipEvent {
  type: 'skip';
  model: string;
  reason: 'circuit-open' | 'limited' | 'provider-failed' | 'context-window' | 'attempt-budget';
  detail: string;
  at: string;
}

/** Cascade: an answer was rejected by `accept` and the next model asked. `to` is null when none was left. */
export interface EscalationEvent {
  type: 'escalation';
  from: string;
  to: string | null;
  reason: string;
  at: string;
}

/** Hedge: a parallel attempt started because the running one had no first byte yet; or one was cancelled because another won. */
export interface HedgeEvent {
  type: 'hedge';
  action: 'start' | 'cancel';
  model: string;
  /** The model that was slow ('start') or that won ('cancel'). */
  other: string;
  afterMs: number;
  at: string;
}

/** A stream that failed mid-answer continued on another model, from the text delivered so far. */
export interface ResumeEvent {
  type: 'resume';
  from: string;
  to: string;
  reason: string;
  /** Characters of content already delivered to the caller before the failure. */
  deliveredChars: number;
  /** How the next model was asked to continue: an assistant prefill, or an instruction after the delivered text. */
  method?: 'prefill' | 'instruction';
  at: string;
}

/**
 * One model's part of a streamed answer (several when a cut stream was continued): what it
 * delivered to the consumer, how it ended, how the next one continued it, and its cost.
 */
export interface StreamSegmentRecord {
  model: string;
  provider: string;
  /** The attempt (AttemptRecord.n) this segment was. */
  attempt: number;
  /** Content characters passed to the consumer. */
  contentChars: number;
  /** Reasoning characters passed to the consumer. */
  reasoningChars: number;
  /** Complete tool calls passed to the consumer. */
  toolCalls: number;
  /** Held back and dropped at the cut (never reached the consumer): unfinished tool calls and reasoning. */
  discarded?: { toolCalls: number; reasoningChars: number };
  /** Characters the continuation wrote again and the router removed. */
  overlapRemovedChars?: number;
  outcome: 'finished' | 'cut' | 'aborted' | 'abandoned';
  /** Why it was cut: the failure's reason and message. */
  failure?: { reason: string; message: string };
  /** How this segment continued the previous one (absent on the first). */
  continuation?: 'prefill' | 'instruction';
  costUsd?: number;
  usageEstimated?: boolean;
}

export type DecisionEvent = FallbackEvent | RetryEvent | SkipEvent | EscalationEvent | HedgeEvent | ResumeEvent;

export interface UsageRecord {
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  reasoningTokens: number;
  cacheWriteTokens: number;
}

export interface DecisionRecord {
  id: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  /** `body.model` as the caller wrote it (null when omitted). */
  requested: string | null;
  /** The route used, or null when the caller named a model directly. */
  route: string | null;
  /** The rule that chose the route; absent when no rule applied. */
  rule?: MatchedRuleRecord;
  stream: boolean;
  /** The API called: chat completions, the Responses API or embeddings. */
  operation: OperationName;
  context: RoutingContext;
  candidates: CandidateRecord[];
  strategy: string;
  strategyReason: string;
  /** Model ids in the order they were to be tried. */
  plan: string[];
  /**
   * P(each model went first) under the strategy's policy (learning strategies with
   * exploration report it): the propensities that weight feedback in training.
   */
  routingProbabilities?: Record<string, number>;
  /** The features a learning strategy read (hashed, no prompt text), for training from records. */
  routingFeatures?: unknown;
  attempts: AttemptRecord[];
  /** Streams that were continued after a cut: every model's segment, in order (absent otherwise). */
  segments?: StreamSegmentRecord[];
  /** Fallbacks, retries, skips, escalations, hedges and resumes, in order. */
  events: DecisionEvent[];
  outcome: 'success' | 'error' | 'aborted' | 'abandoned';
  /** The model id (registry) that answered. */
  model?: string;
  provider?: string;
  /** What the provider said answered (`completion.model`). */
  answeredBy?: string;
  usage?: UsageRecord;
  cost: {
    /** Before the call, from estimated prompt tokens and the output ceiling. */
    estimatedUsd: number;
    /** From real usage, across every attempt that reported usage. */
    finalUsd: number;
    /** False when a model that answered has no pricing. */
    priced: boolean;
    /** On a cache hit: what the cached answer cost when it was first made. */
    savedUsd?: number;
  };
  /** 'off' when caching is not configured or not allowed for this request. */
  cache: 'miss' | 'hit' | 'off';
  /** On a hit: whether it came from the semantic layer rather than an exact match. */
  cacheSemantic?: boolean;
  /** Every budget that applied to this request, as checked before the call. */
  budgets: BudgetCheckRecord[];
  /** Set when a budget moved the request to a cheaper route. */
  downgradedFrom?: string;
  /** Prompt and answer, only with `recordContent: true`, after `redact`. */
  content?: RecordedContent;
  error?: { class: string; message: string; status?: number };
}

export interface BudgetCheckRecord {
  budget: string;
  scope: string;
  limitUsd: number;
  spentUsd: number;
  reservedUsd: number;
  requestedUsd: number;
  outcome: 'reserved' | 'exceeded';
}

export interface RecordedContent {
  messages: unknown[];
  /** The answer's text (or JSON of its tool calls); null when the call failed. */
  completion: string | null;
}
