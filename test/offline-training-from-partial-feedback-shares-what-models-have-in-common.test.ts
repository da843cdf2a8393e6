import { describe, expect, it } from 'vitest';
import { predictLearned, trainRouter, type RoutingDataset, type RoutingRow } from 'llm-switchboard';

const hard = (i: number) => `Prove the conjecture number ${i} about primes`;
const easy = (i: number) => `Say hello to visitor ${i}`;

const spell = (i: number) => `Spell floccinaucinihilipilification backwards for visitor ${i}`;

/**
 * Logged traffic: the cheap model answered only easy prompts (greetings succeed, spelling
 * fails), the strong model every hard prompt (they fail) and some greetings.
 */
function partialLog(): RoutingDataset {
  const rows: RoutingRow[] = [];
  for (let i = 0; i < 240; i++) {
    const kind = i % 3;
    if (kind === 0) rows.push({ id: `r${i}`, prompt: hard(i), outcomes: { strong: { score: 0, propensity: 0.5 } } });
    else if (kind === 1) rows.push({ id: `r${i}`, prompt: easy(i), outcomes: { [i % 2 === 0 ? 'strong' : 'cheap']: { score: 1, propensity: 0.5 } } });
    else rows.push({ id: `r${i}`, prompt: spell(i), outcomes: { cheap: { score: 0, propensity: 0.5 } } });
  }
  return { name: 'logged', models: ['cheap', 'strong'], pricing: { cheap: { input: 0.2, output: 0.2 }, strong: { input: 10, output: 10 } }, rows };
}

function fullLabels(): RoutingDataset {
  const rows: RoutingRow[] = [];
  for (let i = 0; i < 80; i++) {
    const isHard = i % 2 === 0;
    rows.push({ id: `r${i}`, prompt: isHard ? hard(i) : easy(i), outcomes: { cheap: { score: isHard ? 0 : 1 }, strong: { score: isHard ? (i % 4 === 0 ? 1 : 0) : 1 } } });
  }
  return { name: 'full', models: ['cheap', 'strong'], pricing: { cheap: { input: 0.2, output: 0.2 }, strong: { input: 10, output: 10 } }, rows };
}

describe('offline training from partial feedback', () => {
  it('by default teaches a model what the others observed about a prompt (the shared part), so the cheap model learns hard prompts fail without ever answering one', () => {
    const shared = trainRouter(partialLog(), { dim: 1024, seed: 3 });
    const alone = trainRouter(partialLog(), { dim: 1024, seed: 3, shared: 0 });
    expect(shared.meta?.shared).toBe(2);
    expect(alone.meta?.shared).toBeUndefined();
    expect(shared.observations).toEqual({ cheap: 120, strong: 120 });
    const sharedHard = predictLearned(shared, hard(9999)).cheap!;
    const aloneHard = predictLearned(alone, hard(9999)).cheap!;
    // Alone, the cheap model never saw a hard prompt: it rates one near its base rate.
    expect(aloneHard).toBeGreaterThan(0.25);
    expect(sharedHard).toBeLessThan(aloneHard - 0.2);
    expect(predictLearned(shared, easy(9999)).cheap!).toBeGreaterThan(sharedHard + 0.2);
    // The strong model learned from its own rows either way.
    expect(predictLearned(shared, hard(9999)).strong!).toBeLessThan(0.3);
    expect(predictLearned(alone, hard(9999)).strong!).toBeLessThan(0.3);
  });

  it('leaves training on fully labelled rows as it was (no shared part unless asked for)', () => {
    const byDefault = trainRouter(fullLabels(), { dim: 1024, seed: 5 });
    const off = trainRouter(fullLabels(), { dim: 1024, seed: 5, shared: 0 });
    expect(JSON.stringify(byDefault)).toBe(JSON.stringify(off));
    const asked = trainRouter(fullLabels(), { dim: 1024, seed: 5, shared: 2 });
    expect(asked.meta?.shared).toBe(2);
    expect(JSON.stringify(asked.weights)).not.toBe(JSON.stringify(off.weights));
  });

  it('refuses a shared step that is not a finite number >= 0, naming it', () => {
    expect(() => trainRouter(partialLog(), { shared: -1 })).toThrow(/trainRouter: shared must be a finite number >= 0/);
    expect(() => trainRouter(partialLog(), { shared: Number.NaN })).toThrow(/shared/);
  });
});
