/**
 * Turns a completion into OpenAI stream chunks (for a cached answer asked for as a
 * stream), and chunks back into a completion (to cache a streamed answer).
 */
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { UsageRecord } from '../spec/decision-record.js';

/** The record's token classes back in OpenAI's usage shape (cache writes as our extension). */
export function toOpenAIUsage(u: UsageRecord | undefined): ChatCompletion['usage'] {
  if (!u) return undefined;
  return {
    prompt_tokens: u.promptTokens,
    completion_tokens: u.completionTokens,
    total_tokens: u.promptTokens + u.completionTokens,
    prompt_tokens_details: { cached_tokens: u.cachedTokens, ...(u.cacheWriteTokens ? { cache_write_tokens: u.cacheWriteTokens } : {}) },
    completion_tokens_details: { reasoning_tokens: u.reasoningTokens },
  } as ChatCompletion['usage'];
}

export function* completionToChunks(c: ChatCompletion, includeUsage: boolean): Generator<ChatCompletionChunk> {
  const base = { id: c.id, object: 'chat.completion.chunk' as const, created: c.created, model: c.model };
  for (const choice of c.choices) {
    const m = choice.message;
    yield { ...base, choices: [{ index: choice.index, delta: { role: 'assistant', content: '' }, finish_reason: null, logprobs: null }] };
    if (m.content) yield { ...base, choices: [{ index: choice.index, delta: { content: m.content }, finish_reason: null, logprobs: null }] };
    if (m.refusal) yield { ...base, choices: [{ index: choice.index, delta: { refusal: m.refusal }, finish_reason: null, logprobs: null }] };
    const calls = m.tool_calls ?? [];
    for (let i = 0; i < calls.length; i++) {
      const call = calls[i]!;
      if (call.type !== 'function') continue;
      yield {
        ...base,
        choices: [{ index: choice.index, delta: { tool_calls: [{ index: i, id: call.id, type: 'function', function: { name: call.function.name, arguments: call.function.arguments } }] }, finish_reason: null, logprobs: null }],
      };
    }
    yield { ...base, choices: [{ index: choice.index, delta: {}, finish_reason: choice.finish_reason, logprobs: null }] };
  }
  if (includeUsage && c.usage) yield { ...base, choices: [], usage: c.usage };
}

/** Accumulates chunks into a completion; returns undefined if the stream was not complete. */
export class ChunkAccumulator {
  private id = '';
  private created = 0;
  private model = '';
  private usage: ChatCompletion['usage'];
  private readonly choices = new Map<number, { content: string; refusal: string; finish: ChatCompletion.Choice['finish_reason'] | null; calls: Map<number, { id: string; name: string; args: string }> }>();

  add(chunk: ChatCompletionChunk): void {
    this.id ||= chunk.id;
    this.created ||= chunk.created;
    this.model ||= chunk.model;
    if (chunk.usage) this.usage = chunk.usage;
    for (const ch of chunk.choices) {
      let c = this.choices.get(ch.index);
      if (!c) this.choices.set(ch.index, (c = { content: '', refusal: '', finish: null, calls: new Map() }));
      if (ch.delta.content) c.content += ch.delta.content;
      if (ch.delta.refusal) c.refusal += ch.delta.refusal;
      for (const t of ch.delta.tool_calls ?? []) {
        let call = c.calls.get(t.index);
        if (!call) c.calls.set(t.index, (call = { id: '', name: '', args: '' }));
        if (t.id) call.id = t.id;
        if (t.function?.name) call.name = t.function.name;
        if (t.function?.arguments) call.args += t.function.arguments;
      }
      if (ch.finish_reason) c.finish = ch.finish_reason;
    }
  }

  result(): ChatCompletion | undefined {
    if (this.choices.size === 0) return undefined;
    const choices: ChatCompletion.Choice[] = [];
    for (const [index, c] of [...this.choices].sort((a, b) => a[0] - b[0])) {
      if (!c.finish) return undefined;
      const calls = [...c.calls].sort((a, b) => a[0] - b[0]).map(([, t]) => ({ id: t.id, type: 'function' as const, function: { name: t.name, arguments: t.args } }));
      choices.push({
        index,
        finish_reason: c.finish,
        logprobs: null,
        message: { role: 'assistant', content: c.content || null, refusal: c.refusal || null, ...(calls.length ? { tool_calls: calls } : {}) },
      });
    }
    return { id: this.id, object: 'chat.completion', created: this.created, model: this.model, choices, ...(this.usage ? { usage: this.usage } : {}) };
  }
}
