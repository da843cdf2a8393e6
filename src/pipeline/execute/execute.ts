/**
 * Stage 4, for every operation: attempts along the plan, in the route's execution mode.
 * 'fallback' (the default) walks the plan one model at a time; 'cascade' escalates until
 * an answer is accepted; 'hedge' races a second model against a slow first one;
 * 'ensemble' asks several and picks (cascade and ensemble judge chat completions, so
 * other operations run them as fallback). Retries, timeouts, abort, breakers and limits
 * live in call.ts and apply to every mode and every operation; the operation only says
 * which adapter method an attempt calls and how to read its answer.
 */
import { Stream } from 'openai/streaming';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { ModelEntry } from '../../spec/model-entry.js';
import type { Operation } from '../operation.js';
import type { ExecutionMode } from '../../config/resilience-schema.js';
import type { AttemptHandle } from './attempt.js';
import { Call, type ExecuteInput, type Lease, type Op } from './call.js';
import { wrapStream, type Opened, type StreamEnd } from './stream-wrap.js';
import { wrapEvents } from './event-stream-wrap.js';
import { continuationBody } from './stream-continuation.js';
import { runCascade } from './cascade.js';
import { runHedged } from './hedge.js';
import { UNABORTABLE } from '../../internal/adapter-marks.js';
import { runEnsemble } from './ensemble.js';

export type { ExecuteInput } from './call.js';

function callOptions(input: ExecuteInput<unknown>, entry: ModelEntry, handle: AttemptHandle, timeoutMs: number | undefined) {
  return { signal: handle.controller.signal, timeoutMs, headers: input.headers, maxOutputTokens: entry.maxOutputTokens };
}

// UNABORTABLE (internal/adapter-marks.ts) is set on the call options of a whole-answer
// attempt whose controller nothing links (no caller signal, no timer, not a hedge leg):
// nobody can abort it, so an adapter may leave the signal out of its SDK call — the openai
// SDK composes AbortSignal.any() around any signal it is given (~1 KB per request in flight).

/**
 * The call options of an unlinked attempt for an adapter that says (with UNABORTABLE set
 * on itself) it leaves such a signal out of its SDK call: the signal is made only if read.
 */
class UnabortableOptions {
  readonly [UNABORTABLE] = true;
  constructor(
    private readonly handle: AttemptHandle,
    readonly headers: Record<string, string> | undefined,
    readonly maxOutputTokens: number | undefined,
  ) {}

  get signal(): AbortSignal {
    return this.handle.controller.signal;
  }

  get timeoutMs(): undefined {
    return undefined;
  }
}

/**
 * The call options of a whole-answer attempt: the same own keys in the same order as the
 * literal they replace (`signal`, `timeoutMs`, `headers`, `maxOutputTokens`, then the
 * UNABORTABLE mark, false when linked). A literal with a computed key is built from a
 * slow boilerplate (~700 instructions per call); a class has one fixed shape.
 */
class AttemptOptions {
  declare [UNABORTABLE]: boolean;
  constructor(
    readonly signal: AbortSignal,
    readonly timeoutMs: number | undefined,
    readonly headers: Record<string, string> | undefined,
    readonly maxOutputTokens: number | undefined,
    unabortable: boolean,
  ) {
    this[UNABORTABLE] = unabortable;
  }
}

/**
 * Set on the call options of a stream attempt whose controller nothing links (no caller
 * signal, no timer, not a hedge leg or continuation): nothing aborts it before the stream
 * has opened, only afterwards (the consumer stopping, an idle stall). An adapter may then
 * leave the signal out of its SDK call and abort the stream the SDK returns when the
 * signal fires: a signal given to the openai SDK becomes an AbortSignal.any() composite,
 * whose `aborted` the SDK reads on every SSE message.
 */
const ABORTED_ONLY_ONCE_OPEN = Symbol.for('llm-switchboard.aborted-only-once-open');

/**
 * The op of a whole-answer attempt. One per operation, reading the call it runs for (no
 * closure per call held while the attempt is in flight).
 */
function generateOp<B, R>(op: Operation<B, R, unknown>): Op<R> {
  let gen = generateOps.get(op) as Op<R> | undefined;
  if (!gen) {
    gen = (entry, handle, timeoutMs, call) => {
      const input = call.input as ExecuteInput<B>;
      if (!handle.linked && (entry.adapter as unknown as Record<symbol, unknown>)[UNABORTABLE] === true) {
        return op.generate(entry, input.body, new UnabortableOptions(handle, input.headers, entry.maxOutputTokens) as unknown as Parameters<typeof op.generate>[2]);
      }
      return op.generate(entry, input.body, new AttemptOptions(handle.controller.signal, timeoutMs, input.headers, entry.maxOutputTokens, !handle.linked));
    };
    generateOps.set(op, gen as Op<unknown>);
  }
  return gen;
}

const generateOps = new WeakMap<object, Op<unknown>>();

/** Opens a stream and waits for its first event: until then, a failure falls back transparently. */
function streamOp<B, E>(input: ExecuteInput<B>, op: Operation<B, unknown, E>, bodyFor: (entry: ModelEntry) => B = () => input.body): Op<Opened<E>> {
  return async (entry, handle, timeoutMs) => {
    const started = Date.now();
    const options = callOptions(input, entry, handle, timeoutMs);
    if (!handle.linked) (options as unknown as Record<symbol, boolean>)[ABORTED_ONLY_ONCE_OPEN] = true;
    const upstream = await op.stream!(entry, bodyFor(entry), options);
    const iterator = upstream[Symbol.asyncIterator]();
    try {
      const first = await iterator.next();
      // The attempt timeout bounds the wait for the first event; the idle limit takes over.
      handle.release();
      return { iterator, first, ttftMs: Date.now() - started };
    } catch (err) {
      void iterator.return?.()?.catch(() => undefined);
      throw err;
    }
  };
}

/** The route's mode, as far as the operation allows it (cascade and ensemble judge chat completions). */
function modeOf(call: Call<unknown>, op: Operation<unknown, unknown, unknown>): ExecutionMode {
  const mode = call.policy.mode;
  return op.judgedModes || mode === 'hedge' ? mode : 'fallback';
}

/**
 * A whole answer on `call`, in the route's execution mode, settled through the call's
 * wholeAnswer() / wholeFailed() (by default `{ value, entry }` / the failure). Fallback,
 * the common mode, is call.whole(): nothing between the adapter's answer and the record.
 */
export function generateOn<B, R>(call: Call<B>, op: Operation<B, R, unknown>): Promise<unknown> {
  let answer: Promise<{ value: unknown; entry: ModelEntry }>;
  try {
    const mode = modeOf(call, op);
    if (mode === 'fallback') return call.whole(call.input.plan, generateOp(op));
    if (mode === 'hedge') answer = runHedged(call, call.input.plan, generateOp(op), 'generate').then(leaseOf);
    else {
      // Only chat completions reach here (judgedModes).
      const chat = call as unknown as Call;
      const gen = generateOp(op) as unknown as Op<ChatCompletion>;
      answer = (mode === 'cascade' ? runCascade(chat, gen) : runEnsemble(chat, gen)).then(({ completion, entry }) => ({ value: completion, entry }));
    }
  } catch (err) {
    answer = Promise.reject(err);
  }
  return answer.then(
    (got) => call.wholeAnswer(got.value, got.entry),
    (err: unknown) => call.wholeFailed(err),
  );
}

/** A whole answer, in the route's execution mode. */
export function executeGenerate<B, R>(input: ExecuteInput<B>, op: Operation<B, R, unknown>): Promise<{ value: R; entry: ModelEntry }> {
  return generateOn(new Call<B>(input), op) as Promise<{ value: R; entry: ModelEntry }>;
}

function leaseOf<T>(got: { lease: Lease<T> }): Lease<T> {
  return got.lease;
}

export interface StreamResult<E> {
  stream: Stream<E>;
  entry: ModelEntry;
}

/**
 * Opens the stream on the first model that produces a first event: a failure before
 * anything reached the caller falls back transparently. After that, a failure is
 * thrown to the consumer — never a stream that simply ends early. Chat chunk streams
 * get the chat machinery (resume, segment joining, cascade replay); other event
 * streams the same attempt bookkeeping through wrapEvents.
 */
export async function executeStream<B, E>(input: ExecuteInput<B>, op: Operation<B, unknown, E>, wantsUsage: boolean, onEnd: StreamEnd): Promise<StreamResult<E>> {
  const call = new Call<B>(input);
  const mode = modeOf(call, op);
  if (op.name !== 'chat') {
    const opened = mode === 'hedge' ? await runHedged(call, input.plan, streamOp(input, op), 'stream') : await call.walk(input.plan, streamOp(input, op), { kind: 'stream' });
    return { stream: wrapEvents(call, opened.lease, op.events!, onEnd), entry: opened.lease.entry };
  }
  const chatInput = input as unknown as ExecuteInput;
  const chatOp = op as unknown as Operation<ChatCompletionCreateParams, ChatCompletion, ChatCompletionChunk>;
  const chatCall = call as unknown as Call;
  if (mode === 'cascade' || mode === 'ensemble') {
    // Both need whole answers to judge; the chosen one is replayed as a stream.
    const gen = generateOp(chatOp);
    const { completion, entry } = mode === 'cascade' ? await runCascade(chatCall, gen) : await runEnsemble(chatCall, gen);
    onEnd('success', entry, completion.model);
    return { stream: replayAsStream(completion, wantsUsage) as unknown as Stream<E>, entry };
  }
  const opened =
    mode === 'hedge' ? await runHedged(chatCall, chatInput.plan, streamOp(chatInput, chatOp), 'stream') : await chatCall.walk(chatInput.plan, streamOp(chatInput, chatOp), { kind: 'stream' });
  // Resume continues on the next models, then (wrapping round) the earlier ones and the same
  // one last: the call's attempt budget bounds it.
  // `signal` is the stream's own controller (linked to the caller's): aborting the stream
  // while the continuation opens cancels it.
  const reopen = async (delivered: string, from: number, signal: AbortSignal) => {
    const rotated = [...chatInput.plan.slice(from), ...chatInput.plan.slice(0, from)];
    // Each candidate gets the continuation its API supports (prefill, or an instruction).
    const got = await chatCall.walk(rotated, streamOp(chatInput, chatOp, (entry) => continuationBody(chatInput.body, delivered, entry).body), { kind: 'stream', leg: signal });
    return { lease: got.lease, index: chatInput.plan.indexOf(got.lease.entry) };
  };
  const stream = wrapStream(chatCall, opened as { lease: Lease<Opened>; index: number }, wantsUsage, reopen, onEnd);
  return { stream: stream as unknown as Stream<E>, entry: opened.lease.entry };
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
