/**
 * The offline evaluation data model: per query, how every model did and what it said.
 * Loaders turn public files (RouteLLM, LLMRouter) or a team's own JSONL into this shape.
 */
import type { ModelPricing } from '../config/router-options.js';
import { seededRandom } from '../internal/random.js';

/** How one model did on one query. */
export interface ModelOutcome {
  /** Answer quality in [0, 1] (1 = correct). */
  score: number;
  /** The recorded answer text, when the source has it (cascades validate it). */
  response?: string | undefined;
}

export interface RoutingRow {
  id: string;
  prompt: string;
  /** A label a router may see as `routing.taskType` (e.g. the MMLU subject). */
  group?: string | undefined;
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
