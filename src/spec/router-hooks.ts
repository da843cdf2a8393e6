/**
 * The hooks a router reports through, and what each receives. Hooks run after the caller
 * has its answer; a hook that throws never affects the call. Types only.
 */
import type { ChatCompletion, ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { AttemptRecord, DecisionRecord, FallbackEvent } from './decision-record.js';

/** One side of a shadow comparison. */
export interface ShadowSide {
  model: string;
  completion?: ChatCompletion | undefined;
  /** The error's message when the shadow call failed. */
  error?: string | undefined;
  costUsd: number;
  latencyMs?: number | undefined;
}

export interface ShadowHookState {
  /** The live call's DecisionRecord id. */
  decisionId: string;
  route: string;
  body: ChatCompletionCreateParams;
  primary: ShadowSide;
  shadow: ShadowSide;
}

export interface AttemptHookState {
  decisionId: string;
  attempt: AttemptRecord;
}
export interface FallbackHookState {
  decisionId: string;
  event: FallbackEvent;
}
export interface ErrorHookState {
  decisionId: string;
  error: unknown;
  decision: DecisionRecord;
}
export interface HookErrorState {
  hook: string;
  error: unknown;
}
export interface CacheHitHookState {
  decisionId: string;
  /** The registry model whose cached answer was served. */
  model: string;
  savedUsd: number;
  semantic: boolean;
}

/** The shared state store (`state`) failed; the router carried on per `fallback`. */
export interface StateErrorHookState {
  /** The store operation that failed, e.g. 'reserveBudget', 'takeWithin', 'connection'. */
  operation: string;
  error: unknown;
  /** 'local': served from per-process state; 'refuse': the request was refused (StateUnavailableError). */
  fallback: 'local' | 'refuse';
}
/** The shared state store answers again after an outage. */
export interface StateRecoveredHookState {
  downMs: number;
}

/** Hooks run after the caller has its answer; a hook that throws never affects the call. */
export interface RouterHooks {
  /** Once per call, when it finishes (for streams: when the stream ends, fails or is aborted). */
  onDecision?: (decision: DecisionRecord) => void | Promise<void>;
  /** After every upstream attempt, successful or not. */
  onAttempt?: (state: AttemptHookState) => void | Promise<void>;
  /** When the router moves from one model to the next. */
  onFallback?: (state: FallbackHookState) => void | Promise<void>;
  /** When a call fails for the caller. */
  onError?: (state: ErrorHookState) => void | Promise<void>;
  /** When an answer is served from the response cache. */
  onCacheHit?: (state: CacheHitHookState) => void | Promise<void>;
  /**
   * When a shadow call (a route's `shadow`) finishes: the live answer and the challenger's,
   * side by side, with their costs. Shadow calls are only made when this hook is set.
   */
  onShadow?: (state: ShadowHookState) => void | Promise<void>;
  /**
   * When the shared state store (`state`) is slow or unreachable. Reported when an outage
   * starts and at most every 10 s while it lasts.
   * @default a console.warn per report
   */
  onStateError?: (state: StateErrorHookState) => void | Promise<void>;
  /** When the shared state store answers again after an outage. */
  onStateRecovered?: (state: StateRecoveredHookState) => void | Promise<void>;
  /** When a hook throws. @default one console.warn per hook name */
  onHookError?: (state: HookErrorState) => void;
}

type HookName = Exclude<keyof RouterHooks, 'onHookError'>;

/**
 * What a service needs to report through the hooks (observability/hooks.ts's HookBus
 * implements it), so services depend on this narrow interface rather than on the bus.
 */
export interface HookEmitter {
  has(name: HookName): boolean;
  emit<K extends HookName>(name: K, arg: Parameters<NonNullable<RouterHooks[K]>>[0]): void;
}
