/**
 * `chat.completions.parse()`: the OpenAI SDK's structured-output helper over a routed
 * call. Parsing is the SDK's own (`parseChatCompletion`, `validateInputTools`), so
 * `zodResponseFormat(...)` / `zodFunction(...)` give `message.parsed` and
 * `parsed_arguments` exactly as with `new OpenAI()`, whichever provider answered.
 */
import { ContentFilterFinishReasonError, LengthFinishReasonError } from 'openai/core/error';
import { parseChatCompletion, validateInputTools, type AutoParseableResponseFormat } from 'openai/lib/parser';
import type {
  ChatCompletion,
  ChatCompletionCreateParams,
  ChatCompletionParseParams,
  ParsedChatCompletion,
} from 'openai/resources/chat/completions';
import { runCall, type Runner } from './runner.js';
import { chatOperation } from '../operations/chat.js';
import { RoutedPromise, type WithRequestID } from './routed-promise.js';
import type { RouterCreateParams, RouterRequestOptions } from './request-options.js';
import { StructuredOutputError } from './structured-output-error.js';

/** As the SDK's ExtractParsedContentFromParams, for bodies whose `model` may be omitted. */
export type ParsedContentOf<Params extends { response_format?: unknown }> =
  Params['response_format'] extends AutoParseableResponseFormat<infer P> ? P : null;

export type RouterParseParams = RouterCreateParams<ChatCompletionParseParams>;

/** The outcome of checking one completion against a parse() body. */
export type StructuredOutputCheck<ParsedT = unknown> =
  | { ok: true; completion: ParsedChatCompletion<ParsedT> }
  | { ok: false; reason: string; error: Error };

/**
 * Parses `completion` the way `parse()` would. Never throws: a refusal, a cut answer
 * (`finish_reason: 'length'`), invalid JSON or a schema mismatch is `{ ok: false }`.
 */
export function checkStructuredOutput<ParsedT = unknown>(completion: ChatCompletion, body: RouterParseParams): StructuredOutputCheck<ParsedT> {
  try {
    return { ok: true, completion: parseOrThrow(completion, body) as ParsedChatCompletion<ParsedT> };
  } catch (err) {
    return { ok: false, reason: (err as Error).message, error: err as Error };
  }
}

/**
 * A reusable validator for a body sent to `parse()`: true when a completion parses.
 * Made for a cascade's `accept`, so an answer that does not parse escalates to the
 * next model instead of reaching the caller.
 * @example accept: structuredOutputValidator(body)
 */
export function structuredOutputValidator(body: RouterParseParams): (input: ChatCompletion | { completion: ChatCompletion }) => boolean {
  return (input) => {
    const completion = 'choices' in input ? input : input.completion;
    return checkStructuredOutput(completion, body).ok;
  };
}

function parseOrThrow(completion: ChatCompletion, body: RouterParseParams): ParsedChatCompletion<unknown> {
  try {
    return parseChatCompletion(completion, body as ChatCompletionCreateParams);
  } catch (err) {
    // The SDK's own finish-reason errors are what OpenAI users already catch.
    if (err instanceof LengthFinishReasonError || err instanceof ContentFilterFinishReasonError) throw err;
    throw new StructuredOutputError(describeFailure(completion, body, err), completion, err);
  }
}

function describeFailure(completion: ChatCompletion, body: RouterParseParams, err: unknown): string {
  const format = body.response_format?.type === 'json_schema' ? `response_format '${body.response_format.json_schema.name}'` : 'the strict tool parameters';
  const detail = (err as Error)?.message ?? String(err);
  return `chat.completions.parse(): the answer from '${completion.model}' does not match ${format}: ${detail.length > 500 ? `${detail.slice(0, 500)}…` : detail}`;
}

export function parseCompletion<Params extends RouterParseParams, ParsedT = ParsedContentOf<Params>>(
  runner: Runner,
  body: Params,
  options?: RouterRequestOptions,
): RoutedPromise<WithRequestID<ParsedChatCompletion<ParsedT>>> {
  // As the SDK: non-strict tools are a caller bug, reported before any request.
  validateInputTools(body.tools);
  // On a cascade route an answer that does not parse escalates to the next model.
  const routed = runCall(runner, chatOperation, { ...body, stream: false } as ChatCompletionCreateParams, options, structuredOutputValidator(body)).then((r) => {
    const parsed = parseOrThrow(r.data as ChatCompletion, body) as WithRequestID<ParsedChatCompletion<ParsedT>>;
    const requestId = (r.data as WithRequestID<ChatCompletion>)._request_id;
    if (requestId !== undefined) Object.defineProperty(parsed, '_request_id', { value: requestId, enumerable: false, configurable: true, writable: true });
    // Not spread: the record's promise is a getter of the result (pipeline/run.ts).
    return { data: parsed, decision: r.decision, settled: r.settled, answering: r.answering };
  });
  return new RoutedPromise(routed);
}
