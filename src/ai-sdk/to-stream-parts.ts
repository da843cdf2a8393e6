/**
 * OpenAI chunks (the router's stream) → AI SDK v4 stream parts. Text and reasoning get
 * start/delta/end parts; tool-call deltas by index become tool-input parts and, when the
 * call is complete, one tool-call part; the finish part carries usage, the finish
 * reason and the DecisionRecord. Opaque reasoning items (`delta.reasoning_details`, sent
 * as each block completes) ride on their reasoning block's end part, and a tool call's
 * `extra_content` on its tool-call part, so the AI SDK hands them back on the next step.
 */
import type { LanguageModelV4StreamPart, SharedV4Warning } from '@ai-sdk/provider';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { Stream } from 'openai/streaming';
import type { DecisionRecord } from '../spec/decision-record.js';
import { reasoningMetadata, toFinishReason, toolCallMetadata, toProviderMetadata, toUsage, type RoutedToolCallExtras } from './from-openai-response.js';

interface PendingToolCall {
  id: string;
  name: string;
  args: string;
  extra?: Record<string, unknown>;
}

type RoutedDelta = ChatCompletionChunk.Choice.Delta & { reasoning_content?: string | null; reasoning_details?: unknown };

export function toStreamParts(
  stream: Stream<ChatCompletionChunk>,
  decision: Promise<DecisionRecord>,
  warnings: SharedV4Warning[],
  includeRaw: boolean,
): ReadableStream<LanguageModelV4StreamPart> {
  const iterator = stream[Symbol.asyncIterator]();
  const tools = new Map<number, PendingToolCall>();
  let textOpen = false;
  let reasoningOpen = false;
  let reasoningBlocks = 0;
  let reasoningDetails: unknown[] = [];
  let metadataSent = false;
  let finishRaw: string | null = null;
  let usage: ChatCompletionChunk['usage'];
  let failed = false;
  let done = false;

  function closeText(out: LanguageModelV4StreamPart[]) {
    if (textOpen) out.push({ type: 'text-end', id: 'txt-0' });
    textOpen = false;
  }
  const reasoningId = () => `reasoning-${reasoningBlocks - 1}`;
  function openReasoning(out: LanguageModelV4StreamPart[]) {
    if (reasoningOpen) return;
    reasoningBlocks += 1;
    out.push({ type: 'reasoning-start', id: reasoningId() });
    reasoningOpen = true;
  }
  function closeReasoning(out: LanguageModelV4StreamPart[]) {
    if (!reasoningOpen) return;
    const details = reasoningDetails;
    reasoningDetails = [];
    out.push({ type: 'reasoning-end', id: reasoningId(), ...(details.length > 0 ? { providerMetadata: reasoningMetadata(details) } : {}) });
    reasoningOpen = false;
  }
  function flushTools(out: LanguageModelV4StreamPart[]) {
    for (const call of tools.values()) {
      out.push({ type: 'tool-input-end', id: call.id });
      const providerMetadata = toolCallMetadata(call.extra);
      out.push({ type: 'tool-call', toolCallId: call.id, toolName: call.name, input: call.args || '{}', ...(providerMetadata ? { providerMetadata } : {}) });
    }
    tools.clear();
  }

  function onChunk(chunk: ChatCompletionChunk, out: LanguageModelV4StreamPart[]) {
    if (includeRaw) out.push({ type: 'raw', rawValue: chunk });
    if (!metadataSent) {
      metadataSent = true;
      out.push({ type: 'response-metadata', id: chunk.id, modelId: chunk.model, timestamp: new Date(chunk.created * 1000) });
    }
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) return;
    const delta = choice.delta as RoutedDelta | undefined;
    if (delta?.reasoning_content) {
      openReasoning(out);
      out.push({ type: 'reasoning-delta', id: reasoningId(), delta: delta.reasoning_content });
    }
    if (Array.isArray(delta?.reasoning_details) && delta.reasoning_details.length > 0) {
      // Items may come after their text (or with no text: redacted thinking, Gemini
      // signatures); a block opens to carry them and closes with the next content.
      openReasoning(out);
      reasoningDetails.push(...(delta.reasoning_details as unknown[]));
    }
    const text = delta?.content || delta?.refusal;
    if (text) {
      closeReasoning(out);
      if (!textOpen) out.push({ type: 'text-start', id: 'txt-0' });
      textOpen = true;
      out.push({ type: 'text-delta', id: 'txt-0', delta: text });
    }
    for (const d of delta?.tool_calls ?? []) {
      let call = tools.get(d.index);
      if (!call) {
        closeReasoning(out);
        call = { id: d.id ?? `call_${d.index}`, name: d.function?.name ?? '', args: '' };
        tools.set(d.index, call);
        out.push({ type: 'tool-input-start', id: call.id, toolName: call.name });
      }
      const extra = (d as RoutedToolCallExtras).extra_content;
      if (extra && typeof extra === 'object') call.extra = { ...call.extra, ...(extra as Record<string, unknown>) };
      const args = d.function?.arguments;
      if (args) {
        call.args += args;
        out.push({ type: 'tool-input-delta', id: call.id, delta: args });
      }
    }
    if (choice.finish_reason) finishRaw = choice.finish_reason;
  }

  async function finish(controller: ReadableStreamDefaultController<LanguageModelV4StreamPart>) {
    const out: LanguageModelV4StreamPart[] = [];
    closeReasoning(out);
    closeText(out);
    if (!failed) flushTools(out);
    for (const p of out) controller.enqueue(p);
    // The router settles the decision as the stream ends, so this does not wait on I/O.
    const record = await decision.catch(() => undefined);
    const providerMetadata = toProviderMetadata(record);
    controller.enqueue({
      type: 'finish',
      usage: toUsage(usage),
      finishReason: failed
        ? { unified: 'error', raw: finishRaw ?? undefined }
        : // A clean end without the provider's completion signal: the answer may be cut short.
          finishRaw === null
          ? { unified: 'interrupted', raw: undefined }
          : toFinishReason(finishRaw),
      ...(providerMetadata ? { providerMetadata } : {}),
    });
    controller.close();
  }

  return new ReadableStream<LanguageModelV4StreamPart>({
    start(controller) {
      controller.enqueue({ type: 'stream-start', warnings });
    },
    async pull(controller) {
      if (done) return;
      try {
        // Pull until at least one part is produced, so backpressure is honoured chunk by chunk.
        for (;;) {
          const r = await iterator.next();
          if (r.done) {
            done = true;
            await finish(controller);
            return;
          }
          const out: LanguageModelV4StreamPart[] = [];
          onChunk(r.value, out);
          if (out.length > 0) {
            for (const p of out) controller.enqueue(p);
            return;
          }
        }
      } catch (error) {
        // As the AI SDK's own providers do: the error is a stream part, then a finish.
        done = true;
        failed = true;
        controller.enqueue({ type: 'error', error });
        await finish(controller);
      }
    },
    async cancel() {
      // The consumer went away: cancel the upstream request, as the OpenAI SDK would.
      done = true;
      stream.controller.abort();
      await iterator.return?.().catch(() => undefined);
    },
  });
}
