import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertLearnedModel, createLearnedModel, createRouter, datasetFromRecords, learnedStrategy, predictLearned, readRecordsJsonl, trainRouter, type DecisionRecord, type FeedbackRecord, type RoutingDataset } from 'llm-switchboard';

const hard = (i: number) => `Prove rigorously that the series number ${i} converges`;
const easy = (i: number) => `Translate the greeting number ${i} into French`;

/** Live traffic through an exploring router: records and feedback as a user would log them. */
async function traffic(n: number, recordContent = false): Promise<{ records: DecisionRecord[]; feedback: FeedbackRecord[] }> {
  const records: DecisionRecord[] = [];
  const feedback: FeedbackRecord[] = [];
  const router = createRouter({
    providers: { m: { type: 'mock' } },
    models: [
      { id: 'cheap', provider: 'm', pricing: { input: 0.2, output: 0.2 } },
      { id: 'strong', provider: 'm', pricing: { input: 10, output: 10 } },
    ],
    strategies: { learned: learnedStrategy(createLearnedModel({ models: ['cheap', 'strong'], prices: { cheap: 0.2, strong: 10 }, dim: 1024 }), { exploration: { type: 'epsilon-greedy', epsilon: 0.5 } }) },
    routes: { auto: { models: ['cheap', 'strong'], strategy: 'learned' } },
    hooks: { onDecision: (d) => void records.push(d) },
    recordContent,
    seed: 11,
  });
  router.onFeedback((f) => void feedback.push(f));
  for (let i = 0; i < n; i++) {
    const isHard = i % 2 === 0;
    const { decision } = await router.chat.completions.create({ model: 'auto', messages: [{ role: 'user', content: isHard ? hard(i) : easy(i) }] }).withDecision();
    router.feedback(decision.id, { score: decision.model === 'strong' || !isHard ? 1 : 0 });
  }
  await new Promise((r) => setTimeout(r, 20));
  return { records, feedback };
}

describe('training from the router’s own records and feedback', () => {
  it('builds a dataset of logged features (no prompt text) with one observed model per row and its propensity', async () => {
    const { records, feedback } = await traffic(60);
    const ds = datasetFromRecords({ records, feedback: [...feedback, { ...feedback[0]!, decisionId: 'dec_unknown' }] });
    expect(ds.report).toMatchObject({ records: 60, feedback: 61, rows: 60, unmatchedFeedback: 1, withoutFeatures: 0 });
    expect(ds.models).toEqual(['cheap', 'strong']);
    for (const row of ds.rows) {
      expect(row.prompt).toBe('');
      expect(row.features?.kind).toBe('hashed-ngrams@3');
      expect(Object.keys(row.outcomes)).toHaveLength(1);
      const [m, o] = Object.entries(row.outcomes)[0]!;
      const rec = records.find((r) => r.id === row.id)!;
      expect(m).toBe(rec.model);
      expect(o.propensity).toBe(rec.routingProbabilities![m]);
    }
  });

  it('trains from partial feedback: each model only on the rows it was observed on, weighted by 1 / propensity', () => {
    const row = (id: string, prompt: string, outcomes: RoutingDataset['rows'][number]['outcomes']) => ({ id, prompt, outcomes });
    const base: RoutingDataset = { name: 'p', models: ['a', 'b'], pricing: {}, rows: [row('1', 'x', { a: { score: 1 } }), row('2', 'y', { b: { score: 0 } }), row('3', 'z', { a: { score: 0 } })] };
    const m = trainRouter(base, { dim: 64, epochs: 0 });
    // Intercepts start at each model's observed base rate: a 1/2, b 0 (clipped), not "missing = 0".
    expect(m.weights.a![0]).toBeCloseTo(0, 3);
    expect(m.weights.b![0]).toBeLessThan(-6);
    expect(m.observations).toEqual({ a: 2, b: 1 });
    // A row seen with propensity 0.1 counts like ten copies of it.
    const weighted = trainRouter({ ...base, rows: [row('1', 'x', { a: { score: 1, propensity: 0.1 } }), base.rows[2]!] }, { dim: 64, epochs: 0 });
    const copies = trainRouter({ ...base, rows: [...Array.from({ length: 10 }, (_, i) => row(`c${i}`, 'x', { a: { score: 1 } })), base.rows[2]!] }, { dim: 64, epochs: 0 });
    expect(weighted.weights.a![0]).toBeCloseTo(copies.weights.a![0]!, 4);
  });

  it('a model trained on logged features routes like the traffic taught it; recorded content works too', async () => {
    for (const recordContent of [false, true]) {
      const { records, feedback } = await traffic(300, recordContent);
      const ds = datasetFromRecords({ records, feedback });
      expect(ds.rows.every((r) => (recordContent ? r.prompt.length > 0 : r.features !== undefined))).toBe(true);
      const model = trainRouter(ds, { dim: 1024, epochs: 8, learningRate: 0.2 });
      expect(predictLearned(model, hard(99_999)).cheap!).toBeLessThan(0.35);
      expect(predictLearned(model, easy(99_999)).cheap!).toBeGreaterThan(0.7);
    }
  });

  it('rejects options that do not match the logged features, naming both shapes', async () => {
    const { records, feedback } = await traffic(10);
    expect(() => trainRouter(datasetFromRecords({ records, feedback }), { dim: 2048 })).toThrow(/hashed with dim 1024.*options ask for dim 2048/);
  });

  it('npx tsx src/cli.ts train --from-records reads JSONL records and feedback and writes a model', async () => {
    const { records, feedback } = await traffic(200);
    const dir = mkdtempSync(join(tmpdir(), 'lsb-records-'));
    writeFileSync(join(dir, 'records.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
    writeFileSync(join(dir, 'feedback.jsonl'), feedback.map((f) => JSON.stringify(f)).join('\n') + '\n');
    const out = execFileSync('npx', ['tsx', 'src/cli.ts', 'train', '--from-records', join(dir, 'records.jsonl'), '--feedback', join(dir, 'feedback.jsonl'), '--out', join(dir, 'model.json')], { encoding: 'utf8' });
    expect(out).toMatch(/trained on 200 rows from 200 records and 200 feedback/);
    const model = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as unknown;
    assertLearnedModel(model);
    expect(predictLearned(model, hard(5)).cheap!).toBeLessThan(predictLearned(model, easy(5)).cheap!);
    // Inline feedback on the record line works as well; a broken line is named.
    writeFileSync(join(dir, 'inline.jsonl'), JSON.stringify({ ...records[0], feedback: { score: 1 } }) + '\n');
    expect(readRecordsJsonl(join(dir, 'inline.jsonl')).feedback[0]).toMatchObject({ decisionId: records[0]!.id, score: 1, model: records[0]!.model });
    writeFileSync(join(dir, 'bad.jsonl'), '{"hello": 1}\n');
    expect(() => readRecordsJsonl(join(dir, 'bad.jsonl'))).toThrow(/bad\.jsonl:1: neither a DecisionRecord/);
  });

  it('train --shared sets the shared step for partial feedback (0 fits each model alone); a bad value is named', async () => {
    const { records, feedback } = await traffic(60);
    const dir = mkdtempSync(join(tmpdir(), 'lsb-records-'));
    writeFileSync(join(dir, 'records.jsonl'), [...records, ...feedback].map((r) => JSON.stringify(r)).join('\n') + '\n');
    const train = (extra: string[], out: string) => execFileSync('npx', ['tsx', 'src/cli.ts', 'train', '--from-records', join(dir, 'records.jsonl'), '--out', join(dir, out), ...extra], { encoding: 'utf8', stdio: 'pipe' });
    train([], 'default.json');
    train(['--shared', '0'], 'alone.json');
    train(['--shared', '0.5'], 'half.json');
    const meta = (f: string) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { meta: { shared?: number } }).meta;
    expect(meta('default.json').shared).toBe(2);
    expect(meta('alone.json').shared).toBeUndefined();
    expect(meta('half.json').shared).toBe(0.5);
    let stderr = '';
    try {
      train(['--shared=-1'], 'bad.json');
    } catch (e) {
      stderr = String((e as { stderr?: string }).stderr);
    }
    expect(stderr).toMatch(/--shared must be a number >= 0 \(got '-1'\)/);
  });
});
