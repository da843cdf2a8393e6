/**
 * Shadow evaluation: a sampled share of a route's live requests is also sent, in the
 * background, to a challenger model. The caller's answer is never delayed or changed;
 * both outcomes go to the `onShadow` hook so a team can compare tiers on its own traffic.
 * Spend is capped: per shadow call (estimate) and in total per route.
 */
import type { ChatCompletion, ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { ShadowOptions } from '../config/shadow-schema.js';
import type { ModelEntry } from '../spec/model-entry.js';
import type { ShadowSide } from '../spec/router-hooks.js';
import type { Registry, RouteEntry } from '../registry/registry.js';
import type { HookBus } from '../observability/hooks.js';
import { estimateCost, priceUsage, toUsageRecord } from '../observability/pricing.js';

interface ShadowState {
  spentUsd: number;
  inFlight: number;
  next: number;
}
const states = new WeakMap<RouteEntry, ShadowState>();

/** Runs the request on one challenger model, outside the caller's call (no retries, no fallback). */
export type ShadowRunner = (model: ModelEntry, options: { signal: AbortSignal; timeoutMs: number | undefined }) => Promise<ChatCompletion>;

export interface ShadowInput {
  route: RouteEntry | undefined;
  /** Where challengers are looked up (descriptors and prices). */
  registry: Registry;
  run: ShadowRunner;
  hooks: HookBus;
  random: () => number;
  body: ChatCompletionCreateParams;
  decisionId: string;
  primary: { model: string; completion: ChatCompletion; costUsd: number; latencyMs?: number | undefined };
  promptTokens: number;
}

/**
 * Fires a shadow call when the route asks for one and the sample, caps and hooks allow it.
 * Never throws and never awaits: the caller's answer is already on its way.
 */
export function maybeShadow(input: ShadowInput): void {
  try {
    const cfg = (input.route?.options as { shadow?: ShadowOptions } | undefined)?.shadow;
    if (!cfg || !input.route || !input.hooks.has('onShadow')) return;
    if (!(input.random() < cfg.rate)) return;
    let st = states.get(input.route);
    if (!st) states.set(input.route, (st = { spentUsd: 0, inFlight: 0, next: 0 }));
    if (st.inFlight >= (cfg.maxInFlight ?? 4)) return;
    if (cfg.budgetUsd !== undefined && st.spentUsd >= cfg.budgetUsd) return;
    const candidates = cfg.models.map((id) => input.registry.models.get(id)).filter((m): m is ModelEntry => !!m && m.id !== input.primary.model);
    if (candidates.length === 0) return;
    const entry = candidates[st.next++ % candidates.length]!;
    const outTokens = (input.body as { max_completion_tokens?: number | null; max_tokens?: number | null }).max_completion_tokens ?? input.body.max_tokens ?? entry.maxOutputTokens ?? 0;
    const estimate = estimateCost(input.promptTokens, outTokens, entry.pricing);
    if (cfg.maxCostUsd !== undefined && estimate > cfg.maxCostUsd) return;
    if (cfg.budgetUsd !== undefined && st.spentUsd + estimate > cfg.budgetUsd) return;
    st.inFlight++;
    void run(input, cfg, entry, st);
  } catch {
    // Shadowing is best effort; it must never reach the caller.
  }
}

async function run(input: ShadowInput, cfg: ShadowOptions, entry: ModelEntry, st: ShadowState): Promise<void> {
  const started = Date.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), cfg.timeoutMs ?? 60_000);
  timer.unref?.();
  const shadow: ShadowSide = { model: entry.id, costUsd: 0 };
  try {
    const completion = await input.run(entry, { signal: controller.signal, timeoutMs: cfg.timeoutMs });
    shadow.completion = completion;
    const usage = toUsageRecord(completion.usage);
    shadow.costUsd = usage ? priceUsage(usage, entry.pricing) : 0;
  } catch (err) {
    shadow.error = (err as Error)?.message ?? String(err);
  } finally {
    clearTimeout(timer);
    shadow.latencyMs = Date.now() - started;
    st.spentUsd += shadow.costUsd;
    st.inFlight--;
  }
  input.hooks.emit('onShadow', {
    decisionId: input.decisionId,
    route: input.route!.name,
    body: input.body,
    primary: { ...input.primary },
    shadow,
  });
}
