/**
 * Anthropic Message → OpenAI ChatCompletion. Thinking goes to `reasoning_content`
 * (never `content`); redacted thinking is encrypted, so it has no text to surface and
 * is left out. The synthetic JSON tool's input becomes the message content.
 */
import type { Message, MessageDeltaUsage, StopReason, Usage } from '@anthropic-ai/sdk/resources/messages';
import type { ChatCompletion, ChatCompletionMessage, ChatCompletionMessageFunctionToolCall } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { ReasoningExtension, UsageExtensions } from '../spec.js';

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

export function fromAnthropicMessage(msg: Message, jsonToolName?: string): ChatCompletion {
  const text: string[] = [];
  const reasoning: string[] = [];
  const toolCalls: ChatCompletionMessageFunctionToolCall[] = [];
  for (const block of msg.content) {
    if (block.type === 'text') text.push(block.text);
    else if (block.type === 'thinking') reasoning.push(block.thinking);
    else if (block.type === 'tool_use' && block.name === jsonToolName) text.push(JSON.stringify(block.input));
    else if (block.type === 'tool_use') {
      toolCalls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) } });
    }
  }
  const message: ChatCompletionMessage & ReasoningExtension = {
    role: 'assistant',
    content: text.length > 0 ? text.join('') : null,
    refusal: null,
  };
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  if (reasoning.length > 0) message.reasoning_content = reasoning.join('');
  return {
    id: msg.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: msg.model,
    choices: [{ index: 0, message, finish_reason: toFinishReason(msg.stop_reason, toolCalls.length > 0), logprobs: null }],
    usage: toUsage(msg.usage),
  };
}
