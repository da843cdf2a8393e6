import { OpenAIError } from 'openai/core/error';
import type { ChatCompletion } from 'openai/resources/chat/completions';

/**
 * `chat.completions.parse()` got an answer that does not match the requested
 * `response_format` (or a strict tool's parameters). `completion` is the raw answer and
 * `cause` the parser's own error (SyntaxError, ZodError, …).
 */
export class StructuredOutputError extends OpenAIError {
  override readonly name = 'StructuredOutputError';
  /** The completion that failed to parse, as the provider answered it. */
  readonly completion: ChatCompletion;
  /** The model that answered (`completion.model`). */
  readonly model: string;
  constructor(message: string, completion: ChatCompletion, cause: unknown) {
    super(message);
    this.completion = completion;
    this.model = completion.model;
    Object.defineProperty(this, 'cause', { value: cause, enumerable: false, writable: true, configurable: true });
  }
}
