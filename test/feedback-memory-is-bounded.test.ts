import { describe, expect, it } from 'vitest';
import { FeedbackHub } from '../src/client/feedback.js';
import type { DecisionRecord } from '../src/index.js';

const decision = (id: string, features = true) =>
  ({ id, outcome: 'success', route: 'auto', strategy: 'learned', model: 'cheap', routingProbabilities: { cheap: 1 }, context: {}, ...(features ? { routingFeatures: { kind: 'hashed-ngrams@3', id } } : {}) }) as unknown as DecisionRecord;

describe('feedback memory', () => {
  it('keeps the newest decisions and forgets the oldest, for decisions and for their features, past each capacity', () => {
    const hub = new FeedbackHub(5, 2);
    for (let i = 0; i < 12; i++) hub.remember(decision(`d${i}`));
    const features: Record<string, unknown> = {};
    const learner = Object.assign(() => [], { learn: (e: { decisionId: string; features?: unknown }) => ((features[e.decisionId] = e.features), true) });
    const matched = Array.from({ length: 12 }, (_, i) => `d${i}`).filter((id) => hub.give(id, { score: 1 }, [learner]).matched);
    expect(matched).toEqual(['d7', 'd8', 'd9', 'd10', 'd11']);
    expect(Object.entries(features).filter(([, f]) => f !== undefined).map(([id]) => id)).toEqual(['d10', 'd11']);
  });

  it('remembering the same decision twice does not shorten the memory of the others', () => {
    const hub = new FeedbackHub(3, 3);
    hub.remember(decision('a'));
    hub.remember(decision('a'));
    hub.remember(decision('b'));
    hub.remember(decision('c'));
    expect(['a', 'b', 'c'].map((id) => hub.give(id, { score: 1 }, []).matched)).toEqual([true, true, true]);
    hub.remember(decision('d'));
    expect(['a', 'b', 'c', 'd'].map((id) => hub.give(id, { score: 1 }, []).matched)).toEqual([false, true, true, true]);
  });
});
