/**
 * `hooks`: every hook is a function; spec/router-hooks.ts types what each receives, and
 * z.custom carries those signatures into the option type.
 */
import * as z from 'zod';
import type { RouterHooks } from '../spec/router-hooks.js';
import type { Assignable } from './assignable.js';
import { fn } from './function-schema.js';
import { lazy } from './lazy-schema.js';

const hook = <K extends keyof RouterHooks>(name: K) => fn<NonNullable<RouterHooks[K]>>(name).optional();

export const hooksSchema = lazy(() => z.strictObject({
  /** Once per call, when it finishes (for streams: when the stream ends, fails or is aborted). @default none @example (decision) => logger.info(decision) */
  onDecision: hook('onDecision'),
  /** After every upstream attempt, successful or not. @default none @example ({ attempt }) => metrics.observe(attempt.latencyMs) */
  onAttempt: hook('onAttempt'),
  /** When the router moves from one model to the next. @default none @example ({ event }) => logger.warn(event) */
  onFallback: hook('onFallback'),
  /** When a call fails for the caller. @default none @example ({ error }) => logger.error(error) */
  onError: hook('onError'),
  /** When an answer is served from the response cache. @default none @example ({ savedUsd }) => saved.add(savedUsd) */
  onCacheHit: hook('onCacheHit'),
  /**
   * When a shadow call (a route's `shadow`) finishes: the live answer and the challenger's,
   * side by side, with their costs. Shadow calls are only made when this hook is set.
   * @default none
   * @example (s) => compare(s.primary, s.shadow)
   */
  onShadow: hook('onShadow'),
  /**
   * When the shared state store (`state`) is slow or unreachable. Reported when an outage
   * starts and at most every 10 s while it lasts.
   * @default a console.warn per report
   * @example ({ operation, fallback }) => logger.warn({ operation, fallback })
   */
  onStateError: hook('onStateError'),
  /** When the shared state store answers again after an outage. @default none @example ({ downMs }) => logger.info({ downMs }) */
  onStateRecovered: hook('onStateRecovered'),
  /** When a hook throws. @default one console.warn per hook name @example ({ hook, error }) => logger.error({ hook, error }) */
  onHookError: hook('onHookError'),
}));

// The hook bus consumes RouterHooks; the schema must accept exactly its hooks.
type _HooksAreRouterHooks = Assignable<z.output<ReturnType<typeof hooksSchema>>, RouterHooks>;
type _RouterHooksAreHooks = Assignable<RouterHooks, z.input<ReturnType<typeof hooksSchema>>>;
