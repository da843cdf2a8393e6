/**
 * The build side of src/config/load-schemas.ts: an esbuild plugin that replaces that module,
 * in the published builds and the benchmarks' copy of them, with one that loads zod and
 * the schemas at the first loadSchemas() call instead of with the package.
 *
 * - ESM: `src/config/schemas.ts` is an entry of its own (`schemas.js`, SCHEMAS_ENTRY), so
 *   its code and zod's go to files the entry chunk does not import, and the loader
 *   require()s it (require(esm), synchronous; Node >= 22.12, as package.json's engines say).
 * - CommonJS (one file, esbuild cannot split it): the loader require()s the source, which
 *   esbuild bundles as a module initialized at that first call.
 */
import { dirname } from 'node:path';
import type { Plugin } from 'esbuild';

/** The ESM build's extra entry point: the schemas, beside the package's entries. */
export const SCHEMAS_ENTRY = { schemas: 'src/config/schemas.ts' } as const;

const ESM_LOADER = `
import { requireHere } from '../internal/load-peer.js';
let schemas;
export const loadSchemas = () => (schemas ??= requireHere()('./schemas.js'));
`;

const CJS_LOADER = `
let schemas;
export const loadSchemas = () => (schemas ??= require('./schemas.ts'));
`;

export function lazySchemas(format: 'esm' | 'cjs'): Plugin {
  return {
    name: 'lazy-schemas',
    setup(build) {
      build.onLoad({ filter: /[\\/]src[\\/]config[\\/]load-schemas\.ts$/ }, (args) => ({
        contents: format === 'esm' ? ESM_LOADER : CJS_LOADER,
        loader: 'ts',
        resolveDir: dirname(args.path),
      }));
    },
  };
}
