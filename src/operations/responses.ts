/**
 * The Responses API as an operation. Routed by the chat decision over the request's chat
 * translation (so rules, requirements, filters and strategies read it as chat); a model
 * on an OpenAI-type provider gets the request as-is (`doResponses` /
 * `doResponsesStream`), any other the translation (`doGenerate` / `doStream`, answered
 * as OpenAI's Response or event stream). A feature with no chat equivalent narrows the
 * plan to OpenAI-type models; none left is a BadRequestError naming the feature.
 */
import type { ChatCompletionCreateParams, ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { Response, ResponseCreateParamsBase, ResponseCreateParamsNonStreaming, ResponseStreamEvent } from 'openai/resources/responses/responses';
import type { Operation } from '../pipeline/operation.js';
import { badRequest } from './bad-request.js';
import { toChatRequest, toChatUsage, toResponse, unmappableFeatures } from './responses-translate.js';
import { chunksToResponseEvents } from './responses-events.js';

/** The chat translation of each call's body (see prepare), made once: routing and every translated attempt read it. */
const translated = new WeakMap<ResponseCreateParamsBase, ChatCompletionCreateParams>();
function chatOf(body: ResponseCreateParamsBase): ChatCompletionCreateParams {
  let chat = translated.get(body);
  if (!chat) translated.set(body, (chat = toChatRequest(body)));
  return chat;
}

export const responsesOperation: Operation<ResponseCreateParamsBase, Response, ResponseStreamEvent> = {
  name: 'responses',
  prepare(body) {
    if (!body || typeof body !== 'object') throw badRequest('The request body must be an object');
    if (body.input !== undefined && typeof body.input !== 'string' && !Array.isArray(body.input)) throw badRequest("'input' must be a string or an array of input items", 'input');
    // A per-call copy keys the translation: a caller may change and resend the same body object.
    return { ...body };
  },
  isStream: (body) => body.stream === true,
  route: (env, body, context, dryRun) => env.decide(chatOf(body), context, dryRun),
  onRoute: (body, route) => ({ ...body, model: route }),
  narrow(decision, body) {
    const unmappable = unmappableFeatures(body);
    if (unmappable.length === 0) return decision;
    const plan = decision.plan.filter((e) => typeof e.adapter.doResponses === 'function');
    if (plan.length === 0) {
      throw badRequest(
        `The Responses API feature(s) ${unmappable.join(', ')} cannot be translated to chat completions, and no OpenAI-type model can serve this request (plan: ${decision.plan.map((e) => `${e.id} via ${e.provider}`).join(', ')})`,
      );
    }
    if (plan.length === decision.plan.length) return decision;
    return { ...decision, plan, strategyReason: `${decision.strategyReason}; OpenAI-type models only (${unmappable.join(', ')})` };
  },
  async generate(entry, body, options) {
    if (entry.adapter.doResponses) return entry.adapter.doResponses({ ...body, model: entry.upstream, stream: false } as ResponseCreateParamsNonStreaming, options);
    const completion = await entry.adapter.doGenerate({ ...chatOf(body), model: entry.upstream, stream: false } as ChatCompletionCreateParamsNonStreaming, options);
    return toResponse(completion, body);
  },
  async stream(entry, body, options) {
    if (entry.adapter.doResponsesStream) return entry.adapter.doResponsesStream({ ...body, model: entry.upstream } as ResponseCreateParamsNonStreaming, options);
    return chunksToResponseEvents(await entry.adapter.doStream({ ...chatOf(body), model: entry.upstream, stream: true } as ChatCompletionCreateParamsStreaming, options), body);
  },
  events: {
    eventModel: (event) => (event as { response?: Response }).response?.model,
    eventUsage: (event) => {
      const u = (event as { response?: Response }).response?.usage;
      return u ? toChatUsage(u) : undefined;
    },
  },
  answeredBy: (r) => r.model,
  usage: (r) => toChatUsage(r.usage),
  totalTokens: (r) => r.usage?.total_tokens,
  // A Response has server-side state (ids, previous_response_id, store): never replayed from a cache.
  strategyRouted: true,
  cacheable: false,
  judgedModes: false,
};
