/**
 * Ensemble: the first `ensembleSize` models of the plan answer in parallel (each with its
 * own retries) and `select` picks one. Expensive by design: every model is billed.
 */
import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { ModelEntry } from '../../spec/model-entry.js';
import { RouterError } from '../../errors/router-error.js';
import { majorityVote } from '../../resilience/select.js';
import type { EnsembleAnswer } from '../../config/ensemble-select.js';
import { SkipCandidate, type Call, type Op } from './call.js';
import { markShared } from '../../internal/shared-answers.js';

export async function runEnsemble(call: Call, op: Op<ChatCompletion>): Promise<{ completion: ChatCompletion; entry: ModelEntry }> {
  call.checkAbort();
  call.checkDeadline();
  const members: ModelEntry[] = [];
  for (const entry of call.input.plan) {
    if (members.length >= call.policy.ensembleSize) break;
    const pre = call.precheck(entry);
    if (pre) call.recordSkip(entry, pre);
    else members.push(entry);
  }
  const settled = await Promise.allSettled(members.map((entry) => call.runCandidate(entry, op, { kind: 'generate' })));
  call.checkAbort();
  const answers: Array<EnsembleAnswer & { entry: ModelEntry }> = [];
  settled.forEach((r, i) => {
    // select() (perhaps the user's) sees every answer.
    if (r.status === 'fulfilled') {
      markShared(r.value.value);
      answers.push({ model: r.value.entry.id, completion: r.value.value, entry: r.value.entry });
    } else if (r.reason instanceof SkipCandidate) call.recordSkip(members[i]!, r.reason);
    else {
      const c = call.classify(r.reason);
      if (c.action === 'stop' && c.reason !== 'aborted') throw r.reason;
    }
  });
  if (answers.length === 0) throw call.exhausted();
  const select = call.policy.select;
  let picked: ChatCompletion | number;
  try {
    picked = select === 'majority' ? majorityVote(answers) : await select(answers.map(({ model, completion }) => ({ model, completion })), call.input.body);
  } catch (err) {
    throw new RouterError(`The ensemble's select() threw: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  }
  const chosen = typeof picked === 'number' ? answers[picked] : answers.find((a) => a.completion === picked);
  if (!chosen) throw new RouterError(`The ensemble's select() returned neither one of the ${answers.length} answers nor a valid index`);
  return { completion: chosen.completion, entry: chosen.entry };
}
