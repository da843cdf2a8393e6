/**
 * OpenAI chat request → Anthropic Messages request. Choices that are not a plain
 * field rename:
 *
 * - System and developer messages BEFORE the first other message become `system`
 *   (joined by blank lines). A system/developer message that comes LATER cannot move
 *   to the top without changing what the model saw at that point, and Anthropic has
 *   no mid-conversation system turn we rely on, so it becomes a user-turn text block
 *   "System: <text>" at its position (merged with neighbouring user content).
 * - Anthropic wants alternating turns: consecutive same-role turns are merged, so
 *   several `tool` messages become ONE user turn of `tool_result` blocks (first in the
 *   turn, as Anthropic requires).
 * - `response_format: json_schema` → a synthetic tool (`JSON_TOOL_NAME`) whose input
 *   schema is the user's schema, with tool_choice forced to it (or to `any` when the
 *   caller also passed tools); the response mapping turns that tool's input back into
 *   `message.content`. This is the approach the recorded vercel-ai `json` tool fixture
 *   was made with, and it works on every Claude model.
 * - `response_format: json_object` has no schema to force, so an instruction asking
 *   for a single JSON object is appended to `system`.
 * - `reasoning_effort` → extended thinking with a token budget; `none` sends no
 *   thinking. Anthropic counts thinking inside `max_tokens`, so when max_tokens would
 *   not exceed the budget it is raised to budget + max_tokens.
 * - Parameters Anthropic has no equivalent for (seed, logprobs, penalties, …) are
 *   refused with a 400 unless they hold their no-op default: dropping them silently
 *   would change the caller's results without telling them.
 * - Deliberately ignored, because they do not change the generated output:
 *   `store`, `metadata` (OpenAI's stored-completion tags), `prompt_cache_*`,
 *   `service_tier`, `stream_options` (the router handles usage chunks), image
 *   `detail` (Anthropic sizes images itself), and `reasoning_content` on replayed
 *   assistant messages (thinking cannot be replayed without Anthropic's signature).
 */
import type {
  ContentBlockParam,
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

/** The synthetic tool that carries `response_format: json_schema`. */
export const JSON_TOOL_NAME = 'json';
export const DEFAULT_MAX_TOKENS = 4096;

const THINKING_BUDGET: Record<string, number> = { minimal: 1024, low: 1024, medium: 4096, high: 16384, xhigh: 32768, max: 65536 };
const JSON_OBJECT_INSTRUCTION = 'Respond with a single valid JSON object and nothing else: no prose, no code fences.';
const IMAGE_MEDIA_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] as const;

/**
 * SDK 1.14's types no longer declare temperature/top_p (API version 2026-10-21), but
 * the SDK sends the body as given and the Messages API still documents both.
 */
export type AnthropicRequest = Omit<MessageCreateParamsBase, 'stream'> & { temperature?: number; top_p?: number };

export interface MappedRequest {
  params: AnthropicRequest;
  /** Set when the response's tool_use of this name is really the JSON answer. */
  jsonToolName?: string | undefined;
}

/** Request fields Anthropic cannot honour; refused unless they hold a no-op value. */
const UNSUPPORTED = [
  'seed', 'logprobs', 'top_logprobs', 'frequency_penalty', 'presence_penalty', 'logit_bias',
  'audio', 'prediction', 'web_search_options', 'verbosity', 'moderation', 'functions', 'function_call',
] as const;

export function badRequest(message: string, param?: string): Error {
  // Another provider may honour it: the router moves on rather than failing the call.
  return providerError({ status: 400, message, error: { type: 'invalid_request_error', message, param: param ?? null }, kind: 'unsupported_parameter' });
}

function isNoOp(v: unknown): boolean {
  return v === undefined || v === null || v === 0 || v === false || (typeof v === 'object' && Object.keys(v).length === 0);
}

export function toAnthropicRequest(body: ChatCompletionCreateParams, maxOutputTokens?: number): MappedRequest {
  const raw = body as unknown as Record<string, unknown>;
  for (const key of UNSUPPORTED) {
    if (!isNoOp(raw[key])) throw badRequest(`Anthropic does not support the parameter '${key}'; remove it or route to another provider`, key);
  }
  if (body.modalities && body.modalities.some((m) => m !== 'text')) throw badRequest(`Anthropic does not support the parameter 'modalities' (only text output)`, 'modalities');
  if (body.n != null && body.n > 1) throw badRequest(`Anthropic does not support 'n' > 1 (got n=${body.n}); send separate requests`, 'n');

  const { system, messages } = toMessages(body.messages);
  const params: AnthropicRequest = { model: body.model, messages, max_tokens: body.max_completion_tokens ?? body.max_tokens ?? maxOutputTokens ?? DEFAULT_MAX_TOKENS };

  if (body.temperature != null) params.temperature = body.temperature;
  if (body.top_p != null) params.top_p = body.top_p;
  if (body.stop != null) params.stop_sequences = typeof body.stop === 'string' ? [body.stop] : body.stop;
  const userId = body.safety_identifier ?? body.user;
  if (userId) params.metadata = { user_id: userId };

  const effort = body.reasoning_effort;
  if (effort != null && effort !== 'none') {
    const budget = THINKING_BUDGET[effort];
    if (budget === undefined) throw badRequest(`Unsupported reasoning_effort '${String(effort)}'`, 'reasoning_effort');
    const thinking: ThinkingConfigEnabled = { type: 'enabled', budget_tokens: budget };
    params.thinking = thinking;
    if (params.max_tokens <= budget) params.max_tokens += budget;
  }

  const tools = (body.tools ?? []).map(toTool);
  let toolChoice = toToolChoice(body.tool_choice);
  let jsonToolName: string | undefined;
  const format = body.response_format;
  if (format?.type === 'json_schema') {
    if (tools.some((t) => t.name === JSON_TOOL_NAME)) throw badRequest(`response_format json_schema needs the tool name '${JSON_TOOL_NAME}', which a caller tool already uses`, 'tools');
    const schema = (format.json_schema.schema ?? { type: 'object' }) as Tool.InputSchema;
    const description = ['Respond with a JSON object matching this schema.', format.json_schema.description].filter(Boolean).join(' ');
    tools.push({ name: JSON_TOOL_NAME, description, input_schema: schema, ...(format.json_schema.strict != null && { strict: format.json_schema.strict }) });
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

  // tool_result blocks must open their user turn.
  const messages: MessageParam[] = turns.map(({ role, content }) => ({
    role,
    content: role === 'user' ? [...content.filter((b) => b.type === 'tool_result'), ...content.filter((b) => b.type !== 'tool_result')] : content,
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

function assistantBlocks(msg: ChatCompletionAssistantMessageParam, i: number): ContentBlockParam[] {
  const blocks: ContentBlockParam[] = [];
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
