/**
 * The shape of a cascade's `accept`: given the cheap model's answer, keep it (true) or
 * escalate (false). Validators are pure functions of the answer and the request, so the
 * same function runs live in a cascade and offline on recorded responses.
 */
import type { ChatCompletion, ChatCompletionCreateParams } from 'openai/resources/chat/completions';

export interface ValidatorContext {
  completion: ChatCompletion;
  body: ChatCompletionCreateParams;
  /** The registry id of the model that answered, when known. */
  model?: string | undefined;
}

export type Validator = (ctx: ValidatorContext) => boolean | Promise<boolean>;

/** The answer text of the first choice ('' when there is none). */
export function completionText(completion: ChatCompletion | undefined): string {
  const content = completion?.choices?.[0]?.message?.content;
  return typeof content === 'string' ? content : '';
}
