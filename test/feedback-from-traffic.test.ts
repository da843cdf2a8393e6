import { describe, expect, it } from 'vitest';
import { createLearnedModel, createRouter, feedbackLoop, learnedStrategy, predictLearned, type DecisionRecord, type FeedbackRecord } from 'llm-switchboard';
import { body, learnedRouter as router, models } from './support/learned-two-model-router.js';

const hard = (i: number) => `Prove rigorously that the series number ${i} converges`;
const easy = (i: number) => `Translate the greeting number ${i} into French`;
const settle = () => new Promise((r) => setTimeout(r, 20));

describe('router.feedback()', () => {
  it('takes a score or a label, reports it to onFeedback with the decision model and propensity, and rejects bad input by name', async () => {
    const s = learnedStrategy(createLearnedModel({ models: ['cheap', 'strong'], prices: { cheap: 0.2, strong: 10 }, dim: 256 }), { exploration: { type: 'epsilon-greedy', epsilon: 0.2 } });
    const r = router(s);
    const seen: FeedbackRecord[] = [];
    r.onFeedback((f) => void seen.push(f));
    const { decision } = await r.chat.completions.create(body('hello')).withDecision();
    // The record carries the propensities (ε/K each, plus 1 − ε on the greedy choice) and the features.
    const probs = decision.routingProbabilities!;
    expect(Object.keys(probs).sort()).toEqual(['cheap', 'strong']);
    expect(probs.cheap! + probs.strong!).toBeCloseTo(1, 10);
    expect(Math.min(probs.cheap!, probs.strong!)).toBeCloseTo(0.1, 10);
    expect((decision.routingFeatures as { kind: string }).kind).toBe('hashed-ngrams@3');
    expect(JSON.stringify(decision)).not.toContain('hello');

    const a = r.feedback(decision.id, { score: 0.8 });
    const b = r.feedback(decision.id, { label: 'thumbs-down', source: 'user' });
    expect(a).toMatchObject({ type: 'feedback', decisionId: decision.id, matched: true, model: decision.model, route: 'auto', score: 0.8, source: 'user', probability: probs[decision.model!] });
    expect(b.score).toBe(0);
    await settle();
    expect(seen.map((f) => f.score)).toEqual([0.8, 0]);

    expect(() => r.feedback(decision.id, { score: 1.5 })).toThrow(/score must be a number in \[0, 1\]/);
    expect(() => r.feedback(decision.id, { label: 'meh' })).toThrow(/unknown label 'meh'/);
    expect(() => r.feedback(decision.id, {})).toThrow(/score in \[0, 1\] or a label/);
    expect(() => r.feedback('', { score: 1 })).toThrow(/decisionId/);
    const unknown = r.feedback('dec_not-in-memory', { score: 1, model: 'cheap' });
    expect(unknown).toMatchObject({ matched: false, model: 'cheap' });
    expect(r.stats().feedback).toEqual({ received: 3, matched: 2, learned: 0 });
  });

  it('an online learned router starting from nothing learns from partial, delayed feedback to send hard prompts to the strong model', async () => {
    const start = createLearnedModel({ models: ['cheap', 'strong'], prices: { cheap: 0.2, strong: 10 }, dim: 1024, priors: { cheap: 0.5, strong: 0.5 } });
    const s = learnedStrategy(start, { lambda: 0.3, online: { learningRate: 0.3 }, exploration: { type: 'epsilon-greedy', epsilon: 0.3 } });
    const r = router(s);
    const pending: Array<{ id: string; model: string; isHard: boolean }> = [];
    for (let i = 0; i < 400; i++) {
      const isHard = i % 2 === 0;
      const { decision } = await r.chat.completions.create(body(isHard ? hard(i) : easy(i))).withDecision();
      pending.push({ id: decision.id, model: decision.model!, isHard });
      // Feedback arrives 20 requests late, and only for the model that answered.
      if (pending.length > 20) {
        const p = pending.shift()!;
        r.feedback(p.id, { score: p.model === 'strong' || !p.isHard ? 1 : 0 });
      }
    }
    expect(r.stats().feedback.learned).toBe(380);
    const now = s.snapshot();
    expect(start.weights.cheap!.every((w, i) => i === 0 || w === 0)).toBe(true); // the caller's model is untouched
    expect(predictLearned(now, hard(9999)).cheap!).toBeLessThan(0.4);
    expect(predictLearned(now, easy(9999)).cheap!).toBeGreaterThan(0.7);
    const greedy = learnedStrategy(now, { lambda: 0.3 });
    const g = router(greedy);
    expect(g.explain(body(hard(12345))).plan[0]!.model).toBe('strong');
    expect(g.explain(body(easy(12345))).plan[0]!.model).toBe('cheap');
    expect(now.observations!.cheap! + now.observations!.strong!).toBe(380);
  });

  it('Thompson sampling explores the model with less feedback and logs estimated propensities', async () => {
    const m = createLearnedModel({ models: ['cheap', 'strong'], prices: { cheap: 0.2, strong: 10 }, dim: 64 });
    m.observations = { cheap: 10_000, strong: 0 };
    const s = learnedStrategy(m, { lambda: 0.05, exploration: { type: 'thompson', scale: 2, draws: 200 } });
    const r = router(s);
    const firsts: string[] = [];
    for (let i = 0; i < 200; i++) {
      const { decision } = await r.chat.completions.create(body(`q ${i}`)).withDecision();
      firsts.push(decision.plan[0]!);
      const p = decision.routingProbabilities!;
      expect(p.cheap! + p.strong!).toBeCloseTo(1, 6);
      expect(p.strong!).toBeGreaterThan(0.2);
      expect(p.strong!).toBeLessThan(0.8);
    }
    const share = firsts.filter((x) => x === 'strong').length / 200;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.8);
    expect(() => learnedStrategy(m, { exploration: { type: 'epsilon-greedy', epsilon: 2 } })).toThrow(/epsilon must be in \[0, 1\]/);
    expect(() => learnedStrategy(m, { exploration: { type: 'softmax' } as never })).toThrow(/exploration type/);
  });

  it('exploration is configured per route: one route explores, the other does not', async () => {
    const m = createLearnedModel({ models: ['cheap', 'strong'], prices: { cheap: 0.2, strong: 10 }, dim: 64 });
    const s = learnedStrategy(m, { lambda: 0.3, routes: { explore: { exploration: { type: 'epsilon-greedy', epsilon: 1 } } } });
    const r = createRouter({
      providers: { m: { type: 'mock' } },
      models,
      strategies: { learned: s },
      routes: { explore: { models: ['cheap', 'strong'], strategy: 'learned' }, steady: { models: ['cheap', 'strong'], strategy: 'learned' } },
      seed: 5,
    });
    const firsts = async (route: string) => {
      const out = new Set<string>();
      for (let i = 0; i < 40; i++) out.add((await r.chat.completions.create({ model: route, messages: [{ role: 'user', content: `q${i}` }] }).withDecision()).decision.plan[0]!);
      return out;
    };
    expect(await firsts('explore')).toEqual(new Set(['cheap', 'strong']));
    expect(await firsts('steady')).toEqual(new Set(['cheap']));
  });
});

describe('feedbackLoop: validators, an LLM-as-judge and shadow pairs feed router.feedback()', () => {
  it('scores answers with validators and a judge, from observe() and, with recordContent, from the records', async () => {
    const make = (extra: Record<string, unknown>) => {
      const s = learnedStrategy(createLearnedModel({ models: ['cheap', 'strong'], prices: { cheap: 0.2, strong: 10 }, dim: 64 }), { online: true });
      const r = router(s, extra);
      const got: FeedbackRecord[] = [];
      r.onFeedback((f) => void got.push(f));
      const loop = feedbackLoop(r, {
        validators: { mentionsModel: ({ completion }) => (completion.choices[0]!.message.content ?? '').includes('answer from') },
        judge: async ({ completion }) => ((completion.choices[0]!.message.content ?? '').endsWith('strong') ? 'good' : 0.25),
      });
      return { r, got, loop };
    };
    const plain = make({});
    const b = body('hello');
    const routed = await plain.r.chat.completions.create(b).withDecision();
    const now = await plain.loop.observe(b, routed);
    expect(now.map((f) => [f.source, f.score, f.model])).toEqual([
      ['validator:mentionsModel', 1, 'cheap'],
      ['judge', 0.25, 'cheap'],
    ]);
    // Scoring the same answer again adds nothing.
    expect(await plain.loop.observe(b, routed)).toEqual([]);
    expect(plain.r.stats().feedback.learned).toBe(2);

    const recorded = make({ recordContent: true });
    const second = await recorded.r.chat.completions.create(body('second question')).withDecision();
    await settle();
    await settle();
    expect(recorded.got.filter((f) => f.decisionId === second.decision.id).map((f) => f.source).sort()).toEqual(['judge', 'validator:mentionsModel']);
    recorded.loop.close();
    await recorded.r.chat.completions.create(body('after close'));
    await settle();
    expect(recorded.got).toHaveLength(2);
    expect(() => feedbackLoop(recorded.r, { judgeRate: 3 })).toThrow(/judgeRate/);
  });

  it('a shadow pair gives feedback for both models of the same decision, the challenger weighted by the shadow rate', async () => {
    const s = learnedStrategy(createLearnedModel({ models: ['cheap', 'strong'], prices: { cheap: 0.2, strong: 10 }, dim: 64 }), { online: true, lambda: 0.5 });
    const r = createRouter({
      providers: { m: { type: 'mock', reply: (b) => `answer from ${b.model}` } },
      models,
      strategies: { learned: s },
      routes: { auto: { models: ['cheap', 'strong'], strategy: 'learned', shadow: { rate: 1, models: ['strong'] } } },
    });
    const got: FeedbackRecord[] = [];
    r.onFeedback((f) => void got.push(f));
    feedbackLoop(r, { shadow: { rate: 0.5, compare: ({ primary, shadow }) => ({ primary: primary.model === 'cheap' ? 0 : 1, shadow: shadow.model === 'strong' ? 1 : 0 }) } });
    const { decision } = await r.chat.completions.create(body('compare me')).withDecision();
    expect(decision.model).toBe('cheap');
    await new Promise((res) => setTimeout(res, 100));
    expect(got.map((f) => [f.model, f.score, f.source, f.probability])).toEqual([
      ['cheap', 0, 'shadow', decision.routingProbabilities!.cheap],
      ['strong', 1, 'shadow', 0.5],
    ]);
    expect(got.every((f) => f.decisionId === decision.id)).toBe(true);
    expect(r.stats().feedback.learned).toBe(2);
  });

  it('records never carry prompt text unless recordContent is on, but carry the features', async () => {
    const records: DecisionRecord[] = [];
    const s = learnedStrategy(createLearnedModel({ models: ['cheap', 'strong'], dim: 64 }));
    const r = router(s, { hooks: { onDecision: (d: DecisionRecord) => void records.push(d) } });
    await r.chat.completions.create(body('a secret question about payroll'));
    await settle();
    expect(JSON.stringify(records[0])).not.toMatch(/payroll/);
    expect(records[0]!.routingFeatures).toBeDefined();
  });
});
