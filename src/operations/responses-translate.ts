/**
 * The common subset of OpenAI's Responses API, translated to chat completions and back,
 * for providers that only speak chat (Anthropic, Gemini, mock, and OpenAI-compatible
 * servers reached through the chat adapter). Features with no chat equivalent are named
 * by `unmappableFeatures`, never dropped.
 */
import type {
  ChatCompletion,
  ChatCompletionContentPart,
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import type {
  Response,
  ResponseCreateParamsBase,
  ResponseInputItem,
  ResponseOutputItem,
  ResponseUsage,
} from 'openai/resources/responses/responses';
import { randomUUID } from 'node:crypto';

/** Responses features a chat-completions provider cannot honour, as they would appear in an error. */
export function unmappableFeatures(body: ResponseCreateParamsBase): string[] {
  const out: string[] = [];
  const b = body as ResponseCreateParamsBase & Record<string, unknown>;
  if (b.previous_response_id) out.push('previous_response_id');
  if (b.conversation) out.push('conversation');
  if (b.background) out.push('background');
  if (b.prompt) out.push('prompt (stored prompt templates)');
  if (b.include && b.include.length > 0) out.push(`include (${b.include.join(', ')})`);
  if (b.context_management && b.context_management.length > 0) out.push('context_management');
  if (b.top_logprobs != null) out.push('top_logprobs');
  if (b.truncation === 'auto') out.push("truncation: 'auto'");
  for (const t of body.tools ?? []) if (t.type !== 'function') out.push(`built-in tool '${t.type}'`);
  const choice = body.tool_choice;
  if (choice && typeof choice === 'object' && choice.type !== 'function') out.push(`tool_choice type '${choice.type}'`);
  const format = body.text?.format;
  if (format && !['text', 'json_schema', 'json_object'].includes(format.type)) out.push(`text.format type '${format.type}'`);
  if (Array.isArray(body.input)) {
    for (const item of body.input) {
      const type = itemType(item);
      if (type === 'message') {
        const content = (item as { content: unknown }).content;
        if (Array.isArray(content)) {
          for (const part of content as Array<{ type: string; image_url?: string | null; file_id?: string | null }>) {
            if (part.type === 'input_image' && !part.image_url) out.push('input_image by file_id');
            else if (!['input_text', 'input_image', 'output_text', 'refusal'].includes(part.type)) out.push(`input content part '${part.type}'`);
          }
        }
      } else if (type !== 'function_call' && type !== 'function_call_output' && type !== 'reasoning') {
        out.push(`input item type '${type}'`);
      }
    }
  }
  return [...new Set(out)];
}

function itemType(item: ResponseInputItem): string {
  const t = (item as { type?: string }).type;
  // Easy input messages ({ role, content }) carry no type.
  return t ?? ('role' in item ? 'message' : 'unknown');
}

/** The chat-completions request for a Responses request (assumes unmappableFeatures() is empty). */
export function toChatRequest(body: ResponseCreateParamsBase): ChatCompletionCreateParams {
  const messages: ChatCompletionMessageParam[] = [];
  if (body.instructions) messages.push({ role: 'system', content: body.instructions });
  if (typeof body.input === 'string') messages.push({ role: 'user', content: body.input });
  else {
    for (const item of body.input ?? []) {
      const type = itemType(item);
      if (type === 'message') messages.push(toChatMessage(item as ResponseInputItem.Message));
      else if (type === 'function_call') {
        const fc = item as { call_id: string; name: string; arguments: string };
        const call: ChatCompletionMessageFunctionToolCall = { id: fc.call_id, type: 'function', function: { name: fc.name, arguments: fc.arguments } };
        const last = messages.at(-1);
        // Parallel calls arrive as consecutive items; chat wants them on one assistant message.
        if (last?.role === 'assistant' && (last.content == null || last.content === '' || Array.isArray(last.tool_calls))) (last.tool_calls ??= []).push(call);
        else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
      } else if (type === 'function_call_output') {
        const out = item as { call_id: string; output: string | Array<{ type: string; text?: string }> };
        const content = typeof out.output === 'string' ? out.output : out.output.map((p) => (p.type === 'input_text' ? (p.text ?? '') : '')).join('');
        messages.push({ role: 'tool', tool_call_id: out.call_id, content });
      }
      // Reasoning items are provider state fed back from an earlier output, not conversation.
    }
  }
  const chat: ChatCompletionCreateParams & Record<string, unknown> = { model: body.model ?? '', messages };
  if (body.model === undefined) delete (chat as { model?: string }).model;
  if (body.max_output_tokens != null) chat.max_completion_tokens = body.max_output_tokens;
  if (body.temperature != null) chat.temperature = body.temperature;
  if (body.top_p != null) chat.top_p = body.top_p;
  if (body.parallel_tool_calls != null) chat.parallel_tool_calls = body.parallel_tool_calls;
  if (body.user !== undefined) chat.user = body.user;
  if (body.safety_identifier != null) chat.safety_identifier = body.safety_identifier;
  if (body.prompt_cache_key != null) chat.prompt_cache_key = body.prompt_cache_key;
  // openai 7's Responses API has tiers the chat API lacks ('ultrafast'): the upstream judges them.
  if (body.service_tier != null) chat.service_tier = body.service_tier as ChatCompletionCreateParams['service_tier'];
  if (body.reasoning?.effort != null) chat.reasoning_effort = body.reasoning.effort;
  const tools = (body.tools ?? []).filter((t) => t.type === 'function');
  if (tools.length > 0) {
    chat.tools = tools.map(
      (t): ChatCompletionTool => ({
        type: 'function',
        function: {
          name: t.name,
          ...(t.description != null ? { description: t.description } : {}),
          ...(t.parameters != null ? { parameters: t.parameters } : {}),
          ...(t.strict != null ? { strict: t.strict } : {}),
        },
      }),
    );
  }
  const choice = body.tool_choice;
  if (typeof choice === 'string') chat.tool_choice = choice as ChatCompletionToolChoiceOption;
  else if (choice?.type === 'function') chat.tool_choice = { type: 'function', function: { name: choice.name } };
  const format = body.text?.format;
  if (format?.type === 'json_schema') {
    chat.response_format = {
      type: 'json_schema',
      json_schema: { name: format.name, schema: format.schema, ...(format.strict != null ? { strict: format.strict } : {}), ...(format.description ? { description: format.description } : {}) },
    };
  } else if (format?.type === 'json_object') chat.response_format = { type: 'json_object' };
  if (body.stream) Object.assign(chat, { stream: true, stream_options: { include_usage: true } });
  return chat;
}

function toChatMessage(m: ResponseInputItem.Message | { role: string; content: unknown }): ChatCompletionMessageParam {
  const role = m.role as 'user' | 'system' | 'developer' | 'assistant';
  if (typeof m.content === 'string') return { role, content: m.content } as ChatCompletionMessageParam;
  const parts = m.content as Array<{ type: string; text?: string; refusal?: string; image_url?: string | null; detail?: 'low' | 'high' | 'auto' | null }>;
  if (role !== 'user') {
    // System, developer and assistant messages take text only in chat.
    return { role, content: parts.map((p) => p.text ?? p.refusal ?? '').join('') } as ChatCompletionMessageParam;
  }
  const content: ChatCompletionContentPart[] = parts.map((p) =>
    p.type === 'input_image'
      ? { type: 'image_url', image_url: { url: p.image_url!, ...(p.detail && p.detail !== 'auto' ? { detail: p.detail } : {}) } }
      : { type: 'text', text: p.text ?? '' },
  );
  return { role: 'user', content };
}

export const newId = (prefix: string) => `${prefix}_${randomUUID().replace(/-/g, '')}`;

/** Chat usage → Responses usage. */
export function toResponseUsage(u: ChatCompletion['usage']): ResponseUsage | undefined {
  if (!u) return undefined;
  return {
    input_tokens: u.prompt_tokens,
    input_tokens_details: {
      cached_tokens: u.prompt_tokens_details?.cached_tokens ?? 0,
      cache_write_tokens: (u.prompt_tokens_details as { cache_write_tokens?: number } | undefined)?.cache_write_tokens ?? 0,
    },
    output_tokens: u.completion_tokens,
    output_tokens_details: { reasoning_tokens: u.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: u.total_tokens,
  };
}

/** Responses usage → the chat shape the DecisionRecord prices. */
export function toChatUsage(u: ResponseUsage | undefined | null): ChatCompletion['usage'] | undefined {
  if (!u) return undefined;
  return {
    prompt_tokens: u.input_tokens,
    completion_tokens: u.output_tokens,
    total_tokens: u.total_tokens,
    prompt_tokens_details: { cached_tokens: u.input_tokens_details?.cached_tokens ?? 0, cache_write_tokens: u.input_tokens_details?.cache_write_tokens ?? 0 } as { cached_tokens: number },
    completion_tokens_details: { reasoning_tokens: u.output_tokens_details?.reasoning_tokens ?? 0 },
  };
}

/** The Response envelope: what the request asked for, echoed as OpenAI does. */
export function responseEnvelope(body: ResponseCreateParamsBase, id: string, model: string, createdAt: number): Response {
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status: 'in_progress',
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    metadata: body.metadata ?? null,
    model,
    output: [],
    output_text: '',
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: body.reasoning ?? null,
    store: false,
    temperature: body.temperature ?? null,
    text: { format: body.text?.format ?? { type: 'text' } },
    tool_choice: body.tool_choice ?? 'auto',
    tools: body.tools ?? [],
    top_p: body.top_p ?? null,
    truncation: 'disabled',
    // openai 7 added fields (access_programs); the object must type as the Response of either major.
    ...({ access_programs: null } as object),
    ...(body.user !== undefined ? { user: body.user } : {}),
  } as unknown as Response;
}

/** Sets status / incomplete_details from a chat finish reason. */
export function finishResponse(r: Response, finish: string | null | undefined, usage: ResponseUsage | undefined): Response {
  r.status = finish === 'length' || finish === 'content_filter' ? 'incomplete' : 'completed';
  r.incomplete_details = finish === 'length' ? { reason: 'max_output_tokens' } : finish === 'content_filter' ? { reason: 'content_filter' } : null;
  if (usage) r.usage = usage;
  r.output_text = outputText(r.output);
  return r;
}

export function outputText(output: readonly ResponseOutputItem[]): string {
  let text = '';
  for (const item of output) {
    if (item.type !== 'message') continue;
    for (const c of item.content) if (c.type === 'output_text') text += c.text;
  }
  return text;
}

/** A chat completion → OpenAI's Response. */
export function toResponse(completion: ChatCompletion, body: ResponseCreateParamsBase): Response {
  const r = responseEnvelope(body, `resp_${completion.id.replace(/^chatcmpl-?/, '')}`, completion.model, completion.created);
  const choice = completion.choices[0];
  const message = choice?.message as (ChatCompletion.Choice['message'] & { reasoning_content?: string | null }) | undefined;
  if (message?.reasoning_content) {
    r.output.push({ type: 'reasoning', id: newId('rs'), summary: [], content: [{ type: 'reasoning_text', text: message.reasoning_content }] });
  }
  if (message?.content || message?.refusal) {
    r.output.push({
      type: 'message',
      id: newId('msg'),
      role: 'assistant',
      status: 'completed',
      content: message.refusal ? [{ type: 'refusal', refusal: message.refusal }] : [{ type: 'output_text', text: message.content!, annotations: [], logprobs: [] }],
    });
  }
  for (const tc of message?.tool_calls ?? []) {
    if (tc.type !== 'function') continue;
    r.output.push({ type: 'function_call', id: newId('fc'), call_id: tc.id, name: tc.function.name, arguments: tc.function.arguments, status: 'completed' });
  }
  return finishResponse(r, choice?.finish_reason, toResponseUsage(completion.usage));
}
