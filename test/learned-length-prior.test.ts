import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assertLearnedModel, createLearnedModel, createRouter, learnedStrategy, trainRouter, type LearnedRouterModel, type RoutingDataset } from 'llm-switchboard';
import { learnedMargin } from '../src/strategies/learned.js';
import { cdfAt, quantileAt, quantiles } from '../src/strategies/learned-length-prior.js';

const PRICING = { cheap: { input: 0.2, output: 0.2 }, strong: { input: 10, output: 10 } };
const lengthFeature = (chars: number) => Math.log1p(chars) / 10;
const linspace = (a: number, b: number, n = 101) => Array.from({ length: n }, (_, i) => a + ((b - a) * i) / (n - 1));

/** A model whose learned score is flat (all weights 0) with a length prior of weight `alpha`. */
function flatWithPrior(alpha: number): LearnedRouterModel {
  const m = createLearnedModel({ models: ['cheap', 'strong'], prices: { cheap: 0.2, strong: 10 }, dim: 256 });
  m.lengthPrior = { alpha, weak: 'cheap', strong: 'strong', margin: linspace(-0.5, 0.5), length: linspace(lengthFeature(10), lengthFeature(2000)), blend: linspace(0, 1) };
  return m;
}

function routerWith(model: LearnedRouterModel, options: Parameters<typeof learnedStrategy>[1] = {}) {
  return createRouter({
    providers: { m: { type: 'mock' } },
    models: [
      { id: 'cheap', provider: 'm', pricing: PRICING.cheap },
      { id: 'strong', provider: 'm', pricing: PRICING.strong },
    ],
    strategies: { learned: learnedStrategy(model, { lambda: 0.3, ...options }) },
    routes: { auto: { models: ['cheap', 'strong'], strategy: 'learned' } },
  });
}
const first = (router: ReturnType<typeof routerWith>, content: string) => router.explain({ model: 'auto', messages: [{ role: 'user', content }] }).plan[0]?.model;

/** Words carry nothing; the strong model is needed exactly on the long prompts. */
function lengthDataset(n: number): RoutingDataset {
  const rows = Array.from({ length: n }, (_, i) => {
    const chars = 20 + ((i * 7919) % 97) * 12;
    const words = Array.from({ length: Math.ceil(chars / 6) }, (_, j) => `w${(i * 31 + j * 17) % 53}`).join(' ');
    return { id: String(i), prompt: words.slice(0, chars), outcomes: { cheap: { score: chars > 600 ? (i % 5 === 0 ? 1 : 0) : 1 }, strong: { score: 1 } } };
  });
  return { name: 'lengths', models: ['cheap', 'strong'], pricing: PRICING, rows };
}

describe('length prior of the learned router', () => {
  it('quantile helpers: the percentile of a value and its inverse', () => {
    const q = quantiles([5, 1, 3, 2, 4], 4);
    expect(q).toEqual([1, 2, 3, 4, 5]);
    expect(cdfAt(q, 0)).toBe(0);
    expect(cdfAt(q, 9)).toBe(1);
    expect(cdfAt(q, 2.5)).toBeCloseTo(0.375, 10);
    expect(quantileAt(q, 0.375)).toBeCloseTo(2.5, 10);
  });

  it('at decision time, weight 0 sends long prompts to the strong model and short ones to the cheap one; lengthPrior: false routes on the learned score alone', () => {
    const long = 'word '.repeat(300);
    const short = 'hi there';
    const on = routerWith(flatWithPrior(0));
    expect(first(on, long)).toBe('strong');
    expect(first(on, short)).toBe('cheap');
    expect(on.explain({ model: 'auto', messages: [{ role: 'user', content: long }] }).strategyReason).toMatch(/length-prior α=0/);
    const off = routerWith(flatWithPrior(0), { lengthPrior: false });
    expect(first(off, long)).toBe('cheap');
    expect(first(off, short)).toBe('cheap');
    // Weight 1 keeps the learned order: the flat learned score never beats the price at λ 0.3.
    expect(first(routerWith(flatWithPrior(1)), long)).toBe('cheap');
  });

  it('the strategy decides as learnedMargin (the evaluation’s score) says: strong exactly when the margin exceeds λ', () => {
    const model = trainRouter(lengthDataset(300), { dim: 512, lengthPrior: true, seed: 3 });
    expect(model.lengthPrior).toBeDefined();
    const prices = { cheap: 0.2, strong: 10 };
    const router = routerWith(model);
    let agree = 0;
    const prompts = Array.from({ length: 40 }, (_, i) => `w${i % 53} `.repeat(5 + i * 6));
    for (const p of prompts) if ((learnedMargin(model, p, undefined, 'cheap', 'strong', prices) > 0.3) === (first(router, p) === 'strong')) agree++;
    expect(agree).toBe(prompts.length);
  });

  it('trainRouter chooses the weight by cross-validation on its rows, and the model file round-trips through JSON with the same decisions', () => {
    const ds = lengthDataset(400);
    const model = trainRouter(ds, { dim: 512, lengthPrior: true, seed: 1 });
    const lp = model.lengthPrior!;
    expect(lp.weak).toBe('cheap');
    expect(lp.strong).toBe('strong');
    expect(lp.cv!.alphas).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(lp.cv!.apgr).toHaveLength(5);
    expect(lp.cv!.rows).toBe(400);
    // The chosen weight is the best cross-validated one.
    expect(lp.cv!.apgr[lp.cv!.alphas.indexOf(lp.alpha)]).toBe(Math.max(...lp.cv!.apgr));
    for (const q of [lp.margin, lp.length, lp.blend]) {
      expect(q).toHaveLength(101);
      expect(q.every((x, i) => i === 0 || x >= q[i - 1]!)).toBe(true);
    }
    const copy = JSON.parse(JSON.stringify(model)) as unknown;
    assertLearnedModel(copy);
    const a = routerWith(model);
    const b = routerWith(copy);
    for (let i = 0; i < 30; i++) {
      const p = `w${i} `.repeat(3 + i * 8);
      expect(first(b, p)).toBe(first(a, p));
    }
    // A fixed weight skips the cross-validation.
    expect(trainRouter(ds, { dim: 512, lengthPrior: { alpha: 0.5 } }).lengthPrior).toMatchObject({ alpha: 0.5 });
    expect(() => trainRouter(ds, { dim: 512, lengthPrior: { alpha: 2 } })).toThrow(/lengthPrior.alpha must be in \[0, 1\]/);
  });

  it('with too few rows holding both models’ outcomes it leaves the prior out and says why', () => {
    const ds = lengthDataset(30);
    const model = trainRouter(ds, { dim: 256, lengthPrior: true });
    expect(model.lengthPrior).toBeUndefined();
    expect(String(model.meta?.lengthPrior)).toMatch(/not fitted: .*50 rows with both 'cheap' and 'strong' outcomes \(had 30\)/);
  });

  it('tune: the step size is chosen by cross-validation among the given ones and recorded', () => {
    const model = trainRouter(lengthDataset(300), { dim: 512, tune: { learningRates: [0.01, 0.1], folds: 3 } });
    const t = model.meta?.tune as { learningRates: number[]; apgr: number[]; chosen: number };
    expect(t.learningRates).toEqual([0.01, 0.1]);
    expect(t.apgr).toHaveLength(2);
    expect(t.chosen).toBe(t.learningRates[t.apgr.indexOf(Math.max(...t.apgr))]);
    expect(model.meta?.learningRate).toBe(t.chosen);
  });

  it('a minQuality target reads the predicted quality, not the length-shifted score the choice is made on', async () => {
    const router = routerWith(flatWithPrior(0), { target: { minQuality: 0.9, minSamples: 10, every: 5 } });
    for (let i = 0; i < 30; i++) await router.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: 'word '.repeat(1 + i * 13) }] });
    const t = router.stats().targets[0]!;
    expect(t.window).toBe(30);
    // Every prediction of the flat model is 0.5; the shifted scores range over 0.5 ± 0.5.
    expect(t.achieved).toBeCloseTo(0.5, 10);
  });

  it('cvFolds: by label when the rows carry enough labels, random on request; anything else is refused', () => {
    const ds = lengthDataset(300);
    const labelled = { ...ds, rows: ds.rows.map((r, i) => ({ ...r, group: `task-${i % 6}` })) };
    const byLabel = trainRouter(labelled, { dim: 256, taskFeature: false, tune: { learningRates: [0.03], folds: 3 }, lengthPrior: { folds: 3 } });
    expect(byLabel.lengthPrior!.cv!.byLabel).toBe(true);
    expect((byLabel.meta?.tune as { byLabel: boolean }).byLabel).toBe(true);
    const random = trainRouter(labelled, { dim: 256, taskFeature: false, tune: { learningRates: [0.03], folds: 3 }, lengthPrior: { folds: 3 }, cvFolds: 'random' });
    expect(random.lengthPrior!.cv!.byLabel).toBe(false);
    expect(random.lengthPrior!.cv!.rows).toBe(300);
    expect(() => trainRouter(ds, { cvFolds: 'subjects' as never })).toThrow(/cvFolds must be 'by-label' or 'random'/);
  });

  it('refuses a @3 model file and a broken length prior, naming the problem', () => {
    expect(() => learnedStrategy({ format: 'llm-switchboard/learned-router@3' } as never)).toThrow(/@3.*retrain with trainRouter/);
    const bad = flatWithPrior(0.5);
    expect(() => learnedStrategy({ ...bad, lengthPrior: { ...bad.lengthPrior!, alpha: 2 } })).toThrow(/lengthPrior.alpha must be a number in \[0, 1\]/);
    expect(() => learnedStrategy({ ...bad, lengthPrior: { ...bad.lengthPrior!, strong: 'nope' } })).toThrow(/lengthPrior.strong must be one of the model's models/);
    expect(() => learnedStrategy({ ...bad, lengthPrior: { ...bad.lengthPrior!, blend: [0.5, 0.1] } })).toThrow(/lengthPrior.blend must be at least 2 ascending/);
  });

  it('llm-switchboard train writes the length prior by default; --length-prior off leaves it out; a bad value is refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lp-'));
    const ds = lengthDataset(120);
    writeFileSync(join(dir, 'o.jsonl'), ds.rows.map((r) => JSON.stringify({ prompt: r.prompt, outcomes: r.outcomes })).join('\n'));
    writeFileSync(join(dir, 'prices.json'), JSON.stringify(PRICING));
    const cli = (...extra: string[]) => execFileSync('npx', ['tsx', 'src/cli.ts', 'train', '--data', join(dir, 'o.jsonl'), '--models', join(dir, 'prices.json'), '--out', join(dir, 'm.json'), '--dim', '256', ...extra], { cwd: join(__dirname, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(cli()).toMatch(/length prior α = [\d.]+ \(chosen by 5-fold CV; APGR per α 0: /);
    expect((JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')) as LearnedRouterModel).lengthPrior).toBeDefined();
    expect(cli('--length-prior', 'off')).toMatch(/length prior off/);
    expect((JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')) as LearnedRouterModel).lengthPrior).toBeUndefined();
    expect(() => cli('--length-prior', 'sometimes')).toThrow(/--length-prior must be cv, off or a number in \[0, 1\]/);
  }, 60_000);
});
