/**
 * Anthropic raw stream events → OpenAI chat.completion.chunk objects.
 *
 * Tool-call `index` counts tool calls (0, 1, …) as OpenAI does, not Anthropic's
 * content-block index, which also counts text and thinking blocks. Usage is the
 * message_start usage overlaid with message_delta's cumulative counts, and is always
 * sent last in a `choices: []` chunk. A stream without message_stop is incomplete and
 * throws, so a cut stream can never look like a finished answer; one with no event at
 * all (an HTML page or a JSON body on a 200) is not an answer.
 *
 * Thinking and redacted_thinking blocks, once complete (signature included), go out as
 * `delta.reasoning_details` items, a run of them in one delta; a text block's citations go out as
 * `delta.annotations` when the block ends. In JSON-tool mode, text is held back until
 * it is known whether the JSON tool answers (then the text was a preamble, not content).
 */
import type { MessageDeltaUsage, RawMessageStreamEvent, Usage } from '@anthropic-ai/sdk/resources/messages';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { abortError, connectionError, nonAnswerError } from '../../errors/provider-error.js';
import { type Annotation, type FinishReason, toAnnotations, toFinishReason, toUsage } from './from-anthropic-response.js';
import { redactedDetail, thinkingDetail, type ReasoningDetail, type ReasoningFields } from './anthropic-reasoning.js';
import type { TextCitation } from '@anthropic-ai/sdk/resources/messages';

type Delta = ChatCompletionChunk.Choice.Delta & ReasoningFields & { annotations?: Annotation[] };
type StreamUsage = Pick<Usage, 'input_tokens' | 'output_tokens'> & Partial<Pick<MessageDeltaUsage, 'cache_creation_input_tokens' | 'cache_read_input_tokens' | 'output_tokens_details'>>;

export async function* toOpenAIChunks(
  source: AsyncIterable<RawMessageStreamEvent>,
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
  let events = 0;
  /** Open thinking / text blocks by content-block index. */
  const thinking = new Map<number, { text: string; signature: string; redacted?: string }>();
  const texts = new Map<number, { start: number; citations: TextCitation[] }>();
  let reasoningItems = 0;
  let contentLength = 0;
  let jsonAnswered = false;
  /**
   * Completed reasoning items wait for the next non-reasoning block (or the end): a run of
   * thinking blocks then goes out as ONE delta, which both clients that append items and
   * the OpenAI SDK's stream helpers (which keep only a field's last value) read whole.
   */
  let finished: ReasoningDetail[] = [];
  const release = (): ChatCompletionChunk | undefined => {
    if (finished.length === 0) return undefined;
    const items = finished;
    finished = [];
    return chunk({ reasoning_details: items });
  };
  // JSON-tool mode: text waits until we know whether the JSON tool answers.
  let held: string[] | undefined = opts.jsonToolName ? [] : undefined;
  const flush = (): ChatCompletionChunk | undefined => {
    const text = held?.join('') ?? '';
    held = undefined;
    if (!text || jsonAnswered) return undefined;
    contentLength += text.length;
    return chunk({ content: text });
  };
  const text = (t: string): ChatCompletionChunk | undefined => {
    if (held) {
      held.push(t);
      return undefined;
    }
    contentLength += t.length;
    return chunk({ content: t });
  };

  const chunk = (delta: Delta, finish_reason: FinishReason | null = null): ChatCompletionChunk => ({
    id, object: 'chat.completion.chunk', created, model,
    choices: [{ index: 0, delta, finish_reason, logprobs: null }],
  });

  for await (const ev of source) {
    events++;
    switch (ev.type) {
      case 'message_start':
        id = ev.message.id;
        model = ev.message.model;
        usage = { ...ev.message.usage };
        yield chunk({ role: 'assistant', content: '' });
        break;
      case 'content_block_start': {
        const block = ev.content_block;
        if (block.type !== 'thinking' && block.type !== 'redacted_thinking') {
          const r = release();
          if (r) yield r;
        }
        if (block.type === 'text') {
          texts.set(ev.index, { start: contentLength, citations: [...(block.citations ?? [])] });
          const c = block.text ? text(block.text) : undefined;
          if (c) yield c;
        } else if (block.type === 'thinking') {
          thinking.set(ev.index, { text: block.thinking ?? '', signature: block.signature ?? '' });
          if (block.thinking) yield chunk({ reasoning_content: block.thinking });
        } else if (block.type === 'redacted_thinking') thinking.set(ev.index, { text: '', signature: '', redacted: block.data });
        else if (block.type === 'tool_use' && block.name === opts.jsonToolName) {
          jsonBlocks.add(ev.index);
          jsonAnswered = true;
          held = undefined;
        } else if (block.type === 'tool_use') {
          const pending = flush();
          if (pending) yield pending;
          const k = toolIndex.size;
          toolIndex.set(ev.index, k);
          yield chunk({ tool_calls: [{ index: k, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] });
        }
        break;
      }
      case 'content_block_delta': {
        const d = ev.delta;
        if (d.type === 'text_delta' && d.text) {
          const c = text(d.text);
          if (c) yield c;
        } else if (d.type === 'thinking_delta' && d.thinking) {
          const t = thinking.get(ev.index);
          if (t) t.text += d.thinking;
          yield chunk({ reasoning_content: d.thinking });
        } else if (d.type === 'signature_delta') {
          const t = thinking.get(ev.index);
          if (t) t.signature += d.signature;
        } else if (d.type === 'citations_delta') texts.get(ev.index)?.citations.push(d.citation);
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
        const t = thinking.get(ev.index);
        if (t) finished.push(t.redacted !== undefined ? redactedDetail(t.redacted, reasoningItems++) : thinkingDetail(t.text, t.signature, reasoningItems++));
        const tb = texts.get(ev.index);
        if (tb && tb.citations.length > 0 && !held) {
          const annotations = toAnnotations(tb.citations, tb.start, contentLength);
          if (annotations.length > 0) yield chunk({ annotations });
        }
        break;
      }
      case 'message_delta': {
        const r = release();
        if (r) yield r;
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
          const pending = flush();
          if (pending) yield pending;
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
  if (events === 0) throw nonAnswerError('The Anthropic stream ended without a single event: the 200 carried no answer');
  if (!stopped) throw connectionError(undefined, 'Anthropic stream ended before message_stop: the response is incomplete');
  const rest = release();
  if (rest) yield rest;
  const pending = flush();
  if (pending) yield pending;
  if (finish === undefined) yield chunk({}, 'stop');
  yield { id, object: 'chat.completion.chunk', created, model, choices: [], usage: toUsage(usage) };
}
