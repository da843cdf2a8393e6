/**
 * Builds the OpenAI SDK's own error classes from any provider's failure, so a user's
 * existing `catch (e) { if (e instanceof RateLimitError) … }` keeps working whichever
 * provider answered.
 */
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from 'openai/core/error';
import type { ProviderErrorInfo, ProviderErrorKind } from '../spec/provider-error-info.js';

export type RoutedAPIError = APIError & ProviderErrorInfo & { provider?: string; model?: string };

export interface ProviderErrorInit {
  status: number | undefined;
  /** The provider's error object, exposed as `err.error` (OpenAI puts `body.error` here). */
  error?: Record<string, unknown> | undefined;
  message: string;
  headers?: Headers | Record<string, string> | undefined;
  cause?: unknown;
  retryAfterMs?: number | undefined;
  kind?: ProviderErrorKind | undefined;
}

/** An HTTP error from a provider, as the OpenAI class for its status (529 → InternalServerError). */
export function providerError(init: ProviderErrorInit): RoutedAPIError {
  const headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers ?? {});
  const errorObject = init.error ?? { message: init.message };
  // generate() picks the subclass from the status and reads `.error` of a response body;
  // without a status it would claim a connection error, so an in-stream error is a plain
  // APIError. The message is set after, keeping the provider's wording whole.
  const err = (
    init.status ? APIError.generate(init.status, { error: errorObject }, init.message, headers) : new APIError(undefined, errorObject, init.message, undefined)
  ) as RoutedAPIError;
  err.message = init.status ? `${init.status} ${init.message}` : init.message;
  return decorate(err, init);
}

export function connectionError(cause: unknown, message?: string): RoutedAPIError {
  const err = new APIConnectionError({
    message: message ?? 'Connection error.',
    cause: cause instanceof Error ? cause : undefined,
  }) as RoutedAPIError;
  return err;
}

export function timeoutError(message?: string): RoutedAPIError {
  return new APIConnectionTimeoutError(message ? { message } : undefined) as RoutedAPIError;
}

export function abortError(): APIUserAbortError {
  return new APIUserAbortError();
}

function decorate(err: RoutedAPIError, info: ProviderErrorInit): RoutedAPIError {
  if (info.cause !== undefined) Object.defineProperty(err, 'cause', { value: info.cause, enumerable: false, writable: true, configurable: true });
  if (info.retryAfterMs !== undefined) err.retryAfterMs = info.retryAfterMs;
  if (info.kind !== undefined) err.kind = info.kind;
  return err;
}

const MAX_RETRY_AFTER_MS = 2 ** 31 - 1;

/**
 * Reads `retry-after-ms`, then `retry-after` (seconds or an HTTP date). Values that are
 * not positive, or absurdly large, are ignored rather than trusted.
 */
export function parseRetryAfter(headers: Headers | undefined | null, now: number = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null) {
    const v = Number.parseFloat(ms);
    if (Number.isFinite(v) && v > 0 && v <= MAX_RETRY_AFTER_MS) return v;
  }
  const ra = headers.get('retry-after');
  if (ra !== null) {
    const secs = Number.parseFloat(ra);
    if (/^\s*\d+(\.\d+)?\s*$/.test(ra) && Number.isFinite(secs)) {
      const v = secs * 1000;
      return v > 0 && v <= MAX_RETRY_AFTER_MS ? v : undefined;
    }
    const date = Date.parse(ra);
    if (Number.isFinite(date)) {
      const v = date - now;
      return v > 0 && v <= MAX_RETRY_AFTER_MS ? v : undefined;
    }
  }
  return undefined;
}

/** True for an abort caused by the caller or by us, whatever library raised it. */
export function isAbortLike(err: unknown): boolean {
  if (err instanceof APIUserAbortError) return true;
  if (!err || typeof err !== 'object') return false;
  const name = (err as { name?: unknown }).name;
  return name === 'AbortError' || name === 'APIUserAbortError' || name === 'GoogleGenerativeAIAbortError';
}

/**
 * A 200 that is not an answer (an HTML page from a proxy, a JSON `{ "error": … }` body, a
 * stream with no data): a fault of the provider, never a success. Classified like a
 * malformed response (retried, then the next model).
 */
export function nonAnswerError(message: string, providerBody?: unknown): RoutedAPIError {
  const inner = providerBody && typeof providerBody === 'object' ? (providerBody as { error?: unknown }).error : undefined;
  const detail = inner && typeof inner === 'object' ? (inner as { message?: unknown }).message : typeof inner === 'string' ? inner : undefined;
  const full = typeof detail === 'string' && detail ? `${message}: ${detail}` : message;
  const err = providerError({ status: undefined, message: full, error: { message: full, type: 'malformed_response', code: 'malformed_response' } });
  (err as { code: string }).code = 'malformed_response';
  return err;
}

/** What a body that should be JSON looks like when it is not one: for messages, not whole pages. */
export function describeBody(value: unknown): string {
  if (typeof value === 'string') {
    const head = value.trimStart().slice(0, 15).toLowerCase();
    return head.startsWith('<!doctype html') || head.startsWith('<html') ? 'an HTML page' : `a text body (${value.length} characters)`;
  }
  if (value === null || typeof value !== 'object') return `a ${value === null ? 'null' : typeof value} body`;
  if ('error' in value) return 'a JSON error body';
  return `a JSON object without the expected fields (keys: ${Object.keys(value).slice(0, 5).join(', ') || 'none'})`;
}
