/** A team's own outcomes: one JSON object per line. */
import { readText } from './read-text.js';
import type { ModelPricing } from '../config/model-schema.js';
import type { RoutingDataset, RoutingRow } from './dataset.js';

/**
 * Reads `{ "prompt": "...", "group"?: "...", "contaminated"?: true,
 *          "outcomes": { "<model>": { "score": 0..1, "response"?: "..." } } }` per line.
 * Models are ordered cheapest first by `pricing`; every row must score every priced model.
 * @example loadJsonlDataset('outcomes.jsonl', { small: { input: 0.15, output: 0.6 }, large: { input: 2.5, output: 10 } })
 */
export function loadJsonlDataset(path: string, pricing: Record<string, ModelPricing>, name = path): RoutingDataset {
  const models = Object.keys(pricing).sort((a, b) => pricing[a]!.input + pricing[a]!.output - (pricing[b]!.input + pricing[b]!.output));
  if (models.length === 0) throw new Error('loadJsonlDataset: pricing names no model');
  const rows: RoutingRow[] = [];
  let excluded = 0;
  readText(path)
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      let r: { id?: string; prompt?: unknown; group?: string; contaminated?: boolean; outcomes?: Record<string, { score?: unknown; response?: string }> };
      try {
        r = JSON.parse(line);
      } catch (err) {
        throw new Error(`${path}:${i + 1}: not JSON (${(err as Error).message})`);
      }
      if (r.contaminated) {
        excluded++;
        return;
      }
      if (typeof r.prompt !== 'string') throw new Error(`${path}:${i + 1}: 'prompt' must be a string`);
      const outcomes: RoutingRow['outcomes'] = {};
      for (const m of models) {
        const o = r.outcomes?.[m];
        if (!o || typeof o.score !== 'number' || !(o.score >= 0 && o.score <= 1)) {
          throw new Error(`${path}:${i + 1}: outcomes['${m}'].score must be a number in [0, 1]`);
        }
        outcomes[m] = { score: o.score, ...(typeof o.response === 'string' ? { response: o.response } : {}) };
      }
      rows.push({ id: r.id ?? `${name}-${i}`, prompt: r.prompt, group: r.group, outcomes });
    });
  return { name, models, pricing, rows, excluded };
}
