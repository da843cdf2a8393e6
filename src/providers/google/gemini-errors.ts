/**
 * @google/generative-ai errors → the OpenAI error classes the router and callers expect.
 * No SDK error class leaves the adapter, and the API key never appears in a message,
 * a stack or a cause.
 */
import { APIError } from 'openai';
import { abortError, connectionError, isAbortLike, providerError, timeoutError } from '../../errors/provider-error.js';
import type { ProviderErrorKind } from '../spec.js';

type GeminiSdk = typeof import('@google/generative-ai');

export interface ErrorContext {
  sdk: GeminiSdk;
  apiKey: string;
  /** True when our own timer, not the caller, aborted the request. */
  timedOut: boolean;
}

/** The SDK drops Google's status name; the canonical one for the HTTP code stands in for it. */
const GOOGLE_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED', 499: 'CANCELLED', 500: 'INTERNAL', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED',
};

export function toOpenAIError(err: unknown, ctx: ErrorContext): Error {
  if (err instanceof APIError) return err;
  if (isAbortLike(err) || err instanceof ctx.sdk.GoogleGenerativeAIAbortError) {
    return ctx.timedOut ? timeoutError('Gemini request timed out.') : abortError();
  }
  const scrubbed = scrub(err, ctx.apiKey);
  if (err instanceof ctx.sdk.GoogleGenerativeAIFetchError) return fromFetchError(err, scrubbed);
  if (err instanceof ctx.sdk.GoogleGenerativeAIRequestInputError) {
    const message = stripPrefix(scrubbed.message);
    return providerError({ status: 400, message, error: { message, type: 'invalid_request_error' }, cause: scrubbed });
  }
  // Network failures, a cut stream and an unparsable stream all surface here.
  return connectionError(scrubbed, `Gemini: ${stripPrefix(scrubbed.message) || 'connection error'}`);
}

function fromFetchError(err: InstanceType<GeminiSdk['GoogleGenerativeAIFetchError']>, scrubbed: Error): Error {
  const status = err.status ?? 500;
  const details = err.errorDetails ?? [];
  let message = stripPrefix(scrubbed.message).replace(/^\[\d+ [^\]]*\] ?/, '');
  const detailsJson = err.errorDetails ? ` ${JSON.stringify(err.errorDetails)}` : '';
  if (detailsJson && message.endsWith(detailsJson)) message = message.slice(0, -detailsJson.length);
  message ||= err.statusText || `HTTP ${status}`;
  return providerError({
    status,
    message,
    error: { message, code: status, status: GOOGLE_STATUS[status] ?? err.statusText, details },
    cause: scrubbed,
    retryAfterMs: retryDelayMs(details),
    kind: kindOf(status, message),
  });
}

function kindOf(status: number, message: string): ProviderErrorKind | undefined {
  if (/exceeds the maximum number of tokens|input token count .*exceeds/i.test(message)) return 'context_length_exceeded';
  if (status === 404) return 'model_not_found';
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

/** "[GoogleGenerativeAI Error]: Error fetching from <url>: " carries the URL, which some setups put the key in. */
function stripPrefix(message: string): string {
  return message.replace(/^\[GoogleGenerativeAI Error\]:\s*/, '').replace(/^Error fetching from \S+?: /, '');
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
