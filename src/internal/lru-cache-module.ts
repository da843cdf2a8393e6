/**
 * lru-cache as an ES module import, for applications that bundle the ESM build: its
 * literal `require('./lru-cache.js')` (optional-dependencies.ts) brings this file, and
 * through it lru-cache's ESM build, into the bundle. lru-cache's CommonJS build, which a
 * bundler would take for `require('lru-cache')`, requires Node's built-in modules, which an
 * ESM bundle cannot do without a `require` of its own. Unbundled, the package requires
 * lru-cache's CommonJS build, as before.
 */
export { LRUCache } from 'lru-cache';
