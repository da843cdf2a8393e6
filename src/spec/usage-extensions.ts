/**
 * Usage fields beyond OpenAI's own type, added by adapters where the provider reports
 * them. Anthropic bills cache writes differently from plain input, so they are kept.
 */
export interface UsageExtensions {
  prompt_tokens_details?: {
    cached_tokens?: number;
    /** Tokens written to the provider's prompt cache (Anthropic cache_creation_input_tokens). */
    cache_write_tokens?: number;
  };
}
