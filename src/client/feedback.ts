/**
 * `router.feedback(decisionId, { score })`: the outcome of a routed answer, as the user,
 * a validator, a shadow comparison or a judge saw it. The router remembers its recent
 * decisions (model, route, propensities for the last 10,000; routing features, the bulky
 * part, for the last 2,000 — never prompt text) so feedback that
 * arrives later is attributed to the model that answered, passed to strategies that learn
 * online, and handed to `onFeedback` listeners (write them next to the DecisionRecords to
 * train offline with `llm-switchboard train --from-records`).
 */
import type { DecisionRecord } from '../spec/decision-record.js';
import type { StrategyFunction } from '../spec/strategy.js';
import type { FeedbackEvent } from '../strategies/feedback-event.js';
import type { RecordedFeatures } from '../strategies/learned-features.js';

/** Labels `router.feedback()` understands without a score. */
export const FEEDBACK_LABELS: Readonly<Record<string, number>> = Object.freeze({
  good: 1,
  bad: 0,
  correct: 1,
  incorrect: 0,
  accepted: 1,
  rejected: 0,
  pass: 1,
  fail: 0,
  'thumbs-up': 1,
  'thumbs-down': 0,
});

export interface FeedbackInput {
  /** Quality of the answer, 0 (bad) .. 1 (good). Either this or `label`. */
  score?: number;
  /** A label ('good', 'bad', 'correct', 'incorrect', 'accepted', 'rejected', 'pass', 'fail', 'thumbs-up', 'thumbs-down'); with `score`, any label is kept as given. */
  label?: string;
  /**
   * Who judged: 'user', 'validator', 'shadow', 'judge' or a name of the caller's.
   * @default 'user'
   */
  source?: string;
  /**
   * The model whose answer is scored, when not the one that answered (a shadow
   * challenger's answer to the same request).
   * @default the model that answered
   */
  model?: string;
  /**
   * P(this model's answer was observed) when it is not the decision's own propensity
   * (a shadow challenger: the shadow rate).
   */
  probability?: number;
}

/** One feedback, as listeners receive it and as a JSONL line stores it. */
export interface FeedbackRecord {
  type: 'feedback';
  decisionId: string;
  at: string;
  /** Whether the decision was still in the router's memory (otherwise join offline with the records). */
  matched: boolean;
  route: string | null;
  strategy: string | null;
  /** The model whose answer was scored (null when unmatched and not given). */
  model: string | null;
  score: number;
  label?: string;
  source: string;
  /** The propensity used to weight this outcome, when known. */
  probability?: number;
}

interface Remembered {
  route: string | null;
  strategy: string;
  model: string | undefined;
  probabilities: Record<string, number> | undefined;
  taskType: string | undefined;
}

interface Ring {
  ids: string[];
  pos: number;
}

/** Records `id` as the newest key of `map`; past `capacity`, forgets the oldest. */
function evictOldest(map: Map<string, unknown>, ring: Ring, id: string, capacity: number): void {
  if (ring.ids.length < capacity) {
    ring.ids.push(id);
    return;
  }
  map.delete(ring.ids[ring.pos]!);
  ring.ids[ring.pos] = id;
  ring.pos = (ring.pos + 1) % capacity;
}

type Learner = StrategyFunction & { learn?: (e: FeedbackEvent) => boolean };

export class FeedbackHub {
  // What is remembered of each decision, one column per field, a ring of `capacity` slots
  // in the order written: one object kept per decision for 10,000 decisions measured as a
  // tenth of the router's own CPU per request (the allocation, and the collector moving
  // them to the old space).
  private readonly slotIds: string[] = [];
  private readonly slotRoutes: Array<string | null> = [];
  private readonly slotStrategies: string[] = [];
  private readonly slotModels: Array<string | undefined> = [];
  private readonly slotProbabilities: Array<Record<string, number> | undefined> = [];
  private readonly slotTaskTypes: Array<string | undefined> = [];
  /** Slots written so far (the next one is `written % capacity`). */
  private written = 0;
  /**
   * Decision id → its slot, built when feedback arrives (for the slots written since), not
   * per request: hashing each new id into a map of 10,000 cost about 2 µs per request,
   * while many routers never receive feedback. Two generations, never a delete (a Map
   * with a delete per insert rebuilds its table every few thousand inserts). An id is
   * remembered while its slot still holds it; `older` is dropped whole when `recent` fills.
   */
  private recent = new Map<string, number>();
  private older = new Map<string, number>();
  private indexed = 0;
  /** Routing features of the newest decisions only: they are the bulky part (a few KB each). */
  private readonly features = new Map<string, RecordedFeatures>();
  // Insertion order kept in rings: evicting through `map.keys().next()` walks the Map's
  // deleted slots and measured 11 µs per call at steady state (a ring: about 1 µs).
  private readonly featureRing: Ring = { ids: [], pos: 0 };
  private readonly listeners: Array<(f: FeedbackRecord) => unknown> = [];
  private warned = false;
  received = 0;
  matched = 0;
  learned = 0;

  constructor(
    private readonly capacity = 10_000,
    private readonly featureCapacity = 2_000,
  ) {}

  /** Keeps what feedback needs from a finished decision (bounded: the oldest are forgotten). */
  remember(d: DecisionRecord): void {
    if (d.outcome !== 'success') return;
    const last = (this.written - 1) % this.capacity;
    let slot: number;
    // The same decision again takes its own slot, not another decision's.
    if (this.written > 0 && this.slotIds[last] === d.id) slot = last;
    else slot = this.written++ % this.capacity;
    this.slotIds[slot] = d.id;
    this.slotRoutes[slot] = d.route;
    this.slotStrategies[slot] = d.strategy;
    this.slotModels[slot] = d.model;
    this.slotProbabilities[slot] = d.routingProbabilities as Record<string, number> | undefined;
    this.slotTaskTypes[slot] = d.context.taskType;
    if (d.routingFeatures !== undefined) {
      const featuresBefore = this.features.size;
      this.features.set(d.id, d.routingFeatures as RecordedFeatures);
      if (this.features.size !== featuresBefore) evictOldest(this.features, this.featureRing, d.id, this.featureCapacity);
    }
  }

  /** The slot that still holds decision `id`, if any. */
  private slotOf(id: string): number | undefined {
    // Index the slots written since the last lookup (only the newest `capacity` still hold theirs).
    for (let n = Math.max(this.indexed, this.written - this.capacity); n < this.written; n++) {
      if (this.recent.size >= this.capacity) {
        this.older = this.recent;
        this.recent = new Map();
      }
      const slot = n % this.capacity;
      this.recent.set(this.slotIds[slot]!, slot);
    }
    this.indexed = this.written;
    const slot = this.recent.get(id) ?? this.older.get(id);
    return slot !== undefined && this.slotIds[slot] === id ? slot : undefined;
  }

  /** What remember() kept of a decision, if it is still in memory. */
  private recalled(id: string): Remembered | undefined {
    const slot = this.slotOf(id);
    if (slot === undefined) return undefined;
    return {
      route: this.slotRoutes[slot]!,
      strategy: this.slotStrategies[slot]!,
      model: this.slotModels[slot],
      probabilities: this.slotProbabilities[slot],
      taskType: this.slotTaskTypes[slot],
    };
  }

  on(fn: (f: FeedbackRecord) => unknown): () => void {
    if (typeof fn !== 'function') throw new TypeError('onFeedback: the listener must be a function');
    this.listeners.push(fn);
    return () => {
      const i = this.listeners.indexOf(fn);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  give(decisionId: string, input: FeedbackInput, strategies: Iterable<StrategyFunction>): FeedbackRecord {
    if (typeof decisionId !== 'string' || decisionId.length === 0) throw new TypeError('router.feedback: decisionId must be the id of a DecisionRecord (a non-empty string)');
    if (!input || typeof input !== 'object') throw new TypeError('router.feedback: the second argument must be { score } or { label }');
    const score = resolveScore(input);
    const source = input.source ?? 'user';
    if (typeof source !== 'string' || source.length === 0) throw new TypeError('router.feedback: source must be a non-empty string');
    if (input.model !== undefined && (typeof input.model !== 'string' || input.model.length === 0)) throw new TypeError('router.feedback: model must be a non-empty string');
    if (input.probability !== undefined && !(input.probability > 0 && input.probability <= 1)) throw new RangeError(`router.feedback: probability must be in (0, 1] (got ${String(input.probability)})`);
    const d = this.recalled(decisionId);
    const model = input.model ?? d?.model ?? null;
    const probability = input.probability ?? (model !== null ? d?.probabilities?.[model] : undefined);
    const rec: FeedbackRecord = { type: 'feedback', decisionId, at: new Date().toISOString(), matched: d !== undefined, route: d?.route ?? null, strategy: d?.strategy ?? null, model, score, source };
    if (input.label !== undefined) rec.label = input.label;
    if (probability !== undefined) rec.probability = probability;
    this.received++;
    if (d) this.matched++;
    if (d && model !== null) {
      const event: FeedbackEvent = { decisionId, route: d.route, strategy: d.strategy, model, score, source, probability, features: this.features.get(decisionId), taskType: d.taskType };
      for (const s of new Set(strategies) as Set<Learner>) {
        if (typeof s.learn !== 'function') continue;
        try {
          if (s.learn(event)) this.learned++;
        } catch {
          // A learner that fails must not fail the caller's feedback call.
        }
      }
    }
    const frozen = Object.freeze(rec);
    for (const fn of this.listeners) {
      queueMicrotask(() => {
        try {
          const r = fn(frozen);
          if (r && typeof (r as Promise<unknown>).then === 'function') (r as Promise<unknown>).then(undefined, (e) => this.fail(e));
        } catch (e) {
          this.fail(e);
        }
      });
    }
    return frozen;
  }

  private fail(error: unknown): void {
    if (this.warned) return;
    this.warned = true;
    console.warn(`[llm-switchboard] onFeedback listener threw (further errors are not shown): ${(error as Error)?.message ?? String(error)}`);
  }
}

function resolveScore(input: FeedbackInput): number {
  if (input.score !== undefined) {
    if (typeof input.score !== 'number' || !(input.score >= 0 && input.score <= 1)) throw new RangeError(`router.feedback: score must be a number in [0, 1] (got ${String(input.score)})`);
    if (input.label !== undefined && typeof input.label !== 'string') throw new TypeError('router.feedback: label must be a string');
    return input.score;
  }
  if (typeof input.label === 'string') {
    const s = FEEDBACK_LABELS[input.label.toLowerCase()];
    if (s === undefined) throw new RangeError(`router.feedback: unknown label '${input.label}' (known: ${Object.keys(FEEDBACK_LABELS).join(', ')}; or pass a score in [0, 1] with it)`);
    return s;
  }
  throw new TypeError('router.feedback: give a score in [0, 1] or a label');
}
