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
 *
 * The iterator itself is the shared one (../translating-iterator.ts), offering the
 * caller-facing stream's fused next-then and the scrubbing wrapper's hook into `mapError`
 * (scrub-secrets.ts composes its mapping into this one instead of adding a layer).
 */
import type { MessageDeltaUsage, RawMessageStreamEvent, Usage } from '@anthropic-ai/sdk/resources/messages';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { abortError, connectionError, nonAnswerError } from '../../errors/provider-error.js';
import { type Annotation, type FinishReason, toAnnotations, toFinishReason, toUsage } from './from-anthropic-response.js';
import { redactedDetail, thinkingDetail, type ReasoningDetail, type ReasoningFields } from './anthropic-reasoning.js';
import type { TextCitation } from '@anthropic-ai/sdk/resources/messages';
import { translatingIterator, type ChunkTranslator, type Emit } from '../translating-iterator.js';

type Delta = ChatCompletionChunk.Choice.Delta & ReasoningFields & { annotations?: Annotation[] };
type StreamUsage = Pick<Usage, 'input_tokens' | 'output_tokens'> & Partial<Pick<MessageDeltaUsage, 'cache_creation_input_tokens' | 'cache_read_input_tokens' | 'output_tokens_details'>>;

export interface ChunkOptions {
  signal?: AbortSignal | undefined;
  jsonToolName?: string | undefined;
  /** Maps whatever the stream throws (the SDK's errors, the translator's own). */
  mapError?: ((err: unknown) => unknown) | undefined;
}

export function toOpenAIChunks(source: AsyncIterable<RawMessageStreamEvent>, opts: ChunkOptions): AsyncIterableIterator<ChatCompletionChunk> {
  return translatingIterator(source, new Translation(opts.jsonToolName, opts.signal), {
    mapError: opts.mapError ?? ((err: unknown) => err),
    nextThen: true,
    composableErrors: true,
  });
}

/** The translation's state across events. */
class Translation implements ChunkTranslator<RawMessageStreamEvent> {
  private id = '';
  private model = '';
  private readonly created = Math.floor(Date.now() / 1000);
  private usage: StreamUsage = { input_tokens: 0, output_tokens: 0 };
  private readonly toolIndex = new Map<number, number>();
  private readonly jsonBlocks = new Set<number>();
  private readonly withArgs = new Set<number>();
  private finish: FinishReason | undefined;
  private stopped = false;
  private events = 0;
  /** Open thinking / text blocks by content-block index. */
  private readonly thinking = new Map<number, { text: string; signature: string; redacted?: string }>();
  private readonly texts = new Map<number, { start: number; citations: TextCitation[] }>();
  private reasoningItems = 0;
  private contentLength = 0;
  private jsonAnswered = false;
  /**
   * Completed reasoning items wait for the next non-reasoning block (or the end): a run of
   * thinking blocks then goes out as ONE delta, which both clients that append items and
   * the OpenAI SDK's stream helpers (which keep only a field's last value) read whole.
   */
  private finished: ReasoningDetail[] = [];
  /** JSON-tool mode: text waits until we know whether the JSON tool answers. */
  private held: string[] | undefined;

  constructor(
    private readonly jsonToolName: string | undefined,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.held = jsonToolName ? [] : undefined;
  }

  private chunk(delta: Delta, finish_reason: FinishReason | null = null): ChatCompletionChunk {
    return { id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [{ index: 0, delta, finish_reason, logprobs: null }] };
  }

  private release(): ChatCompletionChunk | undefined {
    if (this.finished.length === 0) return undefined;
    const items = this.finished;
    this.finished = [];
    return this.chunk({ reasoning_details: items });
  }

  private flush(): ChatCompletionChunk | undefined {
    const text = this.held?.join('') ?? '';
    this.held = undefined;
    if (!text || this.jsonAnswered) return undefined;
    this.contentLength += text.length;
    return this.chunk({ content: text });
  }

  private text(t: string): ChatCompletionChunk | undefined {
    if (this.held) {
      this.held.push(t);
      return undefined;
    }
    this.contentLength += t.length;
    return this.chunk({ content: t });
  }

  /** One event's chunks, in order. */
  step(ev: RawMessageStreamEvent, emit: Emit): void {
    this.events++;
    switch (ev.type) {
      case 'message_start':
        this.id = ev.message.id;
        this.model = ev.message.model;
        this.usage = { ...ev.message.usage };
        emit(this.chunk({ role: 'assistant', content: '' }));
        break;
      case 'content_block_start': {
        const block = ev.content_block;
        if (block.type !== 'thinking' && block.type !== 'redacted_thinking') emit(this.release());
        if (block.type === 'text') {
          this.texts.set(ev.index, { start: this.contentLength, citations: [...(block.citations ?? [])] });
          if (block.text) emit(this.text(block.text));
        } else if (block.type === 'thinking') {
          this.thinking.set(ev.index, { text: block.thinking ?? '', signature: block.signature ?? '' });
          if (block.thinking) emit(this.chunk({ reasoning_content: block.thinking }));
        } else if (block.type === 'redacted_thinking') this.thinking.set(ev.index, { text: '', signature: '', redacted: block.data });
        else if (block.type === 'tool_use' && block.name === this.jsonToolName) {
          this.jsonBlocks.add(ev.index);
          this.jsonAnswered = true;
          this.held = undefined;
        } else if (block.type === 'tool_use') {
          emit(this.flush());
          const k = this.toolIndex.size;
          this.toolIndex.set(ev.index, k);
          emit(this.chunk({ tool_calls: [{ index: k, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] }));
        }
        break;
      }
      case 'content_block_delta': {
        const d = ev.delta;
        if (d.type === 'text_delta') {
          if (d.text) emit(this.text(d.text));
        } else if (d.type === 'thinking_delta') {
          if (d.thinking) {
            const t = this.thinking.get(ev.index);
            if (t) t.text += d.thinking;
            emit(this.chunk({ reasoning_content: d.thinking }));
          }
        } else if (d.type === 'signature_delta') {
          const t = this.thinking.get(ev.index);
          if (t) t.signature += d.signature;
        } else if (d.type === 'citations_delta') this.texts.get(ev.index)?.citations.push(d.citation);
        else if (d.type === 'input_json_delta' && d.partial_json) {
          const k = this.toolIndex.get(ev.index);
          if (this.jsonBlocks.has(ev.index)) emit(this.chunk({ content: d.partial_json }));
          else if (k !== undefined) {
            this.withArgs.add(ev.index);
            emit(this.chunk({ tool_calls: [{ index: k, function: { arguments: d.partial_json } }] }));
          }
        }
        break;
      }
      case 'content_block_stop': {
        // A tool without arguments streams only "", which no JSON parser accepts.
        const k = this.toolIndex.get(ev.index);
        if (k !== undefined && !this.withArgs.has(ev.index)) emit(this.chunk({ tool_calls: [{ index: k, function: { arguments: '{}' } }] }));
        const t = this.thinking.get(ev.index);
        if (t) this.finished.push(t.redacted !== undefined ? redactedDetail(t.redacted, this.reasoningItems++) : thinkingDetail(t.text, t.signature, this.reasoningItems++));
        const tb = this.texts.get(ev.index);
        if (tb && tb.citations.length > 0 && !this.held) {
          const annotations = toAnnotations(tb.citations, tb.start, this.contentLength);
          if (annotations.length > 0) emit(this.chunk({ annotations }));
        }
        break;
      }
      case 'message_delta': {
        emit(this.release());
        const u = ev.usage;
        this.usage = {
          ...this.usage,
          output_tokens: u.output_tokens,
          ...(u.input_tokens != null && { input_tokens: u.input_tokens }),
          ...(u.cache_read_input_tokens != null && { cache_read_input_tokens: u.cache_read_input_tokens }),
          ...(u.cache_creation_input_tokens != null && { cache_creation_input_tokens: u.cache_creation_input_tokens }),
          ...(u.output_tokens_details != null && { output_tokens_details: u.output_tokens_details }),
        };
        if (ev.delta.stop_reason && this.finish === undefined) {
          emit(this.flush());
          this.finish = toFinishReason(ev.delta.stop_reason, this.toolIndex.size > 0);
          emit(this.chunk({}, this.finish));
        }
        break;
      }
      case 'message_stop':
        this.stopped = true;
        break;
      default:
        break;
    }
  }

  /** The source ended: the closing chunks, or why the stream is not an answer. */
  end(emit: Emit): void {
    // The SDK ends the iteration quietly when the request is aborted.
    if (this.signal?.aborted) throw abortError();
    if (this.events === 0) throw nonAnswerError('The Anthropic stream ended without a single event: the 200 carried no answer');
    if (!this.stopped) throw connectionError(undefined, 'Anthropic stream ended before message_stop: the response is incomplete');
    emit(this.release());
    emit(this.flush());
    if (this.finish === undefined) emit(this.chunk({}, 'stop'));
    emit({ id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [], usage: toUsage(this.usage) });
  }
}
