/**
 * Routing quality on public outcome data (RouteLLM GSM8K / MMLU / MT-Bench, LLMRouter's
 * 9-model pool). Writes bench/ROUTING.md and bench/routing-*.svg from one run.
 *
 *   npm run eval:routing            (full)
 *   npx tsx bench/routing-quality.ts --smoke     (samples; writes .cache/routing-smoke/)
 *
 * Strong/weak curves are computed from per-row outcomes whose quality and cost come from
 * real replays of each single model through the router (src/evaluation/pair-curves.ts);
 * a point of each learned curve is re-run as a real replay of the thresholded strategy and
 * must match. Cascades and the pool are replayed point by point. The data ships gzipped in
 * bench/data/routing (see its README for provenance and licences).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { availableParallelism, loadavg } from 'node:os';
import { loadRouteLLMCsv, loadRouteLLMMtBench, ROUTELLM_STRONG, ROUTELLM_WEAK } from '../src/evaluation/load-routellm.js';
import { loadLLMRouter } from '../src/evaluation/load-llmrouter.js';
import { concatDatasets, dropOverlap, kFoldDisjoint, normalizePrompt, sampleRows, shuffled, withRows, type RoutingDataset, type RoutingRow } from '../src/evaluation/dataset.js';
import { OFFLINE_SHARED_STEP, trainRouter, trainVerifier } from '../src/evaluation/train-router.js';
import { replay, singleModelPoints, type ReplayResult } from '../src/evaluation/replay.js';
import { cascadeCurve, cascadePoint, learnedPoolCurve, oraclePoint } from '../src/evaluation/evaluate.js';
import { aiq, apgr, cpt, costToReach, type OperatingPoint } from '../src/evaluation/metrics.js';
import { pairOutcomes, randomBand, rankRows, curveFromOrder, scoreRouter, shares, type PairOutcomes, type ScoreRouterResult } from '../src/evaluation/pair-curves.js';
import { costQualityChart, chartRow, lineChart, type ChartSeries } from '../src/evaluation/svg.js';
import { allOf } from '../src/validators/combine.js';
import { finalAnswerFormat } from '../src/validators/final-answer.js';
import { arithmeticCheck } from '../src/validators/arithmetic.js';
import { verifierScore } from '../src/validators/learned-verifier.js';
import type { ValidatorContext } from '../src/validators/validator.js';
import { createLearnedModel, DEFAULT_SHARED_STEP, learnedMargin, learnedStrategy, predictWith, type LearnedRouterModel } from '../src/strategies/learned.js';
import { featurize } from '../src/strategies/learned-features.js';
import { execFileSync } from 'node:child_process';
import { KnnIndex } from '../src/strategies/knn.js';
import { complexityScore } from '../src/strategies/complexity-score.js';
import { estimateTokens } from '../src/evaluation/dataset.js';
import { createRouter } from '../src/create-router.js';
import type { StrategyFunction } from '../src/spec/strategy.js';

const here = dirname(fileURLToPath(import.meta.url));
const DATA = resolve(process.env.ROUTING_DATA ?? join(here, 'data/routing'));
function dataFile(name: string): string {
  const plain = join(DATA, name);
  return existsSync(plain) ? plain : `${plain}.gz`;
}
const smoke = process.argv.includes('--smoke');
const FOLDS = Number(process.env.ROUTING_FOLDS ?? (smoke ? 2 : 5));
const REPS = smoke ? 40 : 200;
const ONLINE_REQUESTS = smoke ? 600 : 4000;
const SEED = 1;
const W = ROUTELLM_WEAK;
const S = ROUTELLM_STRONG;
const started = Date.now();
const log = (msg: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);
const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : 'not reached');
const usd = (x: number) => `$${(x * 1000).toFixed(4)}`;
const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '—');
const rules = allOf(finalAnswerFormat({ numeric: true }), arithmeticCheck());
const PRICES = { [W]: 0.24, [S]: 20 };

type Kind = 'before generation, no in-domain labels' | 'in-domain labels' | 'reads the answer' | 'bound';
interface MethodRow {
  label: string;
  kind: Kind;
  result?: ScoreRouterResult;
  /** For replayed curves (cascades) without a bootstrap. */
  points?: OperatingPoint[];
  note?: string;
}
interface Setting {
  title: string;
  o: PairOutcomes;
  weakQ: number;
  strongQ: number;
  band: [number, number];
  rows: MethodRow[];
  singles: ReplayResult[];
  notes: string[];
}

const mean = (xs: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / Math.max(1, xs.length);
};

async function outcomesOf(ds: RoutingDataset): Promise<{ o: PairOutcomes; singles: ReplayResult[] }> {
  const singles = await singleModelPoints(ds);
  return { o: pairOutcomes(singles[0]!, singles[1]!), singles };
}

function setting(title: string, o: PairOutcomes, singles: ReplayResult[]): Setting {
  return { title, o, weakQ: mean(o.qWeak), strongQ: mean(o.qStrong), band: randomBand(o, { reps: REPS, seed: SEED }), rows: [], singles, notes: [] };
}

const run = (o: PairOutcomes, scores: ArrayLike<number>) => scoreRouter(o, scores, { reps: REPS, seed: SEED });

// --- score routers (higher = send to the strong model) -------------------------------------------

const lengthScores = (rows: RoutingRow[]) => rows.map((r) => r.prompt.length);
const complexityScores = (rows: RoutingRow[]) => rows.map((r) => complexityScore({ model: 'x', messages: [{ role: 'user', content: r.prompt }] }, estimateTokens(r.prompt)));
/** The learned strategy's own margin (with the model file's length prior when it has one, as the strategy applies it). */
function learnedScores(model: LearnedRouterModel, rows: RoutingRow[], useLabel: boolean, lengthPrior = true): number[] {
  return rows.map((r) => learnedMargin(model, r.prompt, useLabel ? r.group : undefined, W, S, PRICES, { lengthPrior }));
}
/** `llm-switchboard train` (defaults: step size and length-prior weight by CV on the training rows), without the task label. */
const trainWithPrior = (ds: RoutingDataset, cvFolds: 'by-label' | 'random' = 'by-label') => trainRouter(ds, { seed: SEED, taskFeature: false, tune: true, lengthPrior: true, cvFolds });
const priorNote = (m: LearnedRouterModel, on: string) => {
  const t = m.meta?.tune as { learningRates: number[]; apgr: number[]; byLabel: boolean; chosen: number } | undefined;
  const lp = m.lengthPrior;
  return `Tuned by \`trainRouter({ tune: true, lengthPrior: true })\` on ${on} alone (${t?.byLabel || lp?.cv?.byLabel ? 'folds split by label: each fold\'s labels unseen by its training part, as new traffic\'s are' : 'random folds: too few labels to split by'}): step size ${t?.chosen} (CV APGR per step ${t?.learningRates.map((r, i) => `${r}: ${f3(t.apgr[i]!)}`).join(', ')}); length-prior weight α = ${lp?.alpha} (CV APGR per α ${lp?.cv?.alphas.map((a, i) => `${a}: ${f3(lp.cv!.apgr[i]!)}`).join(', ')}). The model file stores α and the training-set quantiles; the strategy applies the blend at decision time, and these scores are the strategy's own (\`learnedMargin\`).`;
};
/** Per-label mean of (strong − weak) on the training rows; rows of unseen labels get the overall mean. */
function priorScores(train: RoutingRow[], test: RoutingRow[]): number[] | undefined {
  if (!train.some((r) => r.group)) return undefined;
  const acc = new Map<string, { s: number; n: number }>();
  let all = 0;
  for (const r of train) {
    const gap = (r.outcomes[S]?.score ?? 0) - (r.outcomes[W]?.score ?? 0);
    all += gap;
    const a = acc.get(r.group ?? '') ?? { s: 0, n: 0 };
    a.s += gap;
    a.n++;
    acc.set(r.group ?? '', a);
  }
  const overall = all / train.length;
  return test.map((r) => {
    const a = acc.get(r.group ?? '');
    return a ? a.s / a.n : overall;
  });
}
function knnScores(train: RoutingRow[], test: RoutingRow[]): number[] {
  const index = new KnnIndex({ dim: 16384, maxDocShare: 0.05 });
  for (const r of train) for (const m of [W, S]) if (r.outcomes[m]) index.add(r.prompt, m, r.outcomes[m]!.score);
  return test.map((r) => {
    const p = index.predict(index.features(r.prompt), [W, S], 20, 2);
    return (p[S] ?? 0) - (p[W] ?? 0);
  });
}

/** Within-fold percentile ranks, so scores from different folds' models pool on one scale. */
function ranks(scores: number[]): number[] {
  const order = rankRows(scores);
  const out = new Array<number>(scores.length);
  order.forEach((row, pos) => (out[row] = 1 - pos / Math.max(1, scores.length - 1)));
  return out;
}

// --- in-domain cross-validation --------------------------------------------------------------------

async function inDomain(ds: RoutingDataset): Promise<Setting> {
  log(`${ds.name}: single-model replays`);
  const { o, singles } = await outcomesOf(ds);
  const st = setting(`${ds.name} in-domain, ${FOLDS}-fold CV (${ds.rows.length} rows, ${ds.excluded ?? 0} contaminated left out)`, o, singles);
  const pos = new Map(ds.rows.map((r, i) => [r.id, i]));
  const folds = kFoldDisjoint(ds, FOLDS, SEED);
  const dupRows = ds.rows.length - new Set(ds.rows.map((r) => normalizePrompt(r.prompt))).size;
  st.notes.push(`Train/test overlap by normalised prompt: ${dupRows} rows repeat another row's prompt; folds keep every copy of a prompt on one side, so 0 test rows share a prompt with their training fold (0 dropped).`);
  const methods = ['learned (no label)', 'learned (with length prior)', 'learned (with length prior, random folds)', 'learned (+ subject label)', 'prior per subject', 'kNN (k=20)'] as const;
  const pooled: Record<string, number[]> = Object.fromEntries(methods.map((m) => [m, new Array<number>(ds.rows.length).fill(0)]));
  const hasGroups = ds.rows.some((r) => r.group);
  const hasAnswers = ds.rows.every((r) => typeof r.outcomes[W]?.response === 'string');
  const cascadeFolds: ReplayResult[][] = [];
  const rulePoints: ReplayResult[] = [];
  let replayCheck = '';
  let priorCheck = '';
  const priorAlphas: string[] = [];
  const randomAlphas: string[] = [];
  for (const [f, { train, test }] of folds.entries()) {
    log(`${ds.name}: fold ${f + 1}/${FOLDS}`);
    const put = (name: string, scores: number[]) => {
      const r = ranks(scores);
      test.rows.forEach((row, i) => (pooled[name]![pos.get(row.id)!] = r[i]!));
    };
    const plain = trainRouter(train, { seed: SEED, taskFeature: false });
    put('learned (no label)', learnedScores(plain, test.rows, false));
    const withPrior = trainWithPrior(train);
    priorAlphas.push(`fold ${f + 1}: step ${(withPrior.meta?.tune as { chosen?: number } | undefined)?.chosen}, α ${withPrior.lengthPrior?.alpha}`);
    put('learned (with length prior)', learnedScores(withPrior, test.rows, false));
    if (f === 0) priorCheck = await checkStrategyReplay(test, withPrior);
    if (hasGroups) {
      const randomCv = trainWithPrior(train, 'random');
      randomAlphas.push(`fold ${f + 1}: step ${(randomCv.meta?.tune as { chosen?: number } | undefined)?.chosen}, α ${randomCv.lengthPrior?.alpha}`);
      put('learned (with length prior, random folds)', learnedScores(randomCv, test.rows, false));
    }
    if (hasGroups) put('learned (+ subject label)', learnedScores(trainRouter(train, { seed: SEED }), test.rows, true));
    const prior = priorScores(train.rows, test.rows);
    if (prior) put('prior per subject', prior);
    put('kNN (k=20)', knnScores(train.rows, test.rows));
    if (f === 0) replayCheck = await checkReplay(test, plain);
    if (hasAnswers) {
      rulePoints.push(await cascadePoint(test, W, S, rules, 'cascade (format + arithmetic)'));
      const verifier = trainVerifier(train, W, { seed: SEED });
      const score = async (ctx: ValidatorContext) => ((await rules(ctx)) ? 1 : 0) + verifierScore(verifier, ctx);
      cascadeFolds.push(await cascadeCurve(test, W, S, score, 'cascade (rules + learned verifier)'));
    }
  }
  st.notes.push(replayCheck, priorCheck, `Learned (with length prior): \`trainRouter({ tune: true, lengthPrior: true })\` on each training fold alone (step size and α by an inner 5-fold CV of that fold's rows${hasGroups ? ', split by subject' : ''}): ${priorAlphas.join('; ')}.`);
  if (hasGroups) st.notes.push(`Learned (with length prior, random folds): the same with \`cvFolds: 'random'\` (\`--cv-folds random\`), the choice for traffic like the training rows rather than traffic with new subjects: ${randomAlphas.join('; ')}.`);
  st.rows.push({ label: 'prompt length (longer → strong)', kind: 'before generation, no in-domain labels', result: run(o, lengthScores(ds.rows)) });
  st.rows.push({ label: "complexity (built-in 'complexity' strategy)", kind: 'before generation, no in-domain labels', result: run(o, complexityScores(ds.rows)) });
  st.rows.push({ label: 'learned, no subject label', kind: 'in-domain labels', result: run(o, pooled['learned (no label)']!) });
  st.rows.push({ label: `learned (with length prior), no subject label${hasGroups ? ', CV split by subject (default)' : ''}`, kind: 'in-domain labels', result: run(o, pooled['learned (with length prior)']!) });
  if (hasGroups) st.rows.push({ label: 'learned (with length prior), no subject label, random-fold CV', kind: 'in-domain labels', result: run(o, pooled['learned (with length prior, random folds)']!) });
  if (hasGroups) st.rows.push({ label: 'learned + subject label', kind: 'in-domain labels', result: run(o, pooled['learned (+ subject label)']!) });
  if (hasGroups) st.rows.push({ label: 'prior per subject (one number per subject)', kind: 'in-domain labels', result: run(o, pooled['prior per subject']!) });
  st.rows.push({ label: 'kNN over training prompts (k = 20)', kind: 'in-domain labels', result: run(o, pooled['kNN (k=20)']!) });
  if (hasAnswers) {
    const total = (parts: ReplayResult[], f: (p: ReplayResult) => number) => parts.reduce((s, p) => s + f(p) * p.rows.length, 0) / ds.rows.length;
    const merge = (label: string, parts: ReplayResult[]): OperatingPoint => ({ label, strongShare: total(parts, (p) => p.strongShare), quality: total(parts, (p) => p.quality), costUsd: total(parts, (p) => p.costUsd) });
    st.rows.push({ label: 'cascade: format + arithmetic check (one point)', kind: 'reads the answer', points: [merge('rules', rulePoints)] });
    const n = cascadeFolds[0]!.length;
    st.rows.push({ label: 'cascade: rules + learned verifier', kind: 'reads the answer', points: Array.from({ length: n }, (_, i) => merge(`cv ${i}`, cascadeFolds.map((c) => c[i]!))) });
  }
  const oracle = await oraclePoint(ds);
  st.rows.push({ label: 'oracle (reads the labels; upper bound)', kind: 'bound', points: [oracle] });
  return st;
}

/** A real replay of the learned strategy thresholded at the median margin must match the computed point. */
async function checkReplay(test: RoutingDataset, model: LearnedRouterModel): Promise<string> {
  const { o } = await outcomesOf(test);
  const margins = learnedScores(model, test.rows, false);
  const order = rankRows(margins);
  const point = curveFromOrder(o, order, [0.5])[0]!;
  const k = Math.round(0.5 * test.rows.length);
  const strongIds = new Set(Array.from(order.slice(0, k), (i) => test.rows[i]!.prompt));
  const strategy: StrategyFunction = (c, _ctx, body) => {
    const text = typeof body.messages[0]?.content === 'string' ? body.messages[0].content : '';
    return strongIds.has(text) ? [S, W] : [W, S];
  };
  const real = await replay(test, { label: 'check', strategy, models: [W, S] }, { groupAsTaskType: false });
  const dq = Math.abs(real.quality - point.quality);
  const dc = Math.abs(real.costUsd - point.costUsd) / Math.max(1e-12, point.costUsd);
  return `Replay check (fold 1, learned router at a 50% strong share, ${test.rows.length} rows replayed through the router): quality ${f3(real.quality)} replayed vs ${f3(point.quality)} computed (|Δ| ${dq.toFixed(4)}), cost per 1k ${usd(real.costUsd)} vs ${usd(point.costUsd)} (${(dc * 100).toFixed(2)}% apart)${dq < 0.005 && dc < 0.01 ? ' — match' : ' — MISMATCH'}.`;
}

/**
 * The learned strategy itself (length prior applied at decision time) replayed through the
 * router at the λ that splits these rows in half must give the curve point its margins give.
 */
async function checkStrategyReplay(test: RoutingDataset, model: LearnedRouterModel): Promise<string> {
  const { o } = await outcomesOf(test);
  const margins = learnedScores(model, test.rows, false);
  const sorted = [...margins].sort((a, b) => a - b);
  // Halfway between two neighbouring margins, so no row sits on the threshold.
  const mid = Math.floor(sorted.length / 2);
  const lambda = (sorted[mid - 1]! + sorted[mid]!) / 2;
  const share = margins.filter((m) => m > lambda).length / margins.length;
  const point = curveFromOrder(o, rankRows(margins), [share])[0]!;
  const real = await replay(test, { label: 'strategy check', strategy: learnedStrategy(model, { lambda, recordFeatures: false }), models: [W, S] }, { groupAsTaskType: false });
  const dq = Math.abs(real.quality - point.quality);
  const ds = Math.abs((real.strongShare ?? 0) - share);
  return `Strategy replay check (fold 1, \`learnedStrategy\` with the model file's length prior at λ = ${lambda.toPrecision(3)}, ${test.rows.length} rows through the router): GPT-4 share ${pct(real.strongShare ?? Number.NaN)} replayed vs ${pct(share)} from the margins, quality ${f3(real.quality)} vs ${f3(point.quality)} (|Δ| ${dq.toFixed(4)})${dq < 0.005 && ds < 0.005 ? ' — match' : ' — MISMATCH'}.`;
}

// --- out of domain and held out --------------------------------------------------------------------

async function transfer(train: RoutingDataset, test: RoutingDataset, title: string): Promise<Setting> {
  log(`transfer: ${title}`);
  const { test: clean, dropped } = dropOverlap(train, test);
  const { o, singles } = await outcomesOf(clean);
  const st = setting(`${title} (${clean.rows.length} test rows)`, o, singles);
  st.notes.push(`Train/test overlap by normalised prompt: ${dropped} test rows dropped.`);
  const model = trainRouter(train, { seed: SEED, taskFeature: false });
  st.rows.push({ label: 'prompt length (longer → strong)', kind: 'before generation, no in-domain labels', result: run(o, lengthScores(clean.rows)) });
  st.rows.push({ label: "complexity (built-in 'complexity' strategy)", kind: 'before generation, no in-domain labels', result: run(o, complexityScores(clean.rows)) });
  const learnedOnTest = learnedScores(model, clean.rows, false);
  st.rows.push({ label: `learned, trained on ${train.name} (default step size)`, kind: 'before generation, no in-domain labels', result: run(o, learnedOnTest) });
  // Step size and blend weight are chosen on the training set only (CV, labels held out per fold), never on these rows.
  const priorModel = trainWithPrior(train);
  // The same weights with the prior switched off (learnedStrategy's lengthPrior: false).
  st.rows.push({ label: `learned, tuned on ${train.name} (step size by CV)`, kind: 'before generation, no in-domain labels', result: run(o, learnedScores(priorModel, clean.rows, false, false)) });
  st.rows.push({ label: `learned (with length prior), trained on ${train.name}`, kind: 'before generation, no in-domain labels', result: run(o, learnedScores(priorModel, clean.rows, false)) });
  st.notes.push(priorNote(priorModel, train.name));
  st.rows.push({ label: `kNN over ${train.name} prompts (k = 20)`, kind: 'before generation, no in-domain labels', result: run(o, knnScores(train.rows, clean.rows)) });
  const withLabel = trainRouter(train, { seed: SEED });
  if (withLabel.tasks.length) st.rows.push({ label: `learned, trained on ${train.name} with its labels (test labels unseen → no offset)`, kind: 'before generation, no in-domain labels', result: run(o, learnedScores(withLabel, clean.rows, true)) });
  if (clean.rows.every((r) => typeof r.outcomes[W]?.response === 'string')) {
    const rp = await cascadePoint(clean, W, S, rules, 'cascade (format + arithmetic)');
    st.rows.push({ label: 'cascade: format + arithmetic check (no training)', kind: 'reads the answer', points: [rp] });
  }
  return st;
}

// --- tables ----------------------------------------------------------------------------------------

function summary(st: Setting, r: MethodRow): { apgr: number; ci?: [number, number]; cpt50: number; cpt80: number; point: OperatingPoint } {
  const points = r.result?.points ?? r.points!;
  const value = r.result?.apgr ?? apgr(points, st.weakQ, st.strongQ);
  const sorted = [...points].sort((a, b) => (a.strongShare ?? 0) - (b.strongShare ?? 0));
  const point = sorted.find((p) => (p.quality - st.weakQ) / (st.strongQ - st.weakQ) >= 0.8) ?? [...points].sort((a, b) => b.quality - a.quality)[0]!;
  return { apgr: value, ...(r.result ? { ci: r.result.ci } : {}), cpt50: cpt(points, st.weakQ, st.strongQ, 0.5), cpt80: cpt(points, st.weakQ, st.strongQ, 0.8), point };
}

function settingMarkdown(st: Setting): string {
  const lines = [
    `### ${st.title}`,
    '',
    `Weak (Mixtral) quality ${f3(st.weakQ)}, strong (GPT-4) ${f3(st.strongQ)}. Random band (95% of random routers on these rows): APGR ${f3(st.band[0])}–${f3(st.band[1])}. Quality / cost are read at the first point recovering ≥ 80% of the gap.`,
    '',
    '| strategy | what it uses | APGR | 95% CI | outside random band? | CPT(50%) | CPT(80%) | quality | cost / 1k queries | GPT-4 share |',
    '|---|---|---:|---|---|---:|---:|---:|---:|---:|',
  ];
  for (const r of st.rows) {
    const s = summary(st, r);
    const outside = r.kind === 'bound' ? '—' : s.ci ? (s.ci[0] > st.band[1] ? 'yes' : s.ci[1] < st.band[0] ? 'below' : 'no') : s.apgr > st.band[1] ? 'yes (point)' : 'no (point)';
    lines.push(`| ${r.label} | ${r.kind} | ${f3(s.apgr)} | ${s.ci ? `${f3(s.ci[0])}–${f3(s.ci[1])}` : '—'} | ${outside} | ${pct(s.cpt50)} | ${pct(s.cpt80)} | ${f3(s.point.quality)} | ${usd(s.point.costUsd)} | ${pct(s.point.strongShare ?? Number.NaN)} |`);
  }
  lines.push('', ...st.notes.map((n) => `- ${n}`));
  return lines.join('\n');
}

const series = (name: string, pts: OperatingPoint[]): ChartSeries => ({ name, points: pts.map((p) => ({ cost: p.costUsd, quality: p.quality })) });
function settingChart(st: Setting, title: string): string {
  const picks = st.rows.filter((r) => r.kind !== 'bound' && (r.result || (r.points && r.points.length > 1))).slice(0, 7);
  return costQualityChart({
    title,
    series: picks.map((r) => series(r.label.replace(/ \(.*\)$/, ''), r.result?.points ?? r.points!)),
    singles: st.singles.map((s) => ({ name: s.label.includes('gpt') ? 'GPT-4' : 'Mixtral', cost: s.costUsd, quality: s.quality })),
  });
}

// --- pool ------------------------------------------------------------------------------------------

async function pool(): Promise<{ md: string; chart: string }> {
  const train = loadLLMRouter(dataFile('llmrouter_dcrouter_train.json'), dataFile('llmrouter_models.json'), 'llmrouter train');
  const full = loadLLMRouter(dataFile('llmrouter_dcrouter_test.json'), dataFile('llmrouter_models.json'), 'llmrouter test');
  const dedup = dropOverlap(train, full);
  let test = dedup.test;
  if (smoke) test = sampleRows(test, 100);
  log(`pool: ${dedup.dropped} overlapping test rows dropped; singles, oracle, learned`);
  const singles = await singleModelPoints(test);
  const oracle = await oraclePoint(test);
  const rndPick = await replay(test, { label: 'random', strategy: 'round-robin' });
  const model = trainRouter(smoke ? sampleRows(train, 500) : train, { seed: SEED });
  const lambdas = [0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 1, 2, 5, 10];
  const learned = await learnedPoolCurve(test, model, lambdas, { progress: false });
  const range = { minCost: Math.min(...singles.map((s) => s.costUsd)), maxCost: Math.max(...singles.map((s) => s.costUsd)) };
  const best = [...singles].sort((a, b) => b.quality - a.quality)[0]!;
  const target = 0.95 * best.quality;
  const bestLearned = [...learned].sort((a, b) => b.quality - a.quality)[0]!;
  const lines = [
    `### LLMRouter pool (train ${train.rows.length} rows → ${test.rows.length} unseen test rows, 9 models)`,
    '',
    `Train/test overlap by normalised prompt: ${dedup.dropped} of ${full.rows.length} test rows also occur in the train file and are dropped; the numbers below are on the ${test.rows.length} unseen ones. AIQ = area under the cost-quality convex hull over the single models' cost range, divided by that range.`,
    '',
    '| strategy | AIQ | cost to reach 95% of the best single model | best quality | cost / 1k queries at best |',
    '|---|---:|---:|---:|---:|',
    `| single models only (hull) | ${f3(aiq(singles, range))} | ${usd(costToReach(singles, target))} | ${f3(best.quality)} (${best.label}) | ${usd(best.costUsd)} |`,
    `| learned router (λ swept) + single models (hull) | ${f3(aiq([...singles, ...learned], range))} | ${usd(costToReach([...singles, ...learned], target))} | ${f3(bestLearned.quality)} (${bestLearned.label}) | ${usd(bestLearned.costUsd)} |`,
    `| random model (round-robin) | — | — | ${f3(rndPick.quality)} | ${usd(rndPick.costUsd)} |`,
    `| oracle (reads the labels) | — | — | ${f3(oracle.quality)} | ${usd(oracle.costUsd)} |`,
    '',
    `AIQ gain of the learned router over the single models on unseen rows: ${f3(aiq([...singles, ...learned], range) - aiq(singles, range))}.`,
  ];
  const chart = costQualityChart({
    title: 'LLMRouter pool (unseen test rows): quality vs cost',
    series: [series('learned (λ swept)', learned), { name: 'oracle', points: [{ cost: oracle.costUsd, quality: oracle.quality }], pointsOnly: true }],
    singles: singles.map((s) => ({ name: s.label.replace(/-instruct.*|-it$/, ''), cost: s.costUsd, quality: s.quality })),
  });
  return { md: lines.join('\n'), chart };
}

// --- online ----------------------------------------------------------------------------------------

interface OnlineResult {
  md: string;
  chart: string;
  apgrAt2000: number;
  offline: number;
  offline2000: number;
  partial2000: number;
  partial2000NoShare: number;
  offline4000: number;
  trainRows: number;
}

/**
 * MMLU replayed as live traffic through a router whose learned strategy starts from nothing,
 * explores (ε-greedy), and learns from router.feedback() that arrives 100 requests late and
 * scores only the model that answered. Every 250 requests its current model is scored on a
 * held-out fold (APGR, no subject label) and the traffic's quality per dollar is read.
 */
async function online(ds: RoutingDataset): Promise<OnlineResult> {
  const { train, test } = kFoldDisjoint(ds, 5, SEED)[0]!;
  const { o: oTest } = await outcomesOf(test);
  const traffic = shuffled(train.rows.length, SEED + 1).slice(0, ONLINE_REQUESTS).map((i) => train.rows[i]!);
  log(`online: ${traffic.length} requests, held-out ${test.rows.length} rows`);
  const space = createLearnedModel({ models: [W, S], prices: PRICES, dim: 16384 });
  const strategy = learnedStrategy(space, { online: { learningRate: 0.05 }, exploration: { type: 'epsilon-greedy', epsilon: 0.1 }, target: { strongShare: 0.5, window: 500 }, lambda: 0.5 });
  const router = createRouter({
    providers: { replay: { type: 'mock', reply: () => 'x' } },
    models: [
      { id: W, provider: 'replay', pricing: ds.pricing[W] },
      { id: S, provider: 'replay', pricing: ds.pricing[S] },
    ],
    strategies: { learned: strategy },
    routes: { eval: { models: [W, S], strategy: 'learned' } },
    seed: SEED,
  });
  const testFeatures = test.rows.map((r) => featurize(r.prompt, undefined, space));
  const evaluate = (m: LearnedRouterModel) => {
    const margins = testFeatures.map((f) => (predictWith(m.weights[S]!, f, m.dim) - predictWith(m.weights[W]!, f, m.dim)));
    return apgr(curveFromOrder(oTest, rankRows(margins), shares()), mean(oTest.qWeak), mean(oTest.qStrong));
  };
  const pending: Array<{ id: string; score: number }> = [];
  const logged: RoutingRow[] = [];
  const DELAY = 100;
  const curve: Array<{ x: number; apgr: number; qpd: number; share: number }> = [];
  let q = 0;
  let c = 0;
  let strongN = 0;
  let fed = 0;
  for (let i = 0; i < traffic.length; i++) {
    const row = traffic[i]!;
    const { decision } = await router.chat.completions.create({ model: 'eval', messages: [{ role: 'user', content: row.prompt }] }).withDecision();
    const score = row.outcomes[decision.model!]!.score;
    logged.push({ ...row, outcomes: { [decision.model!]: { score, propensity: decision.routingProbabilities?.[decision.model!] ?? 1 } } });
    q += score;
    c += decision.cost.finalUsd;
    if (decision.model === S) strongN++;
    pending.push({ id: decision.id, score });
    if (pending.length > DELAY) {
      const p = pending.shift()!;
      router.feedback(p.id, { score: p.score });
      fed++;
    }
    if ((i + 1) % 250 === 0) curve.push({ x: fed, apgr: evaluate(strategy.snapshot()), qpd: q / Math.max(1e-12, c), share: strongN / (i + 1) });
  }
  const offlineModel = trainRouter(train, { seed: SEED, taskFeature: false });
  const offline = evaluate(offlineModel);
  const first2000 = withRows(train, traffic.slice(0, 2000));
  const offline2000 = evaluate(trainRouter(first2000, { seed: SEED, taskFeature: false }));
  // The same 2,000 logged requests with only what the online router saw: the answering model's score and its propensity.
  const partial2000 = evaluate(trainRouter(withRows(train, logged.slice(0, 2000)), { seed: SEED, taskFeature: false }));
  // The same without the shared part (trainRouter's `shared: 0`, as before it had one).
  const partial2000NoShare = evaluate(trainRouter(withRows(train, logged.slice(0, 2000)), { seed: SEED, taskFeature: false, shared: 0 }));
  // How many fully labelled rows the reference's level takes: the target's distance in data.
  const offline4000 = evaluate(trainRouter(withRows(train, traffic.slice(0, 4000)), { seed: SEED, taskFeature: false }));
  const at2000 = curve.find((p) => p.x >= 2000)?.apgr ?? Number.NaN;
  const band = randomBand(oTest, { reps: REPS, seed: SEED });
  const lines = [
    `MMLU rows replayed as traffic (${traffic.length} requests drawn from a training split; the held-out split is ${test.rows.length} rows with no prompt in common). The router starts from an untrained model (\`createLearnedModel\`), explores with ε-greedy (ε = 0.1) while a strong-share target of 50% sets λ, and learns online from \`router.feedback()\`: each request's recorded score for the model that answered, delivered ${DELAY} requests late (partial, delayed feedback; propensity-weighted). Each feedback steps the answering model's predictor and, by the strategy's default \`online.shared\` (${DEFAULT_SHARED_STEP} × the step size), a part every model shares, so the model that did not answer still learns what the two have in common (mostly how hard a prompt is). No subject label is used, and nothing is learned before the first request.`,
    '',
    '| feedback received | APGR on the held-out split (current model) | traffic quality per $ | GPT-4 share so far |',
    '|---:|---:|---:|---:|',
    ...curve.filter((_, i) => i % 2 === 1 || i === 0).map((p) => `| ${p.x} | ${f3(p.apgr)} | ${p.qpd.toFixed(0)} | ${pct(p.share)} |`),
    '',
    `Offline reference, same held-out split: learned router trained on the whole training split with full labels for both models (${train.rows.length} rows): APGR ${f3(offline)}; trained offline on the first 2,000 traffic rows with both models' labels: ${f3(offline2000)} (on the first ${traffic.slice(0, 4000).length}: ${f3(offline4000)}); trained offline on the same 2,000 logged requests with only the feedback the online router had (the answering model's score, weighted by 1 / its logged propensity, and \`trainRouter\`'s shared step for partial feedback): ${f3(partial2000)} (${f3(partial2000NoShare)} with \`shared: 0\`). Random band on the held-out split: ${f3(band[0])}–${f3(band[1])}.`,
    '',
    `After 2,000 feedbacks the online router scores ${f3(at2000)}: ${f3(offline - at2000)} below the full offline router (target: within 0.03).`,
  ];
  const chart = chartRow([
    lineChart({ title: 'Online learning: APGR on held-out MMLU', xLabel: 'feedback received (requests, 100-request delay)', yLabel: 'APGR', series: [{ name: 'online (partial, delayed feedback)', points: curve.map((p) => ({ x: p.x, y: p.apgr })) }, { name: 'offline, full labels', points: curve.map((p) => ({ x: p.x, y: offline })), dashed: true }, { name: 'random', points: curve.map((p) => ({ x: p.x, y: 0.5 })), dashed: true }] }),
    lineChart({ title: 'Online learning: quality per dollar of the traffic', xLabel: 'feedback received', yLabel: 'mean score per USD spent', series: [{ name: 'traffic so far', points: curve.map((p) => ({ x: p.x, y: p.qpd })) }] }),
  ]);
  return { md: lines.join('\n'), chart, apgrAt2000: at2000, offline, offline2000, partial2000, partial2000NoShare, offline4000, trainRows: train.rows.length };
}


// Every attempt of this round, kept or not. Scratch runs on the same splits and seed as this
// report (overlap removed), with trainRouter's loop and taskFeature off; not re-run here.
const ATTEMPTS = [
  '## Attempts (kept or not)',
  '',
  'Numbers from scratch runs on the same data, splits and seed as this report (test overlap removed, no subject label), not re-run by this script. "MMLU subjects-out CV" is the criterion available without test data (5 folds, each fold\'s subjects unseen in its training part); the test-set columns were read only to report, never to choose. The chosen settings came from `trainRouter({ tune: true })`, which runs the same kind of CV inside the training set.',
  '',
  '| variant | MMLU → GSM8K | GSM8K → MMLU | MMLU in-domain 5-fold | GSM8K in-domain 5-fold | MMLU subjects-out CV | kept? |',
  '|---|---:|---:|---:|---:|---:|---|',
  '| defaults (AdaGrad step 0.03, 6 epochs, L2 1e-4) | 0.534 | 0.598 | 0.670 | 0.644 | 0.582 | baseline |',
  '| + generic shape features (8 log-length buckets, "?" density, "Answer:" present, choice count, mean word length, capitals density) | 0.530 | 0.605 | 0.669 | — | — | no |',
  '| + length buckets only | 0.528 | 0.606 | — | — | — | no |',
  '| L2 1e-5 / 1e-3 / 3e-3 / 1e-2 | 0.534 / 0.537 / 0.537 / 0.538 | 0.598 / 0.596 / 0.593 / 0.585 | — / 0.670 / — / — | — | — | no |',
  '| 2 / 12 epochs | 0.547 / 0.526 | 0.607 / 0.590 | — / 0.665 | — | — | no |',
  '| step 0.1 | 0.504 | 0.573 | 0.651 | — | — | no |',
  '| step 0.02 | 0.551 | 0.600 | — | 0.645 | 0.592 | candidate |',
  '| step 0.01 | 0.574 | 0.604 | 0.672 | 0.646 | 0.602 | candidate (chosen for MMLU by `tune`) |',
  '| step 0.005 | 0.588 | 0.604 | — | 0.648 | 0.600 | candidate (chosen for GSM8K by `tune`) |',
  '| step 0.01 + generic shape features | 0.583 | 0.608 | — | 0.652 | 0.601 | no (within noise of step 0.01; more weights) |',
  '| step 0.01, n-gram step × 0.3 (dense features at the full step) | 0.597 | 0.601 | 0.663 | 0.650 | 0.590 | no (subjects-out CV prefers × 1) |',
  '| step 0.01, n-gram step × 0.1 | 0.603 | 0.588 | — | 0.645 | 0.556 | no (subjects-out CV prefers × 1) |',
  '| step 0.03, n-gram step × 0.3 | 0.579 | 0.600 | — | 0.649 | 0.602 | no |',
  '| step 0.01, 65,536 buckets | 0.584 | 0.577 | 0.675 | 0.655 | 0.592 | no (4× the model file, loses GSM8K → MMLU) |',
  '| step 0.01, 2,000-character question window | 0.556 | 0.601 | 0.676 | 0.646 | 0.595 | no (about 3× the feature pass, loses MMLU → GSM8K) |',
  '| step 0.01, `ngrams: 3` | 0.574 | 0.604 | — | 0.646 | 0.602 | no: identical to `ngrams: 2`, the feature pass hashes words and pairs only (since refused: `ngrams` is 1 or 2) |',
  '| shape features only, no n-grams | 0.557 | 0.512 | — | — | — | no |',
  '| shape + generic features only, no n-grams | 0.600 | 0.573 | — | — | — | no (loses GSM8K → MMLU) |',
  '| `tune` pooling raw out-of-fold scores (first version; chose 0.01 / 0.03) + length prior | 0.591 | 0.605 | — | — | — | no: replaced by within-fold percentiles, the convention of the in-domain tables |',
  '| evaluation-only rank blend (previous report; α by CV, ranks within the test set) | 0.557 | 0.602 | — | — | — | replaced by the model-file length prior (training-set quantiles, applied by the strategy) |',
  '| step 0.01, + length-bucket × n-gram crosses (every word and pair hashed again with its log-length bucket, 8 buckets) | 0.546 | 0.558 | 0.676 | 0.652 | 0.587 | no (subjects-out CV 0.015 worse; loses both transfers) |',
  '| step 0.01, + character 4-grams of the question window (own normalisation) | 0.550 | 0.573 | 0.678 | 0.648 | 0.601 | no (subjects-out CV level; loses both transfers; MT-Bench 0.589, inside the band) |',
  '| one linear model on the score difference (GPT-4 − Mixtral, squared loss), step 0.01 / 0.003 | 0.511 / 0.566 | 0.588 / 0.594 | 0.655 / 0.662 | 0.643 / 0.644 | 0.531 / 0.546 | no (subjects-out CV much worse than two predictors) |',
  '| one logistic model on "GPT-4 right and Mixtral wrong" over rows where they differ, step 0.01 | 0.608 | 0.581 | 0.633 | 0.666 | 0.527 | no (subjects-out CV much worse; loses GSM8K → MMLU) |',
  '| step 0.01 blended with kNN (k = 20) by within-set rank, weight 0.75 / 0.5 on the linear score | 0.572 / 0.564 | 0.599 / 0.576 | 0.671 / 0.661 | 0.635 / 0.616 | 0.598 / 0.583 | no (subjects-out CV prefers the linear score alone) |',
  '| step 0.01, linear + a shared hidden layer of 8 tanh units over the same hashed features (joint AdaGrad, hidden step 0.01 / 0.003) | 0.551 / 0.565 | 0.588 / 0.602 | 0.679 / 0.675 | 0.644 / 0.647 | 0.597 / 0.606 | no (in domain +0.003–0.007, far from 0.70; subjects-out CV within ±0.005; loses MMLU → GSM8K; 8× the weights, and by operation count about twice the decision work, not benchmarked) |',
  '| step 0.01, weights averaged over the epoch ends / every 500 steps (iterate averaging, one fit) | 0.580 / 0.581 | 0.606 / 0.607 | 0.671 / 0.669 | 0.648 / 0.647 | 0.597 / 0.595 | no (subjects-out CV slightly worse) |',
  '| step 0.01, 5 shuffle orders (seeds 1–5), weights averaged into one model (margins averaged: the same to 3 decimals) | 0.580 | 0.596 | 0.673 | 0.647 | 0.612 | no (subjects-out CV +0.010, but it loses 0.008 on GSM8K → MMLU, the one met target, and 5× the training time of every inner CV fit; within noise in domain) |',
  '| subject predicted from the text (multinomial naive Bayes over the question window\'s hashed words and pairs, smoothing 0.1, fitted on each training fold\'s labels; 75.0% of test rows\' subjects right), the argmax fed as `taskType` to the label-trained model (defaults) | — | — | 0.679 | — | — (no subjects to predict when they are held out) | no (+0.009, far from 0.70; a 57-class table is 28× the model file) |',
  '| … the posterior (temperature 1 / 4) mixing the label-trained model\'s task weights | — | — | 0.679 / 0.678 | — | — | no |',
  '| … the posterior\'s expected per-subject gap (GPT-4 − Mixtral on the training fold) alone / rank-blended 0.5 and 0.75 with the label-free score | — | — | 0.661 / 0.678 / 0.677 | — | — | no |',
  '| ceiling of subject information: the label-free score rank-blended 0.5 with the TRUE label\'s per-subject prior (reads the label) | — | — | 0.690 | — | — | reference only (the subject label itself: 0.691) |',
  '',
  'This round (transfer, MMLU → GSM8K; `trainRouter({ tune: true, lengthPrior: true })` unless said; "MMLU subjects-out CV" here is the CV APGR of the blended score that chooses α, 0.618 for the kept model):',
  '',
  '| variant | MMLU → GSM8K | MMLU subjects-out CV (blend) | kept? |',
  '|---|---:|---:|---|',
  '| kept: step 0.01 (by CV), α 0.75 (by CV) | 0.591 | 0.618 | yes (unchanged) |',
  '| step and α chosen jointly, α on a finer grid (0, 0.25, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 1), steps 0.003 / 0.005 / 0.01 / 0.03 (best CV per step 0.589 / 0.606 / 0.618 / 0.611) | 0.591 (the same choice: step 0.01, α 0.75–0.8) | 0.618 | no change |',
  '| … for the record, α fixed by hand at step 0.01 (fits with in-sample quantiles; read on GSM8K to report, not to choose): α 0.25 / 0.5 / 0.6 / 0.7 / 0.75 / 0.8 / 0.9 / 1 | 0.610 / 0.611 / 0.607 / 0.602 / 0.598 / 0.594 / 0.585 / 0.574 | 0.601 / 0.613 / 0.617 / 0.617 / 0.618 / 0.618 / 0.616 / 0.616 | evidence: the criterion is flat where GSM8K falls |',
  '| CV folds by MMLU\'s four subject categories (STEM, humanities, social sciences, other; leave-one-category-out, 4 folds), a larger shift than subjects-out | 0.575 (chooses step 0.03, α 0.5) | 0.607 (its own folds) | no (the larger-shift criterion chooses the larger step) |',
  '| hash buckets seen under fewer than 5 / 15 / 30 distinct training subjects get no weight (words many subjects use are the ones that can carry to a new domain) | 0.591 / 0.593 / 0.616 | 0.618 / 0.623 / 0.601 | no: 15 is preferred (+0.005) but moves GSM8K by +0.002 only; it needs labelled rows, a threshold relative to their count and a third tuning axis (left as a next step); 30, the one above 0.60 on GSM8K, is worse on the criterion |',
  '',
  'Across the 22 variants of the first table with both an MMLU → GSM8K and an MMLU subjects-out CV number (the `ngrams: 3` row, identical to step 0.01, left out), the Spearman rank correlation of the two is 0.06: the criterion available without GSM8K does not rank the variants the way GSM8K does, so a training-only choice that reaches 0.60 on GSM8K would be luck, and taking the variants that do (n-gram step × 0.1, the "GPT-4 right" classifier, 30 subjects, α ≤ 0.6) would be choosing on the test set.',
  '',
  'Online learner, MMLU replay as in "Online" (APGR on the held-out split after 2,000 feedbacks; in brackets an offline fit on the same 2,000 logged requests with the same partial, propensity-weighted feedback):',
  '',
  '| online setting | APGR at 2,000 | offline, same partial feedback |',
  '|---|---:|---:|',
  '| step 0.05, ε 0.1 (the previous report\'s setting, no shared step) | 0.622 | 0.575 |',
  '| step 0.02, ε 0.1 | 0.620 | 0.595 |',
  '| step 0.1, ε 0.1 | 0.632 | 0.598 |',
  '| step 0.05, ε 0.2 | 0.615 | 0.606 |',
  '| step 0.05, ε 0.3 | 0.649 | 0.627 |',
  '| step 0.05, ε 0.1, + 3 replayed past feedbacks per feedback | 0.617 | 0.606 |',
  '| step 0.02, ε 0.1, + 5 replayed past feedbacks per feedback | 0.604 | 0.599 |',
  '',
  'Offline on the same 2,000 rows with both models\' labels: 0.657 (step 0.03), 0.659 (step 0.01). Replay passes and other step sizes stay within single-seed noise; more exploration buys label information with traffic quality (ε 0.3 sends 30% of requests to a random model).',
  '',
  'This round, the shared step (`online.shared`: each feedback also moves every model\'s weights alike, with its own AdaGrad scale). The criterion, read on training rows only: three replays inside fold 1\'s training split (its rows split again 5-fold, seeds 3 and 4, fold 1 of each as the inner held-out, traffic drawn from the rest with traffic seeds 2 and 5), the mean APGR on the inner held-out over the checkpoints at 1,650–2,400 feedbacks, step 0.05, ε 0.1 as in the report. The report\'s held-out split was read only after the choice, to report:',
  '',
  '| online setting | criterion: inner replays (A / B / C → mean) | held-out split, at 2,000 feedbacks (report only) |',
  '|---|---:|---:|',
  '| shared 0 (the previous learner) | 0.620 / 0.581 / 0.628 → 0.610 | 0.618 |',
  '| shared 0.5 | 0.614 / 0.607 / 0.619 → 0.613 | 0.640 |',
  '| shared 1 | 0.631 / 0.618 / 0.614 → 0.621 | 0.627 |',
  '| shared 2 | 0.636 / 0.630 / 0.623 → 0.629 | 0.646 |',
  '| **shared 4 (kept: the default)** | 0.635 / 0.630 / 0.634 → **0.633** | 0.630 |',
  '| shared 8 | 0.612 / 0.620 / 0.614 → 0.615 | — |',
  '| shared 4, step 0.02 / 0.1 | 0.616 / 0.619 / 0.637 → 0.624; 0.630 / 0.629 / 0.624 → 0.628 | — |',
  '| warm start from the router trained on GSM8K (default step; held-out APGR 0.580 before any feedback), shared 0, step 0.05 / 0.02 | — | 0.595 / 0.580 |',
  '',
  'Shared 2 scores higher on the held-out split than the chosen 4 (0.646 vs 0.630); the choice stays with the criterion. The warm start was read on the held-out split directly and is worse than a cold start, as is the offline counterpart: GSM8K plus the first 2,000 traffic rows with both labels scores 0.636 against 0.657 for the 2,000 rows alone (GSM8K alone: 0.580). Single replays move by about ±0.02 between neighbouring checkpoints.',
  '',
  'This round, the offline counterpart: `trainRouter`\'s `shared` for rows with partial feedback (the shared part stepped by every observed outcome, folded into each model\'s weights in the file). The criterion, on training rows only: fold 1\'s training split split again 5-fold (seeds 3 and 4, fold 1 of each as the inner held-out), 2,000 rows of the rest logged with one model observed per row, under a uniform logging policy (propensity 0.5) and a length-skewed one (GPT-4 with probability 0.9 above the median length, 0.1 below), default step 0.03; APGR on the inner held-out. The report\'s held-out split was read only after the choice, to report (see "Online"):',
  '',
  '| offline `shared` | uniform logging (seed 3 / 4) | length-skewed logging (seed 3 / 4) | mean |',
  '|---|---:|---:|---:|',
  '| 0 (as before) | 0.651 / 0.607 | 0.585 / 0.470 | 0.578 |',
  '| 0.5 | — | 0.586 / 0.480 | — |',
  '| 1 | 0.651 / 0.618 | 0.590 / 0.486 | 0.586 |',
  '| **2 (kept: the default for partial rows)** | 0.644 / 0.621 | 0.587 / 0.495 | **0.587** |',
  '| 4 (the online default) | 0.635 / 0.619 | 0.586 / 0.499 | 0.585 |',
  '| 8 | 0.620 / 0.617 | — | — |',
  '| both models\' labels on the same 2,000 rows (reference) | 0.682 / 0.618 | 0.682 / 0.618 | 0.650 |',
  '',
  '1, 2 and 4 are within 0.002 of each other; all beat no shared part. Fully labelled rows train as before (byte-identical model files): the default is 0 when every row has every model\'s outcome.',
].join('\n');

// --- main ------------------------------------------------------------------------------------------

async function main() {
  log(`data: ${DATA}${smoke ? ' (smoke: 300-row samples)' : ''}; ${FOLDS} folds, ${REPS} bootstrap resamples; load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`);
  let gsm = loadRouteLLMCsv('GSM8K', dataFile('routellm_gsm8k_responses.csv'));
  let mmlu = loadRouteLLMCsv('MMLU', [dataFile('routellm_mmlu_responses_part1.csv'), dataFile('routellm_mmlu_responses_part2.csv')]);
  const mt = loadRouteLLMMtBench(dataFile('routellm_mt_bench_scores.jsonl'));
  if (smoke) {
    gsm = { ...sampleRows(gsm, 300), excluded: gsm.excluded };
    mmlu = { ...sampleRows(mmlu, 600), excluded: mmlu.excluded };
  }
  const mmluIn = await inDomain(mmlu);
  const gsmIn = await inDomain(gsm);
  const m2g = await transfer(mmlu, gsm, 'train MMLU → test GSM8K');
  const g2m = await transfer(gsm, mmlu, 'train GSM8K → test MMLU');
  const both = concatDatasets('MMLU + GSM8K', [mmlu, { ...gsm, rows: gsm.rows }]);
  const held = await transfer(both, mt, 'held out: train MMLU + GSM8K → test MT-Bench');
  const poolResult = await pool();
  const on = await online(mmlu);
  log('decision cost (bench/learned-decision.bench.ts)');
  // In a fresh process, as bench/run.ts runs it: this one's heap holds every dataset and model.
  const script = `import('./bench/learned-decision.bench.ts').then((m) => m.run({ smoke: ${smoke} })).then((s) => process.stdout.write(JSON.stringify(s[0].rows)))`;
  const decisionRows = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: join(here, '..'), encoding: 'utf8' })) as Array<Record<string, string | number>>;
  const at4k = decisionRows.find((r) => r['prompt chars'] === 4000)!;

  // A smoke run writes to .cache/, never over the published report and charts.
  const outDir = smoke ? join(here, '..', '.cache', 'routing-smoke') : here;
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'routing-quality.svg'), chartRow([settingChart(mmluIn, `MMLU in-domain (${FOLDS}-fold CV)`), settingChart(gsmIn, `GSM8K in-domain (${FOLDS}-fold CV)`)]));
  writeFileSync(join(outDir, 'routing-transfer.svg'), chartRow([settingChart(m2g, 'MMLU → GSM8K'), settingChart(g2m, 'GSM8K → MMLU'), settingChart(held, 'MMLU + GSM8K → MT-Bench')]));
  writeFileSync(join(outDir, 'routing-quality-pool.svg'), `${poolResult.chart}\n`);
  writeFileSync(join(outDir, 'routing-online.svg'), on.chart);

  const get = (st: Setting, prefix: string) => {
    const r = st.rows.find((x) => x.label.startsWith(prefix));
    return r ? summary(st, r) : undefined;
  };
  const cell = (st: Setting, prefix: string) => {
    const s = get(st, prefix);
    return s ? `${f3(s.apgr)}${s.ci ? ` (${f3(s.ci[0])}–${f3(s.ci[1])})` : ''}` : '—';
  };
  const bandCell = (st: Setting) => `${f3(st.band[0])}–${f3(st.band[1])}`;
  const headline = [
    '### Routes before generation, no in-domain labels (comparable with RouteLLM’s routers, which were trained on other data)',
    '',
    '| test set | random band | prompt length | complexity | learned (default step size) | learned, tuned (step size by CV) | learned (with length prior) | kNN (other set) | RouteLLM published best |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
    `| GSM8K (trained on MMLU) | ${bandCell(m2g)} | ${cell(m2g, 'prompt length')} | ${cell(m2g, 'complexity')} | ${cell(m2g, 'learned, trained on MMLU (')} | ${cell(m2g, 'learned, tuned')} | ${cell(m2g, 'learned (with length prior)')} | ${cell(m2g, 'kNN')} | 0.622 |`,
    `| MMLU (trained on GSM8K) | ${bandCell(g2m)} | ${cell(g2m, 'prompt length')} | ${cell(g2m, 'complexity')} | ${cell(g2m, 'learned, trained on GSM8K (')} | ${cell(g2m, 'learned, tuned')} | ${cell(g2m, 'learned (with length prior)')} | ${cell(g2m, 'kNN')} | 0.603 |`,
    `| MT-Bench, held out (trained on MMLU + GSM8K) | ${bandCell(held)} | ${cell(held, 'prompt length')} | ${cell(held, 'complexity')} | ${cell(held, 'learned, trained on MMLU + GSM8K (')} | ${cell(held, 'learned, tuned')} | ${cell(held, 'learned (with length prior)')} | ${cell(held, 'kNN')} | 0.802 (trained with GPT-4-judge labels) |`,
    '',
    '"learned (with length prior)" is what `llm-switchboard train` writes by default (`--tune cv --length-prior cv`; `trainRouter({ tune: true, lengthPrior: true })`): the step size and the length-prior weight α are chosen by cross-validation on the training set alone, the model file stores α and the training-set quantiles, and `learnedStrategy` applies the blend at decision time — these scores are the strategy\'s own margins, and fold 1 of each in-domain table replays the strategy through the router to check it.',
    '',
    '### In-domain labels (cross-validated on the same benchmark) or reads the weak model’s answer',
    '',
    '| test set | random band | learned, no label | learned (with length prior), no label | … with random-fold CV | learned + subject label | prior per subject | kNN | cascade: rules | cascade: rules + verifier |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| MMLU, ${FOLDS}-fold CV | ${bandCell(mmluIn)} | ${cell(mmluIn, 'learned, no subject')} | ${cell(mmluIn, 'learned (with length prior), no subject label, CV split')} | ${cell(mmluIn, 'learned (with length prior), no subject label, random')} | ${cell(mmluIn, 'learned + subject')} | ${cell(mmluIn, 'prior per subject')} | ${cell(mmluIn, 'kNN')} | — | — |`,
    `| GSM8K, ${FOLDS}-fold CV | ${bandCell(gsmIn)} | ${cell(gsmIn, 'learned, no subject')} | ${cell(gsmIn, 'learned (with length prior)')} | (no labels: the same) | — | — | ${cell(gsmIn, 'kNN')} | ${cell(gsmIn, 'cascade: format')} | ${cell(gsmIn, 'cascade: rules + learned')} |`,
  ];
  const a = (st: Setting, p: string) => get(st, p)?.apgr ?? Number.NaN;
  const verdict = (ok: boolean, detail: string) => `${ok ? '**met**' : '**missed**'} — ${detail}`;
  const ciOf = (st: Setting, p: string) => {
    const x = get(st, p);
    return x?.ci ? ` (CI ${f3(x.ci[0])}–${f3(x.ci[1])})` : '';
  };
  const m2gA = a(m2g, 'learned, trained on MMLU (');
  const g2mA = a(g2m, 'learned, trained on GSM8K (');
  const heldS = get(held, 'learned, trained on MMLU + GSM8K (')!;
  const inNoLabel = a(mmluIn, 'learned, no subject');
  const inPrior = a(mmluIn, 'learned (with length prior), no subject label, CV split');
  const inPriorRandom = a(mmluIn, 'learned (with length prior), no subject label, random');
  const priorM2g = a(m2g, 'learned (with length prior)');
  const priorG2m = a(g2m, 'learned (with length prior)');
  const heldB = get(held, 'learned (with length prior)')!;
  const us = Number(at4k['learned strategy p50 µs (CPU)']);
  const short = (x: number, t: number) => `${f3(x)}${x < t ? `, ${f3(t - x)} short` : ''}`;
  // The previous report's figures (bench/ROUTING.md at 5aea6ac, the same model as this run), so each target shows how far it moved.
  const targets = [
    '| target | previous report (5aea6ac) | this run |',
    '|---|---|---|',
    `| out-of-domain APGR ≥ 0.60, MMLU → GSM8K (learned, default step size) | 0.534 | ${verdict(m2gA >= 0.6, short(m2gA, 0.6) + ciOf(m2g, 'learned, trained on MMLU ('))} |`,
    `| … same, learned (with length prior), as \`llm-switchboard train\` writes it | 0.591 | ${verdict(priorM2g >= 0.6, short(priorM2g, 0.6) + ciOf(m2g, 'learned (with length prior)'))} |`,
    `| out-of-domain APGR ≥ 0.60, GSM8K → MMLU (learned, default step size) | 0.598 | ${verdict(g2mA >= 0.6, short(g2mA, 0.6) + ciOf(g2m, 'learned, trained on GSM8K ('))} |`,
    `| … same, learned (with length prior) | 0.603 | ${verdict(priorG2m >= 0.6, short(priorG2m, 0.6) + ciOf(g2m, 'learned (with length prior)'))} |`,
    `| held-out set outside the random band (learned router, MT-Bench) | 0.578 (CI 0.443–0.709) | ${verdict((heldS.ci?.[0] ?? -1) > held.band[1], `APGR ${f3(heldS.apgr)}, 95% CI ${f3(heldS.ci![0])}–${f3(heldS.ci![1])}, random band ${bandCell(held)}`)} |`,
    `| … same, learned (with length prior) | 0.428 (CI 0.284–0.554) | ${verdict((heldB.ci?.[0] ?? -1) > held.band[1], `APGR ${f3(heldB.apgr)}, 95% CI ${f3(heldB.ci![0])}–${f3(heldB.ci![1])}`)} |`,
    `| in-domain APGR ≥ 0.70 without the subject label (MMLU) | 0.670 | ${verdict(inNoLabel >= 0.7, short(inNoLabel, 0.7) + ciOf(mmluIn, 'learned, no subject'))} |`,
    `| … same, learned (with length prior), CV split by subject (the default) | 0.655 | ${verdict(inPrior >= 0.7, short(inPrior, 0.7) + ciOf(mmluIn, 'learned (with length prior), no subject label, CV split'))} |`,
    `| … same, learned (with length prior), random-fold CV (\`--cv-folds random\`) | 0.669 | ${verdict(inPriorRandom >= 0.7, short(inPriorRandom, 0.7) + ciOf(mmluIn, 'learned (with length prior), no subject label, random'))} |`,
    `| online within 0.03 APGR of the offline in-domain router after 2,000 feedbacks | gap 0.076 | ${verdict(on.offline - on.apgrAt2000 <= 0.03, `${f3(on.apgrAt2000)} vs ${f3(on.offline)} offline (gap ${f3(on.offline - on.apgrAt2000)}); offline on the same 2,000 rows: ${f3(on.offline2000)} with both labels, ${f3(on.partial2000)} with the same partial feedback (shared step; ${f3(on.partial2000NoShare)} without it)`)} |`,
    `| learned decision ≤ 20 µs p50 at a 4,000-character prompt, length prior included (bench/learned-decision.bench.ts, CPU time, in this run) | 11.2 µs | ${verdict(us <= 20, `${us} µs p50 (${at4k['learned strategy p50 µs (wall)']} µs wall; ${at4k['learned strategy / reference loop']}× a plain FNV loop over 4,000 characters timed in the same run)`)} |`,
  ];
  const lengthOf = (st: Setting) => get(st, 'prompt length')!.apgr;
  const needHeld = held.band[1] + (heldS.apgr - heldS.ci![0]);
  const why = [
    'Why each target moved or not:',
    '',
    `- **Out of domain.** Two changes, both chosen on the training set only. (1) The step size: a smaller AdaGrad step keeps the hashed n-gram weights nearer zero, and cross-validation with MMLU's subjects held out per fold (as new traffic's are) prefers it; GSM8K has no labels, so its folds are random. (2) The length prior now lives in the model file and the strategy: ${f3(priorM2g)} on GSM8K from MMLU (length alone ${f3(lengthOf(m2g))}), ${f3(priorG2m)} on MMLU from GSM8K (length alone ${f3(lengthOf(g2m))}). MMLU → GSM8K stays short: within GSM8K difficulty follows length more closely than MMLU's held-out subjects say when α is chosen, and choosing α on GSM8K would be tuning on the test set. The previous round tried a non-linear model over the same features (a shared hidden layer of 8 tanh units), length-bucket × n-gram crosses, character 4-grams, a kNN blend, a single model of the score difference, a "GPT-4 right, Mixtral wrong" classifier, and iterate and shuffle-order averaging (see "Attempts"); the model is unchanged because none is preferred by the subjects-out CV on the training rows without losing GSM8K → MMLU (the one met target). The only variant above 0.60 on GSM8K (the "GPT-4 right, Mixtral wrong" classifier, 0.608) scores 0.527 on that criterion and 0.581 on GSM8K → MMLU, so taking it would mean choosing on the test set. A per-domain threshold from the length prior cannot move APGR at all: the curves re-place the thresholds on each test set's prompts, so only the order of the prompts counts; a threshold moves only the strong share a λ gives, which \`target\` already holds online. This round (see "Attempts") tried choosing the step and α jointly on a finer α grid (the criterion keeps step 0.01, α 0.75), cross-validation folds by MMLU's four subject categories instead of by subject (a larger shift, as leave-one-dataset-out would be with one training set: it chooses step 0.03 and scores 0.575), and dropping hash buckets seen under fewer than 5 / 15 / 30 training subjects (transfer features: words many subjects use; the criterion prefers 15, +0.005, which moves GSM8K by +0.002 to 0.593, so the target stays short). The evidence for why no training-only choice reaches 0.60 here: across the 22 variants in "Attempts" with both numbers, the rank correlation between the subjects-out CV on MMLU (the criterion) and the APGR on GSM8K is 0.06 (Spearman), i.e. what predicts held-out MMLU subjects says nothing about GSM8K; and at the chosen step the criterion is flat over α 0.5–1 (0.613–0.618) while GSM8K moves from 0.611 to 0.574 over the same range (fixed-α fits, read to report only). The target lies inside what the training data cannot tell apart, and inside the 95% interval of the chosen router (${ciOf(m2g, 'learned (with length prior)').replace(/^ \(CI |\)$/g, '')}).`,
    `- **Held out (MT-Bench, ${held.o.n} rows).** With so few rows the random band is ${bandCell(held)} wide; for the 95% interval to clear it, the APGR would have to be about ${f3(needHeld)}. The default-step router scores ${f3(heldS.apgr)}, the tuned one with the length prior ${f3(heldB.apgr)}: the smaller step chosen on MMLU + GSM8K leans on the shape features, whose relation to difficulty on MMLU and GSM8K does not hold on MT-Bench's open-ended prompts; both are inside the random band, so neither number says more than chance on 144 rows. Of the previous round's variants, character 4-grams (0.589) and the hidden layer (0.574) stay inside the band too. No larger licensed held-out set was found (see "Out of domain and held out").`,
    `- **In domain without the label.** ${f3(inNoLabel)} (default step); with the length prior and tuned step ${f3(inPrior)} when the inner CV holds subjects out (it then chooses for traffic with new subjects, and pays for it in domain) and ${f3(inPriorRandom)} with random inner folds; against ${f3(a(mmluIn, 'learned + subject'))} with the subject label and ${f3(a(mmluIn, 'prior per subject'))} for a per-subject prior: the linear hashed-n-gram model recovers most of what the label gives, not more. Extra generic shape features (length buckets, question-mark, choice-count, "Answer:" and capitals density) and other regularisation were tried (see "Attempts") and moved it by ≤ 0.002; a 4× larger hash or a 3× longer question window moved it by +0.005–0.006 but lost a transfer direction, so neither was kept. The previous round: a hidden layer of 8 tanh units over the same features (0.679), character 4-grams (0.678) and length-bucket × n-gram crosses (0.676) gain at most 0.009 in domain, so the best is still 0.021 short, and each loses both transfer directions; kNN blends and averaging move it by ≤ 0.003. This round predicted the subject from the text instead (a naive-Bayes subject classifier over the same hashed buckets, fitted on each training fold's labels and 75% accurate on its test fold; see "Attempts"): its predicted subject fed to the label-trained model gives 0.679, its predicted per-subject prior 0.661 alone and 0.678 blended with the label-free score — +0.009, the same as the per-subject prior itself. What subject information can give at most is the true label: ${f3(a(mmluIn, 'learned + subject'))} with it as a feature, 0.690 for the label-free score blended with the true-label prior; so 0.70 without the label needs features that carry more than the label does, and none of the prompt-only features tried here does.`,
    `- **Online.** The online learner has a shared step (\`online.shared\`, default ${DEFAULT_SHARED_STEP}, the previous round: 0.618 → 0.630 after 2,000 feedbacks): with partial feedback each model's predictor otherwise learns only from the requests that model answered, about half of them here, while the two models' outcomes are strongly correlated (a hard question is hard for both). This round the offline fit from partial feedback (\`trainRouter\` on logged rows, as \`llm-switchboard train --from-records\` runs it) got the same shared part (\`shared\`, default ${OFFLINE_SHARED_STEP} when rows are partial, chosen on inner splits of fold 1's training rows; see "Attempts"): on the report's 2,000 logged requests ${f3(on.partial2000NoShare)} → ${f3(on.partial2000)}. Now ${f3(on.apgrAt2000)} online after 2,000 feedbacks, gap ${f3(on.offline - on.apgrAt2000)}. Warm-starting from a model trained on other public data (GSM8K) was tried and is worse, and so is adding GSM8K to an offline fit of the first 2,000 rows. The rest of the gap is the data: an offline fit on the same 2,000 rows with BOTH models' labels scores ${f3(on.offline2000)}, ${f3(on.offline - on.offline2000)} below the ${on.trainRows}-row reference, and even 4,000 fully labelled rows score ${f3(on.offline4000)}; so "within 0.03 of the full offline router after 2,000 feedbacks" cannot be met by a learner of this family on this data without using labels from outside the user's traffic: with every label of those 2,000 requests it would still be ${f3(on.offline - on.offline2000)} short. Proposed restatement: within 0.03 APGR of an offline router fitted on the same requests with the same feedback (online minus that fit: ${f3(on.apgrAt2000 - on.partial2000)} here), and within 0.05 of one fitted on them with full labels (${f3(on.offline2000 - on.apgrAt2000)} here).`,
    `- **Decision cost.** Met with the length prior in the path (bench/learned-decision.bench.ts now measures a model that has one). The blend is three binary searches over 101 stored quantiles and a shift per candidate; a paired scratch run of the same strategy with \`lengthPrior: false\` put it at +11–16% (median of three processes; p25–p75 of the paired ratios 0.86–1.35 at load 8 on 2 cores), about 1–2 µs.`,
  ];
  const md = [
    '# Routing quality',
    '',
    `Generated by \`npm run eval:routing\` (bench/routing-quality.ts) on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, in ${((Date.now() - started) / 1000).toFixed(0)} s, from one run${smoke ? ' — SMOKE RUN on samples, not the published numbers' : ''}. ${FOLDS}-fold cross-validation, ${REPS} bootstrap resamples per interval, load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} shared cores.`,
    '',
    'Quality is the recorded score of the model that answered; cost is the router\'s own priced usage from replaying each model through the router with a mock provider that answers from the records (tokens = characters / 4; RouteLLM prices: GPT-4-1106 $10 / $30, Mixtral $0.24 / $0.24 per million). Strong/weak curves send the share s of rows with the highest router score to GPT-4, s = 0, 5%, …, 100%, thresholds placed on the test prompts without their labels (as RouteLLM does); a point of the learned curve is re-run as a real replay of the thresholded strategy and must match (see the notes). Cascades and the pool are replayed through the router point by point. Rows marked contaminated are left out; every test set is free of prompts that also occur in its training data (normalised: case, whitespace and punctuation folded).',
    '',
    '**APGR** = area under the performance-gap-recovered curve against the share of GPT-4 calls (random ≈ 0.5; RouteLLM arXiv 2406.18665). **95% CI**: rows resampled with replacement, thresholds re-placed per resample. **Random band**: the 2.5–97.5% range of APGR of routers that rank rows at random, on the same rows — an APGR inside it is indistinguishable from chance. **CPT(x)** = share of GPT-4 calls needed to recover x of the gap.',
    '',
    '## Headline',
    '',
    ...headline,
    '',
    '## Targets',
    '',
    ...targets,
    '',
    ...why,
    '',
    '![in-domain quality vs cost](routing-quality.svg)',
    '',
    '![transfer quality vs cost](routing-transfer.svg)',
    '',
    '## In domain (cross-validated)',
    '',
    settingMarkdown(mmluIn),
    '',
    settingMarkdown(gsmIn),
    '',
    '## Out of domain and held out',
    '',
    'The held-out set is RouteLLM\'s MT-Bench judgements (GPT-4 judge scores / 10, same GPT-4-1106 / Mixtral pair, Apache-2.0, bench/data/routing), neither MMLU nor GSM8K and used for no tuning. A RouterBench slice or another per-query two-model outcome set in a public git repository with a data licence was searched for again (code corpus and repository index: `withmartian/routerbench`, `ken-ab/routerbench-mini`, `samikd/routerbench`, `Kpaark/RouterBench-Prompt-Encoder-GMM-Clustering`, `fidd1er5381/RouterEval`, EmbedLLM repositories, `ynulihao/LLMRouterBench`): the repositories hold loaders that download from Hugging Face, MMLU-only rows, or pickles without a stated data licence, so none were copied.',
    '',
    settingMarkdown(m2g),
    '',
    settingMarkdown(g2m),
    '',
    settingMarkdown(held),
    '',
    '## Model pool',
    '',
    poolResult.md,
    '',
    '![pool quality vs cost](routing-quality-pool.svg)',
    '',
    '## Online: learning from the router\'s own traffic',
    '',
    on.md,
    '',
    '![online learning](routing-online.svg)',
    '',
    ATTEMPTS,
    '',
  ].join('\n');
  writeFileSync(join(outDir, 'ROUTING.md'), md);
  process.stdout.write(`${md}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
