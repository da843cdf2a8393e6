/**
 * One AI SDK LanguageModelV4 (the spec ai 7 expects) over the router: `modelId` is a
 * route or a model id, and each doGenerate / doStream call runs the router's whole
 * pipeline (resolve, filter, rank, fallback, record). The AI SDK sees one model; the
 * DecisionRecord says which model really answered, in `providerMetadata.switchboard`.
 * ai 6 gets the same model as a LanguageModelV3 (switchboard-language-model-v3.ts).
 */
import * as z from 'zod';
import { isPlainObject } from '../internal/is-plain-object.js';
import type {
  LanguageModelV4,
  LanguageModelV4CallOptions,
  LanguageModelV4GenerateResult,
  LanguageModelV4StreamResult,
} from '@ai-sdk/provider';
import type { ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import type { Router } from '../client/router.js';
import type { RouterRequestOptions } from '../client/request-options.js';
import type { RoutingContext } from '../spec/routing-context.js';
import { formatIssues } from '../config/format-issues.js';
import { badRequest, toOpenAIRequest } from './to-openai-request.js';
import { toContent, toFinishReason, toProviderMetadata, toUsage } from './from-openai-response.js';
import { toStreamParts } from './to-stream-parts.js';

const callOptionsSchema = z.strictObject({
  /**
   * The routing context for this call, merged field by field over the provider's. Its
   * fields are checked by the router; here only that it is an object.
   * @default the provider's `routing`
   * @example { tenant: 'acme', taskType: 'classification', maxCostUsd: 0.002 }
   */
  routing: z.custom<RoutingContext>(isPlainObject, { message: 'expected an object' }).optional(),
  /**
   * Per-attempt timeout in ms.
   * @default the provider's configured timeout
   * @example 10_000
   */
  timeout: z.number().positive().optional(),
  /**
   * OpenAI's `reasoning_effort`, mapped per provider by the router. Wins over ai 7's
   * top-level `reasoning` setting (with a warning when the two differ).
   * @default ai 7's `reasoning` if set, else not sent
   * @example 'low'
   */
  reasoningEffort: z.enum(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max']).optional(),
  /**
   * OpenAI's `parallel_tool_calls`.
   * @default not sent (the provider's default: parallel calls allowed)
   * @example false
   */
  parallelToolCalls: z.boolean().optional(),
  /**
   * An end-user id (OpenAI's `user`; Anthropic's `metadata.user_id`).
   * @default not sent
   * @example 'user-1234'
   */
  user: z.string().optional(),
});

/**
 * Per-call options, as `providerOptions: { switchboard: { … } }` in generateText,
 * streamText or generateObject.
 */
export type SwitchboardCallOptions = z.input<typeof callOptionsSchema>;

export interface LanguageModelSettings {
  providerName: string;
  routing: RoutingContext | undefined;
}

export class SwitchboardLanguageModel implements LanguageModelV4 {
  readonly specificationVersion = 'v4' as const;
  readonly provider: string;
  readonly modelId: string;
  /**
   * The router passes https image URLs through (every adapter accepts them); any other
   * file the AI SDK downloads and sends inline.
   */
  readonly supportedUrls: Record<string, RegExp[]> = { 'image/*': [/^https:\/\/.+$/i] };

  constructor(
    private readonly router: Router,
    /** Undefined: the router's default route. */
    private readonly requested: string | undefined,
    private readonly settings: LanguageModelSettings,
  ) {
    this.modelId = requested ?? 'default';
    this.provider = settings.providerName;
  }

  private prepare(options: LanguageModelV4CallOptions) {
    const { body, warnings } = toOpenAIRequest(options);
    const own = parseCallOptions(options.providerOptions?.[this.settings.providerName] ?? options.providerOptions?.switchboard);
    if (own.reasoningEffort) {
      if (body.reasoning_effort != null && body.reasoning_effort !== own.reasoningEffort) {
        warnings.push({ type: 'other', message: `reasoning '${body.reasoning_effort}' was overridden by providerOptions.switchboard.reasoningEffort '${own.reasoningEffort}'.` });
      }
      body.reasoning_effort = own.reasoningEffort;
    }
    if (own.parallelToolCalls !== undefined) body.parallel_tool_calls = own.parallelToolCalls;
    if (own.user !== undefined) body.user = own.user;
    const routing = this.settings.routing || own.routing ? { ...this.settings.routing, ...own.routing } : undefined;
    const headers = Object.fromEntries(Object.entries(options.headers ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
    const requestOptions: RouterRequestOptions = {
      ...(options.abortSignal ? { signal: options.abortSignal } : {}),
      ...(own.timeout !== undefined ? { timeout: own.timeout } : {}),
      ...(Object.keys(headers).length > 0 ? { headers } : {}),
      ...(routing ? { routing } : {}),
    };
    return { body: this.requested === undefined ? body : { ...body, model: this.requested }, warnings, requestOptions };
  }

  async doGenerate(options: LanguageModelV4CallOptions): Promise<LanguageModelV4GenerateResult> {
    const { body, warnings, requestOptions } = this.prepare(options);
    const { data, decision } = await this.router.chat.completions
      .create(body as ChatCompletionCreateParamsNonStreaming, requestOptions)
      .withDecision();
    const providerMetadata = toProviderMetadata(decision);
    return {
      content: toContent(data),
      finishReason: toFinishReason(data.choices[0]?.finish_reason),
      usage: toUsage(data.usage),
      ...(providerMetadata ? { providerMetadata } : {}),
      request: { body },
      response: {
        id: data.id,
        // The upstream model that really answered, never the route name.
        modelId: data.model,
        timestamp: new Date(data.created * 1000),
        body: data,
      },
      warnings,
    };
  }

  async doStream(options: LanguageModelV4CallOptions): Promise<LanguageModelV4StreamResult> {
    const prepared = this.prepare(options);
    // Usage prices the call and feeds the finish part, so it is always asked for.
    const body = { ...prepared.body, stream: true, stream_options: { include_usage: true } } as ChatCompletionCreateParamsStreaming;
    const { data, decision } = await this.router.chat.completions.create(body, prepared.requestOptions).withDecision();
    return {
      stream: toStreamParts(data, decision, prepared.warnings, options.includeRawChunks === true),
      request: { body },
    };
  }
}

function parseCallOptions(value: unknown): z.output<typeof callOptionsSchema> {
  if (value === undefined) return {};
  const r = callOptionsSchema.safeParse(value);
  if (r.success) return r.data;
  const issues = formatIssues(r.error, 'providerOptions.switchboard');
  throw badRequest(`Invalid switchboard provider options: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, 'providerOptions.switchboard');
}
