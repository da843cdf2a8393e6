/**
 * One coherent OpenAI stream out of the segments of a continued answer: one id and
 * `created`, one role, choice index 0, tool-call indices from the segment that finished,
 * one finish_reason, and usage summed over every segment. `model` on each chunk names the
 * model that wrote it, so the closing chunks name who finished.
 *
 * What a cut could leave half-done is held within its segment until it is complete, so it
 * never reaches the consumer as if it were whole: a tool call's argument deltas until the
 * segment's finish reason (then each call goes out whole, in one delta), reasoning until
 * the segment moves on to content, a tool call or its finish. At a cut, what was held is
 * dropped (the record counts it) and the next model writes it again from the delivered text.
 */
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { ModelEntry } from '../../spec/model-entry.js';
import type { AttemptRecord, StreamSegmentRecord } from '../../spec/decision-record.js';
import type { ContinuationMethod, OverlapTrimmer } from './stream-continuation.js';
import type { Call } from './call.js';

type ToolDelta = ChatCompletionChunk.Choice.Delta.ToolCall;
type Delta = ChatCompletionChunk.Choice.Delta & { reasoning_content?: string | null; reasoning_details?: unknown[] | null };

/** A rough output-token count for text a provider produced but never reported usage for. */
const CHARS_PER_TOKEN = 4;

/** One model's part of the answer, as it streams. */
export class Segment {
  finished = false;
  usage: CompletionUsage | undefined;
  contentChars = 0;
  reasoningChars = 0;
  toolCalls = 0;
  /** Characters the upstream produced in this segment (for a usage estimate). */
  producedChars = 0;
  heldTools: ToolDelta[] = [];
  heldReasoning = { text: '', details: [] as unknown[] };

  constructor(
    readonly entry: ModelEntry,
    /** How this segment continues the previous one (undefined for the first). */
    readonly continuation: ContinuationMethod | undefined,
    readonly trimmer: OverlapTrimmer | undefined,
  ) {}

  /** Bookkeeping common to every stream (resumable or not). */
  observe(chunk: ChatCompletionChunk): void {
    // By index: this runs on every chunk of every stream.
    const choices = chunk.choices;
    for (let i = 0; i < choices.length; i++) {
      const c = choices[i]!;
      if (c.finish_reason) this.finished = true;
      const d = c.delta as Delta | undefined;
      if (!d) continue;
      this.producedChars += (d.content?.length ?? 0) + (d.reasoning_content?.length ?? 0);
      const tools = d.tool_calls;
      if (tools) for (const t of tools) this.producedChars += (t.function?.arguments?.length ?? 0) + (t.function?.name?.length ?? 0);
    }
  }

  /** Usage for a segment cut before the provider reported any: its prompt as estimated, its output from what it produced. */
  estimateUsage(promptTokens: number): CompletionUsage {
    const completion = Math.ceil(this.producedChars / CHARS_PER_TOKEN);
    return { prompt_tokens: promptTokens, completion_tokens: completion, total_tokens: promptTokens + completion };
  }
}

/** Joins segments into the consumer's stream and keeps their records. */
export class SegmentJoiner {
  /** Content the consumer has read, across segments: what a continuation continues. */
  delivered = '';
  private id: string | undefined;
  private created: number | undefined;
  private roleSent = false;
  private readonly records: StreamSegmentRecord[] = [];
  private readonly usages: CompletionUsage[] = [];

  constructor(private readonly call: Call) {}

  /** The chunks to pass on for one upstream chunk of `seg`. */
  *take(chunk: ChatCompletionChunk, seg: Segment): Generator<ChatCompletionChunk> {
    this.id ??= chunk.id;
    this.created ??= chunk.created;
    const model = chunk.model;
    this.lastModel = model;
    const out = (delta: Delta, finish: ChatCompletionChunk.Choice['finish_reason'] = null, from?: ChatCompletionChunk.Choice): ChatCompletionChunk => ({
      id: this.id!,
      object: 'chat.completion.chunk',
      created: this.created!,
      model,
      ...(chunk.system_fingerprint ? { system_fingerprint: chunk.system_fingerprint } : {}),
      choices: [{ index: 0, delta: delta as ChatCompletionChunk.Choice.Delta, finish_reason: finish, logprobs: from?.logprobs ?? null }],
    });
    if (chunk.usage) seg.usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) return;
    const { role, content, tool_calls, reasoning_content, reasoning_details, ...others } = (choice.delta ?? {}) as Delta;
    if (reasoning_content) seg.heldReasoning.text += reasoning_content;
    if (reasoning_details?.length) seg.heldReasoning.details.push(...reasoning_details);
    if (tool_calls?.length) seg.heldTools.push(...tool_calls);
    const rest = Object.fromEntries(Object.entries(others).filter(([, v]) => v !== undefined && v !== null));
    const hasRest = Object.keys(rest).length > 0;
    const moved = !!content || !!tool_calls?.length || hasRest || !!choice.finish_reason;
    if (moved) {
      const r = this.releaseReasoning(seg, out);
      if (r) yield r;
    }
    let text = '';
    if (content) {
      text = seg.trimmer ? seg.trimmer.push(content) : content;
    }
    // A tool call or the end closes the continuation's text: decide on what the trimmer holds.
    if ((tool_calls?.length || choice.finish_reason) && seg.trimmer?.deciding) text += seg.trimmer.flush();
    const first = !this.roleSent && role !== undefined;
    if (text || hasRest || first || choice.logprobs) {
      const delta: Delta = { ...(first ? { role } : {}), ...(text || first ? { content: text } : {}), ...rest };
      if (first) this.roleSent = true;
      this.delivered += text;
      seg.contentChars += text.length;
      yield out(delta, null, choice);
    }
    if (choice.finish_reason) {
      const tools = mergeTools(seg.heldTools);
      seg.heldTools = [];
      if (tools.length) {
        seg.toolCalls += tools.length;
        yield out({ tool_calls: tools });
      }
      yield out({}, choice.finish_reason);
    }
  }

  private releaseReasoning(seg: Segment, out: (d: Delta) => ChatCompletionChunk): ChatCompletionChunk | undefined {
    const { text, details } = seg.heldReasoning;
    if (!text && details.length === 0) return undefined;
    seg.heldReasoning = { text: '', details: [] };
    seg.reasoningChars += text.length;
    return out({ ...(text ? { reasoning_content: text } : {}), ...(details.length ? { reasoning_details: details } : {}) });
  }

  /** Records how `seg` ended. */
  close(seg: Segment, outcome: StreamSegmentRecord['outcome'], attempt: AttemptRecord | undefined, failure?: { reason: string; message: string }): void {
    const discardedTools = new Set(seg.heldTools.map((t) => t.index)).size;
    const discardedReasoning = seg.heldReasoning.text.length;
    const rec: StreamSegmentRecord = {
      model: seg.entry.id,
      provider: seg.entry.provider,
      attempt: attempt?.n ?? 0,
      contentChars: seg.contentChars,
      reasoningChars: seg.reasoningChars,
      toolCalls: seg.toolCalls,
      outcome,
    };
    if (discardedTools || discardedReasoning) rec.discarded = { toolCalls: discardedTools, reasoningChars: discardedReasoning };
    if (seg.trimmer?.removed) rec.overlapRemovedChars = seg.trimmer.removed;
    if (failure) rec.failure = failure;
    if (seg.continuation) rec.continuation = seg.continuation;
    if (attempt?.costUsd !== undefined) rec.costUsd = attempt.costUsd;
    if (attempt?.usageEstimated) rec.usageEstimated = true;
    this.records.push(rec);
    // The provider's own usage when it sent any (details included), else what the attempt was billed on.
    const u = attempt?.usage;
    if (seg.usage) this.usages.push(seg.usage);
    else if (u) this.usages.push({ prompt_tokens: u.promptTokens, completion_tokens: u.completionTokens, total_tokens: u.promptTokens + u.completionTokens });
  }

  /** The closing usage chunk: one, summed over every segment (cut ones estimated when the provider reported none). */
  usageChunk(): ChatCompletionChunk | undefined {
    if (this.usages.length === 0 || this.id === undefined) return undefined;
    const base = { id: this.id, object: 'chat.completion.chunk' as const, created: this.created!, model: this.lastModel ?? '', choices: [] };
    // One segment: its usage exactly as the provider reported it.
    if (this.usages.length === 1) return { ...base, usage: this.usages[0]! };
    const sum = (k: 'prompt_tokens' | 'completion_tokens') => this.usages.reduce((n, u) => n + (u[k] ?? 0), 0);
    const prompt = sum('prompt_tokens');
    const completion = sum('completion_tokens');
    return { ...base, usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion } };
  }

  /** The upstream model name of the last chunk passed on (who finished). */
  lastModel: string | undefined;

  /** Puts the segments on the DecisionRecord when the answer took more than one. */
  publish(): void {
    if (this.records.length > 1 || this.records.some((r) => r.outcome === 'cut')) this.call.recorder.streamSegments(this.records);
  }
}

/** Each tool call's fragments as one complete call, in index order. */
function mergeTools(fragments: ToolDelta[]): ToolDelta[] {
  const byIndex = new Map<number, ToolDelta>();
  for (const f of fragments) {
    const t = byIndex.get(f.index);
    if (!t) {
      byIndex.set(f.index, { ...f, ...(f.function ? { function: { ...f.function, arguments: f.function.arguments ?? '' } } : {}) });
      continue;
    }
    if (f.id && !t.id) t.id = f.id;
    if (f.type && !t.type) t.type = f.type;
    if (f.function) {
      t.function ??= { arguments: '' };
      if (f.function.name && !t.function.name) t.function.name = f.function.name;
      t.function.arguments = (t.function.arguments ?? '') + (f.function.arguments ?? '');
    }
    // Provider extras (e.g. Gemini's extra_content thought signature) ride on the call.
    for (const [k, v] of Object.entries(f)) if (!(k in t)) (t as unknown as Record<string, unknown>)[k] = v;
  }
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}
