/**
 * OpenAI chat request → Anthropic Messages request. Every top-level parameter is mapped,
 * clamped, refused with a 400 that names it, or (metadata that does not change the
 * answer) accepted and not sent; an unknown key is refused by name. Choices that are
 * not a plain field rename:
 *
 * - System and developer messages BEFORE the first other message become `system`
 *   (joined by blank lines). A system/developer message that comes LATER cannot move
 *   to the top without changing what the model saw at that point, and Anthropic has
 *   no mid-conversation system turn we rely on, so it becomes a user-turn text block
 *   "System: <text>" at its position (merged with neighbouring user content).
 * - Anthropic wants alternating turns: consecutive same-role turns are merged, so
 *   several `tool` messages become ONE user turn of `tool_result` blocks (first in the
 *   turn, as Anthropic requires).
 * - Thinking is replayed from the assistant message's `reasoning_details`
 *   (anthropic-reasoning.ts), first in its turn with its signature.
 * - `response_format: json_schema` (or `json_object` with a `schema`, instructor's
 *   JSON_SCHEMA mode) → a synthetic tool (`JSON_TOOL_NAME`) whose input schema is the
 *   user's schema, with tool_choice forced to it (or to `any` when the caller also
 *   passed tools); the response mapping turns that tool's input back into
 *   `message.content`. With thinking on, Anthropic forbids a forced tool choice, so the
 *   schema goes to `output_config.format` (structured outputs) instead.
 * - `response_format: json_object` without a schema has nothing to force, so an
 *   instruction asking for a single JSON object is appended to `system`.
 * - `reasoning_effort` → extended thinking with a token budget; `none` sends no
 *   thinking. Anthropic counts thinking inside `max_tokens`, so when max_tokens would
 *   not exceed the budget it is raised to budget + max_tokens, never above the model's
 *   declared output ceiling (the budget shrinks to fit instead). With thinking on,
 *   Anthropic allows no forced tool choice, no temperature other than 1, no top_k and
 *   top_p only from 0.95: those are refused by name so the router can move on.
 * - `temperature` is clamped into Anthropic's 0–1 (OpenAI's range is 0–2).
 * - `user` / `safety_identifier` → `metadata.user_id`. Anthropic asks for an opaque id
 *   and rejects identifying ones, so a value that looks like an e-mail address or a
 *   phone number (or is longer than 256 characters) is sent as its SHA-256 hex digest:
 *   the same user still maps to the same id.
 * - Deliberately accepted and not sent, because they do not change the generated
 *   output: `store`, `metadata` (OpenAI's stored-completion tags), `prompt_cache_*`,
 *   `service_tier`, `stream_options` (the router handles usage chunks), image `detail`
 *   (Anthropic sizes images itself).
 */
import { createHash } from 'node:crypto';
import type {
  ContentBlockParam,
  DocumentBlockParam,
  ImageBlockParam,
  MessageCreateParamsBase,
  MessageParam,
  TextBlockParam,
  ThinkingConfigEnabled,
  Tool,
  ToolChoice,
  ToolResultBlockParam,
} from '@anthropic-ai/sdk/resources/messages';
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionContentPart,
  ChatCompletionContentPartText,
  ChatCompletionCreateParams,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import { providerError } from '../../errors/provider-error.js';
import { replayBlocks } from './anthropic-reasoning.js';

/** The synthetic tool that carries `response_format: json_schema`. */
export const JSON_TOOL_NAME = 'json';
export const DEFAULT_MAX_TOKENS = 4096;

const THINKING_BUDGET: Record<string, number> = { minimal: 1024, low: 1024, medium: 4096, high: 16384, xhigh: 32768, max: 65536 };
/** Anthropic's smallest thinking budget. */
const MIN_THINKING_BUDGET = 1024;
/** Room kept for the visible answer when the budget must shrink under the output ceiling. */
const ANSWER_ROOM = 4096;
const JSON_OBJECT_INSTRUCTION = 'Respond with a single valid JSON object and nothing else: no prose, no code fences.';
const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;
const MAX_USER_ID = 256;

/**
 * SDK 1.x's types no longer declare temperature/top_p/top_k (API version 2026-10-21),
 * but the SDK sends the body as given and the Messages API still takes them on the
 * models that support them; a model that refuses one answers 400, which
 * anthropic-errors.ts marks as an unsupported parameter so the router moves on.
 */
export type AnthropicRequest = Omit<MessageCreateParamsBase, 'stream'> & { temperature?: number; top_p?: number; top_k?: number };

export interface MappedRequest {
  params: AnthropicRequest;
  /** Set when the response's tool_use of this name is really the JSON answer. */
  jsonToolName?: string | undefined;
}

/** Parameters this module maps (or checks and maps). */
const MAPPED = new Set([
  'model', 'messages', 'stream', 'stream_options', 'tools', 'tool_choice', 'parallel_tool_calls', 'response_format',
  'temperature', 'top_p', 'top_k', 'stop', 'max_tokens', 'max_completion_tokens', 'n', 'user', 'safety_identifier',
  'reasoning_effort', 'modalities',
]);

/** OpenAI-side metadata that does not change the answer: accepted and not sent. */
const IGNORED = new Set(['store', 'metadata', 'prompt_cache_key', 'prompt_cache_retention', 'service_tier']);

/** Values of parameters Anthropic cannot honour that ask for nothing, and so are accepted. */
const NO_OP: Record<string, (v: unknown) => boolean> = {
  logprobs: (v) => v === false,
  top_logprobs: (v) => v === 0,
  frequency_penalty: (v) => v === 0,
  presence_penalty: (v) => v === 0,
  repetition_penalty: (v) => v === 1,
  logit_bias: (v) => isEmptyObject(v),
  functions: (v) => Array.isArray(v) && v.length === 0,
};

/** Known OpenAI (or OpenAI-compatible) parameters with no Anthropic equivalent. */
const UNSUPPORTED_REASON: Record<string, string> = {
  seed: 'Anthropic has no sampling seed',
  logprobs: 'Anthropic returns no log probabilities',
  top_logprobs: 'Anthropic returns no log probabilities',
  frequency_penalty: 'Anthropic has no frequency penalty',
  presence_penalty: 'Anthropic has no presence penalty',
  repetition_penalty: 'Anthropic has no repetition penalty',
  logit_bias: 'Anthropic has no logit bias',
  audio: 'Anthropic has no audio output',
  prediction: 'Anthropic has no predicted outputs',
  web_search_options: 'OpenAI web search is not mapped to Anthropic tools',
  verbosity: 'Anthropic has no verbosity control',
  functions: 'deprecated; use tools',
  function_call: 'deprecated; use tool_choice',
};

export function badRequest(message: string, param?: string): Error {
  // Another provider may honour it: the router moves on rather than failing the call.
  return providerError({ status: 400, message, error: { type: 'invalid_request_error', message, param: param ?? null }, kind: 'unsupported_parameter' });
}

function isEmptyObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && Object.keys(v).length === 0;
}

function refuseUnmapped(raw: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(raw)) {
    if (MAPPED.has(key) || IGNORED.has(key) || value === undefined || value === null || NO_OP[key]?.(value)) continue;
    const why = UNSUPPORTED_REASON[key];
    throw badRequest(
      why
        ? `Anthropic does not support the parameter '${key}' (${why}); remove it or route to another provider`
        : `Anthropic does not support the parameter '${key}' (not a parameter the Anthropic adapter knows); remove it or route to a provider that takes it`,
      key,
    );
  }
}

/** Anthropic asks for an opaque id: identifying values are hashed, opaque ones kept. */
export function toUserId(value: string): string {
  const identifying = /[^\s@]+@[^\s@]+\.[^\s@]+/.test(value) || (/^\+?[\d\s().-]{7,}$/.test(value) && (value.match(/\d/g)?.length ?? 0) >= 7 && /^\+|[\s().-]/.test(value)) || value.length > MAX_USER_ID;
  return identifying ? createHash('sha256').update(value).digest('hex') : value;
}

function number(raw: Record<string, unknown>, key: string): number | undefined {
  const v = raw[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badRequest(`'${key}' must be a number (got ${JSON.stringify(v)})`, key);
  return v;
}

export function toAnthropicRequest(body: ChatCompletionCreateParams, maxOutputTokens?: number): MappedRequest {
  const raw = body as unknown as Record<string, unknown>;
  refuseUnmapped(raw);
  if (body.modalities && body.modalities.some((m) => m !== 'text')) throw badRequest(`Anthropic does not support the parameter 'modalities' (only text output)`, 'modalities');
  if (body.n != null && body.n > 1) throw badRequest(`Anthropic does not support 'n' > 1 (got n=${body.n}); send separate requests`, 'n');

  const { system, messages } = toMessages(body.messages);
  const requested = body.max_completion_tokens ?? body.max_tokens ?? undefined;
  const params: AnthropicRequest = { model: body.model, messages, max_tokens: requested ?? maxOutputTokens ?? DEFAULT_MAX_TOKENS };

  const effort = body.reasoning_effort;
  const thinkingOn = effort != null && effort !== 'none';
  const temperature = number(raw, 'temperature');
  const topP = number(raw, 'top_p');
  const topK = number(raw, 'top_k');
  // Anthropic's range is 0–1, OpenAI's 0–2: the ends of the scale still mean the same.
  if (temperature !== undefined) params.temperature = Math.min(1, Math.max(0, temperature));
  if (topP !== undefined) params.top_p = topP;
  if (topK !== undefined) {
    if (!Number.isInteger(topK) || topK < 1) throw badRequest(`'top_k' must be a positive integer (got ${topK})`, 'top_k');
    params.top_k = topK;
  }
  if (body.stop != null) params.stop_sequences = typeof body.stop === 'string' ? [body.stop] : body.stop;
  const userId = body.safety_identifier ?? body.user;
  if (userId) params.metadata = { user_id: toUserId(userId) };

  if (thinkingOn) {
    const budget = THINKING_BUDGET[effort];
    if (budget === undefined) throw badRequest(`Unsupported reasoning_effort '${String(effort)}'`, 'reasoning_effort');
    const rule = 'Anthropic does not allow it with extended thinking (reasoning_effort)';
    if (params.temperature !== undefined && params.temperature !== 1) throw badRequest(`'temperature' ${temperature} cannot be sent: ${rule} other than 1; remove temperature or reasoning_effort`, 'temperature');
    if (params.top_k !== undefined) throw badRequest(`'top_k' cannot be sent: ${rule}; remove top_k or reasoning_effort`, 'top_k');
    if (params.top_p !== undefined && (params.top_p < 0.95 || params.top_p > 1)) throw badRequest(`'top_p' ${params.top_p} cannot be sent: ${rule} outside 0.95–1; remove top_p or reasoning_effort`, 'top_p');
    params.thinking = fitThinking(params, budget, maxOutputTokens);
    requireReplayedThinking(body.messages, messages);
  }

  const tools = (body.tools ?? []).map(toTool);
  let toolChoice = toToolChoice(body.tool_choice);
  if (thinkingOn && (toolChoice?.type === 'any' || toolChoice?.type === 'tool')) {
    throw badRequest(`'tool_choice' ${JSON.stringify(body.tool_choice)} forces a tool, which Anthropic does not allow with extended thinking (reasoning_effort); use tool_choice 'auto' or remove reasoning_effort`, 'tool_choice');
  }
  let jsonToolName: string | undefined;
  const format = body.response_format as { type: string; json_schema?: { name?: string; schema?: Record<string, unknown>; description?: string; strict?: boolean | null }; schema?: unknown } | undefined;
  const schemaFormat =
    format?.type === 'json_schema'
      ? { schema: format.json_schema?.schema, description: format.json_schema?.description, strict: format.json_schema?.strict }
      : format?.type === 'json_object' && format.schema && typeof format.schema === 'object'
        ? { schema: format.schema as Record<string, unknown>, description: undefined, strict: undefined }
        : undefined;
  if (format && format.type !== 'json_schema' && format.type !== 'json_object' && format.type !== 'text') {
    throw badRequest(`Anthropic does not support response_format type '${format.type}'`, 'response_format');
  }
  if (schemaFormat && thinkingOn) {
    // A forced tool is not allowed with thinking; structured outputs constrain the text instead.
    params.output_config = { format: { type: 'json_schema', schema: schemaFormat.schema ?? { type: 'object' } } };
  } else if (schemaFormat) {
    if (tools.some((t) => t.name === JSON_TOOL_NAME)) throw badRequest(`response_format json_schema needs the tool name '${JSON_TOOL_NAME}', which a caller tool already uses`, 'tools');
    const schema = (schemaFormat.schema ?? { type: 'object' }) as Tool.InputSchema;
    const description = ['Respond with a JSON object matching this schema.', schemaFormat.description].filter(Boolean).join(' ');
    tools.push({ name: JSON_TOOL_NAME, description, input_schema: schema, ...(schemaFormat.strict != null && { strict: schemaFormat.strict }) });
    jsonToolName = JSON_TOOL_NAME;
    // Caller tools stay callable (any), a named choice is kept; otherwise force the JSON tool.
    if (toolChoice?.type !== 'tool') toolChoice = tools.length > 1 && toolChoice?.type !== 'none' ? { type: 'any' } : { type: 'tool', name: JSON_TOOL_NAME };
  } else if (format?.type === 'json_object') {
    system.push(JSON_OBJECT_INSTRUCTION);
  }
  if (system.length > 0) params.system = system.join('\n\n');

  if (body.parallel_tool_calls === false && tools.length > 0 && toolChoice?.type !== 'none') {
    toolChoice = { ...(toolChoice ?? { type: 'auto' }), disable_parallel_tool_use: true };
  }
  if (tools.length > 0) params.tools = tools;
  if (toolChoice) params.tool_choice = toolChoice;
  return { params, jsonToolName };
}

/**
 * With thinking on, Anthropic rejects a final assistant turn that used tools unless it
 * opens with its thinking block. Without the block (a client that dropped
 * reasoning_details) the request cannot succeed here, so it is refused before sending,
 * by name; another provider, which needs no signature, can still serve it.
 */
function requireReplayedThinking(input: ChatCompletionCreateParams['messages'], turns: MessageParam[]): void {
  const last = turns.filter((t) => t.role === 'assistant').at(-1);
  const blocks = Array.isArray(last?.content) ? last.content : [];
  if (!blocks.some((b) => b.type === 'tool_use') || blocks[0]?.type === 'thinking' || blocks[0]?.type === 'redacted_thinking') return;
  const i = input.findLastIndex((m) => m.role === 'assistant' && (m.tool_calls?.length ?? 0) > 0);
  const param = `messages[${i}].reasoning_details`;
  throw badRequest(
    `${param}: with reasoning_effort (extended thinking), Anthropic needs the assistant turn that called tools to carry its thinking block and signature; send the assistant message back with the reasoning_details it came with, or remove reasoning_effort`,
    param,
  );
}

/**
 * Thinking counts inside max_tokens and its budget must stay below it. max_tokens too
 * small for the budget is raised by the budget, but never above the model's declared
 * output ceiling: there the budget shrinks to leave room for the answer.
 */
function fitThinking(params: AnthropicRequest, wanted: number, ceiling: number | undefined): ThinkingConfigEnabled {
  const asked = params.max_tokens;
  let max = asked;
  if (max <= wanted) {
    max += wanted;
    // Raised by us, so held to the ceiling (a caller's own larger value is theirs to send).
    if (ceiling !== undefined && max > ceiling) max = Math.max(ceiling, asked);
  }
  let budget = wanted;
  if (budget >= max) budget = max - Math.min(ANSWER_ROOM, Math.floor(max / 4));
  if (budget < MIN_THINKING_BUDGET || budget >= max) {
    throw badRequest(`max_tokens ${max} leaves no room for extended thinking (Anthropic needs a budget of at least ${MIN_THINKING_BUDGET} tokens below max_tokens); raise max_tokens or remove reasoning_effort`, 'max_tokens');
  }
  params.max_tokens = max;
  return { type: 'enabled', budget_tokens: budget };
}

function toTool(tool: ChatCompletionTool): Tool {
  if (tool.type !== 'function') throw badRequest(`Anthropic does not support '${tool.type}' tools; use function tools`, 'tools');
  const fn = tool.function;
  const out: Tool = { name: fn.name, input_schema: (fn.parameters ?? { type: 'object', properties: {} }) as Tool.InputSchema };
  if (fn.description) out.description = fn.description;
  if (fn.strict != null) out.strict = fn.strict;
  return out;
}

function toToolChoice(choice: ChatCompletionToolChoiceOption | undefined): ToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (choice === 'auto') return { type: 'auto' };
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any' };
  if (choice.type === 'function') return { type: 'tool', name: choice.function.name };
  throw badRequest(`Anthropic does not support tool_choice of type '${choice.type}'`, 'tool_choice');
}

function toMessages(input: ChatCompletionCreateParams['messages']): { system: string[]; messages: MessageParam[] } {
  const system: string[] = [];
  const turns: Array<{ role: 'user' | 'assistant'; content: ContentBlockParam[] }> = [];
  const push = (role: 'user' | 'assistant', blocks: ContentBlockParam[]): void => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };

  input.forEach((msg, i) => {
    switch (msg.role) {
      case 'system':
      case 'developer': {
        const text = joinText(msg.content);
        if (turns.length === 0) system.push(text);
        else push('user', [{ type: 'text', text: `System: ${text}` }]);
        break;
      }
      case 'user':
        push('user', typeof msg.content === 'string' ? textBlocks(msg.content) : msg.content.map((p) => userPart(p, i)));
        break;
      case 'assistant':
        push('assistant', assistantBlocks(msg, i));
        break;
      case 'tool': {
        const result: ToolResultBlockParam = { type: 'tool_result', tool_use_id: msg.tool_call_id, content: joinText(msg.content) };
        push('user', [result]);
        break;
      }
      default:
        throw badRequest(`messages[${i}]: the deprecated '${msg.role}' role is not supported; use tool messages`, `messages[${i}].role`);
    }
  });

  // tool_result blocks must open their user turn; thinking blocks open their assistant turn.
  const first = (role: 'user' | 'assistant', b: ContentBlockParam): boolean =>
    role === 'user' ? b.type === 'tool_result' : b.type === 'thinking' || b.type === 'redacted_thinking';
  const messages: MessageParam[] = turns.map(({ role, content }) => ({
    role,
    content: [...content.filter((b) => first(role, b)), ...content.filter((b) => !first(role, b))],
  }));
  return { system, messages };
}

function joinText(content: string | ReadonlyArray<ChatCompletionContentPartText>): string {
  return typeof content === 'string' ? content : content.map((p) => p.text).join('\n');
}

/** Anthropic rejects empty text blocks, so empty strings add nothing. */
function textBlocks(text: string): TextBlockParam[] {
  return text ? [{ type: 'text', text }] : [];
}

function userPart(part: ChatCompletionContentPart, i: number): ContentBlockParam {
  if (part.type === 'text') return { type: 'text', text: part.text };
  if (part.type === 'image_url') return imageBlock(part.image_url.url, i);
  if (part.type === 'file') return documentBlock(part.file, i);
  throw badRequest(`messages[${i}]: content parts of type '${part.type}' are not supported by the Anthropic adapter`, `messages[${i}].content`);
}

function imageBlock(url: string, i: number): ImageBlockParam {
  if (!url.startsWith('data:')) return { type: 'image', source: { type: 'url', url } };
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  const mediaType = IMAGE_MEDIA_TYPES.find((t) => t === match?.[1]);
  if (!match || !mediaType) {
    throw badRequest(`messages[${i}]: image data URIs must be base64 ${IMAGE_MEDIA_TYPES.join(', ')}`, `messages[${i}].content`);
  }
  return { type: 'image', source: { type: 'base64', media_type: mediaType, data: match[2] ?? '' } };
}

/**
 * OpenAI `file` parts → Anthropic `document` blocks: a PDF (data URI, or bare base64 with
 * a .pdf filename) as a base64 PDF source, plain text as a text source. An OpenAI
 * file id names a file in OpenAI's storage, which Anthropic cannot read: refused.
 */
function documentBlock(file: { file_data?: string; file_id?: string; filename?: string }, i: number): DocumentBlockParam {
  const where = `messages[${i}].content`;
  if (file.file_id && !file.file_data) throw badRequest(`${where}: file_id '${file.file_id}' names an OpenAI-stored file, which Anthropic cannot read; send the file as file_data`, where);
  const data = file.file_data ?? '';
  const match = /^data:([^;,]+)(;base64)?,(.*)$/s.exec(data);
  const mediaType = match?.[1] ?? (/\.pdf$/i.test(file.filename ?? '') ? 'application/pdf' : undefined);
  const title = file.filename ? { title: file.filename } : {};
  if (mediaType === 'application/pdf' && (!match || match[2])) return { type: 'document', source: { type: 'base64', media_type: 'application/pdf', data: match ? (match[3] ?? '') : data }, ...title };
  if (mediaType === 'text/plain' && match) {
    const text = match[2] ? Buffer.from(match[3] ?? '', 'base64').toString('utf8') : decodeURIComponent(match[3] ?? '');
    return { type: 'document', source: { type: 'text', media_type: 'text/plain', data: text }, ...title };
  }
  throw badRequest(`${where}: file parts must be base64 PDF (data:application/pdf;base64,…) or text/plain for Anthropic (got ${mediaType ?? 'an unknown media type'})`, where);
}

function assistantBlocks(msg: ChatCompletionAssistantMessageParam, i: number): ContentBlockParam[] {
  const blocks: ContentBlockParam[] = [...replayBlocks((msg as { reasoning_details?: unknown }).reasoning_details, `messages[${i}]`, badRequest)];
  if (typeof msg.content === 'string') blocks.push(...textBlocks(msg.content));
  else for (const p of msg.content ?? []) blocks.push(...textBlocks(p.type === 'text' ? p.text : p.refusal));
  if (msg.refusal) blocks.push(...textBlocks(msg.refusal));
  if (msg.function_call) throw badRequest(`messages[${i}]: the deprecated 'function_call' is not supported; use tool_calls`, `messages[${i}].function_call`);
  (msg.tool_calls ?? []).forEach((call, j) => {
    if (call.type !== 'function') throw badRequest(`messages[${i}].tool_calls[${j}]: '${call.type}' tool calls are not supported`, `messages[${i}].tool_calls`);
    let input: unknown;
    try {
      input = call.function.arguments.trim() === '' ? {} : JSON.parse(call.function.arguments);
    } catch {
      throw badRequest(`messages[${i}].tool_calls[${j}].function.arguments is not valid JSON (tool '${call.function.name}', id '${call.id}')`, `messages[${i}].tool_calls[${j}].function.arguments`);
    }
    blocks.push({ type: 'tool_use', id: call.id, name: call.function.name, input });
  });
  return blocks;
}
