/**
 * Feedback without a human in the loop: validators (the same functions a cascade's
 * `accept` uses), an LLM-as-judge the user supplies, and shadow pairs (a challenger's answer
 * to the same request) score answers and send the scores to `router.feedback()`.
 */
import type { ChatCompletion, ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { Router } from '../client/router.js';
import type { FeedbackRecord } from '../client/feedback.js';
import { FEEDBACK_LABELS } from '../client/feedback.js';
import type { DecisionRecord } from '../spec/decision-record.js';
import type { ShadowHookState } from '../spec/router-hooks.js';
import type { Validator } from './validator.js';

/** What a judge sees: the request, one answer, and the model that gave it. */
export interface JudgeInput {
  body: ChatCompletionCreateParams;
  completion: ChatCompletion;
  model: string;
}

/** A score in [0, 1], a boolean (pass / fail) or a feedback label ('good', 'bad', …). */
export type JudgeVerdict = number | boolean | string;

export interface FeedbackLoopOptions {
  /** Named validators; each answer gets one feedback per validator (1 = passed), source `validator:<name>`. */
  validators?: Record<string, Validator>;
  /**
   * An LLM-as-judge (or any scorer) the user supplies, e.g. a call to a strong model with
   * a grading prompt. Source 'judge'.
   * @example judge: async ({ body, completion }) => (await grade(body, completion)) >= 7
   */
  judge?: (input: JudgeInput) => JudgeVerdict | Promise<JudgeVerdict>;
  /** Share of answers the judge sees (judging costs a call). @default 1 */
  judgeRate?: number;
  /**
   * Shadow pairs: with `onShadow` traffic, score both answers. Given `compare`, its
   * result; otherwise the judge scores each side. The challenger's score is feedback for
   * the challenger model on the same decision (weighted by the shadow rate).
   */
  shadow?: {
    compare?: (state: ShadowHookState) => { primary?: number; shadow?: number } | Promise<{ primary?: number; shadow?: number }>;
    /** The route's shadow rate, used as the challenger's propensity. @default 1 */
    rate?: number;
  };
  /** Random source for `judgeRate` (tests). @default Math.random */
  random?: () => number;
  /** Errors from validators, the judge or compare. @default ignored (an answer without a verdict gets no feedback) */
  onError?: (error: unknown) => void;
}

export interface FeedbackLoop {
  /**
   * Scores one routed answer (from `.withDecision()`) with the validators and the judge.
   * @example const r = await router.chat.completions.create(body).withDecision(); await loop.observe(body, r);
   */
  observe(body: ChatCompletionCreateParams, routed: { data: ChatCompletion; decision: DecisionRecord }): Promise<FeedbackRecord[]>;
  /** Stops listening to the router's hooks. */
  close(): void;
}

function verdictScore(v: JudgeVerdict): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') {
    if (!(v >= 0 && v <= 1)) throw new RangeError(`judge returned ${v}; a score must be in [0, 1]`);
    return v;
  }
  const s = FEEDBACK_LABELS[String(v).toLowerCase()];
  if (s === undefined) throw new RangeError(`judge returned the label '${String(v)}' (known: ${Object.keys(FEEDBACK_LABELS).join(', ')})`);
  return s;
}

/** A ChatCompletion around recorded answer text, for validators run on DecisionRecords. */
function completionFrom(text: string, model: string): ChatCompletion {
  return { id: 'recorded', object: 'chat.completion', created: 0, model, choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content: text, refusal: null } }] };
}

/**
 * Wires validators, a judge and shadow pairs to `router.feedback()`. Answers are scored
 * when passed to `observe()`, and automatically from `onDecision` when the router records
 * content (`recordContent: true`) and from `onShadow` when `shadow` is set.
 * @example
 * const loop = feedbackLoop(router, { validators: { format: finalAnswerFormat() }, judge, judgeRate: 0.1 });
 */
export function feedbackLoop(router: Router, options: FeedbackLoopOptions): FeedbackLoop {
  const judgeRate = options.judgeRate ?? 1;
  if (!(judgeRate >= 0 && judgeRate <= 1)) throw new RangeError(`feedbackLoop: judgeRate must be in [0, 1] (got ${String(judgeRate)})`);
  for (const [name, v] of Object.entries(options.validators ?? {})) if (typeof v !== 'function') throw new TypeError(`feedbackLoop: validators.${name} must be a function`);
  if (options.judge !== undefined && typeof options.judge !== 'function') throw new TypeError('feedbackLoop: judge must be a function');
  const random = options.random ?? Math.random;
  const onError = options.onError ?? (() => undefined);
  const seen = new Set<string>();

  const score = async (decisionId: string, body: ChatCompletionCreateParams, completion: ChatCompletion, model: string): Promise<FeedbackRecord[]> => {
    // A decision scored through observe() is not scored again from its onDecision record.
    const key = `${decisionId}:${model}`;
    if (seen.has(key)) return [];
    seen.add(key);
    if (seen.size > 20_000) seen.delete(seen.values().next().value!);
    const out: FeedbackRecord[] = [];
    for (const [name, v] of Object.entries(options.validators ?? {})) {
      try {
        out.push(router.feedback(decisionId, { score: (await v({ completion, body, model })) ? 1 : 0, source: `validator:${name}`, model }));
      } catch (err) {
        onError(err);
      }
    }
    if (options.judge && random() < judgeRate) {
      try {
        out.push(router.feedback(decisionId, { score: verdictScore(await options.judge({ body, completion, model })), source: 'judge', model }));
      } catch (err) {
        onError(err);
      }
    }
    return out;
  };

  const offDecision = router.on('onDecision', (d) => {
    if (d.outcome !== 'success' || !d.content || typeof d.content.completion !== 'string' || !d.model) return;
    const body = { model: d.requested ?? d.model, messages: d.content.messages } as ChatCompletionCreateParams;
    return score(d.id, body, completionFrom(d.content.completion, d.model), d.model).then(() => undefined);
  });
  const offShadow = options.shadow
    ? router.on('onShadow', async (s) => {
        if (!s.shadow.completion || !s.primary.completion) return;
        try {
          let verdict: { primary?: number; shadow?: number };
          if (options.shadow!.compare) verdict = await options.shadow!.compare(s);
          else if (options.judge) {
            verdict = {
              primary: verdictScore(await options.judge({ body: s.body, completion: s.primary.completion, model: s.primary.model })),
              shadow: verdictScore(await options.judge({ body: s.body, completion: s.shadow.completion, model: s.shadow.model })),
            };
          } else return;
          if (verdict.primary !== undefined) router.feedback(s.decisionId, { score: verdict.primary, source: 'shadow', model: s.primary.model });
          if (verdict.shadow !== undefined) router.feedback(s.decisionId, { score: verdict.shadow, source: 'shadow', model: s.shadow.model, probability: options.shadow!.rate ?? 1 });
        } catch (err) {
          onError(err);
        }
      })
    : () => undefined;

  return {
    observe: (body, routed) => score(routed.decision.id, body, routed.data, routed.decision.model ?? routed.data.model),
    close: () => {
      offDecision();
      offShadow();
    },
  };
}
