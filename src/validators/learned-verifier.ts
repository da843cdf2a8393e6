/**
 * A learned answer check: a `trainVerifier()` model predicts, from the prompt and the
 * cheap model's answer, whether that answer is right. Same features and JSON format as
 * the learned router; no network, microseconds per check.
 */
import { messageText } from '../internal/message-text.js';
import { assertLearnedModel, predictLearned, type LearnedRouterModel } from '../strategies/learned.js';
import { completionText, type Validator, type ValidatorContext } from './validator.js';

/** The verifier's input text: the question, a blank line, the answer. */
export function verifierText(prompt: string, answer: string): string {
  return `${prompt}\n\n${answer}`;
}

/** P(the answer is right) for a cascade step. */
export function verifierScore(model: LearnedRouterModel, ctx: ValidatorContext): number {
  const msgs = ctx.body.messages ?? [];
  let prompt = '';
  for (let i = msgs.length - 1; i >= 0; i--) {
    if (msgs[i]!.role === 'user') {
      prompt = messageText(msgs[i]!);
      break;
    }
  }
  return predictLearned(model, verifierText(prompt, completionText(ctx.completion)))[model.models[0]!] ?? 0;
}

/**
 * Accepts answers the verifier scores at or above `threshold`.
 * @example accept: allOf(finalAnswerFormat(), learnedVerifier(verifierModel, { threshold: 0.6 }))
 */
export function learnedVerifier(model: LearnedRouterModel, options: { threshold?: number } = {}): Validator {
  assertLearnedModel(model);
  const threshold = options.threshold ?? 0.5;
  if (!(threshold >= 0 && threshold <= 1)) throw new RangeError(`learnedVerifier: threshold must be in [0, 1] (got ${threshold})`);
  return (ctx) => verifierScore(model, ctx) >= threshold;
}
