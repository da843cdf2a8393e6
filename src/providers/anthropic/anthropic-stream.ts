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
 * A hand-written iterator rather than an async generator: one `.then` per event on the
 * SDK's own promise (a generator adds a request queue, an await and a yield hop per
 * chunk). It closes like the generator it replaces: `return()` mid-stream closes the SDK
 * stream, as `for await` would; a throw while translating closes it too; before the first
 * `next()` it touches nothing. Its errors go through `mapError`, and the scrubbing wrapper
 * composes its own mapping into that one (scrub-secrets.ts) instead of adding a layer.
 */
import type { MessageDeltaUsage, RawMessageStreamEvent, Usage } from '@anthropic-ai/sdk/resources/messages';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { abortError, connectionError, nonAnswerError } from '../../errors/provider-error.js';
import { type Annotation, type FinishReason, toAnnotations, toFinishReason, toUsage } from './from-anthropic-response.js';
import { redactedDetail, thinkingDetail, type ReasoningDetail, type ReasoningFields } from './anthropic-reasoning.js';
import type { TextCitation } from '@anthropic-ai/sdk/resources/messages';

type Delta = ChatCompletionChunk.Choice.Delta & ReasoningFields & { annotations?: Annotation[] };
type StreamUsage = Pick<Usage, 'input_tokens' | 'output_tokens'> & Partial<Pick<MessageDeltaUsage, 'cache_creation_input_tokens' | 'cache_read_input_tokens' | 'output_tokens_details'>>;

export interface ChunkOptions {
  signal?: AbortSignal | undefined;
  jsonToolName?: string | undefined;
  /** Maps whatever the stream throws (the SDK's errors, the translator's own). */
  mapError?: ((err: unknown) => unknown) | undefined;
}

/** The scrubbing wrapper's hook into a stream's own error mapping (see scrub-secrets.ts). */
const COMPOSE_ERROR_MAP = Symbol.for('llm-switchboard.compose-error-map');

/** The fused next-then the caller-facing stream uses when offered (pipeline/execute/stream-fast-iterator.ts). */
const NEXT_THEN = Symbol.for('llm-switchboard.next-then');

const DONE: IteratorResult<ChatCompletionChunk> = Object.freeze({ done: true, value: undefined });

export function toOpenAIChunks(source: AsyncIterable<RawMessageStreamEvent>, opts: ChunkOptions): AsyncIterableIterator<ChatCompletionChunk> {
  const t = new Translation(opts.jsonToolName);
  let mapping = opts.mapError ?? ((err: unknown) => err);
  let it: AsyncIterator<RawMessageStreamEvent> | undefined;
  let started = false;
  /** The source ended (or failed): nothing upstream is left to close. */
  let sourceOver = false;
  let over = false;
  let pending: Promise<unknown> | undefined;
  // Chunks translated from one event (or the end) and not yet handed out: most events make
  // one, which waits in `one` (no array touched); any after it in `more`.
  let one: ChatCompletionChunk | undefined;
  let more: ChatCompletionChunk[] | undefined;
  let head = 0;
  const emit = (c: ChatCompletionChunk | undefined) => {
    if (!c) return;
    if (one === undefined && more === undefined) one = c;
    else (more ??= []).push(c);
  };
  const queued = () => one !== undefined || more !== undefined;
  const shift = (): IteratorResult<ChatCompletionChunk> => {
    let value = one;
    if (value !== undefined) one = undefined;
    else {
      value = more![head++]!;
      if (head === more!.length) {
        more = undefined;
        head = 0;
      }
    }
    return { done: false, value };
  };
  const clear = () => {
    one = undefined;
    more = undefined;
    head = 0;
  };
  const failWith = (err: unknown): never => {
    over = true;
    throw mapping(err);
  };

  const onEvent = (r: IteratorResult<RawMessageStreamEvent>): IteratorResult<ChatCompletionChunk> | Promise<IteratorResult<ChatCompletionChunk>> => {
    pending = undefined;
    if (r.done) {
      sourceOver = true;
      try {
        t.end(opts.signal, emit);
      } catch (err) {
        failWith(err);
      }
      if (queued()) return shift();
      over = true;
      return DONE;
    }
    try {
      t.step(r.value, emit);
    } catch (err) {
      // As `for await` does when its body throws: close the source, then fail.
      over = true;
      sourceOver = true;
      const failed = () => {
        throw mapping(err);
      };
      return it!.return ? Promise.resolve(it!.return()).then(failed, failed) : failed();
    }
    return queued() ? shift() : pull();
  };
  const onSourceError = (err: unknown): never => {
    pending = undefined;
    sourceOver = true;
    return failWith(err);
  };
  const pull = (): Promise<IteratorResult<ChatCompletionChunk>> => {
    let next: Promise<IteratorResult<RawMessageStreamEvent>>;
    try {
      next = (it ??= source[Symbol.asyncIterator]()).next();
    } catch (err) {
      sourceOver = true;
      over = true;
      return Promise.reject(mapping(err));
    }
    return (pending = next.then(onEvent, onSourceError));
  };

  type Step = IteratorResult<ChatCompletionChunk> | Promise<IteratorResult<ChatCompletionChunk>>;
  // `next().then(ok, bad)` with `ok` / `bad` run from the callback on the SDK's own promise
  // (the caller-facing stream's fast path, stream-fast-iterator.ts): one promise fewer per chunk.
  const nextThen = <U>(ok: (r: IteratorResult<ChatCompletionChunk>) => U | Promise<U>, bad: (err: unknown) => U | Promise<U>): Promise<U> => {
    if (pending || queued() || over || sourceOver || !it) return chunks.next().then(ok, bad);
    let next: Promise<IteratorResult<RawMessageStreamEvent>>;
    try {
      next = it.next();
    } catch (err) {
      sourceOver = true;
      over = true;
      return Promise.reject(mapping(err)).then(ok, bad);
    }
    const onFused = (r: IteratorResult<RawMessageStreamEvent>): U | Promise<U> => {
      let step: Step;
      try {
        step = onEvent(r);
      } catch (err) {
        return bad(err);
      }
      return step instanceof Promise ? step.then(ok, bad) : ok(step);
    };
    const onFusedError = (err: unknown): U | Promise<U> => {
      try {
        return onSourceError(err);
      } catch (mapped) {
        return bad(mapped);
      }
    };
    const fused = next.then(onFused, onFusedError);
    pending = fused;
    return fused;
  };

  const chunks: AsyncIterableIterator<ChatCompletionChunk> = {
    next: () => {
      // Calls made while one is pending wait their turn, as a generator's do.
      if (pending) return pending.then(chunks.next, chunks.next);
      started = true;
      if (queued()) return Promise.resolve(shift());
      if (over || sourceOver) {
        over = true;
        return Promise.resolve(DONE);
      }
      return pull();
    },
    return: (value?: unknown) => {
      if (pending) {
        const again = () => chunks.return!(value);
        return pending.then(again, again);
      }
      const result: IteratorResult<ChatCompletionChunk> = { done: true, value: value as ChatCompletionChunk };
      const close = started && !over && !sourceOver && it?.return;
      over = true;
      sourceOver = true;
      clear();
      // Never started, or past the source's end: nothing upstream to close.
      if (!close) return Promise.resolve(result);
      return Promise.resolve(it!.return!()).then(
        () => result,
        (err: unknown) => {
          throw mapping(err);
        },
      );
    },
    [Symbol.asyncIterator]: () => chunks,
  };
  Object.defineProperty(chunks, NEXT_THEN, { value: nextThen });
  Object.defineProperty(chunks, COMPOSE_ERROR_MAP, {
    value: (outer: (err: unknown) => unknown) => {
      const inner = mapping;
      mapping = (err) => outer(inner(err));
      return chunks;
    },
  });
  return chunks;
}

/** The translation's state across events. */
class Translation {
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

  constructor(private readonly jsonToolName: string | undefined) {
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
  step(ev: RawMessageStreamEvent, emit: (c: ChatCompletionChunk | undefined) => void): void {
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
  end(signal: AbortSignal | undefined, emit: (c: ChatCompletionChunk | undefined) => void): void {
    // The SDK ends the iteration quietly when the request is aborted.
    if (signal?.aborted) throw abortError();
    if (this.events === 0) throw nonAnswerError('The Anthropic stream ended without a single event: the 200 carried no answer');
    if (!this.stopped) throw connectionError(undefined, 'Anthropic stream ended before message_stop: the response is incomplete');
    emit(this.release());
    emit(this.flush());
    if (this.finish === undefined) emit(this.chunk({}, 'stop'));
    emit({ id: this.id, object: 'chat.completion.chunk', created: this.created, model: this.model, choices: [], usage: toUsage(this.usage) });
  }
}
