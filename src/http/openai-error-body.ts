/**
 * Any error → an HTTP status and OpenAI's error body `{ error: { message, type, param,
 * code } }`, so every OpenAI client (Python, Go, Java, curl scripts) reads it as it
 * reads OpenAI's own.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai/core/error';

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export interface HttpError {
  status: number;
  body: OpenAIErrorBody;
  headers: Record<string, string>;
  /** False for errors the server did not expect (bugs): report them, hide their detail. */
  expected: boolean;
}

export function errorBody(message: string, type: string, param: string | null = null, code: string | null = null): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}

function defaultType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

export function toHttpError(err: unknown): HttpError {
  const headers: Record<string, string> = {};
  const retryAfterMs = (err as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  if (typeof retryAfterMs === 'number' && retryAfterMs > 0) headers['retry-after'] = String(Math.ceil(retryAfterMs / 1000));
  // Order matters: the connection errors are APIErrors without a status.
  if (err instanceof APIUserAbortError) return { status: 499, body: errorBody('Request was aborted.', 'request_aborted'), headers, expected: true };
  if (err instanceof APIConnectionTimeoutError) {
    return { status: 504, body: errorBody(err.message, 'timeout', null, 'upstream_timeout'), headers, expected: true };
  }
  if (err instanceof APIConnectionError) {
    return { status: 502, body: errorBody(err.message, 'upstream_error', null, 'upstream_connection_error'), headers, expected: true };
  }
  if (err instanceof APIError && typeof err.status === 'number') {
    const status = err.status >= 400 && err.status <= 599 ? err.status : 502;
    return { status, body: errorBody(err.message, str(err.type) ?? defaultType(status), str(err.param), str(err.code)), headers, expected: true };
  }
  if (err instanceof APIError) {
    // An error the provider sent inside a stream that had not yet started: no status.
    return { status: 502, body: errorBody(err.message, str(err.type) ?? 'upstream_error', str(err.param), str(err.code)), headers, expected: true };
  }
  return { status: 500, body: errorBody('The server had an error while processing your request.', 'server_error'), headers, expected: false };
}
