import { describe, expect, it } from 'vitest';
import { dropOverlap, kFoldDisjoint, normalizePrompt, replay, singleModelPoints, type RoutingDataset } from 'llm-switchboard';
import { curveFromOrder, pairOutcomes, randomBand, rankRows, scoreRouter } from '../src/evaluation/pair-curves.js';

function ds(n: number, prefix = 'q'): RoutingDataset {
  const rows = Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, prompt: `${prefix} question ${String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26))}`, outcomes: { weak: { score: i % 3 === 0 ? 0 : 1 }, strong: { score: 1 } } }));
  return { name: prefix, models: ['weak', 'strong'], pricing: { weak: { input: 0.1, output: 0.1 }, strong: { input: 10, output: 10 } }, rows };
}

describe('honest evaluation: overlap, folds, intervals', () => {
  it('drops test rows whose normalised prompt is in the training data, and counts them', () => {
    const train = ds(10);
    const test: RoutingDataset = { ...ds(5, 'other'), rows: [...ds(5, 'other').rows, { ...train.rows[3]!, id: 'dup', prompt: `  ${train.rows[3]!.prompt.toUpperCase()} !` }] };
    expect(normalizePrompt('  Hello,   WORLD! ')).toBe('hello world');
    const { test: clean, dropped } = dropOverlap(train, test);
    expect(dropped).toBe(1);
    expect(clean.rows.map((r) => r.id)).not.toContain('dup');
  });

  it('k folds keep every copy of a prompt on one side', () => {
    const base = ds(40);
    const withDups: RoutingDataset = { ...base, rows: [...base.rows, ...base.rows.slice(0, 10).map((r) => ({ ...r, id: `${r.id}-copy` }))] };
    for (const { train, test } of kFoldDisjoint(withDups, 4, 3)) {
      const seen = new Set(train.rows.map((r) => normalizePrompt(r.prompt)));
      expect(test.rows.filter((r) => seen.has(normalizePrompt(r.prompt)))).toEqual([]);
    }
    expect(kFoldDisjoint(withDups, 4).reduce((s, f) => s + f.test.rows.length, 0)).toBe(50);
  });

  it('a score router curve equals a real replay, and its bootstrap interval and the random band make sense', async () => {
    const data = ds(120);
    const [weakOnly, strongOnly] = await singleModelPoints(data);
    const o = pairOutcomes(weakOnly!, strongOnly!);
    // A perfect router: the rows the weak model fails score highest.
    const perfect = data.rows.map((r) => 1 - r.outcomes.weak!.score);
    const point = curveFromOrder(o, rankRows(perfect), [0.5])[0]!;
    const strongIds = new Set(data.rows.filter((r) => r.outcomes.weak!.score === 0).map((r) => r.prompt).concat(data.rows.filter((r) => r.outcomes.weak!.score === 1).slice(0, 20).map((r) => r.prompt)));
    const real = await replay(data, { strategy: (_c, _x, body) => (strongIds.has(String(body.messages[0]!.content)) ? ['strong', 'weak'] : ['weak', 'strong']), models: ['weak', 'strong'] });
    expect(real.quality).toBeCloseTo(point.quality, 10);
    expect(real.costUsd).toBeCloseTo(point.costUsd, 12);
    const good = scoreRouter(o, perfect, { reps: 100 });
    expect(good.apgr).toBeGreaterThan(0.8);
    expect(good.ci[0]).toBeLessThanOrEqual(good.apgr);
    expect(good.ci[1]).toBeGreaterThanOrEqual(good.apgr);
    const band = randomBand(o, { reps: 100 });
    expect(band[0]).toBeLessThan(0.5);
    expect(band[1]).toBeGreaterThan(0.5);
    expect(good.ci[0]).toBeGreaterThan(band[1]);
  });
});
