// The public surface. Explicit named exports only.
export { createRouter } from './create-router.js';
export { Router, ChatCompletions } from './client/router.js';
export type { RoutePlan, RouterFetch } from './client/router.js';
export { ROUTING_HEADER } from './http/routing-header.js';
export { RoutedPromise } from './client/routed-promise.js';
export { structuredOutputValidator, checkStructuredOutput } from './client/chat-completions-parse.js';
export type { ParsedContentOf, RouterParseParams, StructuredOutputCheck } from './client/chat-completions-parse.js';
export type { RouterStreamParams, RouterRunnerOptions, RunToolsMethod } from './client/chat-completions-stream.js';
export { StructuredOutputError } from './client/structured-output-error.js';
export { Embeddings } from './client/embeddings.js';
export type { RouterEmbeddingCreateParams } from './client/embeddings.js';
export { Models, ModelsPagePromise } from './client/models.js';
export { Responses } from './client/responses.js';
export type { WithDecision, DecisionFor, WithRequestID } from './client/routed-promise.js';
export type { RouterRequestOptions, RouterCreateParams } from './client/request-options.js';
export type { RouterOptions } from './config/router-options.js';
export type { ModelDescriptor, ModelPricing, ModelCapabilities } from './config/model-schema.js';
export type { RouteConfig } from './config/route-schema.js';
export type { RouterHooks, AttemptHookState, FallbackHookState, ErrorHookState, HookErrorState } from './spec/router-hooks.js';
export type { RoutingContext } from './spec/routing-context.js';
export type {
  ProviderConfig,
  OpenAIProviderConfig,
  AnthropicProviderConfig,
  GoogleProviderConfig,
  MockProviderConfig,
  MockBehaviour,
  MockOutcome,
} from './config/provider-schema.js';
export type { ProviderAdapter } from './spec/provider-adapter.js';
export type { AdapterCallOptions, AdapterStream, ChatModel } from './spec/chat-model.js';
export type { EmbedCallOptions, EmbeddingModel } from './spec/embedding-model.js';
export type { ResponsesModel } from './spec/responses-model.js';
export type { ProviderErrorInfo, ProviderErrorKind } from './spec/provider-error-info.js';
export type { UsageExtensions } from './spec/usage-extensions.js';
export type { ReasoningExtension } from './spec/reasoning-extension.js';
export type {
  DecisionRecord,
  AttemptRecord,
  AttemptOutcome,
  CandidateRecord,
  ExclusionReason,
  FallbackEvent,
  DecisionEvent,
  RetryEvent,
  SkipEvent,
  EscalationEvent,
  HedgeEvent,
  ResumeEvent,
  StreamSegmentRecord,
  UsageRecord,
} from './spec/decision-record.js';
export type { Requirements } from './spec/requirements.js';
export type { Candidate, StrategyFunction, StrategyInfo, StrategyResult } from './spec/strategy.js';
// Routing: strategy options, rules, policy, scores, the complexity heuristic.
export type { StrategyScores } from './spec/strategy.js';
export type { RouteStrategyOptions } from './config/route-schema.js';
export type { ComplexityTier, StrategyOptions } from './spec/strategy-options.js';
export type { RoutingRule, RoutingPolicy, AccessPolicy } from './config/rule-schema.js';
export type { RuleCondition, RuleValue, RuleScalar } from './config/rule-condition.js';
export type { MatchedRuleRecord } from './spec/decision-record.js';
export type { Tokenizer } from './spec/requirements.js';
export { complexityScore } from './strategies/complexity-score.js';
export { builtinStrategies } from './strategies/builtin-strategies.js';
export type { ModelStats } from './spec/model-entry.js';
export { ConfigError } from './errors/config-error.js';
export type { ConfigIssue } from './errors/config-error.js';
// Resilience: options, state store, built-in select, health.
export type {
  ResilienceOptions,
  RetryOptions,
  TimeoutOptions,
  CircuitBreakerOptions,
  LimitOptions,
  ModelLimits,
  RouteExecutionOptions,
  ExecutionMode,
  HedgeOptions,
} from './config/resilience-schema.js';
export type { AcceptCheck, AcceptFunction, AcceptInput, SchemaLike } from './config/accept-check.js';
export type { EnsembleAnswer, SelectFunction } from './config/ensemble-select.js';
export { MemoryStateStore } from './state/memory-state-store.js';
export type {
  StateStore,
  MaybePromise,
  BudgetWindowKeys,
  BudgetReserveReply,
  BudgetSettle,
  ReservationTag,
  BreakerKeys,
  BreakerCounts,
  StateEvent,
} from './spec/state-store.js';
// Shared state on Redis (the `redis` client is an optional peer, loaded on first use).
export { redisStore, RedisStateStore } from './state/redis-store.js';
export type { RedisStoreOptions, RedisClientLike } from './state/redis-store.js';
export { StateUnavailableError } from './state/state-unavailable-error.js';
export type { StateErrorHookState, StateRecoveredHookState } from './spec/router-hooks.js';
export { majorityVote } from './resilience/select.js';
export type { ModelHealth } from './resilience/resilience.js';
export type { CircuitState } from './resilience/circuit-breaker.js';
export { classifyError } from './resilience/classify-error.js';
export type { Classification, FailureAction, FailureScope } from './resilience/classify-error.js';
export { UnknownModelError } from './errors/unknown-model-error.js';
export { NoRouteError } from './errors/no-route-error.js';
export { NoModelAvailableError } from './errors/no-model-available-error.js';
export { RouterError } from './errors/router-error.js';
export { AllCandidatesFailedError } from './errors/all-candidates-failed-error.js';
export type { FailedAttempts } from './errors/all-candidates-failed-error.js';
export { BudgetExceededError } from './errors/budget-exceeded-error.js';
export type { BudgetState } from './errors/budget-exceeded-error.js';
export type { BudgetConfig } from './config/budget-schema.js';
export type { BudgetCheck } from './budgets/budget-ledger.js';
export type { CacheOptions, SemanticCacheOptions } from './config/cache-schema.js';
export type { CostDimension, CostSummaryRow } from './observability/cost-tracker.js';
export type { CostTrackerOptions } from './config/observability-schema.js';
export type { TelemetryOptions } from './config/observability-schema.js';
export type { TracerLike } from './config/tracer-like.js';
export type { BudgetCheckRecord, RecordedContent } from './spec/decision-record.js';
export type { CacheHitHookState } from './spec/router-hooks.js';
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
} from 'openai/core/error';
// Routing evaluation, learned routing, answer validators, shadow evaluation.
export { learnedStrategy, predictLearned, featurize, promptParts, assertLearnedModel, createLearnedModel, LEARNED_FORMAT } from './strategies/learned.js';
export type { LearnedRouterModel, LearnedStrategyOptions, LearnedStrategy, LearnedRouteOptions, PromptParts, LengthPrior } from './strategies/learned.js';
export type { RecordedFeatures } from './strategies/learned-features.js';
export type { Exploration } from './strategies/exploration.js';
export type { RoutingTarget, TargetStats } from './strategies/routing-target.js';
export type { FeedbackEvent } from './strategies/feedback-event.js';
export { FEEDBACK_LABELS } from './client/feedback.js';
export { knnStrategy, KnnIndex } from './strategies/knn.js';
export type { KnnStrategy, KnnStrategyOptions, KnnIndexOptions } from './strategies/knn.js';
export { feedbackLoop } from './validators/feedback-loop.js';
export type { FeedbackLoop, FeedbackLoopOptions, JudgeInput, JudgeVerdict } from './validators/feedback-loop.js';
export { datasetFromRecords, readRecordsJsonl } from './evaluation/records-dataset.js';
export type { RecordsAndFeedback, RecordsDatasetOptions, RecordsDatasetReport } from './evaluation/records-dataset.js';
export type { FeedbackInput, FeedbackRecord } from './client/feedback.js';
export { trainRouter, trainVerifier } from './evaluation/train-router.js';
export type { TrainRouterOptions } from './evaluation/train-router.js';
export { replay, singleModelPoints, mergeResults, meanScores } from './evaluation/replay.js';
export type { ReplayRoute, ReplayOptions, ReplayResult, RowOutcome } from './evaluation/replay.js';
export { randomCurve, oraclePoint, complexityCurve, learnedCurve, learnedPoolCurve, cascadePoint, cascadeCurve, mergeCurves, summarizePair } from './evaluation/evaluate.js';
export type { PairSummary } from './evaluation/evaluate.js';
export { apgr, cpt, aiq, costToReach, costQualityHull } from './evaluation/metrics.js';
export type { OperatingPoint } from './evaluation/metrics.js';
export { kFold, kFoldDisjoint, dropOverlap, normalizePrompt, sampleRows, concatDatasets, withRows } from './evaluation/dataset.js';
export type { RoutingDataset, RoutingRow, ModelOutcome } from './evaluation/dataset.js';
export { loadRouteLLMCsv, loadRouteLLMMtBench, ROUTELLM_PRICING } from './evaluation/load-routellm.js';
export { loadLLMRouter } from './evaluation/load-llmrouter.js';
export { loadJsonlDataset } from './evaluation/load-jsonl.js';
export { costQualityChart, chartRow } from './evaluation/svg.js';
export type { ChartSpec, ChartSeries } from './evaluation/svg.js';
export { finalAnswerFormat, extractFinalAnswer, normalizeAnswer } from './validators/final-answer.js';
export type { FinalAnswerOptions } from './validators/final-answer.js';
export { arithmeticCheck, checkEquations, evaluateArithmetic } from './validators/arithmetic.js';
export { jsonSchemaCheck, validateJsonSchema } from './validators/json-schema.js';
export type { JsonSchema } from './validators/json-schema.js';
export { agreement, answersAgree } from './validators/agreement.js';
export type { AgreementOptions } from './validators/agreement.js';
export { learnedVerifier, verifierScore } from './validators/learned-verifier.js';
export { allOf, anyOf } from './validators/combine.js';
export type { Validator, ValidatorContext } from './validators/validator.js';
export type { ShadowOptions } from './config/shadow-schema.js';
export type { ShadowHookState, ShadowSide } from './spec/router-hooks.js';
