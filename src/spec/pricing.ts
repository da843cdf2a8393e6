/** A model's prices as the router uses them: USD per million tokens. Types only. */
export interface Pricing {
  /** USD per million uncached input tokens. */
  input: number;
  /** USD per million output tokens (reasoning tokens included, as providers bill them). */
  output: number;
  /** USD per million cached input tokens; absent means `input`. */
  cachedInput?: number | undefined;
  /** USD per million tokens written to the prompt cache (Anthropic); absent means `input`. */
  cacheWrite?: number | undefined;
}
