/**
 * AI SDK call options (LanguageModelV4CallOptions, the spec ai 7 speaks; the v3 model
 * lifts ai 6's options to it first) → an OpenAI chat-completions body, which is what
 * the router speaks. Whatever cannot be carried is either refused with a
 * BadRequestError naming it or reported as an AI SDK warning: never dropped silently.
 */
import { BadRequestError } from 'openai/core/error';
import type {
  LanguageModelV4CallOptions,
  LanguageModelV4FilePart,
  LanguageModelV4Prompt,
  LanguageModelV4ToolResultOutput,
  SharedV4ProviderOptions,
  SharedV4Warning,
} from '@ai-sdk/provider';
import type {
  ChatCompletionAssistantMessageParam,
  ChatCompletionContentPart,
  ChatCompletionCreateParamsBase,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
} from 'openai/resources/chat/completions';

export function badRequest(message: string, param: string | null = null): BadRequestError {
  return new BadRequestError(400, { message, param, type: 'invalid_request_error' }, message, new Headers());
}

export interface ConvertedRequest {
  body: Omit<ChatCompletionCreateParamsBase, 'model'>;
  warnings: SharedV4Warning[];
}

export function toOpenAIRequest(options: LanguageModelV4CallOptions): ConvertedRequest {
  const warnings: SharedV4Warning[] = [];
  const body: Omit<ChatCompletionCreateParamsBase, 'model'> = { messages: toMessages(options.prompt, warnings) };

  if (options.maxOutputTokens !== undefined) body.max_tokens = options.maxOutputTokens;
  if (options.temperature !== undefined) body.temperature = options.temperature;
  if (options.topP !== undefined) body.top_p = options.topP;
  if (options.stopSequences?.length) body.stop = options.stopSequences;
  if (options.presencePenalty !== undefined) body.presence_penalty = options.presencePenalty;
  if (options.frequencyPenalty !== undefined) body.frequency_penalty = options.frequencyPenalty;
  if (options.seed !== undefined) body.seed = options.seed;
  // OpenAI's API has no top-k; the request still goes, with the setting reported as ignored.
  if (options.topK !== undefined) warnings.push({ type: 'unsupported', feature: 'topK', details: 'OpenAI-shaped requests have no top-k; it was not sent.' });
  // ai 7's portable reasoning level is OpenAI's reasoning_effort, value for value; each
  // adapter maps it (Anthropic and Gemini: a thinking budget) or refuses it by name.
  if (options.reasoning !== undefined && options.reasoning !== 'provider-default') body.reasoning_effort = options.reasoning;

  const format = options.responseFormat;
  if (format?.type === 'json') {
    body.response_format = format.schema
      ? {
          type: 'json_schema',
          json_schema: {
            name: format.name ?? 'response',
            ...(format.description ? { description: format.description } : {}),
            schema: format.schema as Record<string, unknown>,
          },
        }
      : { type: 'json_object' };
  }

  const tools: ChatCompletionTool[] = [];
  for (const tool of options.tools ?? []) {
    if (tool.type === 'function') {
      tools.push({
        type: 'function',
        function: {
          name: tool.name,
          ...(tool.description ? { description: tool.description } : {}),
          parameters: tool.inputSchema as Record<string, unknown>,
          ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
        },
      });
      if (tool.inputExamples?.length) {
        warnings.push({
          type: 'unsupported',
          feature: `inputExamples of tool ${tool.name}`,
          details: 'Chat-completions tools have no input examples; they were not sent (addToolInputExamplesMiddleware can put them in the description).',
        });
      }
    } else {
      // Provider-executed tools (web search, code execution…) belong to one vendor's API.
      warnings.push({ type: 'unsupported', feature: `provider-defined tool ${tool.id}`, details: 'The router sends function tools only; this tool was not sent.' });
    }
  }
  if (tools.length > 0) {
    body.tools = tools;
    const choice = toToolChoice(options.toolChoice);
    if (choice !== undefined) body.tool_choice = choice;
  } else if (options.toolChoice && options.toolChoice.type !== 'auto' && options.toolChoice.type !== 'none') {
    throw badRequest(`toolChoice '${options.toolChoice.type}' needs at least one function tool`, 'toolChoice');
  }
  return { body, warnings };
}

function toToolChoice(choice: LanguageModelV4CallOptions['toolChoice']): ChatCompletionToolChoiceOption | undefined {
  if (!choice) return undefined;
  switch (choice.type) {
    case 'auto':
    case 'none':
    case 'required':
      return choice.type;
    case 'tool':
      return { type: 'function', function: { name: choice.toolName } };
  }
}

function toMessages(prompt: LanguageModelV4Prompt, warnings: SharedV4Warning[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  for (const [i, message] of prompt.entries()) {
    switch (message.role) {
      case 'system':
        out.push({ role: 'system', content: message.content });
        break;
      case 'user': {
        const parts: ChatCompletionContentPart[] = message.content.map((part, j) =>
          part.type === 'text' ? { type: 'text', text: part.text } : toFilePart(part, `prompt.${i}.content.${j}`, warnings),
        );
        // A lone text part stays a plain string: every OpenAI-compatible server accepts that.
        const only = parts[0];
        out.push({ role: 'user', content: parts.length === 1 && only?.type === 'text' ? only.text : parts });
        break;
      }
      case 'assistant': {
        let text = '';
        let reasoningText = '';
        const reasoningDetails: unknown[] = [];
        const toolCalls: Array<ChatCompletionMessageToolCall & { extra_content?: Record<string, unknown> }> = [];
        for (const [j, part] of message.content.entries()) {
          const where = `prompt.${i}.content.${j}.providerOptions.switchboard`;
          switch (part.type) {
            case 'text':
              text += part.text;
              break;
            case 'tool-call': {
              const extra = switchboardOption(part.providerOptions, 'extraContent', where);
              if (extra !== undefined && (typeof extra !== 'object' || extra === null || Array.isArray(extra))) throw badRequest(`${where}.extraContent must be an object`, `${where}.extraContent`);
              toolCalls.push({
                id: part.toolCallId,
                type: 'function',
                function: { name: part.toolName, arguments: typeof part.input === 'string' ? part.input : JSON.stringify(part.input ?? {}) },
                ...(extra !== undefined ? { extra_content: extra as Record<string, unknown> } : {}),
              });
              break;
            }
            case 'reasoning': {
              // Reasoning the router answered with carries its opaque items (signatures),
              // which the adapters replay; bare reasoning text no provider takes back.
              const details = switchboardOption(part.providerOptions, 'reasoningDetails', where);
              if (details === undefined) {
                warnings.push({ type: 'other', message: `prompt.${i}: an assistant reasoning part was not sent (it carries no reasoning details from the router, and chat-completions requests take no bare reasoning).` });
                break;
              }
              if (!Array.isArray(details)) throw badRequest(`${where}.reasoningDetails must be an array`, `${where}.reasoningDetails`);
              reasoningDetails.push(...(details as unknown[]));
              reasoningText += part.text;
              break;
            }
            case 'reasoning-file':
              warnings.push({ type: 'other', message: `prompt.${i}: an assistant reasoning-file part was not sent (chat-completions requests have no reasoning files).` });
              break;
            case 'file':
              throw badRequest(`prompt.${i}: assistant file parts cannot be sent in a chat-completions request`, `prompt.${i}`);
            case 'custom':
              warnings.push({ type: 'other', message: `prompt.${i}: an assistant custom part (${part.kind}) was not sent (it belongs to one provider's API).` });
              break;
            case 'tool-result':
              warnings.push({ type: 'other', message: `prompt.${i}: a provider-executed tool result in an assistant message was not sent.` });
              break;
          }
        }
        const msg: ChatCompletionAssistantMessageParam & { reasoning_content?: string; reasoning_details?: unknown[] } = {
          role: 'assistant',
          content: text.length > 0 || toolCalls.length === 0 ? text : null,
        };
        if (toolCalls.length > 0) msg.tool_calls = toolCalls;
        if (reasoningDetails.length > 0) {
          if (reasoningText.length > 0) msg.reasoning_content = reasoningText;
          msg.reasoning_details = reasoningDetails;
        }
        out.push(msg);
        break;
      }
      case 'tool':
        for (const part of message.content) {
          if (part.type === 'tool-result') out.push({ role: 'tool', tool_call_id: part.toolCallId, content: toolOutputText(part.output, `prompt.${i}`, warnings) });
          else warnings.push({ type: 'other', message: `prompt.${i}: a tool approval response was not sent (the router runs no provider-executed tools).` });
        }
        break;
    }
  }
  return out;
}

/** A value the router put in `providerMetadata.switchboard`, as the AI SDK hands it back. */
function switchboardOption(options: SharedV4ProviderOptions | undefined, key: string, where: string): unknown {
  const own = options?.switchboard;
  if (own === undefined) return undefined;
  if (typeof own !== 'object' || own === null) throw badRequest(`${where} must be an object`, where);
  return (own as Record<string, unknown>)[key];
}

function toolOutputText(output: LanguageModelV4ToolResultOutput, path: string, warnings: SharedV4Warning[]): string {
  switch (output.type) {
    case 'text':
    case 'error-text':
      return output.value;
    case 'json':
    case 'error-json':
      return JSON.stringify(output.value);
    case 'execution-denied':
      return output.reason ?? 'Tool execution denied.';
    case 'content':
      // Text-only content reads best as text.
      if (output.value.every((p) => p.type === 'text')) return output.value.map((p) => (p as { text: string }).text).join('');
      // A chat-completions tool message holds text only: every part still goes, as JSON
      // (bytes as base64), and the caller is told the model sees it as text.
      warnings.push({
        type: 'compatibility',
        feature: 'non-text tool result content',
        details: `${path}: a tool result with files was sent as JSON text (chat-completions tool messages carry text only).`,
      });
      return JSON.stringify(output.value, (_key, value: unknown) => (value instanceof Uint8Array ? base64(value) : value));
  }
}

function base64(data: Uint8Array | string): string {
  return typeof data === 'string' ? data : Buffer.from(data).toString('base64');
}

/** The first bytes of common images and audio, for a file whose media type is only `image` or `audio`. */
function sniff(data: Uint8Array | string): string | undefined {
  const bytes = typeof data === 'string' ? Buffer.from(data.slice(0, 24), 'base64') : data;
  const at = (i: number) => bytes[i];
  if (at(0) === 0x89 && at(1) === 0x50 && at(2) === 0x4e && at(3) === 0x47) return 'image/png';
  if (at(0) === 0xff && at(1) === 0xd8) return 'image/jpeg';
  if (at(0) === 0x47 && at(1) === 0x49 && at(2) === 0x46) return 'image/gif';
  if (at(0) === 0x52 && at(1) === 0x49 && at(2) === 0x46 && at(3) === 0x46) {
    return at(8) === 0x57 && at(9) === 0x45 && at(10) === 0x42 && at(11) === 0x50 ? 'image/webp' : 'audio/wav';
  }
  if ((at(0) === 0x49 && at(1) === 0x44 && at(2) === 0x33) || (at(0) === 0xff && ((at(1) ?? 0) & 0xe0) === 0xe0)) return 'audio/mpeg';
  return undefined;
}

function toFilePart(part: LanguageModelV4FilePart, path: string, warnings: SharedV4Warning[]): ChatCompletionContentPart {
  const data = part.data;
  // ai 7 normalises `image/*` to the top-level segment alone; both mean "some image".
  const declared = part.mediaType.toLowerCase().replace(/\/\*$/, '');
  if (data.type === 'reference') {
    // A file id belongs to one provider's storage, and the router may answer from another.
    throw badRequest(`${path}: a provider file reference cannot be sent through the router (send the file's data or URL)`, path);
  }
  if (data.type === 'text' || (data.type === 'data' && declared.startsWith('text'))) {
    const text = data.type === 'text' ? data.text : typeof data.data === 'string' ? Buffer.from(data.data, 'base64').toString('utf8') : Buffer.from(data.data).toString('utf8');
    warnings.push({ type: 'compatibility', feature: 'text file', details: `${path}: a ${part.mediaType} file was sent as a text part (chat-completions requests have no text files).` });
    return { type: 'text', text };
  }
  const url = data.type === 'url' ? (data.originalUrl ?? data.url.toString()) : undefined;
  const bytes = data.type === 'data' ? data.data : undefined;
  const mediaType = declared.includes('/') ? declared : ((bytes !== undefined ? sniff(bytes) : undefined) ?? (declared === 'image' ? 'image/jpeg' : declared));
  const dataUri = () => url ?? `data:${mediaType};base64,${base64(bytes!)}`;
  if (mediaType.startsWith('image/')) return { type: 'image_url', image_url: { url: dataUri() } };
  if (mediaType === 'audio/wav' || mediaType === 'audio/mpeg' || mediaType === 'audio/mp3') {
    if (bytes === undefined) throw badRequest(`${path}: audio must be inline data, not a URL`, path);
    return { type: 'input_audio', input_audio: { data: base64(bytes), format: mediaType === 'audio/wav' ? 'wav' : 'mp3' } };
  }
  if (mediaType === 'application/pdf') {
    if (bytes === undefined) throw badRequest(`${path}: a PDF must be inline data, not a URL`, path);
    return { type: 'file', file: { filename: part.filename ?? 'document.pdf', file_data: dataUri() } };
  }
  throw badRequest(`${path}: files of type '${part.mediaType}' cannot be sent (images, wav/mp3 audio, PDF and text can)`, path);
}
