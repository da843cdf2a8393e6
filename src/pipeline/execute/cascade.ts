/**
 * Cascade: models in plan order (list the cheapest first), each answer checked by the
 * route's `accept`; a rejected answer escalates to the next model. Every step is billed
 * and recorded. When no model is left, the last answer is returned (marked not accepted
 * in the DecisionRecord) rather than an error: it is a real answer, only not one the
 * checks liked.
 */
import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { ModelEntry } from '../../spec/model-entry.js';
import { acceptAll } from '../../resilience/accept.js';
import type { Call, Op } from './call.js';
import { markShared } from '../../internal/shared-answers.js';

export async function runCascade(call: Call, op: Op<ChatCompletion>): Promise<{ completion: ChatCompletion; entry: ModelEntry }> {
  const plan = call.input.plan;
  let best: { completion: ChatCompletion; entry: ModelEntry } | undefined;
  let from = 0;
  for (let step = 0; from < plan.length; step++) {
    let got;
    try {
      got = await call.walk(plan, op, { kind: 'generate' }, from);
    } catch (err) {
      // Later models failed after an earlier answer was rejected: that answer beats an error.
      if (best && !call.input.signal?.aborted) return best;
      throw err;
    }
    const { lease, index } = got;
    // The accept checks (user functions among them) have seen it.
    markShared(lease.value);
    const why = await acceptAll(call.policy.accept, { completion: lease.value, model: lease.entry.id, step, body: call.input.body });
    if (lease.record) (lease.record as { accepted?: boolean }).accepted = !why;
    best = { completion: lease.value, entry: lease.entry };
    if (!why) return best;
    const next = plan[index + 1];
    call.recorder.event({ type: 'escalation', from: lease.entry.id, to: next?.id ?? null, reason: why, at: new Date().toISOString() });
    from = index + 1;
  }
  return best!;
}
