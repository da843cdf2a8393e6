/** Prices usage in USD from a descriptor's per-million prices, token class by token class. */
import type { ModelPricing } from '../config/model-schema.js';
import type { UsageRecord } from '../spec/decision-record.js';

export function priceUsage(u: UsageRecord, p: ModelPricing | undefined): number {
  if (!p) return 0;
  // prompt_tokens includes cached and cache-write tokens; each class is billed at its own rate.
  const plainInput = Math.max(0, u.promptTokens - u.cachedTokens - u.cacheWriteTokens);
  const usd =
    plainInput * p.input +
    u.cachedTokens * (p.cachedInput ?? p.input) +
    u.cacheWriteTokens * (p.cacheWrite ?? p.input) +
    u.completionTokens * p.output;
  return usd / 1_000_000;
}

export function estimateCost(promptTokens: number, maxOutputTokens: number, p: ModelPricing | undefined): number {
  if (!p) return 0;
  return (promptTokens * p.input + maxOutputTokens * p.output) / 1_000_000;
}

/** OpenAI-shaped usage (with our cache-write extension) → the record's token classes. */
export function toUsageRecord(usage: unknown): UsageRecord | undefined {
  if (!usage || typeof usage !== 'object') return undefined;
  const u = usage as {
    prompt_tokens?: number;
    completion_tokens?: number;
    prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number } | null;
    completion_tokens_details?: { reasoning_tokens?: number } | null;
  };
  return {
    promptTokens: u.prompt_tokens ?? 0,
    completionTokens: u.completion_tokens ?? 0,
    cachedTokens: u.prompt_tokens_details?.cached_tokens ?? 0,
    reasoningTokens: u.completion_tokens_details?.reasoning_tokens ?? 0,
    cacheWriteTokens: u.prompt_tokens_details?.cache_write_tokens ?? 0,
  };
}

export function addUsage(a: UsageRecord | undefined, b: UsageRecord): UsageRecord {
  if (!a) return { ...b };
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    cachedTokens: a.cachedTokens + b.cachedTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
  };
}
