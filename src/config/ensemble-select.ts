/** The ensemble's picker: a function option, typed by hand and carried by z.custom. */
import type { ChatCompletion, ChatCompletionCreateParams } from 'openai/resources/chat/completions';

export interface EnsembleAnswer {
  model: string;
  completion: ChatCompletion;
}

/** Picks the ensemble's answer: return one of the completions, or its index. */
export type SelectFunction = (answers: EnsembleAnswer[], body: ChatCompletionCreateParams) => ChatCompletion | number | Promise<ChatCompletion | number>;
