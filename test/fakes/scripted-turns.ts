/**
 * A scripted conversation over the three fakes: each request that reaches a fake takes
 * the next turn and gets it in that provider's own wire format — OpenAI chat completions
 * or Responses (JSON or SSE), Anthropic Messages (JSON or SSE with event lines), Gemini
 * generateContent (JSON or `alt=sse` chunks) — streamed exactly when the request asked
 * for a stream. Libraries driving their own tool loops can then run against any provider.
 */
import type { ThreeVendors } from './three-vendors.js';
import type { FakeReply as OpenAIReply, RecordedRequest as OpenAIRequest } from './openai-fake-server.js';
import type { FakeReply as AnthropicReply, RecordedRequest as AnthropicRequest } from './anthropic-fake-server.js';
import { sseFrame } from './anthropic-fake-server.js';
import type { GeminiReply, RecordedRequest as GeminiRequest } from './gemini-fake-server.js';

export type Turn =
  | { text: string }
  /** A call of `name` (default: the tool the request forces, else its first tool) with these arguments. */
  | { tool: { name?: string; args: Record<string, unknown> } }
  /** Structured output: the object as the answer's JSON text. */
  | { json: unknown };

const USAGE = { input: 11, output: 7 };

export interface Script {
  /** Turns not yet taken. */
  readonly left: Turn[];
  /** Which fake served each turn, in order. */
  readonly servedBy: Array<'openai' | 'anthropic' | 'google'>;
}

/** Installs the turns on all three fakes (whichever is asked answers the next turn); returns what is left. */
export function scriptTurns(v: ThreeVendors, turns: Turn[]): Script {
  const left = [...turns];
  const servedBy: Script['servedBy'] = [];
  const next = (who: Script['servedBy'][number]): Turn | undefined => {
    const t = left.shift();
    if (t) servedBy.push(who);
    return t;
  };
  // Past the script's end the fakes answer their own 500 ("no reply scripted").
  v.oa.respond((req) => openaiReply(req, next) as OpenAIReply);
  v.an.respond((req) => {
    const t = next('anthropic');
    return (t ? anthropicReply(req, t) : undefined) as AnthropicReply;
  });
  v.ge.respond((req) => {
    const t = next('google');
    return (t ? geminiReply(req, t) : undefined) as GeminiReply;
  });
  return { left, servedBy };
}

const textOf = (t: Turn): string | undefined => ('text' in t ? t.text : 'json' in t ? JSON.stringify(t.json) : undefined);
let seq = 0;
const id = (prefix: string) => `${prefix}_${(++seq).toString(36)}${Date.now().toString(36)}`;

// ---- OpenAI ----

function openaiReply(req: OpenAIRequest, next: (who: 'openai') => Turn | undefined): OpenAIReply | undefined {
  if (req.path.endsWith('/embeddings')) return embeddingsReply(req);
  const turn = next('openai');
  if (!turn) return undefined;
  if (req.path.endsWith('/responses')) return responsesReply(req, turn);
  const tools: Array<{ function: { name: string } }> = req.body.tools ?? [];
  const forced = req.body.tool_choice?.function?.name as string | undefined;
  const call = 'tool' in turn ? { id: id('call'), type: 'function' as const, function: { name: turn.tool.name ?? forced ?? tools[0]!.function.name, arguments: JSON.stringify(turn.tool.args) } } : undefined;
  const text = textOf(turn) ?? null;
  const base = { id: id('chatcmpl'), created: Math.floor(Date.now() / 1000), model: req.body.model };
  const usage = { prompt_tokens: USAGE.input, completion_tokens: USAGE.output, total_tokens: USAGE.input + USAGE.output };
  const finish = call ? 'tool_calls' : 'stop';
  if (!req.body.stream) {
    return {
      kind: 'json',
      body: { ...base, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null, ...(call ? { tool_calls: [call] } : {}) }, logprobs: null, finish_reason: finish }], usage },
    };
  }
  const chunk = (delta: unknown, finish_reason: string | null = null) => ({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason }] });
  const chunks: unknown[] = [chunk({ role: 'assistant', content: call ? null : '', refusal: null })];
  if (text) for (const piece of split(text)) chunks.push(chunk({ content: piece }));
  if (call) {
    chunks.push(chunk({ tool_calls: [{ index: 0, id: call.id, type: 'function', function: { name: call.function.name, arguments: '' } }] }));
    for (const piece of split(call.function.arguments)) chunks.push(chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
  }
  chunks.push(chunk({}, finish));
  if (req.body.stream_options?.include_usage) chunks.push({ ...base, object: 'chat.completion.chunk', choices: [], usage });
  return { kind: 'sse', raw: chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') + 'data: [DONE]\n\n' };
}

function responsesReply(req: OpenAIRequest, turn: Turn): OpenAIReply {
  const tools: Array<{ type: string; name?: string }> = (req.body.tools ?? []).filter((t: { type: string }) => t.type === 'function');
  const forced = req.body.tool_choice?.name as string | undefined;
  const text = textOf(turn);
  const item =
    'tool' in turn
      ? { type: 'function_call', id: id('fc'), call_id: id('call'), name: turn.tool.name ?? forced ?? tools[0]!.name!, arguments: JSON.stringify(turn.tool.args), status: 'completed' }
      : { type: 'message', id: id('msg'), status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: text!, annotations: [], logprobs: [] }] };
  const usage = { input_tokens: USAGE.input, input_tokens_details: { cached_tokens: 0 }, output_tokens: USAGE.output, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: USAGE.input + USAGE.output };
  const response = (status: string, output: unknown[]) => ({
    id: id('resp'),
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    error: null,
    incomplete_details: null,
    instructions: req.body.instructions ?? null,
    model: req.body.model,
    output,
    parallel_tool_calls: true,
    temperature: null,
    tool_choice: req.body.tool_choice ?? 'auto',
    tools: req.body.tools ?? [],
    top_p: null,
    text: req.body.text ?? { format: { type: 'text' } },
    usage: status === 'completed' ? usage : null,
    metadata: {},
  });
  if (!req.body.stream) return { kind: 'json', body: response('completed', [item]) };
  let n = 0;
  const events: Array<Record<string, unknown>> = [];
  const push = (e: Record<string, unknown>) => events.push({ ...e, sequence_number: n++ });
  const started = response('in_progress', []);
  push({ type: 'response.created', response: started });
  push({ type: 'response.in_progress', response: started });
  if (item.type === 'function_call') {
    const fc = item as { arguments: string };
    push({ type: 'response.output_item.added', output_index: 0, item: { ...item, arguments: '', status: 'in_progress' } });
    for (const piece of split(fc.arguments)) push({ type: 'response.function_call_arguments.delta', item_id: item.id, output_index: 0, delta: piece });
    push({ type: 'response.function_call_arguments.done', item_id: item.id, output_index: 0, arguments: fc.arguments });
  } else {
    push({ type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
    push({ type: 'response.content_part.added', item_id: item.id, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
    for (const piece of split(text!)) push({ type: 'response.output_text.delta', item_id: item.id, output_index: 0, content_index: 0, delta: piece, logprobs: [] });
    push({ type: 'response.output_text.done', item_id: item.id, output_index: 0, content_index: 0, text, logprobs: [] });
    push({ type: 'response.content_part.done', item_id: item.id, output_index: 0, content_index: 0, part: { type: 'output_text', text, annotations: [] } });
  }
  push({ type: 'response.output_item.done', output_index: 0, item });
  push({ type: 'response.completed', response: { ...response('completed', [item]), id: started.id } });
  return { kind: 'sse', raw: events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('') };
}

function embeddingsReply(req: OpenAIRequest): OpenAIReply {
  const inputs: unknown[] = Array.isArray(req.body.input) ? req.body.input : [req.body.input];
  const dims = req.body.dimensions ?? 4;
  const data = inputs.map((input, index) => {
    const vector = Array.from({ length: dims }, (_, i) => ((String(input).length + i) % 7) / 8);
    const embedding = req.body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
    return { object: 'embedding', index, embedding };
  });
  return { kind: 'json', body: { object: 'list', data, model: req.body.model, usage: { prompt_tokens: 5 * inputs.length, total_tokens: 5 * inputs.length } } };
}

// ---- Anthropic ----

function anthropicReply(req: AnthropicRequest, turn: Turn): AnthropicReply {
  const tools: Array<{ name: string }> = req.body.tools ?? [];
  const forced = req.body.tool_choice?.type === 'tool' ? (req.body.tool_choice.name as string) : undefined;
  const text = textOf(turn);
  const block = 'tool' in turn ? { type: 'tool_use', id: id('toolu'), name: turn.tool.name ?? forced ?? tools[0]!.name, input: turn.tool.args } : { type: 'text', text: text! };
  const stop = 'tool' in turn ? 'tool_use' : 'end_turn';
  const message = { id: id('msg'), type: 'message', role: 'assistant', model: req.body.model, stop_sequence: null };
  if (!req.body.stream) {
    return { kind: 'json', body: { ...message, content: [block], stop_reason: stop, usage: { input_tokens: USAGE.input, output_tokens: USAGE.output } } };
  }
  const frames = [sseFrame({ type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: { input_tokens: USAGE.input, output_tokens: 1 } } })];
  if (block.type === 'tool_use') {
    frames.push(sseFrame({ type: 'content_block_start', index: 0, content_block: { ...block, input: {} } }));
    for (const piece of split(JSON.stringify((block as { input: unknown }).input))) frames.push(sseFrame({ type: 'content_block_delta', index: 0, delta: { type: 'input_json_delta', partial_json: piece } }));
  } else {
    frames.push(sseFrame({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }));
    for (const piece of split(text!)) frames.push(sseFrame({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: piece } }));
  }
  frames.push(sseFrame({ type: 'content_block_stop', index: 0 }));
  frames.push(sseFrame({ type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: USAGE.output } }));
  frames.push(sseFrame({ type: 'message_stop' }));
  return { kind: 'sse', body: frames.join('') };
}

// ---- Gemini ----

function geminiReply(req: GeminiRequest, turn: Turn): GeminiReply {
  const declarations: Array<{ name: string }> = (req.body.tools ?? []).flatMap((t: { functionDeclarations?: Array<{ name: string }> }) => t.functionDeclarations ?? []);
  const forced = req.body.toolConfig?.functionCallingConfig?.allowedFunctionNames?.[0] as string | undefined;
  const text = textOf(turn);
  const part = 'tool' in turn ? { functionCall: { name: turn.tool.name ?? forced ?? declarations[0]!.name, args: turn.tool.args } } : { text: text! };
  const usageMetadata = { promptTokenCount: USAGE.input, candidatesTokenCount: USAGE.output, totalTokenCount: USAGE.input + USAGE.output };
  const candidate = (parts: unknown[], finish?: string) => ({ content: { role: 'model', parts }, ...(finish ? { finishReason: finish } : {}), index: 0 });
  if (req.task !== 'streamGenerateContent') return { kind: 'json', body: { candidates: [candidate([part], 'STOP')], usageMetadata, modelVersion: req.model } };
  const chunks: unknown[] = [];
  if ('functionCall' in part) chunks.push({ candidates: [candidate([part], 'STOP')], usageMetadata, modelVersion: req.model });
  else {
    const pieces = split(text!);
    pieces.forEach((p, i) => chunks.push({ candidates: [candidate([{ text: p }], i === pieces.length - 1 ? 'STOP' : undefined)], ...(i === pieces.length - 1 ? { usageMetadata } : {}), modelVersion: req.model }));
  }
  return { kind: 'chunks', chunks };
}

/** A text in three pieces (or fewer), so streams really carry deltas. */
function split(s: string): string[] {
  if (s.length < 3) return [s];
  const a = Math.floor(s.length / 3);
  return [s.slice(0, a), s.slice(a, 2 * a), s.slice(2 * a)];
}
