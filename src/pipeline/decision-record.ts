/**
 * The DecisionRecord: enough to reconstruct, after the fact, who answered and why.
 * Frozen and JSON-serialisable; field names are stable. It never holds an API key, and
 * holds prompt or completion text only when the user opts in.
 */
import type { RoutingContext } from '../config/router-options.js';

export type ExclusionReason =
  | 'capability-tools'
  | 'capability-vision'
  | 'capability-json-schema'
  | 'capability-streaming'
  | 'capability-reasoning'
  | 'context-window'
  | 'min-quality'
  | 'region'
  | 'cost'
  | 'circuit-open';

export interface CandidateRecord {
  model: string;
  provider: string;
  kept: boolean;
  /** Why it was excluded; absent when kept. */
  reason?: ExclusionReason;
  detail?: string;
}

export type AttemptOutcome = 'success' | 'error' | 'aborted' | 'timeout';

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
}

export interface FallbackEvent {
  type: 'fallback';
  from: string;
  to: string;
  reason: string;
  at: string;
}

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
  stream: boolean;
  context: RoutingContext;
  candidates: CandidateRecord[];
  strategy: string;
  strategyReason: string;
  /** Model ids in the order they were to be tried. */
  plan: string[];
  attempts: AttemptRecord[];
  events: FallbackEvent[];
  outcome: 'success' | 'error' | 'aborted';
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
  };
  cache: 'miss' | 'hit' | 'off';
  error?: { class: string; message: string; status?: number };
}
