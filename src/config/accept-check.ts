/**
 * Cascade acceptance checks. Hand-written: they are function signatures and a structural
 * "has safeParse" type, which zod can only check as `z.custom`; the schema in
 * resilience-schema.ts carries these types through z.custom so the input stays precise.
 */
import type { ChatCompletion, ChatCompletionCreateParams } from 'openai/resources/chat/completions';

/** What an `accept` check sees in cascade mode. */
export interface AcceptInput {
  completion: ChatCompletion;
  /** The model id (registry) that produced it. */
  model: string;
  /** 0-based step in the cascade. */
  step: number;
  body: ChatCompletionCreateParams;
}

/** A zod-like schema: anything with `safeParse`. */
export interface SchemaLike {
  safeParse(value: unknown): { success: boolean };
}

export type AcceptFunction = (input: AcceptInput) => boolean | Promise<boolean>;

/**
 * 'json': the content parses as JSON; 'non-empty': content or tool calls present;
 * 'not-truncated': finish_reason is not 'length'; a zod schema: the content parses as
 * JSON and matches it; or any function.
 */
export type AcceptCheck = 'json' | 'non-empty' | 'not-truncated' | SchemaLike | AcceptFunction;
