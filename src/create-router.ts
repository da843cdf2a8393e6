/**
 * createRouter(): parse the whole configuration once (zod + cross-references), build
 * the adapters and the registry, and return the OpenAI-shaped client.
 */
import type { ResolvedRouterOptions, RouterOptions } from './config/router-options.js';
import { checkCrossReferences, checkEmbeddingConfig, checkRoutingReferences } from './config/cross-references.js';
import { parsePlainConfig } from './config/plain-config.js';
import { loadSchemas } from './config/load-schemas.js';
import { formatIssues } from './config/format-issues.js';
import { ConfigError, type ConfigIssue } from './errors/config-error.js';
import type { ProviderConfig } from './config/provider-schema.js';
import type { ProviderAdapter } from './spec/provider-adapter.js';
import { createAdapter } from './providers/create-adapter.js';
import { MissingPeerError } from './internal/load-peer.js';
import { createSecretScrubber, withSecretScrubbing } from './internal/scrub-secrets.js';
import { toModelEntry, toRouteEntry, type Registry, type RouteEntry } from './registry/registry.js';
import type { ModelEntry } from './spec/model-entry.js';
import { builtinStrategies } from './strategies/builtin-strategies.js';
import type { StrategyFunction } from './spec/strategy.js';
import { HookBus } from './observability/hooks.js';
import { routerFace, type Router } from './client/router.js';
import { FeedbackHub } from './client/feedback.js';
import { Pipeline } from './pipeline/run.js';
import { createFetchHandler } from './http/fetch-handler.js';
import { buildRoutingSetup } from './pipeline/route/routing-config.js';
import { Resilience } from './resilience/resilience.js';
import { allCircuitsClosed, circuitExclusion } from './resilience/circuit-breaker.js';
import { Accounting } from './pipeline/record/accounting.js';
import { takeEmbeddingModels } from './registry/embedding-registry.js';
import { MemoryStateStore } from './state/memory-state-store.js';
import { connectState } from './resilience/connect-state.js';

/** Environment variables read when a provider gives no apiKey, as each official SDK does. */
const KEY_ENV: Record<string, string[]> = {
  openai: ['OPENAI_API_KEY'],
  anthropic: ['ANTHROPIC_API_KEY'],
  google: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
};

/**
 * Creates a router: a drop-in for `new OpenAI()` whose `chat.completions.create` picks
 * a model per request.
 * @example
 * const router = createRouter({
 *   providers: { openai: { type: 'openai', apiKey: process.env.OPENAI_API_KEY } },
 *   models: [{ id: 'gpt-4o-mini', provider: 'openai' }, { id: 'gpt-4o', provider: 'openai' }],
 *   routes: { auto: { models: ['gpt-4o-mini', 'gpt-4o'] } },
 * });
 */
export function createRouter(options: RouterOptions): Router {
  // Plain providers and models are vouched for without zod (plain-config.ts); anything else
  // loads the schemas (config/load-schemas.ts), and every error reads as the schema reports it.
  const plain = parsePlainConfig(options);
  const parsed = plain !== undefined ? { success: true as const, data: plain as ResolvedRouterOptions } : loadSchemas().parseOptions(options);
  if (!parsed.success) throw new ConfigError(formatIssues(parsed.error));
  const opts: ResolvedRouterOptions = parsed.data;
  const issues: ConfigIssue[] = [];

  const providers = new Map<string, { config: ProviderConfig; adapter?: ProviderAdapter }>();
  for (const [id, raw] of Object.entries(opts.providers)) {
    const config = withEnvKey(raw);
    if (needsKey(config) && !config.apiKey) {
      const env = KEY_ENV[config.type]!;
      issues.push({ path: `providers.${id}.apiKey`, message: `missing API key for provider '${id}' (type '${config.type}'): set apiKey or ${env.join(' / ')}` });
    }
    providers.set(id, { config });
  }

  const strategies = new Map<string, StrategyFunction>(Object.entries(builtinStrategies));
  for (const [name, fn] of Object.entries(opts.strategies ?? {})) strategies.set(name, fn);
  const routes = opts.routes ?? {};
  const seen = checkCrossReferences(opts, { providers, strategies }, issues);
  checkRoutingReferences(opts, seen, { strategies, builtins: builtinStrategies }, issues);
  const routing = buildRoutingSetup(opts, seen, issues);
  const embeddingSplit = checkEmbeddingConfig(opts, issues);
  if (issues.length) throw new ConfigError(issues);

  // Adapters only for providers some model uses: an unused provider loads no SDK.
  // Every adapter scrubs every configured key (not only its own) from what it throws.
  const scrub = createSecretScrubber(configuredSecrets(providers.values()));
  const models = new Map<string, ModelEntry>();
  // The adapters as built (before scrubbing wrappers), for router.warmup().
  const raw = new Map<string, ProviderAdapter>();
  opts.models.forEach((m, i) => {
    const p = providers.get(m.provider)!;
    if (!p.adapter) {
      try {
        const adapter = createAdapter(m.provider, p.config);
        raw.set(m.provider, adapter);
        p.adapter = p.config.type === 'mock' ? adapter : withSecretScrubbing(adapter, scrub);
      } catch (err) {
        if (err instanceof MissingPeerError) issues.push({ path: `providers.${m.provider}.type`, message: err.message });
        else issues.push({ path: `models.${i}`, message: (err as Error).message });
        return;
      }
    }
    models.set(m.id, toModelEntry(m, p.config.type, p.adapter, 'baseURL' in p.config ? p.config.baseURL : undefined));
  });
  if (issues.length) throw new ConfigError(issues);
  // Embedding models and routes leave the chat registry: no chat route can pick them.
  const embeddings = takeEmbeddingModels(models, opts, embeddingSplit);

  const routeEntries = new Map<string, RouteEntry>();
  for (const [name, r] of Object.entries(routes)) {
    if (embeddingSplit.routeNames.has(name)) continue;
    const inline = typeof r.strategy === 'function' ? r.strategy : undefined;
    // A cascade tries the cheapest model first unless the route says otherwise.
    const strategyName = inline ? 'inline' : ((r.strategy as string | undefined) ?? (r.mode === 'cascade' ? 'cost' : 'priority'));
    routeEntries.set(name, toRouteEntry(name, r, models, strategyName, inline));
  }
  const defaultName = opts.defaultRoute ?? (routeEntries.has('default') ? 'default' : undefined);
  const defaultRoute = defaultName ? routeEntries.get(defaultName)! : toRouteEntry('default', {}, models, 'priority', undefined);

  const registry: Registry = { models, routes: routeEntries, defaultRoute };
  const hooks = new HookBus(opts.hooks);
  // One store for all shared state (`state`); `resilience.store` may still override breakers and limits.
  const state = opts.state ?? new MemoryStateStore();
  const accounting = new Accounting(opts, registry, hooks, state);
  const resilience = new Resilience({ ...opts.resilience, store: opts.resilience?.store ?? state }, routes);
  connectState(state, hooks, resilience, models.values());
  if (resilience.breakers) {
    const breakers = resilience.breakers;
    routing.health = (m) => circuitExclusion(m);
    routing.allHealthy = allCircuitsClosed;
    routing.readmit = (open, healthy) => breakers.readmit(open, healthy);
  }
  const warmups = [...raw.values()].filter((a) => typeof a.warmup === 'function');
  const warmup = async (connect: boolean): Promise<void> => {
    await Promise.all(warmups.map((a) => a.warmup!({ connect })));
  };
  const feedback = new FeedbackHub();
  const pipeline = new Pipeline({ registry, hooks, accounting, strategies, random: routing.randomSource.next, routing, embeddings, resilience, onRecord: (d) => feedback.remember(d) });
  return routerFace({ pipeline, feedback, warmup, fetchHandler: (r) => createFetchHandler(r) }, {});
}

/** Every key a provider may send: configured, read from the environment, or held by a passed-in client. */
function configuredSecrets(providers: Iterable<{ config: ProviderConfig }>): string[] {
  const out: string[] = [];
  for (const { config } of providers) {
    if (config.type === 'mock') continue;
    if (config.apiKey) out.push(config.apiKey);
    if (config.type === 'openai' && config.client?.apiKey) out.push(config.client.apiKey);
    for (const name of KEY_ENV[config.type] ?? []) {
      const v = process.env[name];
      if (v) out.push(v);
    }
  }
  return out;
}

function withEnvKey(config: ProviderConfig): ProviderConfig {
  if (config.type === 'mock' || config.apiKey) return config;
  // A custom baseURL points somewhere else than the vendor: never send it the vendor's key from env.
  if (config.baseURL) return config;
  for (const name of KEY_ENV[config.type] ?? []) {
    const v = process.env[name];
    if (v) return { ...config, apiKey: v };
  }
  return config;
}

function needsKey(config: ProviderConfig): config is Exclude<ProviderConfig, { type: 'mock' }> {
  if (config.type === 'mock') return false;
  if (config.type === 'openai') return !config.client && !config.baseURL;
  // Anthropic and Gemini always authenticate, whatever the endpoint.
  return true;
}
