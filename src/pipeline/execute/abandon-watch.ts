/**
 * Notices a stream its consumer stopped reading: never iterated, left mid-iteration, or
 * dropped unread and garbage-collected. Whoever holds a stream holds resources for it
 * (an upstream request, a concurrency slot, a budget reservation); the raw SDK frees an
 * abandoned stream at garbage collection, so the router must free at least as much.
 *
 * One timer per stream, re-armed only when it fires early (no timer per chunk); the
 * consumer is "away" from the moment a chunk is handed over until it asks for the next.
 */

export interface AbandonWatch {
  /** The consumer has a chunk (or the stream): it is away until `back()`. */
  away(): void;
  back(): void;
  /** The stream ended another way: stop watching. */
  stop(): void;
}

/** The held value releases what a stream held; it must never reference the stream itself. */
const dropped = new FinalizationRegistry<(why: string) => void>((release) => release('the stream was garbage-collected before it was read to the end'));

/**
 * Watches `stream`: `abandon(why)` is called once, when the consumer has been away for
 * `ms`, or when `stream` is garbage-collected first. The watch starts "away" (a stream
 * nobody iterates is abandoned too).
 */
export function watchAbandon(stream: object, ms: number, abandon: (why: string) => void): AbandonWatch {
  let awaySince = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const token = {};
  const fire = (why: string) => {
    if (stopped) return;
    watch.stop();
    abandon(why);
  };
  const check = () => {
    timer = undefined;
    if (stopped) return;
    const away = awaySince ? Date.now() - awaySince : 0;
    if (awaySince && away >= ms) return fire(`not read for ${ms} ms`);
    arm(awaySince ? ms - away : ms);
  };
  const arm = (wait: number) => {
    timer = setTimeout(check, wait);
    // Never keeps the process alive on its own.
    timer.unref?.();
  };
  const watch: AbandonWatch = {
    away: () => void (awaySince = Date.now()),
    back: () => void (awaySince = 0),
    stop: () => {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      dropped.unregister(token);
    },
  };
  arm(ms);
  dropped.register(stream, fire, token);
  return watch;
}
