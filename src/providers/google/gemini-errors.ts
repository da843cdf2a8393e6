/**
 * Gemini SDK errors → the OpenAI error classes the router and callers expect. No SDK
 * error class leaves the adapter, and the API key never appears in a message, a stack
 * or a cause.
 */
import { APIError } from 'openai/core/error';
import { abortError, connectionError, isAbortLike, providerError, timeoutError, type RoutedAPIError } from '../../errors/provider-error.js';
import type { ProviderErrorKind } from '../../spec/provider-error-info.js';
import type { GeminiTransport, GoogleHttpFailure } from './gemini-transport.js';
import { stripPrefix } from './generative-ai-transport.js';

export interface ErrorContext {
  transport: GeminiTransport;
  apiKey: string;
  /** True when our own timer, not the caller, aborted the request. */
  timedOut: boolean;
}

/** The canonical Google status name for an HTTP code, when the body did not carry one. */
const GOOGLE_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED', 499: 'CANCELLED', 500: 'INTERNAL', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED',
};

/** google.rpc.ErrorInfo reasons that mean the credentials, not the request, are wrong. */
const AUTH_REASONS = new Set(['API_KEY_INVALID']);

export function toOpenAIError(err: unknown, ctx: ErrorContext): Error {
  if (err instanceof APIError) return err;
  if (isAbortLike(err) || ctx.transport.isAbort(err)) return ctx.timedOut ? timeoutError('Gemini request timed out.') : abortError();
  const failure = ctx.transport.httpFailure(err);
  const scrubbed = scrub(err, ctx.apiKey);
  if (failure) return fromHttpFailure(failure, scrubbed, ctx.apiKey);
  if (ctx.transport.isInputError(err)) {
    const message = stripPrefix(scrubbed.message);
    return providerError({ status: 400, message, error: { message, type: 'invalid_request_error' }, cause: scrubbed });
  }
  // A 200 whose body is not JSON (a proxy's HTML page, a truncated body) is, like a cut
  // stream, a transport failure: retried, then the next model.
  if (err instanceof SyntaxError) return connectionError(scrubbed, `Gemini: the response body is not JSON (${scrubbed.message})`);
  // Network failures, a cut stream and an unparsable stream all surface here.
  return connectionError(scrubbed, `Gemini: ${stripPrefix(scrubbed.message) || 'connection error'}`);
}

/**
 * A 200 that is not an answer (no candidates and no prompt feedback, an error body, a
 * finish reason that means the model failed). It is a provider fault the router retries
 * and falls back from, never a success and never the caller's fault.
 */
export function nonAnswer(message: string, cause?: unknown): RoutedAPIError {
  const e = providerError({ status: undefined, message, error: { message, type: 'malformed_response', code: 'malformed_response' }, cause });
  (e as { code: string }).code = 'malformed_response';
  return e;
}

function fromHttpFailure(f: GoogleHttpFailure, scrubbed: Error, apiKey: string): Error {
  const hide = (s: string) => (apiKey ? s.split(apiKey).join('[redacted]') : s);
  const message = hide(f.message) || f.statusText || `HTTP ${f.status}`;
  const details = JSON.parse(hide(JSON.stringify(f.details))) as unknown[];
  const error = { message, code: f.status, status: f.googleStatus ?? GOOGLE_STATUS[f.status] ?? f.statusText, details };
  // Gemini answers a bad key with 400 INVALID_ARGUMENT; it is an auth failure (skip this
  // provider), so it becomes the AuthenticationError an OpenAI caller expects for a bad key.
  // Google's own code and status stay in err.error.
  if (f.status === 400 && reasons(details).some((r) => AUTH_REASONS.has(r))) {
    return providerError({ status: 401, message, error, cause: scrubbed });
  }
  return providerError({ status: f.status, message, error, cause: scrubbed, retryAfterMs: retryDelayMs(details), kind: kindOf(f.status, message) });
}

function reasons(details: unknown[]): string[] {
  return details.flatMap((d) => {
    const info = d as { '@type'?: string; reason?: unknown };
    return info['@type']?.endsWith('google.rpc.ErrorInfo') && typeof info.reason === 'string' ? [info.reason] : [];
  });
}

function kindOf(status: number, message: string): ProviderErrorKind | undefined {
  if (/exceeds the maximum number of tokens|input token count .*exceeds/i.test(message)) return 'context_length_exceeded';
  if (status === 404) return 'model_not_found';
  // History this model cannot take (function calls it never signed, e.g. from another
  // provider's turn); another model of the route may serve it.
  if (status === 400 && /missing a thought_signature/i.test(message)) return 'unsupported_parameter';
  if (/safety|prohibited content|blocked/i.test(message) && status === 400) return 'content_policy';
  if (status === 503 || /overloaded/i.test(message)) return 'overloaded';
  return undefined;
}

/** google.rpc.RetryInfo.retryDelay is a protobuf Duration string such as "34.4s". */
function retryDelayMs(details: unknown[]): number | undefined {
  for (const d of details) {
    const info = d as { '@type'?: string; retryDelay?: unknown };
    if (!info['@type']?.endsWith('google.rpc.RetryInfo') || typeof info.retryDelay !== 'string') continue;
    const m = /^(\d+(?:\.\d+)?)s$/.exec(info.retryDelay.trim());
    if (m?.[1]) return Math.round(Number.parseFloat(m[1]) * 1000);
  }
  return undefined;
}

function scrub(err: unknown, apiKey: string): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  if (apiKey) {
    const hide = (s: string | undefined) => s?.split(apiKey).join('[redacted]');
    e.message = hide(e.message) ?? '';
    if (e.stack) e.stack = hide(e.stack);
    if (e.cause instanceof Error) scrub(e.cause, apiKey);
  }
  return e;
}
