import { BadRequestError } from 'openai/core/error';

/** The OpenAI SDK's 400, for a request no model could serve. */
export function badRequest(message: string, param?: string): BadRequestError {
  return new BadRequestError(400, { message, type: 'invalid_request_error', ...(param ? { param } : {}) }, message, new Headers());
}
