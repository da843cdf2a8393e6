import { OpenAIError } from 'openai/core/error';

/** A fault in routing itself (e.g. a custom strategy that threw or named an unknown model). */
export class RouterError extends OpenAIError {
  override readonly name = 'RouterError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    if (options?.cause !== undefined) Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false });
  }
}
