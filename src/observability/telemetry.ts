/**
 * OpenTelemetry spans through the optional `@opentelemetry/api` peer: one span per
 * request and a child span per attempt, with the GenAI semantic-convention attributes.
 * Spans are built from the finished DecisionRecord with their real start and end times,
 * so tracing adds nothing to the request path.
 */
import { createRequire } from 'node:module';
import type { TelemetryOptions } from '../config/observability-schema.js';
import type { Attrs, Span, TracerLike } from '../config/tracer-like.js';
import type { DecisionRecord } from '../spec/decision-record.js';

interface OtelApi {
  trace: { getTracer(name: string, version?: string): TracerLike; setSpan(ctx: unknown, span: Span): unknown };
  context: { active(): unknown };
  SpanKind: { CLIENT: number; INTERNAL: number };
  SpanStatusCode: { ERROR: number; OK: number };
}

/** gen_ai.provider.name values of the semantic conventions for our provider types. */
const SYSTEM: Record<string, string> = { openai: 'openai', anthropic: 'anthropic', google: 'gcp.gemini', mock: 'mock' };

export class Telemetry {
  private constructor(
    private readonly api: OtelApi,
    private readonly tracer: TracerLike,
    private readonly providerType: (providerId: string) => string,
  ) {}

  /** Undefined when `@opentelemetry/api` is not installed: telemetry is then off, not an error. */
  static create(options: TelemetryOptions, providerType: (providerId: string) => string): Telemetry | undefined {
    let api: OtelApi;
    try {
      api = createRequire(import.meta.url)('@opentelemetry/api') as OtelApi;
    } catch {
      return undefined;
    }
    return new Telemetry(api, options.tracer ?? api.trace.getTracer('llm-switchboard'), providerType);
  }

  export(d: DecisionRecord): void {
    const { api, tracer } = this;
    const system = d.provider ? this.providerType(d.provider) : undefined;
    // OpenTelemetry's GenAI names: 'embeddings', and 'chat' for chat completions and the
    // Responses API alike (the conventions have no name of their own for the latter).
    const op = d.operation === 'embeddings' ? 'embeddings' : 'chat';
    const root = tracer.startSpan(`${op} ${d.requested ?? d.route ?? 'default'}`, {
      kind: api.SpanKind.INTERNAL,
      startTime: new Date(d.startedAt),
      attributes: compact({
        'gen_ai.operation.name': op,
        'gen_ai.system': system ? (SYSTEM[system] ?? system) : undefined,
        'gen_ai.provider.name': system ? (SYSTEM[system] ?? system) : undefined,
        'gen_ai.request.model': d.requested ?? d.route ?? undefined,
        'gen_ai.response.model': d.answeredBy,
        'gen_ai.usage.input_tokens': d.usage?.promptTokens,
        'gen_ai.usage.output_tokens': d.usage?.completionTokens,
        'llm_switchboard.decision_id': d.id,
        'llm_switchboard.operation': d.operation,
        'llm_switchboard.route': d.route ?? undefined,
        'llm_switchboard.model': d.model,
        'llm_switchboard.strategy': d.strategy,
        'llm_switchboard.attempts': d.attempts.length,
        'llm_switchboard.cache': d.cache,
        'llm_switchboard.cost_usd': d.cost.finalUsd,
        'llm_switchboard.tenant': d.context.tenant,
        'error.type': d.error?.class,
      }),
    });
    if (d.outcome === 'error') root.setStatus({ code: api.SpanStatusCode.ERROR, message: d.error?.message });
    const parent = api.trace.setSpan(api.context.active(), root);
    for (const a of d.attempts) {
      const type = this.providerType(a.provider);
      const start = Date.parse(a.startedAt);
      const span = tracer.startSpan(
        `${op} ${a.upstreamModel}`,
        {
          kind: api.SpanKind.CLIENT,
          startTime: new Date(start),
          attributes: compact({
            'gen_ai.operation.name': op,
            'gen_ai.system': SYSTEM[type] ?? type,
            'gen_ai.provider.name': SYSTEM[type] ?? type,
            'gen_ai.request.model': a.upstreamModel,
            'gen_ai.response.model': a.answeredBy,
            'gen_ai.usage.input_tokens': a.usage?.promptTokens,
            'gen_ai.usage.output_tokens': a.usage?.completionTokens,
            'llm_switchboard.attempt': a.n,
            'llm_switchboard.outcome': a.outcome,
            'llm_switchboard.ttft_ms': a.ttftMs,
            'error.type': a.errorClass,
            'http.response.status_code': a.status,
          }),
        },
        parent,
      );
      if (a.outcome !== 'success') span.setStatus({ code: api.SpanStatusCode.ERROR, message: a.errorMessage ?? a.outcome });
      span.end(new Date(start + a.latencyMs));
    }
    root.end(new Date(d.endedAt));
  }
}

function compact(a: Record<string, string | number | boolean | undefined | null>): Attrs {
  const out: Attrs = {};
  for (const [k, v] of Object.entries(a)) if (v !== undefined && v !== null) out[k] = v;
  return out;
}
