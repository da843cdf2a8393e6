/**
 * Anthropic raw stream events → OpenAI chat.completion.chunk objects.
 *
 * Tool-call `index` counts tool calls (0, 1, …) as OpenAI does, not Anthropic's
 * content-block index, which also counts text and thinking blocks. Usage is the
 * message_start usage overlaid with message_delta's cumulative counts, and is always
 * sent last in a `choices: []` chunk. A stream without message_stop is incomplete and
 * throws, so a cut stream can never look like a finished answer.
 */
import type { MessageDeltaUsage, RawMessageStreamEvent, Usage } from '@anthropic-ai/sdk/resources/messages';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { ReasoningExtension } from '../spec.js';
import { abortError, connectionError } from '../../errors/provider-error.js';
import { type FinishReason, toFinishReason, toUsage } from './from-anthropic-response.js';

type Delta = ChatCompletionChunk.Choice.Delta & ReasoningExtension;
type StreamUsage = Pick<Usage, 'input_tokens' | 'output_tokens'> & Partial<Pick<MessageDeltaUsage, 'cache_creation_input_tokens' | 'cache_read_input_tokens' | 'output_tokens_details'>>;

export async function* toOpenAIChunks(
  events: AsyncIterable<RawMessageStreamEvent>,
  opts: { signal?: AbortSignal | undefined; jsonToolName?: string | undefined },
): AsyncGenerator<ChatCompletionChunk> {
  let id = '';
  let model = '';
  const created = Math.floor(Date.now() / 1000);
  let usage: StreamUsage = { input_tokens: 0, output_tokens: 0 };
  const toolIndex = new Map<number, number>();
  const jsonBlocks = new Set<number>();
  const withArgs = new Set<number>();
  let finish: FinishReason | undefined;
  let stopped = false;

  const chunk = (delta: Delta, finish_reason: FinishReason | null = null): ChatCompletionChunk => ({
    id, object: 'chat.completion.chunk', created, model,
    choices: [{ index: 0, delta, finish_reason, logprobs: null }],
  });

  for await (const ev of events) {
    switch (ev.type) {
      case 'message_start':
        id = ev.message.id;
        model = ev.message.model;
        usage = { ...ev.message.usage };
        yield chunk({ role: 'assistant', content: '' });
        break;
      case 'content_block_start': {
        const block = ev.content_block;
        if (block.type === 'text' && block.text) yield chunk({ content: block.text });
        else if (block.type === 'thinking' && block.thinking) yield chunk({ reasoning_content: block.thinking });
        else if (block.type === 'tool_use' && block.name === opts.jsonToolName) jsonBlocks.add(ev.index);
        else if (block.type === 'tool_use') {
          const k = toolIndex.size;
          toolIndex.set(ev.index, k);
          yield chunk({ tool_calls: [{ index: k, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] });
        }
        break;
      }
      case 'content_block_delta': {
        const d = ev.delta;
        if (d.type === 'text_delta' && d.text) yield chunk({ content: d.text });
        else if (d.type === 'thinking_delta' && d.thinking) yield chunk({ reasoning_content: d.thinking });
        else if (d.type === 'input_json_delta' && d.partial_json) {
          const k = toolIndex.get(ev.index);
          if (jsonBlocks.has(ev.index)) yield chunk({ content: d.partial_json });
          else if (k !== undefined) {
            withArgs.add(ev.index);
            yield chunk({ tool_calls: [{ index: k, function: { arguments: d.partial_json } }] });
          }
        }
        break;
      }
      case 'content_block_stop': {
        // A tool without arguments streams only "", which no JSON parser accepts.
        const k = toolIndex.get(ev.index);
        if (k !== undefined && !withArgs.has(ev.index)) yield chunk({ tool_calls: [{ index: k, function: { arguments: '{}' } }] });
        break;
      }
      case 'message_delta': {
        const u = ev.usage;
        usage = {
          ...usage,
          output_tokens: u.output_tokens,
          ...(u.input_tokens != null && { input_tokens: u.input_tokens }),
          ...(u.cache_read_input_tokens != null && { cache_read_input_tokens: u.cache_read_input_tokens }),
          ...(u.cache_creation_input_tokens != null && { cache_creation_input_tokens: u.cache_creation_input_tokens }),
          ...(u.output_tokens_details != null && { output_tokens_details: u.output_tokens_details }),
        };
        if (ev.delta.stop_reason && finish === undefined) {
          finish = toFinishReason(ev.delta.stop_reason, toolIndex.size > 0);
          yield chunk({}, finish);
        }
        break;
      }
      case 'message_stop':
        stopped = true;
        break;
      default:
        break;
    }
  }

  // The SDK ends the iteration quietly when the request is aborted.
  if (opts.signal?.aborted) throw abortError();
  if (!stopped) throw connectionError(undefined, 'Anthropic stream ended before message_stop: the response is incomplete');
  if (finish === undefined) yield chunk({}, 'stop');
  yield { id, object: 'chat.completion.chunk', created, model, choices: [], usage: toUsage(usage) };
}
