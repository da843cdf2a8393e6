/**
 * `router.responses.create()`: OpenAI's Responses API, routed. A model on an OpenAI-type
 * provider gets the request as-is (`client.responses.create`); any other provider gets
 * the common subset translated to chat completions, and answers as OpenAI's Response
 * (or Responses event stream). A feature with no chat equivalent (built-in tools,
 * previous_response_id, background, …) restricts the plan to OpenAI-type models; when
 * none is left it is a BadRequestError naming the feature.
 */
import { OpenAIError } from 'openai';
import { Stream } from 'openai/streaming';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type {
  Response,
  ResponseCreateParamsBase,
  ResponseCreateParamsNonStreaming,
  ResponseCreateParamsStreaming,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';
import type { HookBus } from '../observability/hooks.js';
import { Recorder, describeError } from '../pipeline/record.js';
import type { ModelEntry } from '../spec/model-entry.js';
import type { Router } from './router.js';
import { RoutedPromise, type Routed, type WithRequestID } from './routed-promise.js';
import { normalizeHeaders, type RouterRequestOptions } from './request-options.js';
import { badRequest } from './routing-context.js';
import { runAttempts } from './attempt-loop.js';
import { watchAbandon, type AbandonWatch } from '../pipeline/abandon-watch.js';
import { toChatRequest, toChatUsage, toResponse, unmappableFeatures } from './responses-translate.js';
import { chunksToResponseEvents } from './responses-stream.js';
import type { Accounting } from './accounting.js';

export class Responses {
  /** @internal */
  constructor(
    private readonly router: Router,
    private readonly hooks: () => HookBus,
    private readonly accounting: () => Accounting,
  ) {}

  /**
   * Creates a model response, with the model chosen by the router.
   * @example const r = await router.responses.create({ model: 'auto', input: 'Say hi' }); r.output_text;
   */
  create(body: ResponseCreateParamsNonStreaming, options?: RouterRequestOptions): RoutedPromise<WithRequestID<Response>>;
  create(body: ResponseCreateParamsStreaming, options?: RouterRequestOptions): RoutedPromise<WithRequestID<Stream<ResponseStreamEvent>>>;
  create(body: ResponseCreateParamsBase, options?: RouterRequestOptions): RoutedPromise<WithRequestID<Stream<ResponseStreamEvent>> | WithRequestID<Response>>;
  create(body: ResponseCreateParamsBase, options?: RouterRequestOptions): RoutedPromise<any> {
    return new RoutedPromise(this.run(body, options));
  }

  private async run(body: ResponseCreateParamsBase, options: RouterRequestOptions | undefined): Promise<Routed<any>> {
    if (!body || typeof body !== 'object') throw badRequest('The request body must be an object');
    if (body.input !== undefined && typeof body.input !== 'string' && !Array.isArray(body.input)) throw badRequest("'input' must be a string or an array of input items", 'input');
    const chat = toChatRequest(body);
    const decision = this.router._plan(chat, options);
    const unmappable = unmappableFeatures(body);
    const plan = unmappable.length ? decision.plan.filter((e) => typeof e.adapter.doResponses === 'function') : decision.plan;
    if (plan.length === 0) {
      throw badRequest(
        `The Responses API feature(s) ${unmappable.join(', ')} cannot be translated to chat completions, and no OpenAI-type model can serve this request (plan: ${decision.plan.map((e) => `${e.id} via ${e.provider}`).join(', ')})`,
      );
    }
    const stream = body.stream === true;
    const recorder = new Recorder(
      {
        requested: decision.requested,
        route: decision.routeName,
        stream,
        context: decision.context,
        candidates: decision.candidates,
        strategy: decision.strategy,
        strategyReason: unmappable.length && plan.length < decision.plan.length ? `${decision.strategyReason}; OpenAI-type models only (${unmappable.join(', ')})` : decision.strategyReason,
        plan,
        estimatedUsd: decision.estimatedUsd,
      },
      this.hooks(),
    );
    // Budgets, cost tracking and telemetry see Responses calls as they see chat ones.
    const acc = this.accounting();
    const call = {
      routeName: decision.routeName,
      requested: decision.requested,
      plan,
      promptTokens: decision.requirements.promptTokens,
      maxOutputTokens: decision.requirements.maxOutputTokens,
      tenant: decision.context.tenant,
    };
    const budget = await acc.reserve(call, () => call);
    recorder.setBudgets(budget.checks);
    acc.attach(recorder, budget.reservation);
    if (budget.error) {
      recorder.finish('error', undefined, budget.error);
      throw budget.error;
    }
    const loop = { plan, recorder, signal: options?.signal ?? undefined, timeoutMs: options?.timeout, maxRetries: options?.maxRetries, headers: normalizeHeaders(options?.headers) };
    try {
      if (!stream) {
        const { result, entry } = await runAttempts(
          loop,
          async (entry, call) => {
            if (entry.adapter.doResponses) return entry.adapter.doResponses({ ...body, model: entry.upstream, stream: false } as ResponseCreateParamsNonStreaming, call);
            const completion = await entry.adapter.doGenerate({ ...chat, model: entry.upstream, stream: false } as ChatCompletionCreateParamsNonStreaming, call);
            return toResponse(completion, body);
          },
          (r) => ({ answeredBy: r.model, usage: toChatUsage(r.usage) }),
        );
        recorder.finish('success', { entry, answeredBy: result.model });
        return { data: result, decision: recorder.decision, settled: true };
      }
      const opened = await runAttempts(
        loop,
        async (entry, call) => {
          const events = entry.adapter.doResponsesStream
            ? await entry.adapter.doResponsesStream({ ...body, model: entry.upstream } as ResponseCreateParamsNonStreaming, call)
            : chunksToResponseEvents(await entry.adapter.doStream({ ...chat, model: entry.upstream, stream: true } as ChatCompletionCreateParamsStreaming, call), body);
          const iterator = events[Symbol.asyncIterator]();
          // Fallback is transparent until the first event; after that a failure reaches the caller.
          const first = await iterator.next();
          return { iterator, first };
        },
        undefined,
      );
      const answering = { decisionId: recorder.id, route: decision.routeName, model: opened.entry.id, provider: opened.entry.provider };
      return { data: wrapStream(opened, recorder, options?.signal ?? undefined), decision: recorder.decision, settled: false, answering };
    } catch (err) {
      recorder.finish((err as { name?: string })?.name === 'APIUserAbortError' ? 'aborted' : 'error', undefined, err);
      throw err;
    }
  }
}

/** How long a Responses stream may go unread before it is released (as chat's `timeouts.abandonMs` default). */
const ABANDON_MS = 60_000;

function wrapStream(
  opened: {
    result: { iterator: AsyncIterator<ResponseStreamEvent>; first: IteratorResult<ResponseStreamEvent> };
    entry: ModelEntry;
    started: number;
    controller: AbortController;
    unlink: () => void;
  },
  recorder: Recorder,
  callerSignal: AbortSignal | undefined,
): Stream<ResponseStreamEvent> {
  const { entry, started } = opened;
  const { iterator, first } = opened.result;
  const ttftMs = Date.now() - started;
  // The Stream's own controller: `stream.controller.abort()` cancels upstream, as with the SDK.
  const controller = new AbortController();
  controller.signal.addEventListener('abort', () => opened.controller.abort(), { once: true });
  let consumed = false;
  let answeredBy: string | undefined;
  let usage: unknown;
  let settled = false;
  // Set once the stream object exists (the watch needs it); the closures above read it.
  const held: { watch?: AbandonWatch } = {};
  let abandoned: Error | undefined;

  const settle = (outcome: 'success' | 'error' | 'aborted' | 'abandoned', err?: unknown) => {
    if (settled) return;
    settled = true;
    held.watch?.stop();
    opened.unlink();
    const d = err === undefined ? undefined : describeError(err);
    recorder.attempt(entry, started, outcome, {
      ttftMs,
      ...(answeredBy ? { answeredBy } : {}),
      usage,
      ...(d ? { errorClass: d.class, errorMessage: d.message, ...(d.status !== undefined ? { status: d.status } : {}) } : {}),
    });
    if (outcome === 'success') entry.stats.successes++;
    else if (outcome === 'error') entry.stats.failures++;
    recorder.finish(outcome, { entry, answeredBy }, err);
  };

  async function* iterate(): AsyncGenerator<ResponseStreamEvent> {
    if (consumed) throw new OpenAIError('Cannot iterate over a consumed stream, use `.tee()` to split the stream.');
    consumed = true;
    if (abandoned) throw abandoned;
    held.watch?.back();
    let finished = false;
    try {
      let r = first;
      while (!r.done) {
        const event = r.value;
        const response = (event as { response?: Response }).response;
        if (response) {
          answeredBy = response.model;
          if (response.usage) usage = toChatUsage(response.usage);
        }
        held.watch?.away();
        yield event;
        held.watch?.back();
        if (abandoned) throw abandoned;
        r = await iterator.next();
      }
      finished = true;
      settle(controller.signal.aborted || callerSignal?.aborted ? 'aborted' : 'success');
    } catch (err) {
      finished = true;
      if (abandoned) throw abandoned;
      if (controller.signal.aborted || callerSignal?.aborted) {
        settle('aborted');
        return;
      }
      settle('error', err);
      throw err;
    } finally {
      if (!finished) {
        controller.abort();
        void iterator.return?.()?.catch(() => undefined);
        settle('aborted');
      }
    }
  }

  const stream = new Stream<ResponseStreamEvent>(iterate, controller);
  // Never read, or left mid-way: cancel upstream and release the reservation (see abandon-watch.ts).
  held.watch = watchAbandon(stream, ABANDON_MS, (why) => {
    if (settled) return;
    abandoned = new OpenAIError(`Stream abandoned: ${why}; the upstream request was cancelled and its resources released.`);
    controller.abort();
    void iterator.return?.()?.catch(() => undefined);
    settle('abandoned');
  });
  return stream;
}
