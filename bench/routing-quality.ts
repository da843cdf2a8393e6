/**
 * Routing quality on public outcome data (RouteLLM GSM8K / MMLU, LLMRouter's 9-model pool).
 * Every operating point is a real replay through the router (mock provider answering from
 * the records). Writes bench/ROUTING.md and bench/routing-quality*.svg.
 *
 *   npm run eval:routing            (full: 5-fold CV, out-of-domain, pool)
 *   npx tsx bench/routing-quality.ts --smoke
 *
 * The data ships gzipped in bench/data/routing (see its README for provenance and licences);
 * ROUTING_DATA points at another folder of the same files, gzipped or not.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRouteLLMCsv, ROUTELLM_STRONG, ROUTELLM_WEAK } from '../src/evaluation/load-routellm.js';
import { loadLLMRouter } from '../src/evaluation/load-llmrouter.js';
import { kFold, sampleRows, type RoutingDataset } from '../src/evaluation/dataset.js';
import { trainRouter, trainVerifier } from '../src/evaluation/train-router.js';
import { replay, singleModelPoints, mergeResults, type ReplayResult } from '../src/evaluation/replay.js';
import { cascadeCurve, cascadePoint, complexityCurve, learnedCurve, learnedPoolCurve, mergeCurves, oraclePoint, randomCurve, summarizePair, type PairSummary } from '../src/evaluation/evaluate.js';
import { aiq, costToReach } from '../src/evaluation/metrics.js';
import { costQualityChart, chartRow, type ChartSeries } from '../src/evaluation/svg.js';
import { allOf } from '../src/validators/combine.js';
import { finalAnswerFormat } from '../src/validators/final-answer.js';
import { arithmeticCheck } from '../src/validators/arithmetic.js';
import { verifierScore } from '../src/validators/learned-verifier.js';
import type { ValidatorContext } from '../src/validators/validator.js';

const here = dirname(fileURLToPath(import.meta.url));
const DATA = resolve(process.env.ROUTING_DATA ?? join(here, 'data/routing'));
/** A data file by its plain name: the gzipped copy when that is what the folder holds. */
function dataFile(name: string): string {
  const plain = join(DATA, name);
  return existsSync(plain) ? plain : `${plain}.gz`;
}
const smoke = process.argv.includes('--smoke');
const FOLDS = 5;
const SEED = 1;
const W = ROUTELLM_WEAK;
const S = ROUTELLM_STRONG;
const progress = { progress: true };
const started = Date.now();
const log = (msg: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(1)}s] ${msg}\n`);

const pct = (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)}%` : 'not reached');
const usd = (x: number) => `$${(x * 1000).toFixed(4)}`;
const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '—');

const rules = allOf(finalAnswerFormat({ numeric: true }), arithmeticCheck());

interface PairTable {
  title: string;
  weakQ: number;
  strongQ: number;
  rows: Array<{ label: string; point: ReplayResult; summary?: PairSummary }>;
  curves: ChartSeries[];
  singles: ReplayResult[];
}

function mean(ds: RoutingDataset, m: string): number {
  return ds.rows.reduce((s, r) => s + (r.outcomes[m]?.score ?? 0), 0) / ds.rows.length;
}

const series = (name: string, pts: ReplayResult[]): ChartSeries => ({ name, points: pts.map((p) => ({ cost: p.costUsd, quality: p.quality })) });

async function inDomain(ds: RoutingDataset): Promise<PairTable> {
  const weakQ = mean(ds, W);
  const strongQ = mean(ds, S);
  const singles = await singleModelPoints(ds);
  const folds = kFold(ds, FOLDS, SEED);
  const rnd = await randomCurve(ds, W, S, { seed: SEED });
  const oracle = await oraclePoint(ds);
  log(`${ds.name}: complexity`);
  const cx = await complexityCurve(ds, W, S, progress);
  const learnedFolds: ReplayResult[][] = [];
  const cascadeFolds: ReplayResult[][] = [];
  const rulePoints: ReplayResult[] = [];
  const hasAnswers = ds.rows.every((r) => typeof r.outcomes[W]?.response === 'string');
  for (const [i, { train, test }] of folds.entries()) {
    log(`${ds.name}: fold ${i + 1}/${FOLDS} learned router`);
    learnedFolds.push(await learnedCurve(test, trainRouter(train, { seed: SEED }), W, S, progress));
    if (hasAnswers) {
      log(`${ds.name}: fold ${i + 1}/${FOLDS} cascades`);
      rulePoints.push(await cascadePoint(test, W, S, rules, 'cascade (format + arithmetic)'));
      const verifier = trainVerifier(train, W, { seed: SEED });
      const score = async (ctx: ValidatorContext) => ((await rules(ctx)) ? 1 : 0) + verifierScore(verifier, ctx);
      cascadeFolds.push(await cascadeCurve(test, W, S, score, 'cascade (rules + learned verifier)', progress));
    }
  }
  const learned = mergeCurves('learned', learnedFolds, ds.models);
  const rows: PairTable['rows'] = [
    { label: 'always-cheap (Mixtral)', point: singles[0]! },
    { label: 'always-strong (GPT-4)', point: singles[1]! },
    { label: 'random', point: rnd[5]!, summary: summarizePair('random', rnd, weakQ, strongQ) },
    { label: 'oracle (reads the labels)', point: oracle, summary: summarizePair('oracle', [oracle], weakQ, strongQ) },
    { label: "complexity (built-in 'complexity' strategy)", point: cx[10]!, summary: summarizePair('complexity', cx, weakQ, strongQ) },
    { label: `learned (5-fold CV)`, point: learned[10]!, summary: summarizePair('learned', learned, weakQ, strongQ) },
  ];
  const curves = [series('random', rnd), series('complexity', cx), series('learned', learned)];
  if (hasAnswers) {
    const rp = mergeResults('cascade (format + arithmetic)', rulePoints, ds.models);
    rows.push({ label: 'cascade: format + arithmetic check', point: rp, summary: summarizePair('cascade rules', [rp], weakQ, strongQ) });
    const cc = mergeCurves('cascade', cascadeFolds, ds.models);
    rows.push({ label: 'cascade: rules + learned verifier (5-fold CV)', point: cc[10]!, summary: summarizePair('cascade verifier', cc, weakQ, strongQ) });
    curves.push(series('cascade (rules + learned verifier)', cc), { name: 'cascade (format + arithmetic)', points: [{ cost: rp.costUsd, quality: rp.quality }], pointsOnly: true });
  }
  return { title: `${ds.name} (${ds.rows.length} rows, ${ds.excluded ?? 0} contaminated left out)`, weakQ, strongQ, rows, curves, singles };
}

async function outOfDomain(train: RoutingDataset, test: RoutingDataset): Promise<PairTable> {
  const weakQ = mean(test, W);
  const strongQ = mean(test, S);
  const singles = await singleModelPoints(test);
  log(`out of domain: ${train.name} → ${test.name}`);
  const model = trainRouter(train, { seed: SEED });
  const learned = await learnedCurve(test, model, W, S, progress);
  const rows: PairTable['rows'] = [
    { label: 'always-cheap (Mixtral)', point: singles[0]! },
    { label: 'always-strong (GPT-4)', point: singles[1]! },
    { label: `learned, trained on ${train.name}`, point: learned[10]!, summary: summarizePair('learned', learned, weakQ, strongQ) },
  ];
  const curves = [series(`learned (trained on ${train.name})`, learned)];
  if (test.rows.every((r) => typeof r.outcomes[W]?.response === 'string')) {
    // The rule checks need no training, so they carry to any domain.
    const rp = await cascadePoint(test, W, S, rules, 'cascade (format + arithmetic)');
    rows.push({ label: 'cascade: format + arithmetic check (no training)', point: rp, summary: summarizePair('cascade rules', [rp], weakQ, strongQ) });
  }
  return { title: `train ${train.name} → test ${test.name}`, weakQ, strongQ, rows, curves, singles };
}

function pairMarkdown(t: PairTable): string {
  const lines = [
    `### ${t.title}`,
    '',
    `Weak (Mixtral) quality ${f3(t.weakQ)}, strong (GPT-4) ${f3(t.strongQ)}. For curves, quality / cost / calls are read at the first swept point recovering ≥ 80% of the gap.`,
    '',
    '| strategy | APGR | CPT(50%) | CPT(80%) | quality | cost / 1k queries | calls / query | GPT-4 share |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of t.rows) {
    const s = r.summary;
    const p = s?.point ?? r.point;
    lines.push(`| ${r.label} | ${s ? f3(s.apgr) : '—'} | ${s ? pct(s.cpt50) : '—'} | ${s ? pct(s.cpt80) : '—'} | ${f3(p.quality)} | ${usd(p.costUsd)} | ${p.calls.toFixed(2)} | ${pct(p.strongShare)} |`);
  }
  return lines.join('\n');
}

async function pool(): Promise<{ md: string; chart: string }> {
  const train = loadLLMRouter(dataFile('llmrouter_dcrouter_train.json'), dataFile('llmrouter_models.json'), 'llmrouter train');
  let test = loadLLMRouter(dataFile('llmrouter_dcrouter_test.json'), dataFile('llmrouter_models.json'), 'llmrouter test');
  if (smoke) test = sampleRows(test, 100);
  log('pool: singles, oracle, learned');
  const singles = await singleModelPoints(test);
  const oracle = await oraclePoint(test);
  const rndPick = await replay(test, { label: 'random', strategy: 'round-robin' });
  const model = trainRouter(smoke ? sampleRows(train, 500) : train, { seed: SEED });
  const size = JSON.stringify(model).length;
  const lambdas = [0, 0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10];
  const learned = await learnedPoolCurve(test, model, lambdas, progress);
  const range = { minCost: Math.min(...singles.map((s) => s.costUsd)), maxCost: Math.max(...singles.map((s) => s.costUsd)) };
  const best = [...singles].sort((a, b) => b.quality - a.quality)[0]!;
  const aiqSingles = aiq(singles, range);
  const aiqLearned = aiq([...singles, ...learned], range);
  const target = 0.95 * best.quality;
  const lines = [
    `### LLMRouter pool (train ${train.rows.length} rows → test ${test.rows.length} rows, 9 models)`,
    '',
    `AIQ = area under the cost-quality convex hull over the single models' cost range, divided by that range. Learned router model: ${(size / 1024).toFixed(0)} KB of JSON.`,
    '',
    '| strategy | AIQ | cost to reach 95% of the best single model | best quality | cost / 1k queries at best |',
    '|---|---:|---:|---:|---:|',
    `| single models only (hull) | ${f3(aiqSingles)} | ${usd(costToReach(singles, target))} | ${f3(best.quality)} (${best.label}) | ${usd(best.costUsd)} |`,
  ];
  const bestLearned = [...learned].sort((a, b) => b.quality - a.quality)[0]!;
  lines.push(`| learned router (λ swept) + single models (hull) | ${f3(aiqLearned)} | ${usd(costToReach([...singles, ...learned], target))} | ${f3(bestLearned.quality)} (${bestLearned.label}) | ${usd(bestLearned.costUsd)} |`);
  lines.push(`| random model (round-robin) | — | — | ${f3(rndPick.quality)} | ${usd(rndPick.costUsd)} |`);
  lines.push(`| oracle (reads the labels) | — | — | ${f3(oracle.quality)} | ${usd(oracle.costUsd)} |`);
  lines.push('', '| model | quality | cost / 1k queries |', '|---|---:|---:|');
  for (const s of singles) lines.push(`| ${s.label} | ${f3(s.quality)} | ${usd(s.costUsd)} |`);
  lines.push('', '| learned λ | quality | cost / 1k queries | most-used model |', '|---|---:|---:|---|');
  learned.forEach((p, i) => {
    const top = Object.entries(p.share).sort((a, b) => b[1] - a[1])[0]!;
    lines.push(`| ${lambdas[i]} | ${f3(p.quality)} | ${usd(p.costUsd)} | ${top[0]} (${pct(top[1])}) |`);
  });
  const chart = costQualityChart({
    title: 'LLMRouter pool: quality vs cost',
    series: [series('learned (λ swept)', learned), { name: 'oracle', points: [{ cost: oracle.costUsd, quality: oracle.quality }], pointsOnly: true }],
    singles: singles.map((s) => ({ name: s.label.replace(/-instruct.*|-it$/, ''), cost: s.costUsd, quality: s.quality })),
  });
  return { md: lines.join('\n'), chart };
}

async function main() {
  log(`data: ${DATA}${smoke ? ' (smoke: 300-row samples)' : ''}`);
  let gsm = loadRouteLLMCsv('GSM8K', dataFile('routellm_gsm8k_responses.csv'));
  let mmlu = loadRouteLLMCsv('MMLU', [dataFile('routellm_mmlu_responses_part1.csv'), dataFile('routellm_mmlu_responses_part2.csv')]);
  if (smoke) {
    gsm = { ...sampleRows(gsm, 300), excluded: gsm.excluded };
    mmlu = { ...sampleRows(mmlu, 300), excluded: mmlu.excluded };
  }
  const tables = [await inDomain(mmlu), await inDomain(gsm), await outOfDomain(mmlu, gsm), await outOfDomain(gsm, mmlu)];
  const poolResult = await pool();
  const charts = tables.slice(0, 2).map((t) =>
    costQualityChart({ title: `${t.title.split(' ')[0]}: quality vs cost (5-fold CV)`, series: t.curves, singles: t.singles.map((s) => ({ name: s.label.includes('gpt') ? 'GPT-4' : 'Mixtral', cost: s.costUsd, quality: s.quality })) }),
  );
  writeFileSync(join(here, 'routing-quality.svg'), chartRow(charts));
  writeFileSync(join(here, 'routing-quality-pool.svg'), `${poolResult.chart}\n`);
  const apgrOf = (t: PairTable, prefix: string) => t.rows.find((r) => r.label.startsWith(prefix))?.summary?.apgr ?? Number.NaN;
  const headline = [
    `| split | learned router APGR | best APGR here | target | RouteLLM published best |`,
    `|---|---:|---:|---:|---:|`,
    `| MMLU, 5-fold CV | ${f3(apgrOf(tables[0]!, 'learned'))} | ${f3(Math.max(...tables[0]!.rows.filter((r) => r.summary && !r.label.startsWith('oracle')).map((r) => r.summary!.apgr)))} | ≥ 0.70 | 0.603 |`,
    `| GSM8K, 5-fold CV | ${f3(apgrOf(tables[1]!, 'learned'))} | ${f3(Math.max(...tables[1]!.rows.filter((r) => r.summary && !r.label.startsWith('oracle')).map((r) => r.summary!.apgr)))} | ≥ 0.70 | 0.622 |`,
    `| MMLU → GSM8K | ${f3(apgrOf(tables[2]!, 'learned'))} | ${f3(Math.max(...tables[2]!.rows.filter((r) => r.summary).map((r) => r.summary!.apgr)))} | ≥ 0.55 | — |`,
    `| GSM8K → MMLU | ${f3(apgrOf(tables[3]!, 'learned'))} | ${f3(Math.max(...tables[3]!.rows.filter((r) => r.summary).map((r) => r.summary!.apgr)))} | ≥ 0.55 | — |`,
  ];
  const md = [
    '# Routing quality',
    '',
    `Generated by \`npm run eval:routing\` (bench/routing-quality.ts) on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, in ${((Date.now() - started) / 1000).toFixed(0)} s${smoke ? ' — SMOKE RUN on 300-row samples, not the published numbers' : ''}.`,
    '',
    'Every number below comes from replaying public outcome records through the real router (resolve → filter → rank → execute → record) with a mock provider that answers from the records: quality is the recorded score of the model that really answered, cost is the router\'s own priced usage (tokens = characters / 4; RouteLLM prices: GPT-4-1106 $10 / $30, Mixtral $0.24 / $0.24 per million; MMLU answers count as 1 output token, LLMRouter answers as 200). Rows marked contaminated are left out. Seeds are fixed (folds, training, random router).',
    '',
    '**APGR** = area under the performance-gap-recovered curve against the share of GPT-4 calls (random = 0.5, RouteLLM arXiv 2406.18665). **CPT(x)** = share of GPT-4 calls needed to recover x of the gap. Curves are traced by sweeping each strategy\'s knob (λ for `learned`, the threshold for `complexity`, p for random, the acceptance threshold for the cascade) so the GPT-4 share walks 0 → 100% in 5% steps, calibrated on the test prompts without their labels (as RouteLLM does). The learned router sees the MMLU subject as `routing.taskType`.',
    '',
    '## Headline',
    '',
    ...headline,
    '',
    '![quality vs cost](routing-quality.svg)',
    '',
    '## Strong / weak pair (GPT-4-1106 vs Mixtral-8x7B)',
    '',
    tables.map(pairMarkdown).join('\n\n'),
    '',
    '## Model pool',
    '',
    poolResult.md,
    '',
    '![pool quality vs cost](routing-quality-pool.svg)',
    '',
  ].join('\n');
  writeFileSync(join(here, smoke ? 'ROUTING.smoke.md' : 'ROUTING.md'), md);
  process.stdout.write(`${md}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
