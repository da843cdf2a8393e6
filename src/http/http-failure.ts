/** A refusal the handler answers itself (bad URL, method, header, body, key), with its status and OpenAI error body. */
import { errorBody, type OpenAIErrorBody } from './openai-error-body.js';

export class HttpFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: OpenAIErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.error.message);
  }
}

export function invalidRequest(status: number, message: string, code: string, param: string | null = null, headers?: Record<string, string>): HttpFailure {
  return new HttpFailure(status, errorBody(message, 'invalid_request_error', param, code), headers);
}

export function notAllowed(method: string, path: string, allow: string): HttpFailure {
  return invalidRequest(405, `Method ${method} is not allowed on ${path}; use ${allow}.`, 'method_not_allowed', null, { allow });
}
