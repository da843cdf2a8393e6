/**
 * `createSwitchboardProvider(router)`: an AI SDK provider whose language models are the
 * router's routes and models, so generateText / streamText / generateObject get
 * fallback, cost-aware routing and decision records without leaving the AI SDK.
 */
import { NoSuchModelError } from '@ai-sdk/provider';
import type { LanguageModelV3, ProviderV3 } from '@ai-sdk/provider';
import type { Router } from '../client/router.js';
import type { RoutingContext } from '../config/router-options.js';
import { SwitchboardLanguageModel } from './switchboard-language-model.js';

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
}

export interface SwitchboardProvider extends ProviderV3 {
  /** `switchboard('auto')`: the same as `languageModel('auto')`. */
  (routeOrModelId: string): LanguageModelV3;
  /**
   * A language model for a route or a model id of the router (omitted: the default
   * route). An unknown id fails at the first call with the router's UnknownModelError.
   * @example generateText({ model: switchboard.languageModel('auto'), prompt })
   */
  languageModel(routeOrModelId?: string): LanguageModelV3;
}

/**
 * @example
 * const switchboard = createSwitchboardProvider(router);
 * const { text, providerMetadata } = await generateText({ model: switchboard('auto'), prompt: 'Hi' });
 * providerMetadata?.switchboard?.decision; // the DecisionRecord
 */
export function createSwitchboardProvider(router: Router, options: SwitchboardProviderOptions = {}): SwitchboardProvider {
  if (!router || typeof (router as { chat?: unknown }).chat !== 'object') {
    throw new TypeError('createSwitchboardProvider(router): pass the router returned by createRouter()');
  }
  const settings = { providerName: options.name ?? 'switchboard', routing: options.routing };
  const languageModel = (routeOrModelId?: string): LanguageModelV3 => {
    if (routeOrModelId !== undefined && (typeof routeOrModelId !== 'string' || routeOrModelId.length === 0)) {
      throw new TypeError(`switchboard.languageModel(): expected a route or model id string, got ${JSON.stringify(routeOrModelId)}`);
    }
    return new SwitchboardLanguageModel(router, routeOrModelId, settings);
  };
  const unsupported = (modelType: 'embeddingModel' | 'imageModel') => (modelId: string): never => {
    throw new NoSuchModelError({ modelId, modelType, message: `llm-switchboard routes language models only; '${modelId}' is not available as an ${modelType}.` });
  };
  const provider = (routeOrModelId: string) => languageModel(routeOrModelId);
  return Object.assign(provider, {
    specificationVersion: 'v3' as const,
    languageModel,
    embeddingModel: unsupported('embeddingModel'),
    imageModel: unsupported('imageModel'),
  });
}
