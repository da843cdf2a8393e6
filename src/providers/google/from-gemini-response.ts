/**
 * Gemini generateContent response → OpenAI ChatCompletion, plus the pieces the stream
 * translator shares (finish reasons, usage, tool call ids, logprobs).
 */
import { randomUUID } from 'node:crypto';
import type { ChatCompletion, ChatCompletionMessageToolCall, ChatCompletionTokenLogprob } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { ReasoningExtension } from '../../spec/reasoning-extension.js';
import type { GeminiCandidate, GeminiPart, GeminiResponse, GeminiUsage } from './gemini-wire.js';
import { nonAnswer } from './gemini-errors.js';
import { ReasoningCollector, toolCallExtra, type ReasoningDetail } from './gemini-reasoning.js';
import { toAnnotations } from './gemini-citations.js';

export type FinishReason = ChatCompletion.Choice['finish_reason'];

/** The assistant message and delta fields this adapter adds to OpenAI's. */
export type GeminiReasoningFields = ReasoningExtension & { reasoning_details?: ReasoningDetail[] };

const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY', 'IMAGE_PROHIBITED_CONTENT', 'IMAGE_RECITATION', 'MODEL_ARMOR']);

/**
 * Reasons that mean the model produced no usable answer (a call it could not form, a call
 * to a tool it was not given, a response the server itself calls malformed). They are
 * provider failures the router retries and falls back from, not a `stop` with no content.
 */
const FAILED = new Set(['MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS', 'MISSING_THOUGHT_SIGNATURE', 'MALFORMED_RESPONSE']);

export function failedFinish(c: GeminiCandidate): Error | undefined {
  if (!c.finishReason || !FAILED.has(c.finishReason)) return undefined;
  const detail = typeof c.finishMessage === 'string' && c.finishMessage ? `: ${c.finishMessage.slice(0, 300)}` : '';
  return nonAnswer(`Gemini finished with ${c.finishReason}${detail}`);
}

/** A 200 that carries an error object instead of an answer (some proxies, and Gemini's own stream errors). */
export function errorBody(r: GeminiResponse): Error | undefined {
  const e = r.error;
  if (e === undefined || e === null) return undefined;
  const code = typeof e === 'object' ? [(e as { code?: unknown }).code, (e as { status?: unknown }).status].filter((x) => x !== undefined).join(' ') : '';
  return nonAnswer(`Gemini answered 200 with an error body${code ? ` (${code})` : ''}, not a response`);
}

/** Unknown and future reasons fall back to 'stop': callers switch on OpenAI's closed set. */
export function toFinishReason(reason: string | undefined, hasToolCalls: boolean): FinishReason {
  if (reason === 'MAX_TOKENS') return 'length';
  if (reason !== undefined && FILTERED.has(reason)) return 'content_filter';
  return hasToolCalls ? 'tool_calls' : 'stop';
}

/** A blocked prompt has no candidates at all; it is reported as one filtered choice, not an error. */
export function isBlockedPrompt(r: GeminiResponse): boolean {
  return !!r.promptFeedback?.blockReason && !(r.candidates?.length);
}

/** A random UUID's 32 hex digits (the dashes cut out by position: no regex per id). */
function uuidHex(): string {
  const u = randomUUID();
  return u.slice(0, 8) + u.slice(9, 13) + u.slice(14, 18) + u.slice(19, 23) + u.slice(24);
}

export function newToolCallId(): string {
  return `call_${uuidHex().slice(0, 24)}`;
}

export function newCompletionId(): string {
  return `chatcmpl-${uuidHex()}`;
}

/**
 * Gemini bills tool-use prompt tokens (server-side tools) as input and thinking as
 * output; counting them keeps prompt + completion equal to Gemini's total.
 */
export function toUsage(u: GeminiUsage | undefined): CompletionUsage & { prompt_tokens_details?: { cached_tokens?: number } } {
  const prompt = (u?.promptTokenCount ?? 0) + (u?.toolUsePromptTokenCount ?? 0);
  const reasoning = u?.thoughtsTokenCount ?? 0;
  const completion = (u?.candidatesTokenCount ?? 0) + reasoning;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: u?.totalTokenCount ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: u?.cachedContentTokenCount ?? 0 },
    completion_tokens_details: { reasoning_tokens: reasoning },
  };
}

export function toLogprobs(c: GeminiCandidate): ChatCompletionTokenLogprob[] | undefined {
  const chosen = c.logprobsResult?.chosenCandidates;
  if (!chosen) return undefined;
  return chosen.map((t, i) => ({
    token: t.token ?? '',
    logprob: t.logProbability ?? 0,
    bytes: t.token === undefined ? null : [...Buffer.from(t.token, 'utf8')],
    top_logprobs: (c.logprobsResult?.topCandidates?.[i]?.candidates ?? []).map((alt) => ({
      token: alt.token ?? '',
      logprob: alt.logProbability ?? 0,
      bytes: alt.token === undefined ? null : [...Buffer.from(alt.token, 'utf8')],
    })),
  }));
}

export interface SplitParts {
  text: string[];
  reasoning: string[];
  calls: { name: string; args: Record<string, unknown>; signature?: string | undefined }[];
  details: ReasoningDetail[];
}

/**
 * Thought parts are reasoning, never content. functionResponse / code-execution parts
 * (server-side tools) have no OpenAI message field and are not content either.
 */
export function splitParts(parts: GeminiPart[] | undefined, collector: ReasoningCollector): SplitParts {
  const out: SplitParts = { text: [], reasoning: [], calls: [], details: [] };
  for (const p of parts ?? []) {
    out.details.push(...collector.push(p));
    if (p.functionCall?.name) out.calls.push({ name: p.functionCall.name, args: p.functionCall.args ?? {}, signature: p.thoughtSignature });
    else if (typeof p.text === 'string') (p.thought ? out.reasoning : out.text).push(p.text);
  }
  return out;
}

/** A function tool call (openai 6 also types custom tool calls; Gemini only makes function calls). */
type FunctionToolCall = Extract<ChatCompletionMessageToolCall, { type: 'function' }> & ReturnType<typeof toolCallExtra>;

/** An OpenAI tool call for a Gemini function call, its signature carried in the message itself. */
export function toToolCall(call: SplitParts['calls'][number]): FunctionToolCall {
  return { id: newToolCallId(), type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args) }, ...toolCallExtra(call.signature) };
}

/** The first candidate whose finish reason means the model failed, as its error. */
export function firstFailedFinish(cands: GeminiCandidate[] | undefined): Error | undefined {
  if (cands) for (const c of cands) if (c.finishReason) {
    const e = failedFinish(c);
    if (e) return e;
  }
  return undefined;
}

/** Parts that are answer text and nothing else: no thought, no signature, no call. */
function plainText(parts: GeminiPart[]): boolean {
  for (const p of parts) if (p.thought || p.thoughtSignature || p.functionCall) return false;
  return true;
}

/** One candidate's choice, its message keys in a fixed order (role, content, refusal, then what it has). */
function toChoice(c: GeminiCandidate, position: number): ChatCompletion.Choice {
  const parts = c.content?.parts;
  let message: ChatCompletion.Choice['message'] & GeminiReasoningFields;
  let hasCalls = false;
  if (!parts || plainText(parts)) {
    // Most answers: text parts only, read without the collector's arrays.
    let content: string | null = null;
    if (parts) for (const p of parts) if (typeof p.text === 'string') content = content === null ? p.text : content + p.text;
    message = { role: 'assistant', content, refusal: null };
  } else {
    const collector = new ReasoningCollector();
    const { text, reasoning, calls, details } = splitParts(parts, collector);
    details.push(...collector.end());
    message = { role: 'assistant', content: text.length > 0 ? text.join('') : null, refusal: null };
    if (reasoning.length > 0) message.reasoning_content = reasoning.join('');
    if (details.length > 0) message.reasoning_details = details;
    if (calls.length > 0) {
      message.tool_calls = calls.map(toToolCall);
      hasCalls = true;
    }
  }
  const annotations = toAnnotations(c, message.content ?? '');
  if (annotations.length > 0) message.annotations = annotations;
  const content = toLogprobs(c);
  return {
    index: c.index ?? position,
    message,
    finish_reason: toFinishReason(c.finishReason, hasCalls),
    logprobs: content ? { content, refusal: null } : null,
  };
}

const BLOCKED: GeminiCandidate[] = [{ finishReason: 'SAFETY' }];

export function toChatCompletion(r: GeminiResponse, requestedModel: string): ChatCompletion {
  const failure = errorBody(r) ?? firstFailedFinish(r.candidates);
  if (failure) throw failure;
  const blocked = isBlockedPrompt(r);
  if (!blocked && !(r.candidates?.length)) throw nonAnswer('Gemini answered 200 with no candidates and no prompt feedback');
  const candidates = blocked ? BLOCKED : r.candidates!;
  const choices: ChatCompletion.Choice[] = [];
  for (let position = 0; position < candidates.length; position++) choices.push(toChoice(candidates[position]!, position));
  return {
    id: r.responseId ?? newCompletionId(),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: r.modelVersion ?? requestedModel,
    choices,
    usage: toUsage(r.usageMetadata),
  };
}
