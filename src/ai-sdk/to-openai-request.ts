/**
 * AI SDK call options (LanguageModelV3CallOptions) → an OpenAI chat-completions body,
 * which is what the router speaks. Whatever cannot be carried is either refused with a
 * BadRequestError naming it or reported as an AI SDK warning: never dropped silently.
 */
import { BadRequestError } from 'openai';
import type {
  LanguageModelV3CallOptions,
  LanguageModelV3FilePart,
  LanguageModelV3Prompt,
  LanguageModelV3ToolResultOutput,
  SharedV3Warning,
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
  warnings: SharedV3Warning[];
}

export function toOpenAIRequest(options: LanguageModelV3CallOptions): ConvertedRequest {
  const warnings: SharedV3Warning[] = [];
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

function toToolChoice(choice: LanguageModelV3CallOptions['toolChoice']): ChatCompletionToolChoiceOption | undefined {
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

function toMessages(prompt: LanguageModelV3Prompt, warnings: SharedV3Warning[]): ChatCompletionMessageParam[] {
  const out: ChatCompletionMessageParam[] = [];
  for (const [i, message] of prompt.entries()) {
    switch (message.role) {
      case 'system':
        out.push({ role: 'system', content: message.content });
        break;
      case 'user': {
        const parts: ChatCompletionContentPart[] = message.content.map((part, j) =>
          part.type === 'text' ? { type: 'text', text: part.text } : toFilePart(part, `prompt.${i}.content.${j}`),
        );
        // A lone text part stays a plain string: every OpenAI-compatible server accepts that.
        const only = parts[0];
        out.push({ role: 'user', content: parts.length === 1 && only?.type === 'text' ? only.text : parts });
        break;
      }
      case 'assistant': {
        let text = '';
        const toolCalls: ChatCompletionMessageToolCall[] = [];
        for (const part of message.content) {
          if (part.type === 'text') text += part.text;
          else if (part.type === 'tool-call') {
            toolCalls.push({
              id: part.toolCallId,
              type: 'function',
              function: { name: part.toolName, arguments: typeof part.input === 'string' ? part.input : JSON.stringify(part.input ?? {}) },
            });
          } else if (part.type === 'reasoning') {
            // Chat-completions requests carry no reasoning; providers do not expect it back.
            warnings.push({ type: 'other', message: `prompt.${i}: an assistant reasoning part was not sent (chat-completions requests have no reasoning field).` });
          } else if (part.type === 'file') {
            throw badRequest(`prompt.${i}: assistant file parts cannot be sent in a chat-completions request`, `prompt.${i}`);
          } else {
            warnings.push({ type: 'other', message: `prompt.${i}: a provider-executed tool result in an assistant message was not sent.` });
          }
        }
        const msg: ChatCompletionAssistantMessageParam = { role: 'assistant', content: text.length > 0 || toolCalls.length === 0 ? text : null };
        if (toolCalls.length > 0) msg.tool_calls = toolCalls;
        out.push(msg);
        break;
      }
      case 'tool':
        for (const part of message.content) {
          if (part.type === 'tool-result') out.push({ role: 'tool', tool_call_id: part.toolCallId, content: toolOutputText(part.output) });
          else warnings.push({ type: 'other', message: `prompt.${i}: a tool approval response was not sent (the router runs no provider-executed tools).` });
        }
        break;
    }
  }
  return out;
}

function toolOutputText(output: LanguageModelV3ToolResultOutput): string {
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
      // Text-only content reads best as text; anything else keeps every part, as JSON.
      return output.value.every((p) => p.type === 'text') ? output.value.map((p) => (p as { text: string }).text).join('') : JSON.stringify(output.value);
  }
}

function base64(data: Uint8Array | string): string {
  return typeof data === 'string' ? data : Buffer.from(data).toString('base64');
}

function toFilePart(part: LanguageModelV3FilePart, path: string): ChatCompletionContentPart {
  const mediaType = part.mediaType.toLowerCase();
  const url = part.data instanceof URL ? part.data.toString() : undefined;
  const dataUri = () => (url ?? `data:${mediaType === 'image/*' ? 'image/jpeg' : mediaType};base64,${base64(part.data as Uint8Array | string)}`);
  if (mediaType.startsWith('image/')) return { type: 'image_url', image_url: { url: dataUri() } };
  if (mediaType === 'audio/wav' || mediaType === 'audio/mpeg' || mediaType === 'audio/mp3') {
    if (url) throw badRequest(`${path}: audio must be inline data, not a URL`, path);
    return { type: 'input_audio', input_audio: { data: base64(part.data as Uint8Array | string), format: mediaType === 'audio/wav' ? 'wav' : 'mp3' } };
  }
  if (mediaType === 'application/pdf') {
    if (url) throw badRequest(`${path}: a PDF must be inline data, not a URL`, path);
    return { type: 'file', file: { filename: part.filename ?? 'document.pdf', file_data: dataUri() } };
  }
  throw badRequest(`${path}: files of type '${part.mediaType}' cannot be sent (images, wav/mp3 audio and PDF can)`, path);
}
