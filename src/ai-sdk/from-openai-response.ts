/**
 * OpenAI shapes (what the router returns) → AI SDK v4 shapes (the v3 model passes them on
 * to ai 6 as they are: for these parts the two specs agree): content parts, the finish
 * reason, usage, and the DecisionRecord as `providerMetadata.switchboard`.
 */
import type {
  JSONObject,
  JSONValue,
  LanguageModelV4Content,
  LanguageModelV4FinishReason,
  LanguageModelV4Usage,
  SharedV4ProviderMetadata,
} from '@ai-sdk/provider';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { DecisionRecord } from '../spec/decision-record.js';

/**
 * What the router adds to OpenAI's message and usage objects. Reasoning carried across
 * turns rides in the OpenAI message shape: `reasoning_details` (OpenRouter's format:
 * Claude thinking signatures, Gemini thought signatures) and, on each tool call,
 * `extra_content` (Google's shape for a function call's thought signature).
 */
export type RoutedMessage = ChatCompletion.Choice['message'] & { reasoning_content?: string | null; reasoning_details?: unknown };
export type RoutedToolCallExtras = { extra_content?: unknown };
type RoutedUsage = CompletionUsage & { prompt_tokens_details?: { cached_tokens?: number; cache_write_tokens?: number } | undefined };

/**
 * Opaque reasoning items go to the AI SDK as the part's `providerMetadata.switchboard`;
 * the AI SDK hands them back as that part's `providerOptions.switchboard` on the next
 * step, where the request mapping puts them back on the assistant message.
 */
export function reasoningMetadata(details: unknown[]): SharedV4ProviderMetadata {
  return { switchboard: { reasoningDetails: jsonCopy(details) as JSONValue[] } };
}

export function toolCallMetadata(extra: unknown): SharedV4ProviderMetadata | undefined {
  return extra && typeof extra === 'object' ? { switchboard: { extraContent: jsonCopy(extra) as JSONObject } } : undefined;
}

function jsonCopy(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value)) as unknown;
}

export function toContent(completion: ChatCompletion): LanguageModelV4Content[] {
  const message = completion.choices[0]?.message as RoutedMessage | undefined;
  if (!message) return [];
  const content: LanguageModelV4Content[] = [];
  const details = Array.isArray(message.reasoning_details) && message.reasoning_details.length > 0 ? message.reasoning_details : undefined;
  // Signature-only reasoning (redacted thinking, Gemini signatures) still gets a part: it carries the items.
  if (message.reasoning_content || details) {
    content.push({ type: 'reasoning', text: message.reasoning_content ?? '', ...(details ? { providerMetadata: reasoningMetadata(details) } : {}) });
  }
  if (message.content) content.push({ type: 'text', text: message.content });
  // A refusal is the model's answer: it reaches the caller as text rather than vanishing.
  else if (message.refusal) content.push({ type: 'text', text: message.refusal });
  for (const call of message.tool_calls ?? []) {
    if (call.type !== 'function') continue;
    const providerMetadata = toolCallMetadata((call as RoutedToolCallExtras).extra_content);
    content.push({ type: 'tool-call', toolCallId: call.id, toolName: call.function.name, input: call.function.arguments || '{}', ...(providerMetadata ? { providerMetadata } : {}) });
  }
  return content;
}

export function toFinishReason(raw: string | null | undefined): LanguageModelV4FinishReason {
  switch (raw) {
    case 'stop':
      return { unified: 'stop', raw };
    case 'length':
      return { unified: 'length', raw };
    case 'tool_calls':
    case 'function_call':
      return { unified: 'tool-calls', raw };
    case 'content_filter':
      return { unified: 'content-filter', raw };
    default:
      return { unified: 'other', raw: raw ?? undefined };
  }
}

export function toUsage(usage: CompletionUsage | null | undefined): LanguageModelV4Usage {
  if (!usage) {
    return {
      inputTokens: { total: undefined, noCache: undefined, cacheRead: undefined, cacheWrite: undefined },
      outputTokens: { total: undefined, text: undefined, reasoning: undefined },
    };
  }
  const u = usage as RoutedUsage;
  const cacheRead = u.prompt_tokens_details?.cached_tokens ?? 0;
  const cacheWrite = u.prompt_tokens_details?.cache_write_tokens ?? 0;
  const reasoning = u.completion_tokens_details?.reasoning_tokens ?? 0;
  // OpenAI's prompt_tokens includes cached reads (and, from the router's Anthropic
  // adapter, cache writes); the AI SDK wants the uncached remainder separately.
  return {
    inputTokens: { total: u.prompt_tokens, noCache: Math.max(0, u.prompt_tokens - cacheRead - cacheWrite), cacheRead, cacheWrite },
    outputTokens: { total: u.completion_tokens, text: Math.max(0, u.completion_tokens - reasoning), reasoning },
    raw: usage as unknown as JSONObject,
  };
}

/**
 * `providerMetadata.switchboard`: the DecisionRecord, plus the fields most people look
 * for first. A plain-JSON copy, as the AI SDK's metadata type requires.
 */
export interface SwitchboardMetadata {
  /** The registry model id that answered. */
  model: string | null;
  provider: string | null;
  route: string | null;
  /** What the provider said answered. */
  answeredBy: string | null;
  costUsd: number;
  attempts: number;
  decision: DecisionRecord;
}

export function toProviderMetadata(decision: DecisionRecord | undefined): SharedV4ProviderMetadata | undefined {
  if (!decision) return undefined;
  const meta: SwitchboardMetadata = {
    model: decision.model ?? null,
    provider: decision.provider ?? null,
    route: decision.route,
    answeredBy: decision.answeredBy ?? null,
    costUsd: decision.cost.finalUsd,
    attempts: decision.attempts.length,
    decision,
  };
  return { switchboard: JSON.parse(JSON.stringify(meta)) as JSONObject };
}
