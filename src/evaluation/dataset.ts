/**
 * The offline evaluation data model: per query, how every model did and what it said.
 * Loaders turn public files (RouteLLM, LLMRouter) or a team's own JSONL into this shape.
 */
import type { ModelPricing } from '../config/model-schema.js';
import { seededRandom } from '../internal/random.js';
import type { RecordedFeatures } from '../strategies/learned-features.js';

/** How one model did on one query. */
export interface ModelOutcome {
  /** Answer quality in [0, 1] (1 = correct). */
  score: number;
  /** The recorded answer text, when the source has it (cascades validate it). */
  response?: string | undefined;
  /**
   * P(this model was the one observed) under the logging policy: training weights the
   * outcome by 1 / propensity. Absent = observed for every row (a full benchmark).
   */
  propensity?: number | undefined;
}

export interface RoutingRow {
  id: string;
  prompt: string;
  /** A label a router may see as `routing.taskType` (e.g. the MMLU subject). */
  group?: string | undefined;
  /** The system prompt, hashed separately from the question. */
  system?: string | undefined;
  /** Messages in the conversation. @default 1 */
  turns?: number | undefined;
  /** Routing features logged by the router (rows built from DecisionRecords without prompt text). */
  features?: RecordedFeatures | undefined;
  /** Outcomes observed; with feedback from live traffic usually one model per row. */
  outcomes: Record<string, ModelOutcome>;
}

export interface RoutingDataset {
  name: string;
  /** Model ids, cheapest first. */
  models: string[];
  /** USD per million tokens per model. */
  pricing: Record<string, ModelPricing>;
  /**
   * Output tokens assumed when a model's answer text is not recorded.
   * @default 1
   */
  defaultOutputTokens?: number | undefined;
  rows: RoutingRow[];
  /** Rows left out because the source marks them contaminated. */
  excluded?: number | undefined;
}

/** Tokens estimated the way the data's README prescribes: characters / 4. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** A copy keeping only some rows (same models and prices). */
export function withRows(ds: RoutingDataset, rows: RoutingRow[], name = ds.name): RoutingDataset {
  return { ...ds, name, rows };
}

/** Seeded k-fold split: every row is in exactly one test fold. */
export function kFold(ds: RoutingDataset, k: number, seed = 1): Array<{ train: RoutingDataset; test: RoutingDataset }> {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`kFold: k must be an integer >= 2 (got ${k})`);
  const order = shuffled(ds.rows.length, seed);
  const folds: Array<{ train: RoutingDataset; test: RoutingDataset }> = [];
  for (let f = 0; f < k; f++) {
    const train: RoutingRow[] = [];
    const test: RoutingRow[] = [];
    order.forEach((idx, i) => (i % k === f ? test : train).push(ds.rows[idx]!));
    folds.push({ train: withRows(ds, train, `${ds.name} fold ${f + 1}/${k} train`), test: withRows(ds, test, `${ds.name} fold ${f + 1}/${k} test`) });
  }
  return folds;
}

/** A seeded sample of n rows (all rows when n >= size). */
export function sampleRows(ds: RoutingDataset, n: number, seed = 1): RoutingDataset {
  if (n >= ds.rows.length) return ds;
  return withRows(ds, shuffled(ds.rows.length, seed).slice(0, n).map((i) => ds.rows[i]!));
}

/** Joins datasets over the same models (e.g. the two MMLU parts). */
export function concatDatasets(name: string, parts: RoutingDataset[]): RoutingDataset {
  const first = parts[0];
  if (!first) throw new RangeError('concatDatasets: nothing to join');
  return { ...first, name, rows: parts.flatMap((p) => p.rows), excluded: parts.reduce((s, p) => s + (p.excluded ?? 0), 0) };
}

export function shuffled(n: number, seed: number): number[] {
  const rnd = seededRandom(seed);
  const a = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [a[i], a[j]] = [a[j]!, a[i]!];
  }
  return a;
}

/** The form prompts are compared in for train/test overlap: case, whitespace and punctuation runs folded. */
export function normalizePrompt(prompt: string): string {
  return prompt.toLowerCase().replace(/[\s\p{P}]+/gu, ' ').trim();
}

/** `test` without the rows whose normalised prompt also occurs in `train`, and how many were dropped. */
export function dropOverlap(train: RoutingDataset, test: RoutingDataset): { test: RoutingDataset; dropped: number } {
  const seen = new Set(train.rows.map((r) => normalizePrompt(r.prompt)));
  const rows = test.rows.filter((r) => !seen.has(normalizePrompt(r.prompt)));
  return { test: withRows(test, rows), dropped: test.rows.length - rows.length };
}

/**
 * Seeded k-fold split with no prompt in both a fold's train and test: rows that share a
 * normalised prompt stay in the same fold. `dropped` is 0 by construction (reported for tables).
 */
export function kFoldDisjoint(ds: RoutingDataset, k: number, seed = 1): Array<{ train: RoutingDataset; test: RoutingDataset; dropped: number }> {
  if (!Number.isInteger(k) || k < 2) throw new RangeError(`kFoldDisjoint: k must be an integer >= 2 (got ${k})`);
  const groups = new Map<string, RoutingRow[]>();
  for (const r of ds.rows) {
    const key = normalizePrompt(r.prompt);
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const list = [...groups.values()];
  const order = shuffled(list.length, seed);
  return Array.from({ length: k }, (_, f) => {
    const train: RoutingRow[] = [];
    const test: RoutingRow[] = [];
    order.forEach((gi, i) => (i % k === f ? test : train).push(...list[gi]!));
    return { train: withRows(ds, train, `${ds.name} fold ${f + 1}/${k} train`), test: withRows(ds, test, `${ds.name} fold ${f + 1}/${k} test`), dropped: 0 };
  });
}
