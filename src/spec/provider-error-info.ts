/**
 * What an adapter attaches to the OpenAI error it throws, so the router can classify
 * it without knowing the provider. Types only.
 */
export interface ProviderErrorInfo {
  /** Milliseconds the provider asked us to wait (retry-after-ms, retry-after, Gemini RetryInfo). */
  retryAfterMs?: number | undefined;
  /** A recognised cause the resilience layer can route on. */
  kind?: ProviderErrorKind | undefined;
}

export type ProviderErrorKind =
  | 'context_length_exceeded'
  | 'content_policy'
  | 'model_not_found'
  | 'overloaded'
  /** A parameter this provider cannot honour; another provider may. */
  | 'unsupported_parameter';
