/**
 * Streamed answers built in each provider's wire format from pieces of text (synthetic, in
 * the shape of the recorded fixtures), and "models" that continue a cut answer the way a
 * real one does: from an Anthropic prefill exactly, or after an instruction by restarting
 * some way back. Lets a test know the full answer a model would have given and check that
 * the consumer read exactly that.
 */
import { sseFrame } from './anthropic-fake-server.js';
import type { FakeReply as OpenAIReply, RecordedRequest as OpenAIRequest } from './openai-fake-server.js';
import type { FakeReply as AnthropicReply, RecordedRequest as AnthropicRequest } from './anthropic-fake-server.js';
import type { GeminiReply, RecordedRequest as GeminiRequest } from './gemini-fake-server.js';

export interface Script {
  text?: string[];
  reasoning?: string[];
  tool?: { id: string; name: string; args: string[] };
  /** Leave out the finish reason (and [DONE] / message_stop): a stream that ends too early but cleanly. */
  noFinish?: boolean;
  usage?: { prompt: number; completion: number };
}

/** OpenAI chat.completion.chunk SSE events; `events(s)` counts them (for `cutAfterEvents`). */
export function openaiEvents(s: Script, model = 'gpt-4o-2024-08-06'): string[] {
  const base = { id: 'chatcmpl-scripted', object: 'chat.completion.chunk', created: 1700000000, model, system_fingerprint: 'fp_1' };
  const ev = (choices: unknown[], extra: object = {}) => `data: ${JSON.stringify({ ...base, choices, usage: null, ...extra })}\n\n`;
  const out = [ev([{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }])];
  for (const r of s.reasoning ?? []) out.push(ev([{ index: 0, delta: { reasoning_content: r }, logprobs: null, finish_reason: null }]));
  for (const t of s.text ?? []) out.push(ev([{ index: 0, delta: { content: t }, logprobs: null, finish_reason: null }]));
  if (s.tool) {
    out.push(ev([{ index: 0, delta: { tool_calls: [{ index: 0, id: s.tool.id, type: 'function', function: { name: s.tool.name, arguments: '' } }] }, logprobs: null, finish_reason: null }]));
    for (const a of s.tool.args) out.push(ev([{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: a } }] }, logprobs: null, finish_reason: null }]));
  }
  if (s.noFinish) return out;
  out.push(ev([{ index: 0, delta: {}, logprobs: null, finish_reason: s.tool ? 'tool_calls' : 'stop' }]));
  const u = s.usage ?? { prompt: 10, completion: 20 };
  out.push(ev([], { usage: { prompt_tokens: u.prompt, completion_tokens: u.completion, total_tokens: u.prompt + u.completion } }));
  out.push('data: [DONE]\n\n');
  return out;
}

export function openaiReply(s: Script, cutAfterEvents?: number): OpenAIReply {
  return { kind: 'sse', raw: openaiEvents(s).join(''), ...(cutAfterEvents !== undefined ? { cutAfterEvents } : {}) };
}

/** Anthropic Messages stream frames. */
export function anthropicFrames(s: Script, model = 'claude-sonnet-4-6'): string[] {
  const u = s.usage ?? { prompt: 12, completion: 22 };
  const f: string[] = [sseFrame({ type: 'message_start', message: { id: 'msg_scripted', type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: u.prompt, output_tokens: 1 } } })];
  let block = 0;
  if (s.reasoning?.length) {
    f.push(sseFrame({ type: 'content_block_start', index: block, content_block: { type: 'thinking', thinking: '', signature: '' } }));
    for (const r of s.reasoning) f.push(sseFrame({ type: 'content_block_delta', index: block, delta: { type: 'thinking_delta', thinking: r } }));
    f.push(sseFrame({ type: 'content_block_delta', index: block, delta: { type: 'signature_delta', signature: 'sig-scripted' } }));
    f.push(sseFrame({ type: 'content_block_stop', index: block++ }));
  }
  if (s.text?.length) {
    f.push(sseFrame({ type: 'content_block_start', index: block, content_block: { type: 'text', text: '' } }));
    for (const t of s.text) f.push(sseFrame({ type: 'content_block_delta', index: block, delta: { type: 'text_delta', text: t } }));
    f.push(sseFrame({ type: 'content_block_stop', index: block++ }));
  }
  if (s.tool) {
    f.push(sseFrame({ type: 'content_block_start', index: block, content_block: { type: 'tool_use', id: s.tool.id, name: s.tool.name, input: {} } }));
    for (const a of s.tool.args) f.push(sseFrame({ type: 'content_block_delta', index: block, delta: { type: 'input_json_delta', partial_json: a } }));
    f.push(sseFrame({ type: 'content_block_stop', index: block++ }));
  }
  if (s.noFinish) return f;
  f.push(sseFrame({ type: 'message_delta', delta: { stop_reason: s.tool ? 'tool_use' : 'end_turn', stop_sequence: null }, usage: { output_tokens: u.completion } }));
  f.push(sseFrame({ type: 'message_stop' }));
  return f;
}

export function anthropicReply(s: Script, cutAfterFrames?: number): AnthropicReply {
  const frames = anthropicFrames(s);
  return cutAfterFrames === undefined ? { kind: 'sse', body: frames.join('') } : { kind: 'cut', body: frames.slice(0, cutAfterFrames).join('') };
}

/** Gemini streamGenerateContent chunks. */
export function geminiChunks(s: Script, model = 'gemini-2.0-flash'): unknown[] {
  const u = s.usage ?? { prompt: 8, completion: 18 };
  const out: unknown[] = [];
  const chunk = (parts: unknown[], finishReason?: string) => ({
    candidates: [{ index: 0, content: { role: 'model', parts }, ...(finishReason ? { finishReason } : {}) }],
    modelVersion: model,
    responseId: 'gem-scripted',
    usageMetadata: { promptTokenCount: u.prompt, candidatesTokenCount: u.completion, totalTokenCount: u.prompt + u.completion },
  });
  for (const r of s.reasoning ?? []) out.push(chunk([{ text: r, thought: true }]));
  for (const t of s.text ?? []) out.push(chunk([{ text: t }]));
  if (s.tool) out.push(chunk([{ functionCall: { name: s.tool.name, args: JSON.parse(s.tool.args.join('')) } }]));
  if (!s.noFinish) out.push(chunk([{ text: '' }], 'STOP'));
  return out;
}

export function geminiReply(s: Script, cutAfterChunks?: number): GeminiReply {
  const chunks = geminiChunks(s);
  return cutAfterChunks === undefined ? { kind: 'chunks', chunks, then: 'end' } : { kind: 'chunks', chunks: chunks.slice(0, cutAfterChunks), then: 'cut' };
}

/** Splits a text into pieces of `size` characters (the deltas a model would stream). */
export function pieces(text: string, size = 7): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** The assistant prefill an Anthropic request ends with ('' when none). */
export function anthropicPrefill(req: AnthropicRequest): string {
  const last = req.body.messages.at(-1);
  if (last?.role !== 'assistant') return '';
  return typeof last.content === 'string' ? last.content : last.content.filter((b: { type: string }) => b.type === 'text').map((b: { text: string }) => b.text).join('');
}

/** The delivered text an instruction-continued OpenAI request carries (before the instruction). */
export function openaiDelivered(req: OpenAIRequest): string {
  const m = req.body.messages;
  return m.at(-1)?.role === 'user' && m.at(-2)?.role === 'assistant' ? m.at(-2).content : '';
}

/** The same for Gemini (the model turn before the instruction). */
export function geminiDelivered(req: GeminiRequest): string {
  const c = req.body.contents;
  const turn = c.at(-2);
  return turn?.role === 'model' ? turn.parts.map((p: { text?: string }) => p.text ?? '').join('') : '';
}

/**
 * Where a model asked to continue after `delivered` starts writing: `restart` characters
 * back (0: exactly at the next character; delivered.length: the whole answer again).
 */
export function restartFrom(full: string, delivered: string, restart: number): string {
  if (!full.startsWith(delivered)) throw new Error(`scripted model: the delivered text is not a prefix of the answer: ${JSON.stringify(delivered)}`);
  return full.slice(Math.max(0, delivered.length - restart));
}
