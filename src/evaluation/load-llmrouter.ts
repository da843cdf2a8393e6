/** Loader for LLMRouter's model pool: per-query scores over 9 open models, with prices. */
import { readText } from './read-text.js';
import type { ModelPricing } from '../config/model-schema.js';
import type { RoutingDataset, RoutingRow } from './dataset.js';

/**
 * @param dataPath a JSON list of `{ question, scores: { model: 0..1 } }`
 * @param modelsPath LLMRouter's candidate list with `input_price` / `output_price` (USD per million)
 * @example loadLLMRouter('.../llmrouter_dcrouter_test.json', '.../llmrouter_models.json')
 */
export function loadLLMRouter(dataPath: string, modelsPath: string, name = 'llmrouter'): RoutingDataset {
  const data = JSON.parse(readText(dataPath)) as Array<{ question: string; scores: Record<string, number>; contaminated?: boolean; cluster_id?: number }>;
  const catalog = JSON.parse(readText(modelsPath)) as Record<string, { input_price: number; output_price: number }>;
  const first = data[0];
  if (!first) throw new Error(`${dataPath}: no rows`);
  const pricing: Record<string, ModelPricing> = {};
  for (const m of Object.keys(first.scores)) {
    const c = catalog[m];
    if (!c) throw new Error(`${modelsPath}: no price for model '${m}'`);
    pricing[m] = { input: c.input_price, output: c.output_price };
  }
  const models = Object.keys(pricing).sort((a, b) => pricing[a]!.input + pricing[a]!.output - (pricing[b]!.input + pricing[b]!.output) || a.localeCompare(b));
  let excluded = 0;
  const rows: RoutingRow[] = [];
  data.forEach((r, i) => {
    if (r.contaminated) {
      excluded++;
      return;
    }
    const outcomes: RoutingRow['outcomes'] = {};
    for (const m of models) outcomes[m] = { score: r.scores[m] ?? 0 };
    rows.push({ id: `${name}-${i}`, prompt: r.question, outcomes });
  });
  // No answer text is recorded; every model is assumed to write the same length.
  return { name, models, pricing, defaultOutputTokens: 200, rows, excluded };
}
