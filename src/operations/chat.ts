/**
 * Chat completions as an operation: routed by the full decision (rules, requirements,
 * filter, strategy), answered by `doGenerate` / `doStream`, cacheable, and the one
 * operation whose routes may cascade or ensemble (their checks judge ChatCompletions).
 */
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import type { Operation } from '../pipeline/operation.js';
import type { RecordedContent } from '../spec/decision-record.js';
import { validateChatBody } from '../config/request-validation.js';

export const chatOperation: Operation<ChatCompletionCreateParams, ChatCompletion, ChatCompletionChunk> = {
  name: 'chat',
  // One validation before any adapter runs: the same 400 for every provider.
  prepare(body) {
    validateChatBody(body);
    return body;
  },
  isStream: (body) => body.stream === true,
  route: (env, body, context, dryRun) => env.decide(body, context, dryRun),
  onRoute: (body, route) => ({ ...body, model: route }),
  generate(entry, body, options) {
    // Cascade and ensemble serve stream requests from whole answers.
    if (body.stream) {
      const { stream: _stream, stream_options: _options, ...rest } = body;
      body = rest as ChatCompletionCreateParams;
    }
    // The caller's own body when it already names the upstream model (adapters never change
    // it): no copy held per request in flight.
    return entry.adapter.doGenerate((body.model === entry.upstream ? body : { ...body, model: entry.upstream }) as ChatCompletionCreateParamsNonStreaming, options);
  },
  stream: (entry, body, options) => entry.adapter.doStream({ ...body, model: entry.upstream } as ChatCompletionCreateParamsStreaming, options),
  events: {
    eventModel: (chunk) => chunk.model,
    eventUsage: (chunk) => chunk.usage ?? undefined,
  },
  answeredBy: (c) => c.model,
  usage: (c) => c.usage,
  totalTokens: (c) => c.usage?.total_tokens,
  strategyRouted: true,
  cacheable: true,
  judgedModes: true,
  content: (body, completion) => {
    const message = completion?.choices[0]?.message;
    const text = message ? (message.content ?? (message.tool_calls ? JSON.stringify(message.tool_calls) : (message.refusal ?? null))) : null;
    // Cloned: the record is frozen, and the caller's own objects must stay theirs.
    return { messages: structuredClone(body.messages), completion: text } satisfies RecordedContent;
  },
};
