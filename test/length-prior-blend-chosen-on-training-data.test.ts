import { describe, expect, it } from 'vitest';
import { normalizePrompt, type RoutingDataset, type RoutingRow } from 'llm-switchboard';
import { blendWithLengthPrior, chooseBlendWeight, labelFolds, percentileRanks } from '../src/evaluation/length-prior-blend.js';

const tag = (i: number) => String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26) % 26);
function rows(n: number, label: (i: number) => string | undefined, len: (i: number) => number): RoutingRow[] {
  return Array.from({ length: n }, (_, i) => ({ id: String(i), prompt: `q ${tag(i)} ${'x'.repeat(len(i))}`, group: label(i), outcomes: { weak: { score: 1 }, strong: { score: 1 } } }));
}

describe('learned score blended with the length prior, weight chosen on the training set', () => {
  it('ranks: α = 1 keeps the learned order, α = 0 the length order, and a bad α or length is refused', () => {
    const rs = rows(5, () => undefined, (i) => 10 * (5 - i));
    const learned = [0.1, 0.9, 0.5, 0.3, 0.7];
    expect(percentileRanks(learned)).toEqual([0, 1, 0.5, 0.25, 0.75]);
    expect(blendWithLengthPrior(learned, rs, 1)).toEqual(percentileRanks(learned));
    expect(blendWithLengthPrior(learned, rs, 0)).toEqual([1, 0.75, 0.5, 0.25, 0]);
    expect(() => blendWithLengthPrior(learned, rs, 1.5)).toThrow(/alpha must be in \[0, 1\]/);
    expect(() => blendWithLengthPrior([1], rs, 0.5)).toThrow(/1 scores for 5 rows/);
  });

  it('splits folds by label so each fold’s labels are unseen in its training part, and no prompt is on both sides', () => {
    const rs = rows(100, (i) => `subject-${i % 10}`, (i) => i);
    rs.push({ ...rs[0]!, id: 'dup', group: 'subject-1' });
    const ds: RoutingDataset = { name: 't', models: ['weak', 'strong'], pricing: {}, rows: rs };
    const { folds, byLabel } = labelFolds(ds, 5);
    expect(byLabel).toBe(true);
    for (const { train, test } of folds) {
      const trainLabels = new Set(train.rows.map((r) => r.group));
      expect(test.rows.some((r) => trainLabels.has(r.group))).toBe(false);
      const seen = new Set(train.rows.map((r) => normalizePrompt(r.prompt)));
      expect(test.rows.filter((r) => seen.has(normalizePrompt(r.prompt)))).toEqual([]);
    }
    // Too few labels: random folds instead.
    expect(labelFolds({ ...ds, rows: rows(20, () => undefined, (i) => i) }, 5).byLabel).toBe(false);
  });

  it('picks the weight that wins on the training folds (here the length prior, which the rows reward)', () => {
    // The strong model helps exactly on the longer prompts; the "learned" scorer is noise.
    const rs = rows(200, (i) => `s${i % 8}`, (i) => (i * 37) % 200).map((r, i) => ({ ...r, outcomes: { weak: { score: (i * 37) % 200 > 100 ? 0 : 1 }, strong: { score: 1 } } }));
    const ds: RoutingDataset = { name: 't', models: ['weak', 'strong'], pricing: {}, rows: rs };
    const metric = (test: readonly RoutingRow[], scores: number[]) => {
      // Share of the strong-helped rows among the top half by score.
      const order = scores.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0]).slice(0, Math.ceil(test.length / 2));
      return order.filter(([, i]) => test[i]!.outcomes.weak!.score === 0).length / order.length;
    };
    const noise = (_train: RoutingDataset, test: readonly RoutingRow[]) => test.map((_, i) => Math.sin(i * 12.9898) % 1);
    const choice = chooseBlendWeight(ds, noise, metric);
    expect(choice.byLabel).toBe(true);
    expect(choice.alpha).toBe(0);
    expect(choice.cv).toHaveLength(5);
    expect(choice.cv[0]).toBeGreaterThan(choice.cv[4]!);
  });
});
