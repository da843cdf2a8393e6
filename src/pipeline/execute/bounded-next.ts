/**
 * A stream's next item, waited for within the route's idle limit or what is left of the
 * call's deadline, whichever is sooner: one timer per wait. When it runs out, `onStall`
 * hears which limit it was (before the wait rejects with that timeout), so the wrapper can
 * abort the upstream attempt and report the stall. Chat chunks and Responses events share it.
 */
import { timeoutError } from '../../errors/provider-error.js';
import type { CallPolicy } from '../../resilience/resilience.js';

/** The pending wait's timer, held by the wrapper so that ending the stream can clear it. */
export interface StreamTimer {
  id: ReturnType<typeof setTimeout> | undefined;
}

export function disarm(t: StreamTimer): void {
  if (t.id) clearTimeout(t.id);
  t.id = undefined;
}

export function boundedNext<T>(iterator: AsyncIterator<T>, policy: CallPolicy, what: 'chunk' | 'event', t: StreamTimer, onStall: (message: string) => void): Promise<IteratorResult<T>> {
  const left = policy.deadline !== undefined ? policy.deadline - Date.now() : undefined;
  const idle = policy.idleMs;
  if (idle === undefined && left === undefined) return iterator.next();
  const byDeadline = left !== undefined && (idle === undefined || left <= idle);
  const ms = Math.max(0, byDeadline ? left! : idle!);
  return new Promise((resolve, reject) => {
    t.id = setTimeout(() => {
      const message = byDeadline ? `Deadline of ${policy.deadlineMs} ms exceeded mid-stream.` : `No ${what} for ${idle} ms (stream idle limit).`;
      onStall(message);
      reject(timeoutError(message));
    }, ms);
    iterator.next().then(
      (r) => {
        disarm(t);
        resolve(r);
      },
      (e) => {
        disarm(t);
        reject(e);
      },
    );
  });
}
