/**
 * Stage 2: constraints → survivors. Every exclusion carries a reason code, so
 * explain(), NoRouteError and the DecisionRecord can say why a model was not used.
 */
import type { RoutingContext } from '../config/router-options.js';
import type { ModelEntry, RouteEntry } from '../registry/registry.js';
import type { CandidateRecord, ExclusionReason } from './decision-record.js';
import type { Requirements } from './requirements.js';

export interface Filtered {
  kept: ModelEntry[];
  candidates: CandidateRecord[];
}

export function filterCandidates(route: RouteEntry, req: Requirements, context: RoutingContext): Filtered {
  const kept: ModelEntry[] = [];
  const candidates: CandidateRecord[] = [];
  for (const m of route.models) {
    const why = exclusion(m, route, req, context);
    if (why) candidates.push({ model: m.id, provider: m.provider, kept: false, reason: why[0], detail: why[1] });
    else {
      kept.push(m);
      candidates.push({ model: m.id, provider: m.provider, kept: true });
    }
  }
  return { kept, candidates };
}

function exclusion(m: ModelEntry, route: RouteEntry, req: Requirements, ctx: RoutingContext): [ExclusionReason, string] | undefined {
  const caps = m.capabilities;
  if (req.tools && !caps.tools) return ['capability-tools', 'the request has tools'];
  if (req.vision && !caps.vision) return ['capability-vision', 'the request has image input'];
  if (req.jsonSchema && !caps.json_schema) return ['capability-json-schema', 'the request asks for a JSON schema'];
  if (req.stream && !caps.streaming) return ['capability-streaming', 'the request streams'];
  if (req.reasoning && !caps.reasoning) return ['capability-reasoning', 'the request needs reasoning'];
  if (m.contextWindow !== undefined) {
    const need = req.promptTokens + (req.maxOutputTokens ?? 0);
    if (need > m.contextWindow) return ['context-window', `needs ~${need} tokens, window is ${m.contextWindow}`];
  }
  if (route.minQuality !== undefined && m.quality < route.minQuality) return ['min-quality', `quality ${m.quality} < ${route.minQuality}`];
  // Fail closed: a model that declares no region never serves a request that requires one.
  if (ctx.region !== undefined && m.region !== ctx.region) return ['region', `requires region '${ctx.region}', model is in '${m.region ?? 'undeclared'}'`];
  return undefined;
}
