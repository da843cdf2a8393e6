/**
 * Inside one `runTools()` run, the OpenAI SDK's runner rebuilds every assistant message
 * with OpenAI's own fields only (`toRequestMessage`), dropping what a provider needs back
 * on the next turn: `reasoning_content`, `reasoning_details` (thinking blocks and their
 * signatures) and `tool_calls[i].extra_content` (Gemini's thought signatures). This puts
 * them back, matched by tool call id, from the answers the same run received. It lives
 * only as long as the run: nothing is kept across calls or processes.
 */
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams } from 'openai/resources/chat/completions';

type Fields = Record<string, unknown>;

interface Remembered {
  /** Message-level fields beyond OpenAI's. */
  message: Fields;
  /** extra_content by tool call id. */
  extra: Map<string, unknown>;
}

const MESSAGE_FIELDS = ['reasoning_content', 'reasoning_details'] as const;

export class ProviderFieldCarry {
  private byCallId = new Map<string, Remembered>();

  /** Learns from a unary answer. */
  rememberCompletion(c: ChatCompletion): void {
    const m = c.choices[0]?.message as (ChatCompletion.Choice['message'] & Fields) | undefined;
    if (!m?.tool_calls?.length) return;
    const r: Remembered = { message: {}, extra: new Map() };
    for (const f of MESSAGE_FIELDS) if (m[f] !== undefined && m[f] !== null) r.message[f] = m[f];
    for (const call of m.tool_calls) {
      const extra = (call as unknown as Fields).extra_content;
      if (extra !== undefined) r.extra.set(call.id, extra);
      this.byCallId.set(call.id, r);
    }
  }

  /** Learns from a stream as it passes through, unchanged. */
  async *observe(chunks: AsyncIterable<ChatCompletionChunk>): AsyncGenerator<ChatCompletionChunk> {
    const r: Remembered = { message: {}, extra: new Map() };
    const ids = new Map<number, string>();
    let text = '';
    const details: unknown[] = [];
    for await (const chunk of chunks) {
      const choice = chunk.choices.find((c) => c.index === 0);
      const delta = choice?.delta as (ChatCompletionChunk.Choice.Delta & Fields) | undefined;
      if (delta) {
        if (typeof delta.reasoning_content === 'string') text += delta.reasoning_content;
        if (Array.isArray(delta.reasoning_details)) details.push(...(delta.reasoning_details as unknown[]));
        for (const t of delta.tool_calls ?? []) {
          if (t.id) {
            ids.set(t.index, t.id);
            this.byCallId.set(t.id, r);
          }
          const id = ids.get(t.index);
          const extra = (t as unknown as Fields).extra_content;
          if (id && extra !== undefined) r.extra.set(id, extra);
        }
        if (text) r.message.reasoning_content = text;
        if (details.length > 0) r.message.reasoning_details = details;
      }
      yield chunk;
    }
  }

  /** The request with the remembered fields back on assistant messages that lost them. */
  restore<B extends ChatCompletionCreateParams>(body: B): B {
    if (this.byCallId.size === 0) return body;
    const messages = body.messages.map((m) => {
      if (m.role !== 'assistant' || !m.tool_calls?.length) return m;
      const r = this.byCallId.get(m.tool_calls[0]!.id);
      if (!r) return m;
      const out: Fields = { ...m };
      for (const [k, v] of Object.entries(r.message)) if (out[k] === undefined) out[k] = v;
      out.tool_calls = m.tool_calls.map((call) => {
        const extra = r.extra.get(call.id);
        return extra !== undefined && (call as unknown as Fields).extra_content === undefined ? { ...call, extra_content: extra } : call;
      });
      return out as unknown as typeof m;
    });
    return { ...body, messages };
  }
}
