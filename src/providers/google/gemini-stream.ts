/**
 * Gemini stream chunks → OpenAI chat.completion.chunk protocol.
 *
 * Gemini repeats finishReason on many chunks (older models put STOP on every one), so
 * the reason is held per candidate and sent once, in a closing chunk with an empty
 * delta, after the upstream stream has ended; a stream that ends with no finishReason at
 * all was cut, and throws. Function calls arrive whole, so each
 * becomes a single tool_calls delta carrying id, name and the complete arguments.
 *
 * The iterator itself is the shared one (../translating-iterator.ts): `return()` mid-stream
 * closes the SDK's iteration, as `for await` would, then `hooks.finish`; every failure goes
 * through `hooks.toError`, then `hooks.finish`, in that order. It offers the caller-facing
 * stream's fused next-then and the scrubbing wrapper's hook into its error mapping, as the
 * Anthropic translator does: no promise of its own and no wrapper layer per chunk.
 */
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { translatingIterator, type ChunkTranslator, type Emit } from '../translating-iterator.js';
import { connectionError } from '../../errors/provider-error.js';
import type { GeminiCandidate, GeminiResponse } from './gemini-wire.js';
import { nonAnswer } from './gemini-errors.js';
import { ReasoningCollector, type ReasoningDetail } from './gemini-reasoning.js';
import {
  errorBody,
  firstFailedFinish,
  isBlockedPrompt,
  newCompletionId,
  toFinishReason,
  toLogprobs,
  toToolCall,
  toUsage,
  type GeminiReasoningFields,
} from './from-gemini-response.js';

type Delta = ChatCompletionChunk.Choice.Delta & GeminiReasoningFields;

export interface StreamHooks {
  requestedModel: string;
  /** Turns whatever the SDK threw into an OpenAI error. */
  toError(err: unknown): Error;
  /** Checked between chunks: the SDK may already hold parsed chunks when the caller aborts. */
  abortedError(): Error | undefined;
  /**
   * Runs however the stream ends, including when the consumer stops early. `drained`: the
   * upstream iteration ran to its end (nothing is left to cancel).
   */
  finish(drained?: boolean): void;
}

export function translateGeminiStream(upstream: AsyncIterable<GeminiResponse>, hooks: StreamHooks): AsyncIterableIterator<ChatCompletionChunk> {
  return translatingIterator(upstream, new Translation(hooks), {
    mapError: (err) => hooks.toError(err),
    finish: (drained) => hooks.finish(drained),
    nextThen: true,
    composableErrors: true,
  });
}

interface CandidateState {
  roleSent: boolean;
  toolCalls: number;
  reasoning: ReasoningCollector;
  finishReason?: string | undefined;
}

/** The translation's state across chunks. */
class Translation implements ChunkTranslator<GeminiResponse> {
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly candidates = new Map<number, CandidateState>();
  private id: string | undefined;
  private model: string;
  private usage: GeminiResponse['usageMetadata'];
  private received = 0;
  private blocked = false;
  private answered = false;

  constructor(private readonly hooks: StreamHooks) {
    this.model = hooks.requestedModel;
  }

  private chunk(choices: ChatCompletionChunk.Choice[]): ChatCompletionChunk {
    return { id: this.id ?? newCompletionId(), object: 'chat.completion.chunk', created: this.created, model: this.model, choices };
  }

  // The last candidate's state, kept aside: a stream has one candidate nearly always, so most
  // chunks need no Map look-up.
  private lastIndex = -1;
  private last: CandidateState | undefined;

  private state(index: number): CandidateState {
    if (index === this.lastIndex) return this.last!;
    let s = this.candidates.get(index);
    if (!s) this.candidates.set(index, (s = { roleSent: false, toolCalls: 0, reasoning: new ReasoningCollector() }));
    this.lastIndex = index;
    this.last = s;
    return s;
  }

  /** One Gemini chunk: at most one OpenAI chunk. */
  step(r: GeminiResponse, emit: Emit): void {
    const aborted = this.hooks.abortedError();
    if (aborted) throw aborted;
    this.received++;
    const cands = r.candidates;
    const failure = errorBody(r) ?? firstFailedFinish(cands);
    if (failure) throw failure;
    this.answered ||= !!cands?.length || !!r.promptFeedback;
    this.id ??= r.responseId ?? newCompletionId();
    this.model = r.modelVersion ?? this.model;
    this.usage = r.usageMetadata ?? this.usage;
    this.blocked ||= isBlockedPrompt(r);
    if (!cands) return;
    let choices: ChatCompletionChunk.Choice[] | undefined;
    for (let position = 0; position < cands.length; position++) {
      const c = cands[position]!;
      const index = c.index ?? position;
      const s = this.state(index);
      if (c.finishReason) s.finishReason = c.finishReason;
      const choice = toChoice(c, index, s);
      if (choice) (choices ??= []).push(choice);
    }
    if (choices) emit(this.chunk(choices));
  }

  /** The upstream ended: the closing chunks, or why the stream is not a whole answer. */
  end(emit: Emit): void {
    this.checkEnd();
    this.closing(emit);
  }

  private checkEnd(): void {
    if (this.received === 0) throw connectionError(undefined, 'Gemini: the stream ended before any response arrived.');
    if (!this.answered) throw nonAnswer('Gemini streamed no candidates and no prompt feedback');
    // Gemini sends no end marker: the last chunk's finishReason is the only sign the answer is whole.
    if (!this.blocked && this.candidates.size > 0 && ![...this.candidates.values()].some((s) => s.finishReason)) {
      throw connectionError(undefined, 'Gemini stream ended before a finishReason: the response is incomplete.');
    }
  }

  /** The closing chunk (each candidate's finish reason, once) and the usage chunk. */
  private closing(emit: Emit): void {
    if (this.blocked && this.candidates.size === 0) this.state(0).finishReason = 'SAFETY';
    const closing = [...this.candidates.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, s]): ChatCompletionChunk.Choice => {
        // Thought text still open at the end (no signature followed it) completes here.
        const rest = s.reasoning.end();
        const delta: Delta = s.roleSent ? {} : { role: 'assistant' };
        if (rest.length > 0) delta.reasoning_details = rest;
        return { index, delta, finish_reason: toFinishReason(s.finishReason, s.toolCalls > 0), logprobs: null };
      });
    if (closing.length === 0) closing.push({ index: 0, delta: { role: 'assistant' }, finish_reason: 'stop', logprobs: null });
    emit(this.chunk(closing));
    emit({ ...this.chunk([]), usage: toUsage(this.usage) });
  }
}

/**
 * One candidate's delta, or none when it carries nothing. Thought parts are reasoning,
 * never content; functionResponse / code-execution parts have no OpenAI field. Gemini
 * closes streams with an empty text part; an empty delta would be noise.
 */
function toChoice(c: GeminiCandidate, index: number, s: CandidateState): ChatCompletionChunk.Choice | undefined {
  let text = '';
  let reasoning = '';
  let details: ReasoningDetail[] | undefined;
  let calls: { name: string; args: Record<string, unknown>; signature?: string | undefined }[] | undefined;
  const parts = c.content?.parts;
  if (parts) {
    for (const p of parts) {
      // A plain part, with no thought text open, adds no reasoning detail (the collector's rule).
      if (p.thought || p.thoughtSignature || s.reasoning.holding) {
        const d = s.reasoning.push(p);
        if (d.length > 0) (details ??= []).push(...d);
      }
      if (p.functionCall?.name) (calls ??= []).push({ name: p.functionCall.name, args: p.functionCall.args ?? {}, signature: p.thoughtSignature });
      else if (typeof p.text === 'string') {
        if (p.thought) reasoning += p.text;
        else text += p.text;
      }
    }
  }
  const content = toLogprobs(c);
  if (reasoning === '' && !details && text === '' && !calls && !content) return undefined;
  // The first delta of a candidate carries its role (first among the keys, as before).
  const delta: Delta = s.roleSent ? {} : { role: 'assistant' };
  s.roleSent = true;
  if (reasoning !== '') delta.reasoning_content = reasoning;
  if (details) delta.reasoning_details = details;
  if (text !== '') delta.content = text;
  if (calls) delta.tool_calls = calls.map((call) => ({ index: s.toolCalls++, ...toToolCall(call) }));
  return { index, delta, finish_reason: null, logprobs: content ? { content, refusal: null } : null };
}
