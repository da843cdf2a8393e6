/**
 * Stage 5: builds the DecisionRecord as the call proceeds, prices usage, and hands the
 * frozen record to the hooks exactly once.
 */
import { randomUUID } from 'node:crypto';
import type { RoutingContext } from '../config/router-options.js';
import type { ModelEntry } from '../registry/registry.js';
import type { HookBus } from '../observability/hooks.js';
import { addUsage, priceUsage, toUsageRecord } from '../observability/pricing.js';
import type { AttemptOutcome, AttemptRecord, CandidateRecord, DecisionRecord, FallbackEvent, UsageRecord } from './decision-record.js';

export interface RecorderInit {
  requested: string | null;
  route: string | null;
  stream: boolean;
  context: RoutingContext;
  candidates: CandidateRecord[];
  strategy: string;
  strategyReason: string;
  plan: readonly ModelEntry[];
  estimatedUsd: number;
}

export class Recorder {
  readonly id = `dec_${randomUUID()}`;
  private readonly started = Date.now();
  private readonly attempts: AttemptRecord[] = [];
  private readonly events: FallbackEvent[] = [];
  private usage: UsageRecord | undefined;
  private finalUsd = 0;
  private priced = true;
  private done: DecisionRecord | undefined;
  private resolveDecision!: (d: DecisionRecord) => void;
  readonly decision: Promise<DecisionRecord> = new Promise((r) => (this.resolveDecision = r));

  constructor(
    private readonly init: RecorderInit,
    private readonly hooks: HookBus,
  ) {}

  attempt(entry: ModelEntry, startedAt: number, outcome: AttemptOutcome, extra: Partial<AttemptRecord> & { usage?: unknown } = {}): AttemptRecord {
    const { usage, ...rest } = extra;
    const rec: AttemptRecord = {
      n: this.attempts.length + 1,
      model: entry.id,
      provider: entry.provider,
      upstreamModel: entry.upstream,
      ...(entry.region !== undefined ? { region: entry.region } : {}),
      outcome,
      startedAt: new Date(startedAt).toISOString(),
      latencyMs: Date.now() - startedAt,
      ...rest,
    };
    this.attempts.push(rec);
    // Failed attempts that consumed tokens are billed too.
    const u = toUsageRecord(usage);
    if (u) {
      this.usage = addUsage(this.usage, u);
      if (!entry.pricing) this.priced = false;
      this.finalUsd += priceUsage(u, entry.pricing);
    }
    this.hooks.emit('onAttempt', { decisionId: this.id, attempt: rec });
    return rec;
  }

  fallback(from: ModelEntry, to: ModelEntry, reason: string): void {
    const event: FallbackEvent = { type: 'fallback', from: from.id, to: to.id, reason, at: new Date().toISOString() };
    this.events.push(event);
    this.hooks.emit('onFallback', { decisionId: this.id, event });
  }

  get attemptList(): readonly AttemptRecord[] {
    return this.attempts;
  }

  finish(
    outcome: DecisionRecord['outcome'],
    answer?: { entry: ModelEntry; answeredBy: string | undefined },
    error?: unknown,
  ): DecisionRecord {
    if (this.done) return this.done;
    const ended = Date.now();
    const i = this.init;
    const rec: DecisionRecord = {
      id: this.id,
      startedAt: new Date(this.started).toISOString(),
      endedAt: new Date(ended).toISOString(),
      durationMs: ended - this.started,
      requested: i.requested,
      route: i.route,
      stream: i.stream,
      context: i.context,
      candidates: i.candidates,
      strategy: i.strategy,
      strategyReason: i.strategyReason,
      plan: i.plan.map((m) => m.id),
      attempts: this.attempts,
      events: this.events,
      outcome,
      ...(answer ? { model: answer.entry.id, provider: answer.entry.provider, ...(answer.answeredBy ? { answeredBy: answer.answeredBy } : {}) } : {}),
      ...(this.usage ? { usage: this.usage } : {}),
      cost: { estimatedUsd: i.estimatedUsd, finalUsd: this.finalUsd, priced: this.priced },
      cache: 'off',
      ...(error !== undefined ? { error: describeError(error) } : {}),
    };
    this.done = deepFreeze(rec);
    this.resolveDecision(this.done);
    this.hooks.emit('onDecision', this.done);
    if (outcome === 'error') this.hooks.emit('onError', { decisionId: this.id, error, decision: this.done });
    return this.done;
  }
}

export function describeError(err: unknown): { class: string; message: string; status?: number } {
  const e = err as { constructor?: { name?: string }; name?: string; message?: string; status?: number };
  return {
    class: (e?.name && e.name !== 'Error' ? e.name : e?.constructor?.name) ?? 'Error',
    message: String(e?.message ?? err),
    ...(typeof e?.status === 'number' ? { status: e.status } : {}),
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
