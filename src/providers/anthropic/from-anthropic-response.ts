/**
 * Anthropic Message → OpenAI ChatCompletion. Thinking text goes to `reasoning_content`
 * (never `content`), and every thinking and redacted_thinking block, with its signature,
 * to `reasoning_details` so the next turn can replay it. The synthetic JSON tool's input
 * becomes the message content; citations become `annotations`.
 */
import type { Message, MessageDeltaUsage, StopReason, TextCitation, Usage } from '@anthropic-ai/sdk/resources/messages';
import type { ChatCompletion, ChatCompletionMessage, ChatCompletionMessageFunctionToolCall } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { UsageExtensions } from '../../spec/usage-extensions.js';
import { redactedDetail, thinkingDetail, type ReasoningDetail, type ReasoningFields } from './anthropic-reasoning.js';

export type FinishReason = ChatCompletion.Choice['finish_reason'];
export type RoutedUsage = CompletionUsage & UsageExtensions;

/** Unknown or future stop reasons map to 'stop': never a value outside OpenAI's set. */
export function toFinishReason(reason: StopReason | string | null | undefined, toolCalled: boolean): FinishReason {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return toolCalled ? 'tool_calls' : 'stop';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}

type AnyUsage = Pick<Usage, 'input_tokens' | 'output_tokens'> & Partial<Pick<MessageDeltaUsage, 'cache_creation_input_tokens' | 'cache_read_input_tokens' | 'output_tokens_details'>>;

/** Anthropic's input_tokens excludes cached tokens; OpenAI's prompt_tokens includes them. */
export function toUsage(u: AnyUsage): RoutedUsage {
  const cacheRead = u.cache_read_input_tokens ?? 0;
  const cacheWrite = u.cache_creation_input_tokens ?? 0;
  const prompt = u.input_tokens + cacheRead + cacheWrite;
  const usage: RoutedUsage = {
    prompt_tokens: prompt,
    completion_tokens: u.output_tokens,
    total_tokens: prompt + u.output_tokens,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_write_tokens: cacheWrite },
  };
  const thinking = u.output_tokens_details?.thinking_tokens;
  if (thinking != null) usage.completion_tokens_details = { reasoning_tokens: thinking };
  return usage;
}

/** OpenAI's annotation for a cited web page, plus the document citations it has no type for. */
export type Annotation =
  | { type: 'url_citation'; url_citation: { start_index: number; end_index: number; title: string; url: string } }
  | { type: 'document_citation'; document_citation: { start_index: number; end_index: number; cited_text: string; document_index?: number; document_title?: string | null; location: Record<string, unknown> } };

/**
 * Anthropic citations → OpenAI `annotations` over the span of `message.content` that the
 * cited text block fills. A web or search result (it has a URL) is OpenAI's
 * `url_citation`; a citation into a document the caller sent has no OpenAI type, so it
 * keeps its location under `document_citation`.
 */
export function toAnnotations(citations: readonly TextCitation[] | null | undefined, start: number, end: number): Annotation[] {
  const out: Annotation[] = [];
  for (const c of citations ?? []) {
    if (c.type === 'web_search_result_location') out.push({ type: 'url_citation', url_citation: { start_index: start, end_index: end, title: c.title ?? c.url, url: c.url } });
    else if (c.type === 'search_result_location' && /^https?:\/\//.test(c.source)) out.push({ type: 'url_citation', url_citation: { start_index: start, end_index: end, title: c.title ?? c.source, url: c.source } });
    else {
      const { cited_text, type, ...location } = c as TextCitation & { document_index?: number; document_title?: string | null };
      const doc = c as { document_index?: number; document_title?: string | null };
      out.push({
        type: 'document_citation',
        document_citation: { start_index: start, end_index: end, cited_text, ...(doc.document_index !== undefined && { document_index: doc.document_index }), ...(doc.document_title !== undefined && { document_title: doc.document_title }), location: { type, ...location } },
      });
    }
  }
  return out;
}

export function fromAnthropicMessage(msg: Message, jsonToolName?: string): ChatCompletion {
  let text = '';
  let json: string | undefined;
  const reasoning: string[] = [];
  const details: ReasoningDetail[] = [];
  const annotations: Annotation[] = [];
  const toolCalls: ChatCompletionMessageFunctionToolCall[] = [];
  for (const block of msg.content) {
    if (block.type === 'text') {
      annotations.push(...toAnnotations(block.citations, text.length, text.length + block.text.length));
      text += block.text;
    } else if (block.type === 'thinking') {
      reasoning.push(block.thinking);
      details.push(thinkingDetail(block.thinking, block.signature, details.length));
    } else if (block.type === 'redacted_thinking') details.push(redactedDetail(block.data, details.length));
    else if (block.type === 'tool_use' && block.name === jsonToolName) json = JSON.stringify(block.input);
    else if (block.type === 'tool_use') {
      toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
    }
  }
  // The JSON tool's input IS the answer: a preamble ("I'll call the json tool") would make
  // the content invalid JSON, so it is not part of it.
  const content = json ?? (text.length > 0 ? text : null);
  const message: ChatCompletionMessage & ReasoningFields = {
    role: 'assistant',
    content,
    refusal: null,
  };
  if (json === undefined && annotations.length > 0) message.annotations = annotations as unknown as ChatCompletionMessage['annotations'];
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning.length > 0) message.reasoning_content = reasoning.join('');
  if (details.length > 0) message.reasoning_details = details;
  return {
    id: msg.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: msg.model,
    choices: [{ index: 0, message, finish_reason: toFinishReason(msg.stop_reason, toolCalls.length > 0), logprobs: null }],
    usage: toUsage(msg.usage),
  };
}
