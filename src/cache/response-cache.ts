/**
 * Exact-match response cache (lru-cache) with an optional semantic layer. Entries are
 * scoped by tenant unless sharing is configured, bounded by count, bytes and TTL, and
 * by default only deterministic requests (temperature 0) are cached, since a cached
 * answer to a sampled request would silently remove the sampling.
 *
 * With a shared StateStore (Redis) the LRU is a first tier in front of it: answers are
 * stored serialized with their TTL under the same tenant-scoped key, so one instance's
 * answer serves the others. An unreachable store is a miss, never a failed call.
 */
import { createHash } from 'node:crypto';
import type { LRUCache } from 'lru-cache';
import type { ChatCompletion, ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { CacheOptions } from '../config/cache-schema.js';
import type { StateStore } from '../spec/state-store.js';
import { lruCacheClass } from '../internal/optional-dependencies.js';

export interface CachedAnswer {
  completion: ChatCompletion;
  model: string;
  provider: string;
  costUsd: number;
}

export interface CacheLookup {
  key: string;
  /** Everything but the messages, for semantic matches (which must agree on it). */
  paramsKey: string;
  text: string;
}

export class ResponseCache {
  private readonly lru: LRUCache<string, CachedAnswer>;
  private readonly vectors: LRUCache<string, { vector: number[]; paramsKey: string }> | undefined;
  private readonly shared: StateStore | undefined;

  constructor(
    private readonly options: CacheOptions,
    store?: StateStore,
  ) {
    this.shared = store?.shared && store.getText && store.setText ? store : undefined;
    const LRU = lruCacheClass();
    this.lru = new LRU<string, CachedAnswer>({
      max: options.maxEntries ?? 1000,
      maxSize: options.maxBytes ?? 50 * 1024 * 1024,
      sizeCalculation: (v) => Math.max(1, JSON.stringify(v.completion).length),
      ttl: options.ttlMs ?? 300_000,
    });
    this.vectors = options.semantic ? new LRU({ max: options.semantic.maxEntries ?? 500, ttl: options.ttlMs ?? 300_000 }) : undefined;
  }

  /** Whether this request may use the cache at all. */
  allows(body: ChatCompletionCreateParams, perCall: boolean | undefined): boolean {
    if (perCall === false) return false;
    if (perCall === true || this.options.mode === 'all') return true;
    return body.temperature === 0 && (body.n ?? 1) === 1;
  }

  /**
   * `eligibility`: what decides which models may answer this request beyond the body
   * (tier, region, required capabilities…). It is part of the key, so an answer given
   * under one policy is never looked up under another; the caller also checks a hit's
   * model against the request's own candidates.
   */
  lookupKey(body: ChatCompletionCreateParams, target: string, tenant: string | undefined, eligibility = ''): CacheLookup {
    const scope = this.options.shareAcrossTenants ? '*' : (tenant ?? '');
    const { messages, stream: _s, stream_options: _o, model: _m, ...params } = body as ChatCompletionCreateParams & { stream_options?: unknown };
    const paramsKey = `${scope}\u0000${target}\u0000${eligibility}\u0000${stableStringify(params)}`;
    const key = createHash('sha256').update(paramsKey).update('\u0000').update(stableStringify(messages)).digest('hex');
    return { key, paramsKey, text: messages.map((m) => (typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? ''))).join('\n') };
  }

  async get(l: CacheLookup): Promise<{ answer: CachedAnswer; semantic: boolean } | undefined> {
    const exact = this.lru.get(l.key) ?? (await this.remote(l.key));
    if (exact) return { answer: exact, semantic: false };
    if (!this.vectors || !this.options.semantic) return undefined;
    const vector = await this.options.semantic.embed(l.text);
    const threshold = this.options.semantic.threshold ?? 0.95;
    let best: { key: string; sim: number } | undefined;
    for (const [key, v] of this.vectors.entries()) {
      if (v.paramsKey !== l.paramsKey) continue;
      const sim = cosine(vector, v.vector);
      if (sim >= threshold && (!best || sim > best.sim)) best = { key, sim };
    }
    const hit = best && this.lru.get(best.key);
    return hit ? { answer: hit, semantic: true } : undefined;
  }

  async set(l: CacheLookup, answer: CachedAnswer): Promise<void> {
    this.lru.set(l.key, answer);
    if (this.shared) {
      const json = JSON.stringify(answer);
      if (json.length <= (this.options.maxBytes ?? 50 * 1024 * 1024)) await this.shared.setText!(`rc:${l.key}`, json, this.options.ttlMs ?? 300_000);
    }
    if (this.vectors && this.options.semantic) {
      const vector = await this.options.semantic.embed(l.text);
      this.vectors.set(l.key, { vector, paramsKey: l.paramsKey });
    }
  }

  /** An answer another instance stored; kept in the local tier from then on. */
  private async remote(key: string): Promise<CachedAnswer | undefined> {
    if (!this.shared) return undefined;
    const text = await this.shared.getText!(`rc:${key}`);
    if (text === undefined) return undefined;
    let answer: CachedAnswer;
    try {
      answer = JSON.parse(text) as CachedAnswer;
    } catch {
      return undefined;
    }
    if (!answer || typeof answer !== 'object' || !answer.completion) return undefined;
    this.lru.set(key, answer);
    return answer;
  }

  /** Empties this process's tier (entries in a shared store expire by their TTL). */
  clear(): void {
    this.lru.clear();
    this.vectors?.clear();
  }

  get size(): number {
    return this.lru.size;
  }
}

/** JSON with sorted keys, so property order never splits one request into two keys. */
export function stableStringify(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(',')}]`;
  const keys = Object.keys(v as object)
    .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableStringify((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

function cosine(a: number[], b: number[]): number {
  if (a.length !== b.length || a.length === 0) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na && nb ? dot / Math.sqrt(na * nb) : 0;
}
