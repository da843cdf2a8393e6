/**
 * Gemini's opaque reasoning, carried in the OpenAI message shape so a later turn can
 * replay it from any router instance, after any restart (nothing is kept in memory):
 *
 * - a functionCall part's thoughtSignature rides on its tool call as
 *   `tool_calls[i].extra_content.google.thought_signature` (Google's own
 *   OpenAI-compatibility shape);
 * - thought text becomes `{ type: 'reasoning.text', text, signature?, format, index }` in
 *   `message.reasoning_details` (OpenRouter's format), consecutive thought parts joined;
 * - a signature on an answer text part becomes `{ type: 'reasoning.encrypted', data }`.
 *
 * Replaying puts thought parts first, the signature back on the answer text, and each
 * call's signature on its functionCall part: the order Gemini produced them in.
 */
import { providerError } from '../../errors/provider-error.js';
import type { GeminiPart } from './gemini-wire.js';

export const GEMINI_REASONING_FORMAT = 'google-gemini-v1';

export type ReasoningDetail =
  | { type: 'reasoning.text'; text: string; signature?: string; format: string; index: number }
  | { type: 'reasoning.encrypted'; data: string; format: string; index: number };

/** `extra_content` on a tool call, as Google's OpenAI-compatible endpoint writes it. */
export interface GoogleExtraContent {
  google?: { thought_signature?: string };
}

/**
 * Turns one candidate's parts, in order, into reasoning details. A stream feeds it part by
 * part; thought text stays open until a signature, a non-thought part or the end closes it.
 */
export class ReasoningCollector {
  private open: string[] = [];
  private next = 0;

  /** Thought text is open (a part without thought or signature would close it). */
  get holding(): boolean {
    return this.open.length > 0;
  }

  push(part: GeminiPart): ReasoningDetail[] {
    if (part.thought && typeof part.text === 'string') {
      this.open.push(part.text);
      return part.thoughtSignature ? this.close(part.thoughtSignature) : [];
    }
    const out = this.close(undefined);
    if (!part.functionCall && typeof part.text === 'string' && part.thoughtSignature) {
      out.push({ type: 'reasoning.encrypted', data: part.thoughtSignature, format: GEMINI_REASONING_FORMAT, index: this.next++ });
    }
    return out;
  }

  end(): ReasoningDetail[] {
    return this.close(undefined);
  }

  private close(signature: string | undefined): ReasoningDetail[] {
    if (this.open.length === 0 && !signature) return [];
    const text = this.open.join('');
    this.open = [];
    return [{ type: 'reasoning.text', text, ...(signature ? { signature } : {}), format: GEMINI_REASONING_FORMAT, index: this.next++ }];
  }
}

export function toolCallExtra(signature: string | undefined): { extra_content?: GoogleExtraContent } {
  return signature ? { extra_content: { google: { thought_signature: signature } } } : {};
}

/** The signature a replayed tool call carries, checked: a wrong shape is the caller's bug, named. */
export function signatureOfToolCall(call: unknown, where: string): string | undefined {
  const extra = (call as { extra_content?: unknown }).extra_content;
  if (extra === undefined || extra === null) return undefined;
  const sig = (extra as GoogleExtraContent).google?.thought_signature;
  if (sig === undefined) return undefined;
  if (typeof sig !== 'string' || sig === '') invalid(`${where}.extra_content.google.thought_signature`, 'must be a non-empty string');
  return sig;
}

export interface ReplayedReasoning {
  /** Thought parts, sent before the answer text. */
  thoughts: GeminiPart[];
  /** Signatures that were on answer text parts. */
  textSignatures: string[];
}

/** Reads `reasoning_details` of an assistant message; items of other providers' formats are not sent to Gemini. */
export function replayReasoning(details: unknown, where: string): ReplayedReasoning {
  const out: ReplayedReasoning = { thoughts: [], textSignatures: [] };
  if (details === undefined || details === null) return out;
  if (!Array.isArray(details)) invalid(where, 'must be an array');
  details.forEach((d: unknown, i) => {
    const at = `${where}[${i}]`;
    if (typeof d !== 'object' || d === null) invalid(at, 'must be an object');
    const item = d as Record<string, unknown>;
    if (item.format !== GEMINI_REASONING_FORMAT) return;
    if (item.type === 'reasoning.text') {
      if (typeof item.text !== 'string') invalid(`${at}.text`, 'must be a string');
      if (item.signature !== undefined && typeof item.signature !== 'string') invalid(`${at}.signature`, 'must be a string');
      out.thoughts.push({ text: item.text, thought: true, ...(item.signature ? { thoughtSignature: item.signature as string } : {}) });
    } else if (item.type === 'reasoning.encrypted') {
      if (typeof item.data !== 'string' || item.data === '') invalid(`${at}.data`, 'must be a non-empty string');
      out.textSignatures.push(item.data as string);
    } else {
      invalid(`${at}.type`, `'${String(item.type)}' is not a Gemini reasoning item (reasoning.text or reasoning.encrypted)`);
    }
  });
  return out;
}

function invalid(param: string, why: string): never {
  const message = `Gemini request mapping: ${param} ${why}`;
  throw providerError({ status: 400, message, error: { message, type: 'invalid_request_error', param } });
}
