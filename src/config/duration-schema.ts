/**
 * Durations as zod schemas. Node's timers take at most 2^31−1 ms (about 24.8 days): a
 * larger value is silently clamped to 1 ms, so a typo such as `attemptMs: 3e12` would make
 * every call time out at once. Every duration a user configures goes through these.
 */
import * as z from 'zod';
import { lazy } from './lazy-schema.js';
import { MAX_TIMER_MS } from './timer-limit.js';

const tooLong = `must be at most ${MAX_TIMER_MS} ms (2^31−1, the longest timer Node supports)`;

/** A positive whole number of milliseconds a timer can wait for. */
export const durationMs = lazy(() => z.number().int().positive().max(MAX_TIMER_MS, tooLong));

/** Like durationMs, 0 allowed. */
export const durationOrZeroMs = lazy(() => z.number().int().nonnegative().max(MAX_TIMER_MS, tooLong));

/** A positive number of milliseconds (fractions allowed), bounded like durationMs. */
export const positiveMsNumber = lazy(() => z.number().positive().max(MAX_TIMER_MS, tooLong));
