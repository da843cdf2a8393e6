#!/usr/bin/env node
/**
 * llm-switchboard CLI: offline routing evaluation and training on recorded outcomes.
 *
 *   llm-switchboard eval  --data <file> [--models <prices.json>] [--strategy <name>] [--learned <model.json>] [--lambda <n>] [--svg <out.svg>] [--json]
 *   llm-switchboard train --data <file> [--models <prices.json>] --out <model.json> [--seed <n>] [--dim <n>] [--length-prior cv|off|<alpha>] [--tune cv|off] [--cv-folds by-label|random] [--shared <n>]
 *   llm-switchboard train --from-records <records.jsonl> [--feedback <feedback.jsonl>] --out <model.json> [--length-prior cv|off|<alpha>] [--tune cv|off] [--cv-folds by-label|random] [--shared <n>]
 *
 * <file>: a RouteLLM CSV (.csv), an LLMRouter list (.json, with --models for prices), or
 * JSONL `{ prompt, outcomes: { model: { score } } }` (with --models `{ model: { input, output } }`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { ModelPricing } from './config/model-schema.js';
import type { RoutingDataset } from './evaluation/dataset.js';
import { loadRouteLLMCsv } from './evaluation/load-routellm.js';
import { loadLLMRouter } from './evaluation/load-llmrouter.js';
import { loadJsonlDataset } from './evaluation/load-jsonl.js';
import { replay, singleModelPoints, type ReplayResult } from './evaluation/replay.js';
import { learnedCurve, learnedPoolCurve, summarizePair } from './evaluation/evaluate.js';
import { aiq, costToReach } from './evaluation/metrics.js';
import { costQualityChart } from './evaluation/svg.js';
import { trainRouter, type TrainRouterOptions } from './evaluation/train-router.js';
import { assertLearnedModel, learnedStrategy, type LearnedRouterModel } from './strategies/learned.js';
import { datasetFromRecords, readRecordsJsonl } from './evaluation/records-dataset.js';

const USAGE = `Usage:
  llm-switchboard eval  --data <file> [--models <prices.json>] [--strategy <name>] [--learned <model.json>] [--lambda <n>] [--limit <n>] [--svg <out.svg>] [--json]
  llm-switchboard train --data <file> [--models <prices.json>] --out <model.json> [--seed <n>] [--dim <n>] [--limit <n>] [--length-prior cv|off|<alpha>] [--tune cv|off] [--cv-folds by-label|random] [--shared <n>]
  llm-switchboard train --from-records <records.jsonl> [--feedback <feedback.jsonl>] [--models <prices.json>] --out <model.json> [--seed <n>] [--length-prior cv|off|<alpha>] [--tune cv|off] [--cv-folds by-label|random] [--shared <n>]

  --length-prior  blend "longer prompts → the pricier model" into the learned score at decision
                  time: cv (default) chooses its weight by 5-fold cross-validation on the training
                  rows (needs 50 rows with both the cheapest and the priciest model's outcome);
                  a number in [0, 1] fixes the learned score's weight; off leaves it out
  --tune          cv (default): choose the step size by the same cross-validation; off: 0.03
  --cv-folds      by-label (default): folds split by label when there are enough (choices for traffic
                  with new task labels); random: random folds (choices for traffic like these rows)
  --shared        step of the part every model shares, × the learning rate (default 2 when some
                  row lacks a model's outcome, as from records; 0 when every row is fully labelled);
                  0 fits each model alone

  --from-records  DecisionRecords (one JSON per line, from onDecision), with feedback lines
                  (type: 'feedback', from onFeedback) in the same or a --feedback file; the
                  router's logged features (or recorded content) and propensities train the model

  --data     RouteLLM CSV (.csv), LLMRouter list (.json, needs --models), or JSONL outcomes (.jsonl, needs --models)
  --models   prices: LLMRouter's model list, or { "<model>": { "input": usd/M, "output": usd/M } }
  --strategy a built-in strategy to replay (default: priority, i.e. the cheapest model)
  --learned  a model from 'train': replays the learned router, sweeping λ to trace the cost-quality curve
  --lambda   replay the learned router at one λ only
  --svg      write the cost-quality chart here`;

function loadData(path: string, models: string | undefined, limit: number | undefined): RoutingDataset {
  let ds: RoutingDataset;
  if (path.endsWith('.csv')) ds = loadRouteLLMCsv(path, path);
  else if (path.endsWith('.jsonl')) {
    if (!models) throw new Error('--models is required with a .jsonl dataset (prices per model)');
    ds = loadJsonlDataset(path, JSON.parse(readFileSync(models, 'utf8')) as Record<string, ModelPricing>);
  } else {
    if (!models) throw new Error('--models is required with an LLMRouter .json dataset');
    ds = loadLLMRouter(path, models);
  }
  return limit !== undefined ? { ...ds, rows: ds.rows.slice(0, limit) } : ds;
}

const num = (v: string | undefined, name: string): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number (got '${v}')`);
  return n;
};

function lengthPriorOption(v: string | undefined): TrainRouterOptions['lengthPrior'] {
  if (v === undefined || v === 'cv') return true;
  if (v === 'off') return false;
  const alpha = Number(v);
  if (v.trim() === '' || !(alpha >= 0 && alpha <= 1)) throw new Error(`--length-prior must be cv, off or a number in [0, 1] (got '${v}')`);
  return { alpha };
}

function priorLine(model: LearnedRouterModel): string {
  const t = model.meta?.tune as { chosen?: number } | string | undefined;
  const step = typeof t === 'object' && t.chosen !== undefined ? `; step size ${t.chosen} (by CV)` : typeof t === 'string' ? `; ${t}` : '';
  const lp = model.lengthPrior;
  if (lp) return `length prior α = ${lp.alpha}${lp.cv ? ` (chosen by ${lp.cv.folds}-fold CV${lp.cv.byLabel ? ' split by label' : ''}; APGR per α ${lp.cv.alphas.map((a, i) => `${a}: ${lp.cv!.apgr[i]}`).join(', ')})` : ' (fixed)'}${step}`;
  return `length prior ${typeof model.meta?.lengthPrior === 'string' ? model.meta.lengthPrior : 'off'}${step}`;
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 1;
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      data: { type: 'string' },
      models: { type: 'string' },
      strategy: { type: 'string' },
      learned: { type: 'string' },
      lambda: { type: 'string' },
      limit: { type: 'string' },
      svg: { type: 'string' },
      json: { type: 'boolean' },
      out: { type: 'string' },
      seed: { type: 'string' },
      dim: { type: 'string' },
      'from-records': { type: 'string', multiple: true },
      feedback: { type: 'string', multiple: true },
      'length-prior': { type: 'string' },
      tune: { type: 'string' },
      'cv-folds': { type: 'string' },
      shared: { type: 'string' },
    },
  });
  const lengthPrior = lengthPriorOption(values['length-prior']);
  if (values.tune !== undefined && values.tune !== 'cv' && values.tune !== 'off') throw new Error(`--tune must be cv or off (got '${values.tune}')`);
  const tune = values.tune !== 'off';
  const cvFolds = values['cv-folds'];
  if (cvFolds !== undefined && cvFolds !== 'by-label' && cvFolds !== 'random') throw new Error(`--cv-folds must be by-label or random (got '${cvFolds}')`);
  const shared = num(values.shared, 'shared');
  if (shared !== undefined && !(shared >= 0)) throw new Error(`--shared must be a number >= 0 (got '${values.shared}')`);
  const sharedOption = shared !== undefined ? { shared } : {};
  if (values['from-records']) {
    if (command !== 'train') throw new Error('--from-records works with the train command');
    if (!values.out) throw new Error('--out is required');
    const pricing = values.models ? (JSON.parse(readFileSync(values.models, 'utf8')) as Record<string, ModelPricing>) : undefined;
    const input = readRecordsJsonl([...values['from-records'], ...(values.feedback ?? [])]);
    const ds = datasetFromRecords(input, { name: values['from-records'].join(', '), ...(pricing ? { pricing } : {}) });
    const r = ds.report;
    if (ds.rows.length === 0) throw new Error(`no trainable rows: ${r.records} records, ${r.feedback} feedback (${r.unmatchedFeedback} for unknown decisions, ${r.withoutFeatures} records with neither routing features nor recorded content)`);
    const seed = num(values.seed, 'seed');
    const dim = num(values.dim, 'dim');
    const model = trainRouter(ds, { ...(seed !== undefined ? { seed } : {}), ...(dim !== undefined ? { dim } : {}), lengthPrior, tune, ...(cvFolds ? { cvFolds } : {}), ...sharedOption });
    const json = JSON.stringify(model);
    writeFileSync(values.out, json);
    const observed = Object.entries(model.observations ?? {}).map(([m, n]) => `${m}: ${n}`).join(', ');
    process.stdout.write(`trained on ${ds.rows.length} rows from ${r.records} records and ${r.feedback} feedback (${r.unmatchedFeedback} feedback for unknown decisions, ${r.withoutFeatures} records without features or content left out); outcomes per model: ${observed}; ${priorLine(model)} → ${values.out} (${(json.length / 1024).toFixed(0)} KB)\n`);
    return 0;
  }
  if (!values.data) throw new Error('--data is required');
  const ds = loadData(values.data, values.models, num(values.limit, 'limit'));
  if (command === 'train') {
    if (!values.out) throw new Error('--out is required');
    const seed = num(values.seed, 'seed');
    const dim = num(values.dim, 'dim');
    const model = trainRouter(ds, { ...(seed !== undefined ? { seed } : {}), ...(dim !== undefined ? { dim } : {}), lengthPrior, tune, ...(cvFolds ? { cvFolds } : {}), ...sharedOption });
    const json = JSON.stringify(model);
    writeFileSync(values.out, json);
    process.stdout.write(`trained on ${ds.rows.length} rows (${ds.excluded ?? 0} contaminated left out); ${priorLine(model)} → ${values.out} (${(json.length / 1024).toFixed(0)} KB)\n`);
    return 0;
  }
  if (command !== 'eval') throw new Error(`unknown command '${command}'\n${USAGE}`);
  const tty = { progress: true };
  const singles = await singleModelPoints(ds);
  const weak = ds.models[0]!;
  const strong = ds.models[ds.models.length - 1]!;
  let points: ReplayResult[];
  if (values.learned) {
    const model = JSON.parse(readFileSync(values.learned, 'utf8')) as unknown;
    assertLearnedModel(model);
    const lambda = num(values.lambda, 'lambda');
    if (lambda !== undefined) points = [await replay(ds, { label: `learned λ=${lambda}`, strategy: 'learned', strategies: { learned: learnedStrategy(model, { lambda }) } }, tty)];
    else if (ds.models.length === 2) points = await learnedCurve(ds, model, weak, strong, tty);
    else points = await learnedPoolCurve(ds, model, [0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5], tty);
  } else {
    points = [await replay(ds, { strategy: values.strategy ?? 'priority' }, tty)];
  }
  const range = { minCost: Math.min(...singles.map((s) => s.costUsd)), maxCost: Math.max(...singles.map((s) => s.costUsd)) };
  const best = [...singles].sort((a, b) => b.quality - a.quality)[0]!;
  const report: Record<string, unknown> = {
    dataset: ds.name,
    rows: ds.rows.length,
    excludedContaminated: ds.excluded ?? 0,
    singles: singles.map((s) => ({ model: s.label, quality: s.quality, costUsd: s.costUsd })),
    points: points.map((p) => ({ label: p.label, quality: p.quality, costUsd: p.costUsd, calls: p.calls, strongShare: p.strongShare })),
    aiq: { singles: aiq(singles, range), withRouter: aiq([...singles, ...points], range) },
    costToReach95: { singles: costToReach(singles, 0.95 * best.quality), withRouter: costToReach([...singles, ...points], 0.95 * best.quality) },
  };
  const weakQ = singles[0]!.quality;
  const strongQ = singles[singles.length - 1]!.quality;
  if (ds.models.length === 2 && Math.abs(strongQ - weakQ) > 1e-9) {
    const s = summarizePair('router', points, weakQ, strongQ);
    report.apgr = s.apgr;
    report.cpt50 = s.cpt50;
    report.cpt80 = s.cpt80;
  }
  if (values.svg) {
    writeFileSync(
      values.svg,
      costQualityChart({
        title: `${ds.name}: quality vs cost`,
        series: [{ name: points.length > 1 ? 'router (swept)' : points[0]!.label, points: points.map((p) => ({ cost: p.costUsd, quality: p.quality })), pointsOnly: points.length === 1 }],
        singles: singles.map((s) => ({ name: s.label, cost: s.costUsd, quality: s.quality })),
      }),
    );
  }
  if (values.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else {
    const f = (x: unknown) => (typeof x === 'number' ? (Number.isFinite(x) ? x.toFixed(4) : 'n/a') : String(x));
    const lines = [`${ds.name}: ${ds.rows.length} rows (${ds.excluded ?? 0} contaminated left out)`];
    for (const s of singles) lines.push(`  single ${s.label}: quality ${f(s.quality)}, cost/query $${s.costUsd.toExponential(3)}`);
    for (const p of points) lines.push(`  ${p.label}: quality ${f(p.quality)}, cost/query $${p.costUsd.toExponential(3)}, calls/query ${f(p.calls)}, strong share ${f(p.strongShare)}`);
    for (const k of ['apgr', 'cpt50', 'cpt80'] as const) if (k in report) lines.push(`  ${k.toUpperCase()}: ${f(report[k])}`);
    const a = report.aiq as { singles: number; withRouter: number };
    lines.push(`  AIQ: single models ${f(a.singles)}, with router ${f(a.withRouter)}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return 0;
}

// Run when executed directly (the bin), not when imported by tests.
const invoked = process.argv[1] ?? '';
if (/cli\.(ts|js|cjs|mjs)$/.test(invoked) || invoked.endsWith('llm-switchboard')) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`llm-switchboard: ${(err as Error)?.message ?? String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
