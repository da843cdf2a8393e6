import { gunzipSync } from 'node:zlib';
import { readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  aiq,
  apgr,
  costQualityChart,
  costToReach,
  cpt,
  kFold,
  learnedCurve,
  loadJsonlDataset,
  loadRouteLLMCsv,
  oraclePoint,
  randomCurve,
  replay,
  sampleRows,
  singleModelPoints,
  summarizePair,
  trainRouter,
  type RoutingDataset,
} from 'llm-switchboard';

const DATA = join(__dirname, '../bench/data/routing');
const W = 'mistralai/Mixtral-8x7B-Instruct-v0.1';
const S = 'gpt-4-1106-preview';

function gsmSlice(n = 80): RoutingDataset {
  // A small prefix of the real file (whole records only), parsed by the real loader.
  const text = gunzipSync(readFileSync(join(DATA, 'routellm_gsm8k_responses.csv.gz'))).toString('utf8').slice(0, 120_000);
  const dir = mkdtempSync(join(tmpdir(), 'rq-'));
  const path = join(dir, 'gsm.csv');
  writeFileSync(path, text);
  const ds = loadRouteLLMCsv('gsm-slice', path);
  // The cut may leave a partial last record: drop it.
  return sampleRows({ ...ds, rows: ds.rows.slice(0, -1) }, n);
}

describe('metrics', () => {
  it('APGR: random diagonal is 0.5, perfect step is near 1, and CPT reads the curve', () => {
    const diag = [0, 0.5, 1].map((x) => ({ strongShare: x, quality: 0.6 + 0.2 * x, costUsd: x }));
    expect(apgr(diag, 0.6, 0.8)).toBeCloseTo(0.5, 6);
    expect(cpt(diag, 0.6, 0.8, 0.5)).toBeCloseTo(0.5, 6);
    expect(cpt(diag, 0.6, 0.8, 0.8)).toBeCloseTo(0.8, 6);
    const step = [{ strongShare: 0.1, quality: 0.8, costUsd: 0.1 }];
    expect(apgr(step, 0.6, 0.8)).toBeCloseTo(0.95, 6);
    expect(() => apgr(step, 0.7, 0.7)).toThrow(/gap is 0/);
  });

  it('AIQ and cost-to-reach follow the convex hull', () => {
    const singles = [
      { quality: 0.5, costUsd: 1 },
      { quality: 0.9, costUsd: 3 },
      { quality: 0.4, costUsd: 2 }, // dominated
    ];
    // Hull: (1, .5) → (3, .9): average height over [1, 3] = 0.7.
    expect(aiq(singles)).toBeCloseTo(0.7, 6);
    expect(aiq([...singles, { quality: 0.85, costUsd: 1.5 }])).toBeGreaterThan(0.7);
    expect(costToReach(singles, 0.7)).toBeCloseTo(2, 6);
    expect(Number.isNaN(costToReach(singles, 0.95))).toBe(true);
  });
});

describe('replay through the real router', () => {
  it('leaves out contaminated rows and prices single models from the recorded answers', async () => {
    const ds = gsmSlice();
    expect(ds.rows.length).toBeGreaterThan(20);
    const [weak, strong] = await singleModelPoints(ds);
    expect(weak!.strongShare).toBe(0);
    expect(strong!.strongShare).toBe(1);
    expect(strong!.costUsd).toBeGreaterThan(weak!.costUsd * 20);
    const mean = (m: string) => ds.rows.reduce((s, r) => s + r.outcomes[m]!.score, 0) / ds.rows.length;
    expect(weak!.quality).toBeCloseTo(mean(W), 9);
    expect(strong!.quality).toBeCloseTo(mean(S), 9);
  });

  it('the oracle never loses to either model; a random router sits near the diagonal', async () => {
    const ds = gsmSlice();
    const [weak, strong] = await singleModelPoints(ds);
    const oracle = await oraclePoint(ds);
    expect(oracle.quality).toBeGreaterThanOrEqual(Math.max(weak!.quality, strong!.quality));
    const rnd = await randomCurve(ds, W, S, { seed: 3 });
    expect(rnd[0]!.strongShare).toBe(0);
    expect(rnd[rnd.length - 1]!.strongShare).toBe(1);
  });

  it('runs a cascade with a validator on recorded answers, counting both calls when it escalates', async () => {
    const ds = gsmSlice(30);
    const never = await replay(ds, { models: [W, S], cascade: { accept: () => false } });
    expect(never.calls).toBe(2);
    expect(never.strongShare).toBe(1);
    const always = await replay(ds, { models: [W, S], cascade: { accept: () => true } });
    expect(always.calls).toBe(1);
    expect(never.costUsd).toBeGreaterThan(always.costUsd);
    const seen: string[] = [];
    await replay(sampleRows(ds, 3), { models: [W, S], cascade: { accept: ({ completion }) => (seen.push(completion.choices[0]!.message.content!), true) } });
    expect(seen.every((t) => ds.rows.some((r) => r.outcomes[W]!.response === t))).toBe(true);
  });

  it('a learned router swept over λ gives a full curve with APGR above random on held-out rows', async () => {
    const ds = gsmSlice(200);
    const { train, test } = kFold(ds, 4, 1)[0]!;
    const model = trainRouter(train!, { dim: 1024, seed: 1 });
    const curve = await learnedCurve(test!, model, W, S);
    expect(curve.length).toBe(21);
    const s = summarizePair('learned', curve, curve[0]!.quality, curve[curve.length - 1]!.quality);
    expect(s.apgr).toBeGreaterThan(0);
    expect(Number.isFinite(s.cpt80)).toBe(true);
  });

  it('loads a team JSONL file and draws an SVG with the single models as points', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rq-'));
    const path = join(dir, 'o.jsonl');
    writeFileSync(
      path,
      [
        JSON.stringify({ prompt: 'a', outcomes: { small: { score: 1 }, large: { score: 1 } } }),
        JSON.stringify({ prompt: 'b', contaminated: true, outcomes: { small: { score: 0 }, large: { score: 1 } } }),
        JSON.stringify({ prompt: 'c', outcomes: { small: { score: 0 }, large: { score: 1 } } }),
      ].join('\n'),
    );
    const ds = loadJsonlDataset(path, { large: { input: 5, output: 15 }, small: { input: 0.1, output: 0.4 } });
    expect(ds.models).toEqual(['small', 'large']);
    expect(ds.rows.length).toBe(2);
    expect(ds.excluded).toBe(1);
    writeFileSync(path, JSON.stringify({ prompt: 'x', outcomes: { small: { score: 2 } } }));
    expect(() => loadJsonlDataset(path, { small: { input: 1, output: 1 } })).toThrow(/score must be a number in \[0, 1\]/);
    const svg = costQualityChart({ title: 'T <&>', series: [{ name: 'r', points: [{ cost: 0.001, quality: 0.7 }, { cost: 0.01, quality: 0.8 }] }], singles: [{ name: 'small', cost: 0.0005, quality: 0.6 }] });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('T &lt;&amp;&gt;');
    expect(svg).toContain('<polyline');
    expect(svg).toContain('>small</text>');
  });
});

describe('CLI', () => {
  it('npx tsx src/cli.ts eval prints quality, APGR and AIQ; train writes a model', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rq-'));
    const path = join(dir, 'o.jsonl');
    const lines = Array.from({ length: 40 }, (_, i) =>
      JSON.stringify({ prompt: `${i % 2 ? 'hard proof of theorem' : 'easy hello'} ${i}`, outcomes: { small: { score: i % 2 ? 0 : 1 }, large: { score: 1 } } }),
    );
    writeFileSync(path, lines.join('\n'));
    const prices = join(dir, 'prices.json');
    writeFileSync(prices, JSON.stringify({ small: { input: 0.1, output: 0.4 }, large: { input: 5, output: 15 } }));
    const cli = (args: string[]) => execFileSync('npx', ['tsx', 'src/cli.ts', ...args], { cwd: join(__dirname, '..'), encoding: 'utf8' });
    const modelPath = join(dir, 'model.json');
    expect(cli(['train', '--data', path, '--models', prices, '--out', modelPath, '--dim', '64'])).toMatch(/trained on 40 rows/);
    const out = JSON.parse(cli(['eval', '--data', path, '--models', prices, '--learned', modelPath, '--json', '--svg', join(dir, 'c.svg')]));
    expect(out.rows).toBe(40);
    expect(out.apgr).toBeGreaterThan(0.6);
    expect(out.aiq.withRouter).toBeGreaterThanOrEqual(out.aiq.singles);
    expect(readFileSync(join(dir, 'c.svg'), 'utf8')).toContain('<svg');
  }, 60_000);
});
