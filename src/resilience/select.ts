/** Ensemble selection: the built-in majority vote. */
import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { EnsembleAnswer } from '../config/ensemble-select.js';

const normalize = (c: ChatCompletion) => (c.choices[0]?.message.content ?? '').trim().toLowerCase().replace(/[.!\s]+$/, '');

/**
 * The answer whose normalised content (trimmed, lower-cased, trailing punctuation
 * dropped) is most common; ties go to the earliest in plan order.
 * @example select: majorityVote
 */
export function majorityVote(answers: readonly EnsembleAnswer[]): ChatCompletion {
  const counts = new Map<string, number>();
  for (const a of answers) {
    const k = normalize(a.completion);
    counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  let best = answers[0]!;
  let bestCount = 0;
  for (const a of answers) {
    const n = counts.get(normalize(a.completion))!;
    if (n > bestCount) {
      best = a;
      bestCount = n;
    }
  }
  return best.completion;
}
