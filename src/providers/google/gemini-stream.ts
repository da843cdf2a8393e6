/**
 * Gemini stream chunks → OpenAI chat.completion.chunk protocol.
 *
 * Gemini repeats finishReason on many chunks (older models put STOP on every one), so
 * the reason is held per candidate and sent once, in a closing chunk with an empty
 * delta, after the upstream stream has ended; a stream that ends with no finishReason at
 * all was cut, and throws. Function calls arrive whole, so each
 * becomes a single tool_calls delta carrying id, name and the complete arguments.
 */
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { connectionError } from '../../errors/provider-error.js';
import type { GeminiResponse } from './gemini-wire.js';
import { nonAnswer } from './gemini-errors.js';
import { ReasoningCollector } from './gemini-reasoning.js';
import {
  errorBody,
  failedFinish,
  isBlockedPrompt,
  newCompletionId,
  splitParts,
  toFinishReason,
  toLogprobs,
  toToolCall,
  toUsage,
  type GeminiReasoningFields,
} from './from-gemini-response.js';

type Delta = ChatCompletionChunk.Choice.Delta & GeminiReasoningFields;

export interface StreamHooks {
  requestedModel: string;
  /** Turns whatever the SDK threw into an OpenAI error. */
  toError(err: unknown): Error;
  /** Checked between chunks: the SDK may already hold parsed chunks when the caller aborts. */
  abortedError(): Error | undefined;
  /**
   * Runs however the stream ends, including when the consumer stops early. `drained`: the
   * upstream iteration ran to its end (nothing is left to cancel).
   */
  finish(drained?: boolean): void;
}

export async function* translateGeminiStream(upstream: AsyncIterable<GeminiResponse>, hooks: StreamHooks): AsyncGenerator<ChatCompletionChunk> {
  const created = Math.floor(Date.now() / 1000);
  const candidates = new Map<number, { roleSent: boolean; toolCalls: number; reasoning: ReasoningCollector; finishReason?: string | undefined }>();
  let id: string | undefined;
  let model = hooks.requestedModel;
  let usage: GeminiResponse['usageMetadata'];
  let received = 0;
  let blocked = false;
  let answered = false;
  let drained = false;
  const chunk = (choices: ChatCompletionChunk.Choice[]): ChatCompletionChunk => ({ id: id ?? newCompletionId(), object: 'chat.completion.chunk', created, model, choices });
  const state = (index: number) => {
    let s = candidates.get(index);
    if (!s) candidates.set(index, (s = { roleSent: false, toolCalls: 0, reasoning: new ReasoningCollector() }));
    return s;
  };

  try {
    for await (const r of upstream) {
      const aborted = hooks.abortedError();
      if (aborted) throw aborted;
      received++;
      const failure = errorBody(r) ?? (r.candidates ?? []).map(failedFinish).find((e) => e !== undefined);
      if (failure) throw failure;
      answered ||= !!r.candidates?.length || !!r.promptFeedback;
      id ??= r.responseId ?? newCompletionId();
      model = r.modelVersion ?? model;
      usage = r.usageMetadata ?? usage;
      blocked ||= isBlockedPrompt(r);

      const choices: ChatCompletionChunk.Choice[] = [];
      (r.candidates ?? []).forEach((c, position) => {
        const index = c.index ?? position;
        const s = state(index);
        if (c.finishReason) s.finishReason = c.finishReason;
        const { text, reasoning, calls, details } = splitParts(c.content?.parts, s.reasoning);
        const delta: Delta = {};
        // Gemini closes streams with an empty text part; an empty delta would be noise.
        const reasoningText = reasoning.length > 0 ? reasoning.join('') : '';
        if (reasoningText !== '') delta.reasoning_content = reasoningText;
        if (details.length > 0) delta.reasoning_details = details;
        const contentText = text.length === 1 ? text[0]! : text.join('');
        if (contentText !== '') delta.content = contentText;
        if (calls.length > 0) delta.tool_calls = calls.map((call) => ({ index: s.toolCalls++, ...toToolCall(call) }));
        const content = toLogprobs(c);
        if (Object.keys(delta).length === 0 && !content) return;
        const first = !s.roleSent;
        s.roleSent = true;
        choices.push({ index, delta: first ? { role: 'assistant', ...delta } : delta, finish_reason: null, logprobs: content ? { content, refusal: null } : null });
      });
      if (choices.length > 0) yield chunk(choices);
    }
    drained = true;
    if (received === 0) throw connectionError(undefined, 'Gemini: the stream ended before any response arrived.');
    if (!answered) throw nonAnswer('Gemini streamed no candidates and no prompt feedback');
    // Gemini sends no end marker: the last chunk's finishReason is the only sign the answer is whole.
    if (!blocked && candidates.size > 0 && ![...candidates.values()].some((s) => s.finishReason)) {
      throw connectionError(undefined, 'Gemini stream ended before a finishReason: the response is incomplete.');
    }
  } catch (err) {
    throw hooks.toError(err);
  } finally {
    hooks.finish(drained);
  }

  if (blocked && candidates.size === 0) state(0).finishReason = 'SAFETY';
  const closing = [...candidates.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, s]): ChatCompletionChunk.Choice => {
      // Thought text still open at the end (no signature followed it) completes here.
      const rest = s.reasoning.end();
      const delta: Delta = s.roleSent ? {} : { role: 'assistant' };
      if (rest.length > 0) delta.reasoning_details = rest;
      return { index, delta, finish_reason: toFinishReason(s.finishReason, s.toolCalls > 0), logprobs: null };
    });
  if (closing.length === 0) closing.push({ index: 0, delta: { role: 'assistant' }, finish_reason: 'stop', logprobs: null });
  yield chunk(closing);
  yield { ...chunk([]), usage: toUsage(usage) };
}
