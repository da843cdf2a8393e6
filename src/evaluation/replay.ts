/**
 * Offline replay: runs a dataset through a real router (resolve → filter → rank → execute
 * → record) whose only provider answers from the recorded outcomes. Quality is the
 * recorded score of whichever model really answered; cost is the router's own priced usage.
 */
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { createRouter } from '../create-router.js';
import type { Router } from '../client/router.js';
import type { StrategyFunction } from '../spec/strategy.js';
import type { Validator } from '../validators/validator.js';
import type { RoutingDataset, RoutingRow } from './dataset.js';
import type { OperatingPoint } from './metrics.js';
import { createProgress } from './progress.js';

export interface ReplayRoute {
  /** Label for reports. @default the strategy's name */
  label?: string | undefined;
  /** A registered strategy's name or a function. @default 'priority' */
  strategy?: string | StrategyFunction | undefined;
  /** The route's models. @default every model of the dataset, cheapest first */
  models?: string[] | undefined;
  /** Route option passed through. */
  minQuality?: number | undefined;
  /** Strategies to register by name (e.g. `{ learned: learnedStrategy(model) }`). */
  strategies?: Record<string, StrategyFunction> | undefined;
  /** Descriptor `quality` per model. @default each model's mean score over the replayed rows */
  quality?: Record<string, number> | undefined;
  /**
   * Cascade: try the plan in order and keep the first answer `accept` passes (the last
   * model's answer is kept whatever it says). Each try is a real routed call.
   */
  cascade?: { accept: Validator } | undefined;
}

export interface ReplayOptions {
  /** The model counted as "strong" for strongShare. @default the dataset's most expensive model */
  strong?: string | undefined;
  /** Pass each row's group as `routing.taskType`. @default true */
  groupAsTaskType?: boolean | undefined;
  /** Progress bar on stderr (only drawn on a TTY). @default false */
  progress?: boolean | undefined;
}

export interface RowOutcome {
  id: string;
  /** The model whose answer was kept. */
  model: string;
  /** Every model called, in order. */
  called: string[];
  score: number;
  costUsd: number;
}

export interface ReplayResult extends OperatingPoint {
  label: string;
  strongShare: number;
  calls: number;
  /** Share of queries each model's answer was kept. */
  share: Record<string, number>;
  rows: RowOutcome[];
}

const PAD = 'x';

/** Mean score per model over the rows: the benchmark-level prior a team would put in `quality`. */
export function meanScores(ds: RoutingDataset): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of ds.models) out[m] = ds.rows.reduce((s, r) => s + (r.outcomes[m]?.score ?? 0), 0) / Math.max(1, ds.rows.length);
  return out;
}

function buildRouter(ds: RoutingDataset, route: ReplayRoute, current: { row: RoutingRow | undefined }): Router {
  const quality = route.quality ?? meanScores(ds);
  const filler = PAD.repeat(4 * (ds.defaultOutputTokens ?? 1));
  return createRouter({
    providers: {
      replay: {
        type: 'mock',
        // The recorded answer when the source has one; otherwise filler of the assumed length,
        // so the router's usage estimate (chars / 4) prices it.
        reply: (body) => current.row?.outcomes[body.model]?.response ?? filler,
      },
    },
    models: ds.models.map((id) => ({ id, provider: 'replay', pricing: ds.pricing[id], quality: Math.max(0, Math.min(1, quality[id] ?? 0.5)) })),
    routes: { eval: { models: route.models ?? ds.models, strategy: route.strategy ?? 'priority', ...(route.minQuality !== undefined ? { minQuality: route.minQuality } : {}) } },
    ...(route.strategies ? { strategies: route.strategies } : {}),
  });
}

/** Replays every row of `ds` through `route` and reports quality, cost and calls per query. */
export async function replay(ds: RoutingDataset, route: ReplayRoute, opts: ReplayOptions = {}): Promise<ReplayResult> {
  const strong = opts.strong ?? ds.models[ds.models.length - 1]!;
  const current: { row: RoutingRow | undefined } = { row: undefined };
  const router = buildRouter(ds, route, current);
  const label = route.label ?? (typeof route.strategy === 'string' ? route.strategy : (route.strategy?.name ?? 'priority'));
  const progress = createProgress(opts.progress ? ds.rows.length : 0, label);
  const rows: RowOutcome[] = [];
  const kept: Record<string, number> = {};
  let strongCount = 0;
  for (const row of ds.rows) {
    current.row = row;
    const body: ChatCompletionCreateParamsNonStreaming = { model: 'eval', messages: [{ role: 'user', content: row.prompt }] };
    const routing = opts.groupAsTaskType !== false && row.group ? { taskType: row.group } : {};
    const called: string[] = [];
    let costUsd = 0;
    let model: string;
    if (!route.cascade) {
      const { decision } = await router.chat.completions.create(body, { routing }).withDecision();
      model = decision.model!;
      called.push(...decision.attempts.map((a) => a.model));
      costUsd = decision.cost.finalUsd;
    } else {
      const plan = router.explain(body, { routing }).plan.map((p) => p.model);
      model = plan[plan.length - 1]!;
      for (let i = 0; i < plan.length; i++) {
        const { data, decision } = await router.chat.completions.create({ ...body, model: plan[i]! }, { routing }).withDecision();
        called.push(decision.model!);
        costUsd += decision.cost.finalUsd;
        if (i === plan.length - 1 || (await route.cascade.accept({ completion: data, body, model: decision.model }))) {
          model = decision.model!;
          break;
        }
      }
    }
    if (called.includes(strong)) strongCount++;
    kept[model] = (kept[model] ?? 0) + 1;
    rows.push({ id: row.id, model, called, score: row.outcomes[model]?.score ?? 0, costUsd });
    progress.tick();
  }
  progress.done();
  const n = Math.max(1, rows.length);
  const share: Record<string, number> = {};
  for (const m of ds.models) share[m] = (kept[m] ?? 0) / n;
  return {
    label,
    quality: rows.reduce((s, r) => s + r.score, 0) / n,
    costUsd: rows.reduce((s, r) => s + r.costUsd, 0) / n,
    calls: rows.reduce((s, r) => s + r.called.length, 0) / n,
    strongShare: strongCount / n,
    share,
    rows,
  };
}

/** Always one model: the single-model operating points. */
export async function singleModelPoints(ds: RoutingDataset, opts: ReplayOptions = {}): Promise<ReplayResult[]> {
  const out: ReplayResult[] = [];
  for (const m of ds.models) out.push(await replay(ds, { label: m, models: [m] }, opts));
  return out;
}

/** Merges results over disjoint row sets (cross-validation folds) into one operating point. */
export function mergeResults(label: string, parts: readonly ReplayResult[], models: readonly string[]): ReplayResult {
  const rows = parts.flatMap((p) => p.rows);
  const n = Math.max(1, rows.length);
  const total = (f: (p: ReplayResult) => number) => parts.reduce((s, p) => s + f(p) * p.rows.length, 0) / n;
  const share: Record<string, number> = {};
  for (const m of models) share[m] = total((p) => p.share[m] ?? 0);
  return { label, quality: total((p) => p.quality), costUsd: total((p) => p.costUsd), calls: total((p) => p.calls), strongShare: total((p) => p.strongShare), share, rows };
}
