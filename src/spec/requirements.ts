/** What a request needs from a model, inferred from the body alone. Types only. */
export interface Requirements {
  tools: boolean;
  vision: boolean;
  jsonSchema: boolean;
  stream: boolean;
  reasoning: boolean;
  /**
   * Estimated prompt tokens: the router's `tokenizer` when configured, else a fast
   * over-estimate (chars / 4, plus per-message overhead).
   */
  promptTokens: number;
  /** What the caller asked for as output, if anything. */
  maxOutputTokens: number | undefined;
}

/** Counts the tokens of one piece of text. */
export type Tokenizer = (text: string) => number;
