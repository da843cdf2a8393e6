/**
 * Loaders for RouteLLM's public outcome files (GSM8K, MMLU, MT-Bench: GPT-4 vs Mixtral).
 * Each file is read once; rows the source marks contaminated are left out and counted.
 */
import { readText } from './read-text.js';
import type { ModelPricing } from '../config/model-schema.js';
import { csvRecords } from './csv.js';
import { concatDatasets, type RoutingDataset, type RoutingRow } from './dataset.js';

export const ROUTELLM_WEAK = 'mistralai/Mixtral-8x7B-Instruct-v0.1';
export const ROUTELLM_STRONG = 'gpt-4-1106-preview';
/** RouteLLM's own price figures, USD per million tokens. */
export const ROUTELLM_PRICING: Readonly<Record<string, ModelPricing>> = Object.freeze({
  [ROUTELLM_WEAK]: { input: 0.24, output: 0.24 },
  [ROUTELLM_STRONG]: { input: 10, output: 30 },
});

const truthy = (v: string | undefined) => v === '1' || v?.toLowerCase() === 'true';

/**
 * One or more RouteLLM CSVs (GSM8K, or MMLU parts merged): correctness booleans per model,
 * `<model>_response` answer text where present, `subject` as the row's group.
 * @example loadRouteLLMCsv('mmlu', ['.../routellm_mmlu_responses_part1.csv', '.../part2.csv'])
 */
export function loadRouteLLMCsv(name: string, paths: string | string[]): RoutingDataset {
  const parts = (Array.isArray(paths) ? paths : [paths]).map((path, p) => {
    const records = csvRecords(readText(path));
    const first = records[0];
    if (first && (!(ROUTELLM_WEAK in first) || !(ROUTELLM_STRONG in first))) {
      throw new Error(`${path}: expected columns '${ROUTELLM_WEAK}' and '${ROUTELLM_STRONG}'`);
    }
    const rows: RoutingRow[] = [];
    let excluded = 0;
    records.forEach((r, i) => {
      if (truthy(r.contaminated)) {
        excluded++;
        return;
      }
      const outcomes: RoutingRow['outcomes'] = {};
      for (const m of [ROUTELLM_WEAK, ROUTELLM_STRONG]) {
        const response = r[`${m}_response`];
        outcomes[m] = { score: truthy(r[m]) ? 1 : 0, ...(response !== undefined ? { response } : {}) };
      }
      rows.push({ id: `${name}-${p}-${i}`, prompt: r.prompt ?? '', group: r.subject || undefined, outcomes });
    });
    return { name, models: [ROUTELLM_WEAK, ROUTELLM_STRONG], pricing: { ...ROUTELLM_PRICING }, defaultOutputTokens: 1, rows, excluded };
  });
  return concatDatasets(name, parts);
}

/**
 * MT-Bench judgements: one row per (question, turn), score = GPT-4 judge score / 10.
 * Turn 2's prompt carries turn 1's question, as the model saw it.
 */
export function loadRouteLLMMtBench(path: string): RoutingDataset {
  const byKey = new Map<string, RoutingRow>();
  let excluded = 0;
  for (const line of readText(path).split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line) as { question_id: number; category: string; turns: string[]; model: string; turn: number; score: number; contaminated?: boolean };
    if (r.contaminated) {
      excluded++;
      continue;
    }
    const key = `${r.question_id}-${r.turn}`;
    let row = byKey.get(key);
    if (!row) {
      row = { id: `mt-bench-${key}`, prompt: r.turns.slice(0, r.turn).join('\n\n'), group: r.category, outcomes: {} };
      byKey.set(key, row);
    }
    row.outcomes[r.model] = { score: Math.max(0, Math.min(1, r.score / 10)) };
  }
  const rows = [...byKey.values()].filter((r) => ROUTELLM_WEAK in r.outcomes && ROUTELLM_STRONG in r.outcomes);
  return { name: 'mt-bench', models: [ROUTELLM_WEAK, ROUTELLM_STRONG], pricing: { ...ROUTELLM_PRICING }, defaultOutputTokens: 300, rows, excluded };
}
