/**
 * The controller of the Stream handed to the caller. `stream.controller.abort()` must cancel
 * the upstream request, as it does with the OpenAI SDK, and the caller's own signal keeps
 * doing so too. `unlink` stops listening to the caller's signal once the stream has ended.
 */
export function streamController(callerSignal: AbortSignal | undefined, abortUpstream: () => void): { controller: AbortController; unlink: () => void } {
  const controller = new AbortController();
  controller.signal.addEventListener('abort', abortUpstream, { once: true });
  const onCallerAbort = () => controller.abort();
  if (callerSignal?.aborted) controller.abort();
  else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  return { controller, unlink: () => callerSignal?.removeEventListener('abort', onCallerAbort) };
}
