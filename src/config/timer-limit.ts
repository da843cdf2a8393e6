/**
 * The longest delay setTimeout honours: 2^31−1 ms (about 24.8 days). A larger value is
 * silently clamped to 1 ms, so every duration a user configures is bounded by it. Kept
 * apart from duration-schema.ts so the plain-config check reads it without loading zod.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;
