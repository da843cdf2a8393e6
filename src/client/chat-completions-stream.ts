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
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { RoutingContext } from '../spec/routing-context.js';
import type { RouterCreateParams, RouterRequestOptions } from './request-options.js';
import type { ParsedContentOf } from './chat-completions-parse.js';
import { ProviderFieldCarry } from './carry-provider-fields.js';

/** The SDK tags helper calls with this header for its own telemetry; no provider needs it. */
const HELPER_HEADER = 'x-stainless-helper-method';

/** The runner's options plus the routing context applied to every turn. */
export type RouterRunnerOptions = RunnerOptions & { routing?: RoutingContext | undefined };

export type RouterStreamParams = RouterCreateParams<ChatCompletionStreamParams>;

/** The router's `chat.completions.create`: what the SDK's helpers call. */
export type RoutedCreate = (body: ChatCompletionCreateParams, options?: RouterRequestOptions) => PromiseLike<unknown>;

/** What the SDK's helpers need of a client: `chat.completions.create`, here the router's. */
function routedClient(routed: RoutedCreate): OpenAI {
  const create = (body: ChatCompletionCreateParams, options?: RouterRequestOptions) => routed(body, withoutHelperHeader(options));
  return { chat: { completions: { create } } } as unknown as OpenAI;
}

function withoutHelperHeader(options: RouterRequestOptions | undefined): RouterRequestOptions | undefined {
  const headers = options?.headers;
  if (!headers || typeof headers !== 'object' || Array.isArray(headers) || headers instanceof Headers) return options;
  const rest = Object.fromEntries(Object.entries(headers as Record<string, unknown>).filter(([k]) => k.toLowerCase() !== HELPER_HEADER));
  return { ...options, headers: Object.keys(rest).length ? (rest as RouterRequestOptions['headers']) : undefined };
}

export function streamCompletion<Params extends RouterStreamParams, ParsedT = ParsedContentOf<Params>>(
  routed: RoutedCreate,
  body: Params,
  options?: RouterRequestOptions,
): ChatCompletionStream<ParsedT> {
  return ChatCompletionStream.createChatCompletion<ParsedT>(routedClient(routed), body as ChatCompletionStreamParams, options as OpenAI.RequestOptions);
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

/**
 * A client for one runTools run: like routedClient, and it puts back on each replayed
 * assistant message the provider fields the SDK's runner strips (see carry-provider-fields.ts).
 */
function carryingClient(routed: RoutedCreate): OpenAI {
  const carry = new ProviderFieldCarry();
  const create = async (body: ChatCompletionCreateParams, options?: RouterRequestOptions) => {
    const result = await routed(carry.restore(body), withoutHelperHeader(options));
    if (!body.stream) carry.rememberCompletion(result as ChatCompletion);
    else {
      const stream = result as unknown as AsyncIterable<ChatCompletionChunk>;
      const iterate = stream[Symbol.asyncIterator].bind(stream);
      Object.defineProperty(stream, Symbol.asyncIterator, { value: () => carry.observe({ [Symbol.asyncIterator]: iterate })[Symbol.asyncIterator](), configurable: true });
    }
    return result;
  };
  return { chat: { completions: { create } } } as unknown as OpenAI;
}

export function runToolsWith(routed: RoutedCreate): RunToolsMethod {
  return ((body: { stream?: boolean | null }, options?: RouterRunnerOptions) => {
    const client = carryingClient(routed);
    if (body.stream) return ChatCompletionStreamingRunner.runTools(client, body as ChatCompletionStreamingToolRunnerParamsWithContext<any, any>, options);
    return ChatCompletionRunner.runTools(client, body as ChatCompletionToolRunnerParamsWithContext<any, any>, options);
  }) as RunToolsMethod;
}
