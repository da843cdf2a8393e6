/**
 * Any failure from @anthropic-ai/sdk → the OpenAI error class for it, so no Anthropic
 * class ever reaches the caller and the router can classify by status and `kind`.
 */
import { APIError as OpenAIAPIError } from 'openai/core/error';
import type * as AnthropicSDK from '@anthropic-ai/sdk';
import type { ProviderErrorKind } from '../../spec/provider-error-info.js';
import { abortError, connectionError, isAbortLike, parseRetryAfter, providerError, timeoutError } from '../../errors/provider-error.js';

type Sdk = typeof AnthropicSDK;

/**
 * A mid-stream `event: error` reaches us as an APIError without a status (the HTTP
 * status was already 200); its error type tells us what the status would have been.
 */
const STATUS_BY_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

const UNSUPPORTED_BY_MODEL = [
  /cannot both be specified for this model/i,
  /may not be enabled when tool_choice forces tool use/i,
  /may only be set to 1 when thinking is enabled/i,
  /must be unset when thinking is enabled/i,
  /or unset when thinking is enabled/i,
  /Expected `thinking` or `redacted_thinking`/,
  /does not support (the )?(output_config|structured output)/i,
];

export function classify(status: number, type: string | undefined, message: string): ProviderErrorKind | undefined {
  if (status === 529 || type === 'overloaded_error') return 'overloaded';
  if (status === 404 && (type === 'not_found_error' || type === undefined)) return 'model_not_found';
  if (/prompt is too long/i.test(message) || (/context/i.test(message) && /length|window|exceed/i.test(message))) return 'context_length_exceeded';
  if (/content (filtering )?polic|usage polic/i.test(message)) return 'content_policy';
  // A rule of this model about parameters (sampling pairs, thinking with forced tools or
  // sampling, a turn without its thinking block): another provider may serve the request.
  if (status === 400 && UNSUPPORTED_BY_MODEL.some((re) => re.test(message))) return 'unsupported_parameter';
  return undefined;
}

function redact(text: string, secret: string | undefined): string {
  return secret && secret.length >= 4 ? text.split(secret).join('[redacted]') : text;
}

function redactJson<T>(value: T, secret: string | undefined): T {
  return value === undefined ? value : (JSON.parse(redact(JSON.stringify(value), secret)) as T);
}

export function toOpenAIError(err: unknown, sdk: Sdk | undefined, signal: AbortSignal | undefined, apiKey: string | undefined): Error {
  if (err instanceof OpenAIAPIError) return err;
  if (sdk && err instanceof sdk.APIConnectionTimeoutError) return timeoutError();
  if (signal?.aborted || isAbortLike(err)) return abortError();
  if (sdk && err instanceof sdk.APIConnectionError) return connectionError(err.cause ?? err, redact(err.message, apiKey));
  if (sdk && err instanceof sdk.APIError) {
    const body = (err.error ?? {}) as { error?: { type?: string; message?: string } };
    const inner = typeof body.error === 'object' && body.error !== null ? body.error : undefined;
    const type = err.type ?? inner?.type;
    const status = err.status ?? STATUS_BY_TYPE[type ?? ''] ?? 500;
    const message = redact(err.apiMessage ?? inner?.message ?? err.message, apiKey);
    // A body that echoes the key (some proxies do) must not leak it through `cause` either.
    const leaks = apiKey !== undefined && JSON.stringify([err.message, err.error]).includes(apiKey);
    return providerError({
      status,
      message,
      error: redactJson(inner ?? body, apiKey),
      headers: err.headers,
      cause: leaks ? undefined : err,
      retryAfterMs: parseRetryAfter(err.headers),
      kind: classify(status, type ?? undefined, message),
    });
  }
  // Non-HTTP SDK errors are the SDK refusing the request before sending it
  // (e.g. "Streaming is required…"): a caller error, not a network failure.
  if (sdk && err instanceof sdk.AnthropicError) return providerError({ status: 400, message: redact(err.message, apiKey), cause: err });
  // Anything else (undici "terminated", socket resets while reading the body) is the connection.
  return connectionError(err, err instanceof Error ? `Connection error: ${redact(err.message, apiKey)}` : undefined);
}
