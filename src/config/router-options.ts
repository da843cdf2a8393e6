/**
 * The options of createRouter(): what a user writes is the schema's z.input, what the
 * router works with after parsing is its z.output (options-schema.ts carries the docs).
 */
import type * as z from 'zod';
import type { optionsSchema } from './options-schema.js';

export type RouterOptions = z.input<ReturnType<typeof optionsSchema>>;
export type ResolvedRouterOptions = z.output<ReturnType<typeof optionsSchema>>;
