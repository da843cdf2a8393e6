// The public surface. Explicit named exports only.
export { createRouter } from './create-router.js';
export { Router, ChatCompletions } from './client/router.js';
export type { RoutePlan } from './client/router.js';
export { RoutedPromise } from './client/routed-promise.js';
export type { WithDecision, DecisionFor, WithRequestID } from './client/routed-promise.js';
export type { RouterRequestOptions, RouterCreateParams } from './client/request-options.js';
export type {
  RouterOptions,
  ModelDescriptor,
  ModelPricing,
  ModelCapabilities,
  RouteConfig,
  RouterHooks,
  RoutingContext,
  AttemptHookState,
  FallbackHookState,
  ErrorHookState,
  HookErrorState,
} from './config/router-options.js';
export type {
  ProviderConfig,
  OpenAIProviderConfig,
  AnthropicProviderConfig,
  GoogleProviderConfig,
  MockProviderConfig,
  MockBehaviour,
  MockOutcome,
} from './providers/provider-config.js';
export type {
  ProviderAdapter,
  AdapterCallOptions,
  AdapterStream,
  ProviderErrorInfo,
  ProviderErrorKind,
  UsageExtensions,
  ReasoningExtension,
} from './providers/spec.js';
export type {
  DecisionRecord,
  AttemptRecord,
  AttemptOutcome,
  CandidateRecord,
  ExclusionReason,
  FallbackEvent,
  UsageRecord,
} from './pipeline/decision-record.js';
export type { Requirements } from './pipeline/requirements.js';
export type { Candidate, StrategyFunction, StrategyInfo, StrategyResult } from './strategies/strategy.js';
export type { ModelStats } from './registry/registry.js';
export { ConfigError } from './errors/config-error.js';
export type { ConfigIssue } from './errors/config-error.js';
export { UnknownModelError } from './errors/unknown-model-error.js';
export { NoRouteError } from './errors/no-route-error.js';
export { RouterError } from './errors/router-error.js';
export { AllCandidatesFailedError } from './errors/all-candidates-failed-error.js';
export type { FailedAttempts } from './errors/all-candidates-failed-error.js';
// OpenAI's error classes, re-exported so one import serves both.
export {
  APIError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  InternalServerError,
  NotFoundError,
  OpenAIError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from 'openai';
