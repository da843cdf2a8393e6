/**
 * A training set from the router's own traffic: DecisionRecords (from `onDecision`) joined
 * with feedback (from `onFeedback`) by decision id. Each row holds the routing features the
 * router logged (no prompt text) — or the prompt, when the records were made with
 * `recordContent: true` — and an outcome only for the models that were scored, with the
 * propensity the router logged for them.
 */
import type { ModelPricing } from '../config/model-schema.js';
import type { DecisionRecord } from '../spec/decision-record.js';
import type { FeedbackRecord } from '../client/feedback.js';
import type { RecordedFeatures } from '../strategies/learned-features.js';
import { readText } from './read-text.js';
import type { RoutingDataset, RoutingRow } from './dataset.js';

export interface RecordsAndFeedback {
  records: DecisionRecord[];
  feedback: FeedbackRecord[];
}

/**
 * Reads JSONL where each line is a DecisionRecord or a feedback record (`type: 'feedback'`);
 * a record may also carry its feedback inline as `feedback: { score } | [{ score, model? }]`.
 */
export function readRecordsJsonl(path: string | string[]): RecordsAndFeedback {
  const out: RecordsAndFeedback = { records: [], feedback: [] };
  for (const p of Array.isArray(path) ? path : [path]) {
    readText(p)
      .split('\n')
      .forEach((line, i) => {
        if (!line.trim()) return;
        let v: Record<string, unknown>;
        try {
          v = JSON.parse(line) as Record<string, unknown>;
        } catch (err) {
          throw new Error(`${p}:${i + 1}: not JSON (${(err as Error).message})`);
        }
        if (v.type === 'feedback') {
          if (typeof v.decisionId !== 'string' || typeof v.score !== 'number') throw new Error(`${p}:${i + 1}: a feedback line needs decisionId (string) and score (number)`);
          out.feedback.push(v as unknown as FeedbackRecord);
          return;
        }
        if (typeof v.id !== 'string' || !Array.isArray(v.plan)) throw new Error(`${p}:${i + 1}: neither a DecisionRecord (id, plan, …) nor a feedback line (type: 'feedback')`);
        out.records.push(v as unknown as DecisionRecord);
        const inline = v.feedback as unknown;
        for (const f of Array.isArray(inline) ? inline : inline ? [inline] : []) {
          const fb = f as { score?: unknown; model?: string; source?: string };
          if (typeof fb.score !== 'number' || !(fb.score >= 0 && fb.score <= 1)) throw new Error(`${p}:${i + 1}: feedback.score must be a number in [0, 1]`);
          out.feedback.push({ type: 'feedback', decisionId: v.id as string, at: String(v.endedAt ?? ''), matched: true, route: (v.route as string | null) ?? null, strategy: (v.strategy as string) ?? null, model: fb.model ?? ((v.model as string | undefined) ?? null), score: fb.score, source: fb.source ?? 'user' });
        }
      });
  }
  return out;
}

function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((p) => (p && typeof p === 'object' && (p as { type?: string }).type === 'text' ? String((p as { text?: unknown }).text ?? '') : '')).join('');
}

export interface RecordsDatasetOptions {
  name?: string;
  /** USD per million tokens per model; otherwise estimated from the records' cost and usage. */
  pricing?: Record<string, ModelPricing>;
}

/** Summary of what a records dataset kept and left out (printed by the CLI). */
export interface RecordsDatasetReport {
  records: number;
  feedback: number;
  rows: number;
  /** Feedback whose decision id is in no record. */
  unmatchedFeedback: number;
  /** Records with feedback but neither routing features nor recorded content. */
  withoutFeatures: number;
}

export function datasetFromRecords(input: RecordsAndFeedback, options: RecordsDatasetOptions = {}): RoutingDataset & { report: RecordsDatasetReport } {
  const byId = new Map(input.records.map((r) => [r.id, r]));
  const fbById = new Map<string, FeedbackRecord[]>();
  let unmatched = 0;
  for (const f of input.feedback) {
    if (!byId.has(f.decisionId)) {
      unmatched++;
      continue;
    }
    const list = fbById.get(f.decisionId);
    if (list) list.push(f);
    else fbById.set(f.decisionId, [f]);
  }
  const models = new Set<string>();
  const spend = new Map<string, { usd: number; tokens: number }>();
  for (const r of input.records) {
    for (const a of r.attempts ?? []) {
      models.add(a.model);
      if (a.usage && typeof a.costUsd === 'number') {
        const s = spend.get(a.model) ?? { usd: 0, tokens: 0 };
        s.usd += a.costUsd;
        s.tokens += a.usage.promptTokens + a.usage.completionTokens;
        spend.set(a.model, s);
      }
    }
  }
  const rows: RoutingRow[] = [];
  let withoutFeatures = 0;
  for (const [id, fbs] of fbById) {
    const r = byId.get(id)!;
    const features = r.routingFeatures as RecordedFeatures | undefined;
    const msgs = (r.content?.messages ?? []) as Array<{ role?: string; content?: unknown }>;
    let prompt = '';
    let system = '';
    for (let i = msgs.length - 1; i >= 0; i--) {
      const m = msgs[i]!;
      if (!prompt && m.role === 'user') prompt = textOf(m.content);
      else if (m.role === 'system' || m.role === 'developer') system = system ? `${textOf(m.content)}\n${system}` : textOf(m.content);
    }
    if (!features && !prompt) {
      withoutFeatures++;
      continue;
    }
    const acc = new Map<string, { sum: number; n: number; propensity: number | undefined }>();
    for (const f of fbs) {
      const model = f.model ?? r.model;
      if (!model) continue;
      models.add(model);
      const a = acc.get(model) ?? { sum: 0, n: 0, propensity: f.probability ?? r.routingProbabilities?.[model] };
      a.sum += f.score;
      a.n++;
      acc.set(model, a);
    }
    if (acc.size === 0) continue;
    const outcomes: RoutingRow['outcomes'] = {};
    for (const [m, a] of acc) outcomes[m] = { score: a.sum / a.n, ...(a.propensity !== undefined && a.propensity > 0 ? { propensity: a.propensity } : {}) };
    rows.push({
      id,
      prompt,
      ...(system ? { system } : {}),
      ...(msgs.length ? { turns: msgs.length } : {}),
      group: r.context?.taskType ?? features?.task,
      ...(features && !prompt ? { features } : {}),
      outcomes,
    });
  }
  const pricing: Record<string, ModelPricing> = { ...(options.pricing ?? {}) };
  for (const m of models) {
    if (pricing[m]) continue;
    const s = spend.get(m);
    const perM = s && s.tokens > 0 ? (s.usd / s.tokens) * 1e6 : 0;
    pricing[m] = { input: perM, output: perM };
  }
  const ordered = [...models].sort((a, b) => pricing[a]!.input + pricing[a]!.output - (pricing[b]!.input + pricing[b]!.output) || a.localeCompare(b));
  return {
    name: options.name ?? 'decision records',
    models: ordered,
    pricing,
    rows,
    report: { records: input.records.length, feedback: input.feedback.length, rows: rows.length, unmatchedFeedback: unmatched, withoutFeatures },
  };
}
