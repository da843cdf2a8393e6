/**
 * Agreement check: ask a second cheap model (or sample again) and accept the first answer
 * only when both state the same final answer. Two cheap models agreeing are right far
 * more often than either alone.
 */
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { completionText, type Validator, type ValidatorContext } from './validator.js';
import { extractFinalAnswer } from './final-answer.js';

/** True when both texts state the same (normalised) final answer. */
export function answersAgree(a: string, b: string, extract: (text: string) => string | undefined = (t) => extractFinalAnswer(t, { fallbackToLastNumber: true })): boolean {
  const x = extract(a);
  const y = extract(b);
  return x !== undefined && x === y;
}

export interface AgreementOptions {
  /**
   * Produces the second opinion, e.g. another model through the same router:
   * `({ body }) => router.chat.completions.create({ ...body, model: 'other-cheap' })`.
   */
  second: (ctx: ValidatorContext) => Promise<ChatCompletion | string> | ChatCompletion | string;
  /** Reads the final answer out of a text. @default extractFinalAnswer, last number as fallback */
  extract?: (text: string) => string | undefined;
}

/**
 * @example accept: agreement({ second: ({ body }) => router.chat.completions.create({ ...body, model: 'flash' }) })
 */
export function agreement(options: AgreementOptions): Validator {
  if (typeof options?.second !== 'function') throw new TypeError('agreement: `second` must be a function returning the second answer');
  return async (ctx) => {
    const other = await options.second(ctx);
    const otherText = typeof other === 'string' ? other : completionText(other);
    return answersAgree(completionText(ctx.completion), otherText, options.extract);
  };
}
