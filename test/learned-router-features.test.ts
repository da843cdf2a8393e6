import { describe, expect, it } from 'vitest';
import { createLearnedModel, createRouter, featurize, learnedStrategy, predictLearned, promptParts, trainRouter, type RoutingDataset } from 'llm-switchboard';

const space = { dim: 4096, ngrams: 2, window: 1500, taskFeature: true, tasks: ['algebra', 'history'] };
// Distinct words (numbers hash by their length, so they would not tell cases apart).
const tag = (i: number) => String.fromCharCode(97 + (i % 26), 97 + Math.floor(i / 26));
const filler = (n: number) => 'Background material that every request shares word for word. '.repeat(Math.ceil(n / 62)).slice(0, n);

describe('learned router features', () => {
  it('reads the question at the end of a long user turn, so long prompts with different questions get different decisions', () => {
    // 200 prompts of 38,000 characters: same preamble, a different question at the end.
    const bodies = Array.from({ length: 200 }, (_, i) => ({
      model: 'auto',
      messages: [{ role: 'user' as const, content: `${filler(38_000)}\nQuestion: ${i % 2 ? 'prove the theorem about primes' : 'translate hello to french'} (item ${tag(i)})` }],
    }));
    const keys = new Set(bodies.map((b) => featurize(promptParts(b), undefined, space).idx.join(',')));
    expect(keys.size).toBe(200);
    // A model trained on such prompts (other items, other lengths) routes by the question.
    const rows = Array.from({ length: 120 }, (_, i) => ({ id: String(i), prompt: `${filler((i * 7919) % 38_000)}\nQuestion: ${i % 2 ? 'prove the theorem about primes' : 'translate hello to french'} (item ${tag(200 + i)})`, outcomes: { cheap: { score: i % 2 ? 0 : 1 }, strong: { score: 1 } } }));
    const ds: RoutingDataset = { name: 't', models: ['cheap', 'strong'], pricing: { cheap: { input: 0.1, output: 0.1 }, strong: { input: 10, output: 10 } }, rows };
    const model = trainRouter(ds, { dim: 4096, epochs: 10, learningRate: 0.3 });
    const router = createRouter({
      providers: { m: { type: 'mock' } },
      models: [
        { id: 'cheap', provider: 'm', pricing: { input: 0.1, output: 0.1 } },
        { id: 'strong', provider: 'm', pricing: { input: 10, output: 10 } },
      ],
      strategies: { learned: learnedStrategy(model, { lambda: 0.3 }) },
      routes: { auto: { models: ['cheap', 'strong'], strategy: 'learned' } },
    });
    const firsts = bodies.map((b) => router.explain(b).plan[0]!.model);
    expect(firsts.filter((m, i) => m === (i % 2 ? 'strong' : 'cheap')).length).toBe(200);
  });

  it('hashes the system prompt apart from the question: same question, different system prompt → different features, same question buckets', () => {
    const q = 'What is the capital of France?';
    const a = featurize({ question: q, system: 'You are a geography tutor.' }, undefined, space);
    const b = featurize({ question: q, system: 'You are a terse SQL generator.' }, undefined, space);
    const none = featurize({ question: q }, undefined, space);
    const textBuckets = none.idx.length;
    expect(a.idx.slice(0, textBuckets)).toEqual(none.idx);
    expect(b.idx.slice(0, textBuckets)).toEqual(none.idx);
    expect(a.idx.slice(textBuckets)).not.toEqual(b.idx.slice(textBuckets));
    // The system words do not land in the question's buckets for the same word.
    const sysOnly = featurize({ question: '', system: 'capital france' }, undefined, space);
    const qOnly = featurize({ question: 'capital france' }, undefined, space);
    expect(sysOnly.idx.filter((i) => qOnly.idx.includes(i))).toEqual([]);
    expect(promptParts({ model: 'x', messages: [{ role: 'system', content: 'S1' }, { role: 'user', content: 'old' }, { role: 'assistant', content: 'a' }, { role: 'user', content: 'new' }] })).toEqual({ question: 'new', system: 'S1', turns: 4 });
  });

  it('gives each task label seen in training its own weight and an unseen label no offset at all', () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({ id: String(i), prompt: `question number ${i}`, group: i % 2 ? 'algebra' : 'history', outcomes: { cheap: { score: i % 2 ? 0 : 1 } } }));
    const model = trainRouter({ name: 't', models: ['cheap'], pricing: {}, rows }, { dim: 1024, epochs: 8, learningRate: 0.3 });
    expect(model.tasks).toEqual(['algebra', 'history']);
    const p = (label?: string) => predictLearned(model, 'question number 7', label).cheap!;
    expect(p('algebra')).toBeLessThan(p(undefined));
    expect(p('history')).toBeGreaterThan(p(undefined));
    expect(p('never-seen-label')).toBe(p(undefined));
    // A hand-made model shows the same: an unseen label reads no weight.
    const m = createLearnedModel({ models: ['x'], dim: 64, tasks: ['a'] });
    m.weights.x![m.weights.x!.length - 1] = 5;
    expect(predictLearned(m, 'hi', 'a').x).toBeGreaterThan(0.99);
    expect(predictLearned(m, 'hi', 'b').x).toBeCloseTo(0.5, 10);
  });

  it('refuses a model file in the old format, naming it', () => {
    expect(() => learnedStrategy({ format: 'llm-switchboard/learned-router@1' } as never)).toThrow(/@1.*retrain/);
  });

  it('refuses a @2 model file (other window and bucket hash), naming the format and asking for a retrain', () => {
    expect(() => learnedStrategy({ format: 'llm-switchboard/learned-router@2' } as never)).toThrow(/@2.*retrain/);
  });

  it('refuses an n-gram length the feature pass does not hash (it reads words and word pairs), naming it', () => {
    const ds: RoutingDataset = {
      name: 'synthetic',
      models: ['mini', 'large'],
      pricing: { mini: { input: 0.1, output: 0.4 }, large: { input: 5, output: 15 } },
      rows: Array.from({ length: 20 }, (_, i) => ({ id: String(i), prompt: `question ${i} ${'x'.repeat(i)}`, outcomes: { mini: { score: i % 2 }, large: { score: 1 } } })),
    };
    expect(() => trainRouter(ds, { ngrams: 3 as never })).toThrow(/trainRouter: ngrams must be 1 \(words\) or 2 \(words and word pairs\), got 3/);
    expect(() => createLearnedModel({ models: ['mini', 'large'], ngrams: 3 as never })).toThrow(/createLearnedModel: ngrams must be 1 .* got 3/);
    const model = createLearnedModel({ models: ['mini', 'large'], ngrams: 1 });
    expect(() => learnedStrategy({ ...model, ngrams: 3 } as never)).toThrow(/ngrams must be 1 \(words\) or 2 .* got 3/);
    expect(trainRouter(ds, { ngrams: 1, dim: 256 }).ngrams).toBe(1);
  });
});
