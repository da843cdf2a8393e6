/**
 * Notices a stream its consumer stopped reading: never iterated, left mid-iteration, or
 * dropped unread and garbage-collected. Whoever holds a stream holds resources for it
 * (an upstream request, a concurrency slot, a budget reservation); the raw SDK frees an
 * abandoned stream at garbage collection, so the router must free at least as much.
 *
 * One timer per stream, checking every quarter of the limit (no timer per chunk); the
 * consumer is "away" from the moment a chunk is handed over until it asks for the next.
 * `away()` and `back()` only set flags: no clock is read per chunk (Date.now() costs about
 * 0.1 µs, more than the rest of a chunk's bookkeeping). A spell away is timed from the
 * first check that sees it, so a stream left mid-way is abandoned between `ms` and
 * 1.25 × `ms` after its consumer left, never before `ms`; one never read, at `ms`.
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
  const slice = Math.max(1, Math.ceil(ms / 4));
  let isAway = true;
  // Each away() starts a new spell; `timed` is the spell being timed, seen away since `since`.
  let spell = 0;
  let timed = 0;
  let since = Date.now();
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
    const now = Date.now();
    if (!isAway) return arm(slice);
    if (spell !== timed) {
      timed = spell;
      since = now;
    }
    const left = since + ms - now;
    if (left <= 0) return fire(`not read for ${ms} ms`);
    arm(Math.min(slice, left));
  };
  const arm = (wait: number) => {
    timer = setTimeout(check, wait);
    // Never keeps the process alive on its own.
    timer.unref?.();
  };
  const watch: AbandonWatch = {
    away: () => {
      isAway = true;
      spell++;
    },
    back: () => void (isAway = false),
    stop: () => {
      if (stopped) return;
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      dropped.unregister(token);
    },
  };
  arm(Math.min(slice, ms));
  dropped.register(stream, fire, token);
  return watch;
}
