/**
 * `createSwitchboardProvider(router)`: an AI SDK provider whose language models are the
 * router's routes and models, so generateText / streamText / generateObject get
 * fallback, cost-aware routing and decision records without leaving the AI SDK.
 * It speaks the provider spec of the installed `ai`: v4 for ai 7, v3 for ai 6.
 */
import { NoSuchModelError } from '@ai-sdk/provider';
import type { LanguageModelV3, LanguageModelV4 } from '@ai-sdk/provider';
import type { Router } from '../client/router.js';
import type { RoutingContext } from '../spec/routing-context.js';
import { detectSpecificationVersion, type SpecificationVersion } from './detect-specification-version.js';
import { SwitchboardLanguageModel } from './switchboard-language-model.js';
import { SwitchboardLanguageModelV3 } from './switchboard-language-model-v3.js';

export interface SwitchboardProviderOptions {
  /**
   * A routing context applied to every call; `providerOptions.switchboard.routing`
   * wins field by field. (`router.withContext(ctx)` works as well.)
   * @default none
   * @example { tenant: 'acme' }
   */
  routing?: RoutingContext;
  /**
   * The provider name the AI SDK reports (telemetry, `model.provider`), and the key of
   * this provider's per-call options in `providerOptions`.
   * @default 'switchboard'
   * @example 'router'
   */
  name?: string;
  /**
   * The AI SDK provider spec the models implement: `'v4'` (LanguageModelV4, ai 7) or
   * `'v3'` (LanguageModelV3, ai 6; ai 7 accepts it too). Set it when the `ai` this
   * package resolves is not the one that calls it (several copies in a monorepo, a
   * bundle), or for the v3 TypeScript types.
   * @default 'v4' when the installed `ai` is 7 or later, else 'v3'
   * @example 'v3'
   */
  specificationVersion?: SpecificationVersion;
}

/**
 * The provider for ai 7: LanguageModelV4 models. Declared member by member rather than
 * as `extends ProviderV4`, so that with @ai-sdk/provider 3 (ai 6, where ProviderV4 does
 * not exist) the type keeps its members; it is assignable to ProviderV4 all the same.
 */
export interface SwitchboardProvider {
  readonly specificationVersion: 'v4';
  /** `switchboard('auto')`: the same as `languageModel('auto')`. */
  (routeOrModelId: string): LanguageModelV4;
  /**
   * A language model for a route or a model id of the router (omitted: the default
   * route). An unknown id fails at the first call with the router's UnknownModelError.
   * @example generateText({ model: switchboard.languageModel('auto'), prompt })
   */
  languageModel(routeOrModelId?: string): LanguageModelV4;
  /** Throws NoSuchModelError: the router routes language models only. */
  embeddingModel(modelId: string): never;
  /** Throws NoSuchModelError: the router routes language models only. */
  imageModel(modelId: string): never;
}

/** The provider for ai 6: LanguageModelV3 models (ai 7 takes them too). */
export interface SwitchboardProviderV3 {
  readonly specificationVersion: 'v3';
  (routeOrModelId: string): LanguageModelV3;
  languageModel(routeOrModelId?: string): LanguageModelV3;
  embeddingModel(modelId: string): never;
  imageModel(modelId: string): never;
}

/**
 * @example
 * const switchboard = createSwitchboardProvider(router);
 * const { text, providerMetadata } = await generateText({ model: switchboard('auto'), prompt: 'Hi' });
 * providerMetadata?.switchboard?.decision; // the DecisionRecord
 */
export function createSwitchboardProvider(router: Router, options: SwitchboardProviderOptions & { specificationVersion: 'v3' }): SwitchboardProviderV3;
export function createSwitchboardProvider(router: Router, options?: SwitchboardProviderOptions): SwitchboardProvider;
export function createSwitchboardProvider(router: Router, options: SwitchboardProviderOptions = {}): SwitchboardProvider | SwitchboardProviderV3 {
  if (!router || typeof (router as { chat?: unknown }).chat !== 'object') {
    throw new TypeError('createSwitchboardProvider(router): pass the router returned by createRouter()');
  }
  const version = options.specificationVersion ?? detectSpecificationVersion();
  if (version !== 'v3' && version !== 'v4') {
    throw new TypeError(`createSwitchboardProvider(): specificationVersion must be 'v3' (ai 6) or 'v4' (ai 7), got ${JSON.stringify(version)}`);
  }
  const settings = { providerName: options.name ?? 'switchboard', routing: options.routing };
  const languageModel = (routeOrModelId?: string) => {
    if (routeOrModelId !== undefined && (typeof routeOrModelId !== 'string' || routeOrModelId.length === 0)) {
      throw new TypeError(`switchboard.languageModel(): expected a route or model id string, got ${JSON.stringify(routeOrModelId)}`);
    }
    return version === 'v4' ? new SwitchboardLanguageModel(router, routeOrModelId, settings) : new SwitchboardLanguageModelV3(router, routeOrModelId, settings);
  };
  const unsupported = (modelType: 'embeddingModel' | 'imageModel') => (modelId: string): never => {
    throw new NoSuchModelError({ modelId, modelType, message: `llm-switchboard routes language models only; '${modelId}' is not available as an ${modelType}.` });
  };
  const provider = (routeOrModelId: string) => languageModel(routeOrModelId);
  return Object.assign(provider, {
    specificationVersion: version,
    languageModel,
    embeddingModel: unsupported('embeddingModel'),
    imageModel: unsupported('imageModel'),
  }) as SwitchboardProvider | SwitchboardProviderV3;
}
