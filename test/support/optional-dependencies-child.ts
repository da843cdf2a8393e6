/**
 * One process of test/lru-cache-and-p-limit-load-only-when-used.test.ts and
 * test/p-retry-loads-at-the-first-retry.test.ts:
 * `node --import tsx test/support/optional-dependencies-child.ts <json: router options extra>`.
 * A resolve hook records every module URL the process resolves (imports and require(esm));
 * require.cache adds the CommonJS ones. Creates a mock router with the given extra options,
 * sends one request, and prints (one JSON line) whether lru-cache, p-limit and p-retry were loaded.
 */
import { createRequire, register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
import { RESOLVE_RECORDER_HOOKS } from '../../bench/lib/resolve-recorder.js';

const { port1, port2 } = new MessageChannel();
const seen = new Set<string>();
port1.on('message', (u: string) => seen.add(u));
port1.unref();
register(`data:text/javascript,${encodeURIComponent(RESOLVE_RECORDER_HOOKS)}`, { data: { port: port2 }, transferList: [port2] });

const extra = JSON.parse(process.argv[2]!) as Record<string, unknown>;
const { createRouter } = await import('../../src/index.js');
const router = createRouter({ providers: { mock: { type: 'mock' } }, models: [{ id: 'm', provider: 'mock' }], ...extra });
await router.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }], temperature: 0 });
await new Promise((r) => setTimeout(r, 50));
const loaded = [...seen, ...Object.keys(createRequire(import.meta.url).cache)];
const has = (name: string) => loaded.some((u) => u.includes(`/node_modules/${name}/`));
console.log(JSON.stringify({ lruCache: has('lru-cache'), pLimit: has('p-limit'), pRetry: has('p-retry'), openaiError: has('openai') }));
