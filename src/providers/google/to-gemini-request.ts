/**
 * OpenAI chat.completions request → Gemini generateContent request.
 *
 * Choices made where the two APIs differ (each is also in the README table):
 * - System/developer messages before the first other message become
 *   `systemInstruction`. A later one cannot go there without changing its position,
 *   so it becomes a user-turn text part prefixed "System: " where it stood.
 * - Consecutive turns of the same Gemini role are merged (Gemini expects turns to
 *   alternate), so tool results that follow each other form one user turn.
 * - `https://` image URLs become `fileData` parts (mime type guessed from the file
 *   extension, image/jpeg when unknown). Gemini fetches only the URLs it supports
 *   (its Files API, YouTube, public URLs for recent models); others fail upstream.
 * - `image_url.detail` and message `name` are hints with no Gemini counterpart and
 *   are ignored; everything else that cannot be expressed is refused with a 400
 *   naming the parameter, never dropped.
 * - `parallel_tool_calls: false` is refused when tools may be called: Gemini cannot
 *   limit a turn to one call.
 * - `reasoning_effort` becomes `thinkingConfig.thinkingBudget` (with includeThoughts,
 *   so the thinking comes back as reasoning_content).
 * - Assistant tool calls are sent back with their id and the thoughtSignature carried in
 *   `tool_calls[i].extra_content.google.thought_signature`; thought parts and answer-text
 *   signatures come back from `reasoning_details` (gemini-reasoning.ts). Gemini 3 rejects
 *   a replayed call of the current turn without its signature.
 * - A JSON Schema the OpenAPI subset cannot say (`$ref`, unions, maps) is sent as
 *   standard JSON Schema (`responseJsonSchema`, `parametersJsonSchema`).
 * - Tools together with a JSON response are refused for Gemini 2.x (and model ids that
 *   do not name version 3 or later), which reject functionDeclarations with
 *   responseMimeType application/json; Gemini 3 takes both.
 */
import type {
  ChatCompletionContentPart,
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';
import { providerError } from '../../errors/provider-error.js';
import { jsonSchemaToGemini } from './json-schema-to-gemini.js';
import { checkJsonSchema } from './gemini-json-schema.js';
import { replayReasoning, signatureOfToolCall } from './gemini-reasoning.js';
import type { GeminiContent, GeminiFunctionDeclaration, GeminiGenerationConfig, GeminiPart, GeminiRequest, GeminiSchema } from './gemini-wire.js';

type Body = ChatCompletionCreateParams;

/** Parameters this module maps, or that the adapter handles itself. */
const MAPPED = new Set([
  'model', 'messages', 'stream', 'stream_options', 'tools', 'tool_choice', 'parallel_tool_calls', 'response_format',
  'temperature', 'top_p', 'stop', 'seed', 'max_tokens', 'max_completion_tokens', 'n', 'presence_penalty',
  'frequency_penalty', 'logprobs', 'top_logprobs', 'reasoning_effort',
]);

/**
 * Request metadata with no Gemini equivalent that does not change the answer (abuse
 * monitoring ids, OpenAI-side storage and caching hints): accepted and not sent.
 */
const IGNORED = new Set(['user', 'safety_identifier', 'prompt_cache_key', 'prompt_cache_retention', 'store', 'metadata', 'service_tier']);

/** Values of unsupported parameters that ask for nothing and so can be accepted. */
const NO_OP: Record<string, (v: unknown) => boolean> = {
  logit_bias: (v) => isEmptyObject(v),
  metadata: (v) => isEmptyObject(v),
  service_tier: (v) => v === 'auto' || v === 'default',
  store: (v) => v === false,
  modalities: (v) => Array.isArray(v) && v.length === 1 && v[0] === 'text',
};

const THINKING_BUDGET: Record<string, number> = { none: 0, minimal: 512, low: 1024, medium: 8192, high: 24576, xhigh: 32768, max: 32768 };

export function toGeminiRequest(body: Body): GeminiRequest {
  // for-in over the body's own keys (a plain object from JSON or a literal): no entry arrays per request.
  for (const key in body) {
    if (!Object.hasOwn(body, key) || MAPPED.has(key) || IGNORED.has(key)) continue;
    const value = (body as unknown as Record<string, unknown>)[key];
    if (value === undefined || value === null || NO_OP[key]?.(value)) continue;
    unsupported(key, `'${key}' is not supported by Gemini`);
  }

  const req: GeminiRequest = { contents: [] };
  const { system, contents } = toContents(body.messages);
  if (contents.length === 0) unsupported('messages', 'Gemini needs at least one user or assistant message besides system instructions');
  req.contents = contents;
  if (system.length > 0) req.systemInstruction = { role: 'system', parts: system };

  if (body.tools != null || body.tool_choice != null) Object.assign(req, toTools(body));
  const generationConfig = toGenerationConfig(body);
  if (hasKeys(generationConfig)) req.generationConfig = generationConfig;
  if (req.tools && generationConfig.responseMimeType === 'application/json' && !takesToolsWithJson(body.model)) {
    unsupported(
      'response_format',
      `${body.model} cannot combine function calling with a JSON response (Gemini 2.x rejects functionDeclarations with responseMimeType application/json; Gemini 3 models accept both)`,
    );
  }
  return req;
}

/** Gemini 3 and later take tools with a JSON response; an id that names no version is treated as older. */
function takesToolsWithJson(model: string): boolean {
  const major = /(?:^|\/)gemini-(\d+)/.exec(model)?.[1];
  return major !== undefined && Number(major) >= 3;
}

/** Gemini 2.5 Pro and the Pro models after it only work in thinking mode. */
function thinksAlways(model: string): boolean {
  const m = /(?:^|\/)gemini-(\d+)(?:\.(\d+))?-pro/.exec(model);
  return !!m && (Number(m[1]) > 2 || (Number(m[1]) === 2 && Number(m[2] ?? 0) >= 5));
}

function toContents(messages: ChatCompletionMessageParam[]): { system: GeminiPart[]; contents: GeminiContent[] } {
  const system: GeminiPart[] = [];
  const contents: GeminiContent[] = [];
  // Only a conversation with tool calls needs the id → name look-up.
  let toolNames: Map<string, string> | undefined;
  const push = (role: 'user' | 'model', parts: GeminiPart[]) => {
    const last = contents.at(-1);
    if (last?.role === role) last.parts.push(...parts);
    else contents.push({ role, parts });
  };

  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    switch (m.role) {
      case 'system':
      case 'developer': {
        const text = textOf(m.content, i);
        if (contents.length === 0) system.push({ text });
        else push('user', [{ text: `System: ${text}` }]);
        break;
      }
      case 'user':
        push('user', typeof m.content === 'string' ? [{ text: m.content }] : m.content.map((p, j) => toPart(p, `messages[${i}].content[${j}]`)));
        break;
      case 'assistant': {
        const where = `messages[${i}]`;
        if (m.audio) unsupported(`${where}.audio`, 'assistant audio cannot be sent to Gemini');
        if (m.function_call) unsupported(`${where}.function_call`, 'deprecated function_call: use tool_calls');
        const { thoughts, textSignatures } = replayReasoning((m as { reasoning_details?: unknown }).reasoning_details, `${where}.reasoning_details`);
        const parts: GeminiPart[] = [...thoughts];
        const text: GeminiPart[] = [];
        if (typeof m.content === 'string') {
          if (m.content) text.push({ text: m.content });
        } else if (m.content) {
          for (const p of m.content) text.push({ text: p.type === 'text' ? p.text : p.refusal });
        }
        // Gemini signs the last part of an answer; a signature with no text to sit on keeps an empty part.
        const signatures = [...textSignatures];
        const last = text.at(-1);
        if (last && signatures.length > 0) last.thoughtSignature = signatures.shift()!;
        parts.push(...text, ...signatures.map((sig) => ({ text: '', thoughtSignature: sig })));
        for (const [k, call] of (m.tool_calls ?? []).entries()) {
          if (call.type !== 'function') unsupported(`${where}.tool_calls[${k}]`, `tool call type '${call.type}' is not supported by Gemini`);
          (toolNames ??= new Map()).set(call.id, call.function.name);
          const part: GeminiPart = { functionCall: { name: call.function.name, args: parseArgs(call.function.arguments, `${where}.tool_calls[${k}].function.arguments`), id: call.id } };
          const signature = signatureOfToolCall(call, `${where}.tool_calls[${k}]`);
          if (signature) part.thoughtSignature = signature;
          parts.push(part);
        }
        if (parts.length > 0) push('model', parts);
        break;
      }
      case 'tool': {
        const name = toolNames?.get(m.tool_call_id);
        if (!name) unsupported(`messages[${i}].tool_call_id`, `no earlier assistant tool call has id '${m.tool_call_id}' (Gemini needs the function name)`);
        const text = textOf(m.content, i);
        push('user', [{ functionResponse: { name, response: toResponseObject(text), id: m.tool_call_id } }]);
        break;
      }
      default:
        unsupported(`messages[${i}].role`, `role '${(m as { role: string }).role}' is not supported by Gemini`);
    }
  }
  return { system, contents };
}

function toPart(p: ChatCompletionContentPart, where: string): GeminiPart {
  switch (p.type) {
    case 'text':
      return { text: p.text };
    case 'image_url': {
      const url = p.image_url.url;
      const data = parseDataUri(url);
      if (data) return { inlineData: data };
      if (/^https?:\/\//i.test(url)) return { fileData: { mimeType: guessImageMime(url), fileUri: url } };
      return unsupported(`${where}.image_url.url`, 'image URLs must be https:// or base64 data: URIs');
    }
    case 'input_audio':
      return { inlineData: { mimeType: `audio/${p.input_audio.format}`, data: p.input_audio.data } };
    case 'file': {
      const data = p.file.file_data ? parseDataUri(p.file.file_data) : undefined;
      if (data) return { inlineData: data };
      return unsupported(`${where}.file`, 'only inline file_data as a base64 data: URI can be sent to Gemini (OpenAI file ids mean nothing there)');
    }
    default:
      return unsupported(`${where}.type`, `content part type '${(p as { type: string }).type}' is not supported by Gemini`);
  }
}

function toTools(body: Body): Pick<GeminiRequest, 'tools' | 'toolConfig'> {
  const tools = body.tools ?? [];
  const choice = body.tool_choice as ChatCompletionToolChoiceOption | undefined;
  if (tools.length === 0) {
    if (choice && choice !== 'none' && choice !== 'auto') unsupported('tool_choice', 'tool_choice requires tools');
    return {};
  }
  let declarations = tools.map((t, i): GeminiFunctionDeclaration => {
    if (t.type !== 'function') unsupported(`tools[${i}].type`, `tool type '${t.type}' is not supported by Gemini`);
    const f = t.function;
    const schema = f.parameters ? toSchema(f.parameters, `tools[${i}].function.parameters`) : undefined;
    return {
      name: f.name,
      ...(f.description ? { description: f.description } : {}),
      ...(schema?.subset ? { parameters: schema.subset } : {}),
      ...(schema?.json ? { parametersJsonSchema: schema.json } : {}),
    };
  });

  let mode: 'AUTO' | 'ANY' | 'NONE' = 'AUTO';
  let allowed: string[] | undefined;
  if (choice === 'none') mode = 'NONE';
  else if (choice === 'required') mode = 'ANY';
  else if (typeof choice === 'object' && choice.type === 'function') {
    mode = 'ANY';
    allowed = [choice.function.name];
  } else if (typeof choice === 'object' && choice.type === 'allowed_tools') {
    // Gemini's allowedFunctionNames only applies in ANY mode; restricting the declarations says the same thing in both modes.
    const names = new Set(choice.allowed_tools.tools.map((t) => (t as { function?: { name?: string } }).function?.name));
    declarations = declarations.filter((d) => names.has(d.name));
    mode = choice.allowed_tools.mode === 'required' ? 'ANY' : 'AUTO';
  } else if (typeof choice === 'object') {
    unsupported('tool_choice', `tool_choice type '${choice.type}' is not supported by Gemini`);
  }
  if (body.parallel_tool_calls === false && mode !== 'NONE') {
    unsupported('parallel_tool_calls', 'Gemini cannot limit the model to one tool call per turn; omit parallel_tool_calls or set tool_choice to none');
  }
  const config = choice === undefined ? undefined : { functionCallingConfig: { mode, ...(allowed ? { allowedFunctionNames: allowed } : {}) } };
  return { tools: [{ functionDeclarations: declarations }], ...(config ? { toolConfig: config } : {}) };
}

function toGenerationConfig(body: Body): GeminiGenerationConfig {
  const g: GeminiGenerationConfig = {};
  if (body.temperature != null) g.temperature = body.temperature;
  if (body.top_p != null) g.topP = body.top_p;
  if (body.stop != null) g.stopSequences = typeof body.stop === 'string' ? [body.stop] : body.stop;
  if (body.seed != null) g.seed = body.seed;
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (maxTokens != null) g.maxOutputTokens = maxTokens;
  if (body.n != null) g.candidateCount = body.n;
  if (body.presence_penalty != null) g.presencePenalty = body.presence_penalty;
  if (body.frequency_penalty != null) g.frequencyPenalty = body.frequency_penalty;
  if (body.logprobs) g.responseLogprobs = true;
  if (body.top_logprobs != null) {
    if (!body.logprobs) unsupported('top_logprobs', 'top_logprobs requires logprobs: true');
    g.logprobs = body.top_logprobs;
  }
  if (body.reasoning_effort != null) {
    const budget = THINKING_BUDGET[body.reasoning_effort];
    if (budget === undefined) unsupported('reasoning_effort', `reasoning_effort '${body.reasoning_effort}' has no Gemini thinking budget`);
    if (budget === 0 && thinksAlways(body.model)) {
      unsupported('reasoning_effort', `${body.model} cannot turn thinking off (Gemini's Pro models reject a thinking budget of 0)`);
    }
    g.thinkingConfig = budget === 0 ? { thinkingBudget: 0 } : { thinkingBudget: budget, includeThoughts: true };
  }
  const format = body.response_format;
  const setSchema = (raw: unknown, path: string) => {
    const schema = toSchema(raw, path);
    if (schema.subset) g.responseSchema = schema.subset;
    else g.responseJsonSchema = schema.json;
  };
  if (format?.type === 'json_object') {
    g.responseMimeType = 'application/json';
    // instructor's JSON_SCHEMA mode sends { type: 'json_object', schema }: the schema is honoured, not dropped.
    const withSchema = format as { schema?: unknown };
    if (withSchema.schema !== undefined && withSchema.schema !== null) setSchema(withSchema.schema, 'response_format.schema');
  } else if (format?.type === 'json_schema') {
    g.responseMimeType = 'application/json';
    if (format.json_schema.schema) setSchema(format.json_schema.schema, 'response_format.json_schema.schema');
  } else if (format && format.type !== 'text') {
    unsupported('response_format', `response_format type '${(format as { type: string }).type}' is not supported by Gemini`);
  }
  return g;
}

/**
 * The OpenAPI subset when the schema fits it (what every Gemini model takes), else the
 * standard JSON Schema field; refused, naming the path, when neither can say it.
 */
function toSchema(schema: unknown, path: string): { subset?: GeminiSchema; json?: Record<string, unknown> } {
  try {
    return { subset: jsonSchemaToGemini(schema, path) };
  } catch {
    return { json: checkJsonSchema(schema, path) };
  }
}

/** A system or tool message's text; `i` is the message's index (named in a refusal). */
function textOf(content: string | Array<{ type: string; text?: string }>, i: number): string {
  if (typeof content === 'string') return content;
  return content
    .map((p, j) => (p.type === 'text' && typeof p.text === 'string' ? p.text : unsupported(`messages[${i}].content[${j}]`, `only text parts are allowed here`)))
    .join('\n');
}

function parseArgs(args: string, where: string): Record<string, unknown> {
  if (args.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(args);
    if (isPlainObject(v)) return v;
  } catch {
    // falls through to the refusal below
  }
  return unsupported(where, 'tool call arguments must be a JSON object');
}

function toResponseObject(text: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(text);
    if (isPlainObject(v)) return v;
  } catch {
    // plain text result
  }
  return { content: text };
}

function parseDataUri(uri: string): { mimeType: string; data: string } | undefined {
  const m = /^data:([^;,]+)(?:;[^;,]+)*;base64,(.*)$/s.exec(uri);
  return m?.[1] && m[2] !== undefined ? { mimeType: m[1], data: m[2] } : undefined;
}

const IMAGE_MIME: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp', gif: 'image/gif', heic: 'image/heic', heif: 'image/heif' };

function guessImageMime(url: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  return (ext && IMAGE_MIME[ext]) || 'image/jpeg';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}

function isEmptyObject(v: unknown): boolean {
  return isPlainObject(v) && Object.keys(v).length === 0;
}

function unsupported(param: string, why: string): never {
  throw providerError({
    status: 400,
    message: `Gemini request mapping: ${why} (param: ${param})`,
    error: { message: why, type: 'invalid_request_error', param },
    // Another provider may honour it: the router moves on rather than failing the call.
    kind: 'unsupported_parameter',
  });
}
