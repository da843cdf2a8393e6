/**
 * `chat.completions.stream()` and `runTools()`: the OpenAI SDK's own
 * ChatCompletionStream and runners, driven through a client-like object whose
 * `chat.completions.create` is the router's. Every event (`content.delta`,
 * `tool_calls.function.arguments.delta`, `finalChatCompletion()`, …) is the SDK's, and
 * every turn of a tool loop is routed, with fallback, like any other call.
 */
import type OpenAI from 'openai';
import { ChatCompletionStream, type ChatCompletionStreamParams } from 'openai/lib/ChatCompletionStream';
import { ChatCompletionRunner, type ChatCompletionToolRunnerParamsWithContext, type ChatCompletionToolRunnerParamsWithoutContext } from 'openai/lib/ChatCompletionRunner';
import {
  ChatCompletionStreamingRunner,
  type ChatCompletionStreamingToolRunnerParamsWithContext,
  type ChatCompletionStreamingToolRunnerParamsWithoutContext,
} from 'openai/lib/ChatCompletionStreamingRunner';
import type { RunnerOptions } from 'openai/lib/AbstractChatCompletionRunner';
import type { RunnableToolFunctionWithContext } from 'openai/lib/RunnableFunction';
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { RoutingContext } from '../config/router-options.js';
import type { Router } from './router.js';
import type { RouterCreateParams, RouterRequestOptions } from './request-options.js';
import type { ParsedContentOf } from './chat-completions-parse.js';

/** The SDK tags helper calls with this header for its own telemetry; no provider needs it. */
const HELPER_HEADER = 'x-stainless-helper-method';

/** The runner's options plus the routing context applied to every turn. */
export type RouterRunnerOptions = RunnerOptions & { routing?: RoutingContext | undefined };

export type RouterStreamParams = RouterCreateParams<ChatCompletionStreamParams>;

/** What the SDK's helpers need of a client: `chat.completions.create`, here the router's. */
function routedClient(router: Router, history?: () => readonly unknown[] | undefined): OpenAI {
  const create = (body: ChatCompletionCreateParams, options?: RouterRequestOptions) =>
    router.chat.completions.create(history ? withReasoning(body, history()) : body, withoutHelperHeader(options));
  return { chat: { completions: { create } } } as unknown as OpenAI;
}

const REASONING_FIELDS = ['reasoning_details', 'reasoning_content'] as const;

/**
 * The SDK's tool runners rebuild each assistant message from a fixed list of fields,
 * which drops the reasoning a provider needs back on the next turn (Claude's signed
 * thinking in `reasoning_details`). The runner still holds the original messages, in
 * the same order as the request's, so the fields are put back from there.
 */
function withReasoning(body: ChatCompletionCreateParams, original: readonly unknown[] | undefined): ChatCompletionCreateParams {
  if (!original || original.length !== body.messages.length) return body;
  let changed = false;
  const messages = body.messages.map((m, i) => {
    const from = original[i] as Record<string, unknown> | undefined;
    if (m.role !== 'assistant' || from?.role !== 'assistant') return m;
    const extra = Object.fromEntries(REASONING_FIELDS.filter((k) => from[k] != null && !(k in m)).map((k) => [k, from[k]]));
    if (Object.keys(extra).length === 0) return m;
    changed = true;
    return { ...m, ...extra };
  });
  return changed ? { ...body, messages } : body;
}

function withoutHelperHeader(options: RouterRequestOptions | undefined): RouterRequestOptions | undefined {
  const headers = options?.headers;
  if (!headers || typeof headers !== 'object' || Array.isArray(headers) || headers instanceof Headers) return options;
  const rest = Object.fromEntries(Object.entries(headers as Record<string, unknown>).filter(([k]) => k.toLowerCase() !== HELPER_HEADER));
  return { ...options, headers: Object.keys(rest).length ? (rest as RouterRequestOptions['headers']) : undefined };
}

export function streamCompletion<Params extends RouterStreamParams, ParsedT = ParsedContentOf<Params>>(
  router: Router,
  body: Params,
  options?: RouterRequestOptions,
): ChatCompletionStream<ParsedT> {
  return ChatCompletionStream.createChatCompletion<ParsedT>(routedClient(router), body as ChatCompletionStreamParams, options as OpenAI.RequestOptions);
}

/** The SDK's four `runTools` overloads, with the router's options (routing per turn). */
export interface RunToolsMethod {
  <
    ToolContext,
    Params extends Omit<ChatCompletionToolRunnerParamsWithContext<any, ToolContext>, 'toolContext' | 'tools'> = Omit<
      ChatCompletionToolRunnerParamsWithContext<any, ToolContext>,
      'toolContext' | 'tools'
    >,
    ParsedT = ParsedContentOf<Params & ChatCompletionToolRunnerParamsWithContext<any, ToolContext>>,
  >(
    body: Params & { toolContext: ToolContext; tools: readonly RunnableToolFunctionWithContext<ToolContext>[] },
    options?: RouterRunnerOptions,
  ): ChatCompletionRunner<ParsedT>;
  <
    ToolContext,
    Params extends Omit<ChatCompletionStreamingToolRunnerParamsWithContext<any, ToolContext>, 'toolContext' | 'tools'> = Omit<
      ChatCompletionStreamingToolRunnerParamsWithContext<any, ToolContext>,
      'toolContext' | 'tools'
    >,
    ParsedT = ParsedContentOf<Params & ChatCompletionStreamingToolRunnerParamsWithContext<any, ToolContext>>,
  >(
    body: Params & { toolContext: ToolContext; tools: readonly RunnableToolFunctionWithContext<ToolContext>[] },
    options?: RouterRunnerOptions,
  ): ChatCompletionStreamingRunner<ParsedT>;
  <Params extends ChatCompletionToolRunnerParamsWithoutContext<any>, ParsedT = ParsedContentOf<Params>>(
    body: Params,
    options?: RouterRunnerOptions,
  ): ChatCompletionRunner<ParsedT>;
  <Params extends ChatCompletionStreamingToolRunnerParamsWithoutContext<any>, ParsedT = ParsedContentOf<Params>>(
    body: Params,
    options?: RouterRunnerOptions,
  ): ChatCompletionStreamingRunner<ParsedT>;
}

export function runToolsWith(router: Router): RunToolsMethod {
  return ((body: { stream?: boolean | null; messages?: readonly unknown[] }, options?: RouterRunnerOptions) => {
    const held: { runner?: { messages: readonly unknown[] } } = {};
    // The first turn may be sent before runTools() returns the runner: the caller's messages then.
    const client = routedClient(router, () => held.runner?.messages ?? body.messages);
    const runner = body.stream
      ? ChatCompletionStreamingRunner.runTools(client, body as ChatCompletionStreamingToolRunnerParamsWithContext<any, any>, options)
      : ChatCompletionRunner.runTools(client, body as ChatCompletionToolRunnerParamsWithContext<any, any>, options);
    held.runner = runner;
    return runner;
  }) as RunToolsMethod;
}
