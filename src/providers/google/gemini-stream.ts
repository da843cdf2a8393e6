/**
 * Gemini stream chunks → OpenAI chat.completion.chunk protocol.
 *
 * Gemini repeats finishReason on many chunks (older models put STOP on every one), so
 * the reason is held per candidate and sent once, in a closing chunk with an empty
 * delta, after the upstream stream has ended. Function calls arrive whole, so each
 * becomes a single tool_calls delta carrying id, name and the complete arguments.
 */
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { connectionError } from '../../errors/provider-error.js';
import type { ReasoningExtension } from '../spec.js';
import type { GeminiResponse } from './gemini-wire.js';
import { isBlockedPrompt, newCompletionId, newToolCallId, splitParts, toFinishReason, toLogprobs, toUsage } from './from-gemini-response.js';

type Delta = ChatCompletionChunk.Choice.Delta & ReasoningExtension;

export interface StreamHooks {
  requestedModel: string;
  rememberSignature(toolCallId: string, signature: string): void;
  /** Turns whatever the SDK threw into an OpenAI error. */
  toError(err: unknown): Error;
  /** Checked between chunks: the SDK may already hold parsed chunks when the caller aborts. */
  abortedError(): Error | undefined;
  /** Runs however the stream ends, including when the consumer stops early. */
  finish(): void;
}

export async function* translateGeminiStream(upstream: AsyncIterable<GeminiResponse>, hooks: StreamHooks): AsyncGenerator<ChatCompletionChunk> {
  const created = Math.floor(Date.now() / 1000);
  const candidates = new Map<number, { roleSent: boolean; toolCalls: number; finishReason?: string | undefined }>();
  let id: string | undefined;
  let model = hooks.requestedModel;
  let usage: GeminiResponse['usageMetadata'];
  let received = 0;
  let blocked = false;
  const chunk = (choices: ChatCompletionChunk.Choice[]): ChatCompletionChunk => ({ id: id ?? newCompletionId(), object: 'chat.completion.chunk', created, model, choices });
  const state = (index: number) => {
    let s = candidates.get(index);
    if (!s) candidates.set(index, (s = { roleSent: false, toolCalls: 0 }));
    return s;
  };

  try {
    for await (const r of upstream) {
      const aborted = hooks.abortedError();
      if (aborted) throw aborted;
      received++;
      id ??= r.responseId ?? newCompletionId();
      model = r.modelVersion ?? model;
      usage = r.usageMetadata ?? usage;
      blocked ||= isBlockedPrompt(r);

      const choices: ChatCompletionChunk.Choice[] = [];
      (r.candidates ?? []).forEach((c, position) => {
        const index = c.index ?? position;
        const s = state(index);
        if (c.finishReason) s.finishReason = c.finishReason;
        const { text, reasoning, calls } = splitParts(c.content?.parts);
        const delta: Delta = {};
        // Gemini closes streams with an empty text part; an empty delta would be noise.
        if (reasoning.join('') !== '') delta.reasoning_content = reasoning.join('');
        if (text.join('') !== '') delta.content = text.join('');
        if (calls.length > 0) {
          delta.tool_calls = calls.map((call) => {
            const callId = newToolCallId();
            if (call.signature) hooks.rememberSignature(callId, call.signature);
            return { index: s.toolCalls++, id: callId, type: 'function' as const, function: { name: call.name, arguments: JSON.stringify(call.args) } };
          });
        }
        const content = toLogprobs(c);
        if (Object.keys(delta).length === 0 && !content) return;
        const first = !s.roleSent;
        s.roleSent = true;
        choices.push({ index, delta: first ? { role: 'assistant', ...delta } : delta, finish_reason: null, logprobs: content ? { content, refusal: null } : null });
      });
      if (choices.length > 0) yield chunk(choices);
    }
    if (received === 0) throw connectionError(undefined, 'Gemini: the stream ended before any response arrived.');
  } catch (err) {
    throw hooks.toError(err);
  } finally {
    hooks.finish();
  }

  if (blocked && candidates.size === 0) state(0).finishReason = 'SAFETY';
  const closing = [...candidates.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, s]): ChatCompletionChunk.Choice => ({
      index,
      delta: s.roleSent ? {} : { role: 'assistant' },
      finish_reason: toFinishReason(s.finishReason, s.toolCalls > 0),
      logprobs: null,
    }));
  if (closing.length === 0) closing.push({ index: 0, delta: { role: 'assistant' }, finish_reason: 'stop', logprobs: null });
  yield chunk(closing);
  yield { ...chunk([]), usage: toUsage(usage) };
}
