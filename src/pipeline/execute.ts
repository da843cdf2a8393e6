/**
 * Stage 4: attempts along the plan, in the route's execution mode. 'fallback' (the
 * default) walks the plan one model at a time; 'cascade' escalates until an answer is
 * accepted; 'hedge' races a second model against a slow first one; 'ensemble' asks
 * several and picks. Retries, timeouts, abort, breakers and limits live in call.ts and
 * apply to every mode.
 */
import { Stream } from 'openai/streaming';
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import type { ModelEntry } from '../spec/model-entry.js';
import { Call, type ExecuteInput, type Lease, type Op } from './call.js';
import { wrapStream, type Opened, type StreamEnd } from './stream-wrap.js';
import { continuationBody } from './stream-continuation.js';
import { runCascade } from './cascade.js';
import { runHedged } from './hedge.js';
import { runEnsemble } from './ensemble.js';

export type { ExecuteInput } from './call.js';

function generateOp(input: ExecuteInput, body: ChatCompletionCreateParams = input.body): Op<ChatCompletion> {
  // Cascade and ensemble serve stream requests from whole answers.
  if (body.stream) {
    const { stream: _stream, stream_options: _options, ...rest } = body;
    body = rest as ChatCompletionCreateParams;
  }
  return (entry, handle, timeoutMs) =>
    entry.adapter.doGenerate({ ...body, model: entry.upstream } as ChatCompletionCreateParamsNonStreaming, {
      signal: handle.controller.signal,
      timeoutMs,
      headers: input.headers,
      maxOutputTokens: entry.maxOutputTokens,
    });
}

/** Opens a stream and waits for its first chunk: until then, a failure falls back transparently. */
function streamOp(input: ExecuteInput, bodyFor: (entry: ModelEntry) => ChatCompletionCreateParams = () => input.body): Op<Opened> {
  return async (entry, handle, timeoutMs) => {
    const started = Date.now();
    const body = bodyFor(entry);
    const upstream = await entry.adapter.doStream({ ...body, model: entry.upstream } as ChatCompletionCreateParamsStreaming, {
      signal: handle.controller.signal,
      timeoutMs,
      headers: input.headers,
      maxOutputTokens: entry.maxOutputTokens,
    });
    const iterator = upstream[Symbol.asyncIterator]();
    try {
      const first = await iterator.next();
      // The attempt timeout bounds the wait for the first chunk; the idle limit takes over.
      handle.release();
      return { iterator, first, ttftMs: Date.now() - started };
    } catch (err) {
      void iterator.return?.().catch(() => undefined);
      throw err;
    }
  };
}

export async function executeGenerate(input: ExecuteInput): Promise<{ completion: ChatCompletion; entry: ModelEntry }> {
  const call = new Call(input);
  const mode = call.policy.mode;
  if (mode === 'cascade') return runCascade(call, generateOp(input));
  if (mode === 'ensemble') return runEnsemble(call, generateOp(input));
  const { lease } = mode === 'hedge' ? await runHedged(call, input.plan, generateOp(input), 'generate') : await call.walk(input.plan, generateOp(input), { kind: 'generate' });
  return { completion: lease.value, entry: lease.entry };
}

export interface StreamResult {
  stream: Stream<ChatCompletionChunk>;
  entry: ModelEntry;
}

/**
 * Opens the stream on the first model that produces a first chunk: a failure before
 * anything reached the caller falls back transparently. After that, a failure is
 * thrown to the consumer — never a stream that simply ends early.
 */
export async function executeStream(input: ExecuteInput, wantsUsage: boolean, onEnd: StreamEnd): Promise<StreamResult> {
  const call = new Call(input);
  const mode = call.policy.mode;
  if (mode === 'cascade' || mode === 'ensemble') {
    // Both need whole answers to judge; the chosen one is replayed as a stream.
    const { completion, entry } = mode === 'cascade' ? await runCascade(call, generateOp(input)) : await runEnsemble(call, generateOp(input));
    onEnd('success', entry, completion.model);
    return { stream: replayAsStream(completion, wantsUsage), entry };
  }
  const opened =
    mode === 'hedge' ? await runHedged(call, input.plan, streamOp(input), 'stream') : await call.walk(input.plan, streamOp(input), { kind: 'stream' });
  // Resume continues on the next models, then (wrapping round) the earlier ones and the same
  // one last: the call's attempt budget bounds it.
  // `signal` is the stream's own controller (linked to the caller's): aborting the stream
  // while the continuation opens cancels it.
  const reopen = async (delivered: string, from: number, signal: AbortSignal) => {
    const rotated = [...input.plan.slice(from), ...input.plan.slice(0, from)];
    // Each candidate gets the continuation its API supports (prefill, or an instruction).
    const got = await call.walk(rotated, streamOp(input, (entry) => continuationBody(input.body, delivered, entry).body), { kind: 'stream', leg: signal });
    return { lease: got.lease, index: input.plan.indexOf(got.lease.entry) };
  };
  return { stream: wrapStream(call, opened as { lease: Lease<Opened>; index: number }, wantsUsage, reopen, onEnd), entry: opened.lease.entry };
}

/** A whole ChatCompletion as OpenAI stream chunks (role, content, tool calls, finish, usage). */
export function replayAsStream(c: ChatCompletion, wantsUsage: boolean): Stream<ChatCompletionChunk> {
  const base = { id: c.id, object: 'chat.completion.chunk' as const, created: c.created, model: c.model };
  async function* iterate(): AsyncGenerator<ChatCompletionChunk> {
    for (const choice of c.choices) {
      const m = choice.message;
      const delta: ChatCompletionChunk.Choice.Delta = { role: 'assistant', content: m.content ?? '' };
      if (m.refusal) delta.refusal = m.refusal;
      if (m.tool_calls?.length) {
        delta.tool_calls = m.tool_calls.map((t, index) =>
          t.type === 'function' ? { index, id: t.id, type: 'function' as const, function: { name: t.function.name, arguments: t.function.arguments } } : { index, id: t.id },
        );
      }
      yield { ...base, choices: [{ index: choice.index, delta, finish_reason: null, logprobs: null }] };
      yield { ...base, choices: [{ index: choice.index, delta: {}, finish_reason: choice.finish_reason, logprobs: null }] };
    }
    if (wantsUsage && c.usage) yield { ...base, choices: [], usage: c.usage };
  }
  return new Stream<ChatCompletionChunk>(iterate, new AbortController());
}
