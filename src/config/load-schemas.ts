/**
 * zod and the configuration schemas, handed out at first use. They are a third of the
 * bundle (~265 KB): compiling and evaluating them at import cost ~15–20 ms of main-thread
 * work in every fresh process, and a router whose configuration is plain providers and
 * models (plain-config.ts), with no rules, no per-call routing context and no routing
 * header, never runs them.
 *
 * In the source this is a static import. The published builds replace this module with
 * one that loads the schemas at the first loadSchemas() call, synchronously
 * (scripts/lazy-modules.ts, used by tsup.config.ts and the benchmarks' build): the ESM
 * build require()s `schemas.js`, an entry of its own that the entry chunk does not
 * import; the CommonJS build keeps its copy in the bundle and evaluates it then.
 */
import * as schemas from './schemas.js';

export type Schemas = typeof schemas;

export const loadSchemas = (): Schemas => schemas;
