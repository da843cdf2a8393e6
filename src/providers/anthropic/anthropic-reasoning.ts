/**
 * Claude's thinking carried in the OpenAI message shape, so a tool loop survives any
 * number of processes and router instances (nothing is kept in memory): the assistant
 * message's `reasoning_details` (OpenRouter's format) holds each thinking block with
 * its signature, and each redacted_thinking block's opaque data; the adapter replays
 * them, in order, at the start of the assistant turn, as Anthropic requires when
 * thinking is on and the turn used tools.
 */
import type { RedactedThinkingBlockParam, ThinkingBlockParam } from '@anthropic-ai/sdk/resources/messages';

export const ANTHROPIC_REASONING_FORMAT = 'anthropic-claude-v1';

export type ReasoningDetail =
  | { type: 'reasoning.text'; text: string; signature?: string | null; format: string; index: number }
  | { type: 'reasoning.encrypted'; data: string; format: string; index: number }
  | { type: string; format?: string; index?: number; [key: string]: unknown };

/** The fields a routed assistant message (or delta) may carry beyond OpenAI's own. */
export interface ReasoningFields {
  reasoning_content?: string | null;
  reasoning_details?: ReasoningDetail[];
}

export function thinkingDetail(text: string, signature: string, index: number): ReasoningDetail {
  return { type: 'reasoning.text', text, signature, format: ANTHROPIC_REASONING_FORMAT, index };
}

export function redactedDetail(data: string, index: number): ReasoningDetail {
  return { type: 'reasoning.encrypted', data, format: ANTHROPIC_REASONING_FORMAT, index };
}

/**
 * The blocks to replay from an assistant message's reasoning_details. Items of another
 * provider's format are not Anthropic's to read and are left out; a thinking item
 * without a signature cannot be verified by Anthropic, so it is left out too (sending
 * it would fail the whole request).
 */
export function replayBlocks(details: unknown, where: string, fail: (message: string, param: string) => Error): Array<ThinkingBlockParam | RedactedThinkingBlockParam> {
  if (details === undefined || details === null) return [];
  if (!Array.isArray(details)) throw fail(`${where}.reasoning_details must be an array`, `${where}.reasoning_details`);
  const mine = details
    .map((d: unknown, i) => ({ d: d as Record<string, unknown>, i }))
    .filter(({ d }) => d && typeof d === 'object' && d.format === ANTHROPIC_REASONING_FORMAT)
    .sort((a, b) => (num(a.d.index) ?? a.i) - (num(b.d.index) ?? b.i));
  const blocks: Array<ThinkingBlockParam | RedactedThinkingBlockParam> = [];
  for (const { d, i } of mine) {
    if (d.type === 'reasoning.text' && typeof d.text === 'string' && typeof d.signature === 'string' && d.signature) {
      blocks.push({ type: 'thinking', thinking: d.text, signature: d.signature });
    } else if (d.type === 'reasoning.encrypted' && typeof d.data === 'string') {
      blocks.push({ type: 'redacted_thinking', data: d.data });
    } else if (d.type !== 'reasoning.text' && d.type !== 'reasoning.summary') {
      throw fail(`${where}.reasoning_details[${i}] has type '${String(d.type)}', which is not a Claude reasoning item`, `${where}.reasoning_details`);
    }
  }
  return blocks;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}
