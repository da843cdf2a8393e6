/**
 * zod with the configuration schemas (a third of the package's code) and the Anthropic and
 * Gemini adapters are kept out of the published ESM build's entry chunk and loaded at
 * first use (scripts/lazy-modules.ts): the schemas at the first configuration, rule,
 * per-call routing context or routing header that needs them (src/config/load-schemas.ts),
 * an adapter when a provider of its type is configured (src/providers/load-adapters.ts).
 * This bundles the package as tsup lays it out and checks, in fresh processes, which of its
 * files load and that what is loaded late answers and reports errors exactly as the source does.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundlePackage } from '../bench/lib/build-package.js';
import { serveUpstream, type UpstreamUrls } from '../bench/lib/fake-upstream.js';
import { createRouter, type RouterOptions } from 'llm-switchboard';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, '.cache/test-lazy-modules');

let pkgUrl = '';
// One server answering the OpenAI, Anthropic and Gemini wire formats with recorded bodies.
let upstream: { urls: UpstreamUrls; close: () => Promise<void> };
beforeAll(async () => {
  upstream = await serveUpstream();
  pkgUrl = await bundlePackage(OUT);
}, 60_000);
afterAll(() => upstream?.close());

interface ChildResult {
  /** The package's files the process loaded. */
  files: string[];
  answer?: string;
  error?: { name: string; message: string };
}

/** Runs `body` (ESM, `createRouter` and `url` in scope) in a fresh node with the bundled package; reports the package files loaded. */
function child(body: string): Promise<ChildResult> {
  const script = `
import { registerHooks } from 'node:module';
const seen = new Set();
// In-thread hooks see require(esm) as well as imports.
registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.add(r.url); return r; } });
const { createRouter } = await import(${JSON.stringify(pkgUrl)});
const url = ${JSON.stringify(upstream.urls.openai)};
const urls = ${JSON.stringify(upstream.urls)};
const out = {};
try { ${body} } catch (e) { out.error = { name: e.name, message: e.message }; }
await new Promise((r) => setTimeout(r, 50));
out.files = [...seen].filter((u) => u.startsWith(${JSON.stringify(new URL('./', pkgUrl).href)}));
console.log(JSON.stringify(out));
`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildResult);
    });
  });
}

/** Whether any loaded file of the package holds zod's code (esbuild marks each bundled module with its path). */
const loadsZod = (r: ChildResult) => r.files.some((u) => readFileSync(fileURLToPath(u), 'utf8').includes('node_modules/zod/'));
const loads = (r: ChildResult, file: string) => r.files.some((u) => u.endsWith(`/${file}`));
const loadsSchemas = (r: ChildResult) => loads(r, 'schemas.js');

const PLAIN = `{ providers: { o: { type: 'openai', apiKey: 'sk-test', baseURL: url } }, models: [{ id: 'gpt-4o-mini', provider: 'o' }] }`;
const CALL = `(await router.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, OPTS)).choices[0].message.content`;

describe('the published ESM build loads late what a router may not use', () => {
  it('a router of plain OpenAI providers and models answers without loading zod, the schemas or the other adapters', async () => {
    const r = await child(`const router = createRouter(${PLAIN}); out.answer = ${CALL.replace('OPTS', '{}')};`);
    expect(r.error).toBeUndefined();
    expect(r.answer).toEqual(expect.any(String));
    expect(loads(r, 'index.js')).toBe(true);
    expect(loadsSchemas(r)).toBe(false);
    expect(loadsZod(r)).toBe(false);
    expect(loads(r, 'anthropic-adapter.js') || loads(r, 'google-adapter.js')).toBe(false);
  });

  it('an Anthropic and a Gemini provider load their adapters, which answer', async () => {
    const r = await child(`const router = createRouter({
  providers: { a: { type: 'anthropic', apiKey: 'sk-test', baseURL: urls.anthropic }, g: { type: 'google', apiKey: 'sk-test', baseURL: urls.gemini } },
  models: [{ id: 'claude-sonnet-4-5', provider: 'a' }, { id: 'gemini-2.0-flash', provider: 'g' }],
});
const ask = async (model) => (await router.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], max_tokens: 16 })).choices[0].message.content;
out.answer = [await ask('claude-sonnet-4-5'), await ask('gemini-2.0-flash')].join(' | ');`);
    expect(r.error).toBeUndefined();
    expect(r.answer).toMatch(/^\S.* \| \S/);
    expect(loads(r, 'anthropic-adapter.js') && loads(r, 'google-adapter.js')).toBe(true);
    // Plain providers: still no zod.
    expect(loadsZod(r)).toBe(false);
  });

  it('a per-call routing context loads them and is validated', async () => {
    const ok = await child(`const router = createRouter(${PLAIN}); out.answer = ${CALL.replace('OPTS', "{ routing: { tenant: 'acme' } }")};`);
    expect(ok.error).toBeUndefined();
    expect(ok.answer).toEqual(expect.any(String));
    expect(loadsSchemas(ok) && loadsZod(ok)).toBe(true);
    const bad = await child(`const router = createRouter(${PLAIN}); out.answer = ${CALL.replace('OPTS', "{ routing: { priority: 'urgent' } }")};`);
    const source = createRouter({ providers: { o: { type: 'openai', apiKey: 'sk-test', baseURL: upstream.urls.openai } }, models: [{ id: 'gpt-4o-mini', provider: 'o' }] });
    const expected = await source.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }, { routing: { priority: 'urgent' as never } }).then(
      () => undefined,
      (e: Error) => ({ name: e.name, message: e.message }),
    );
    expect(expected?.message).toMatch(/Invalid routing context: routing\.priority: /);
    expect(bad.error).toEqual(expected);
  });

  it('the routing header of router.fetch loads them', async () => {
    const r = await child(`const router = createRouter(${PLAIN});
const res = await router.fetch('http://router.local/v1/chat/completions', { method: 'POST', headers: { 'content-type': 'application/json', 'x-switchboard-routing': '{"tenant":"acme"}' }, body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }) });
out.answer = (await res.json()).choices[0].message.content;`);
    expect(r.error).toBeUndefined();
    expect(r.answer).toEqual(expect.any(String));
    expect(loadsSchemas(r)).toBe(true);
  });

  // Each configuration the plain check declines goes to zod: it must build, answer, and
  // report errors as the source does (the test process runs the source).
  const configs: Array<[string, string]> = [
    ['a route', `{ ...${PLAIN}, routes: { auto: { models: ['gpt-4o-mini'] } } }`],
    ['an invalid model field', `{ ...${PLAIN}, models: [{ id: 'gpt-4o-mini', provider: 'o', quality: 7 }] }`],
    ['an unknown option', `{ ...${PLAIN}, retries: 3 }`],
    ['a rule with a bad condition', `{ ...${PLAIN}, routes: { r: { models: ['gpt-4o-mini'] } }, rules: [{ when: { promptTokens: { gt: 'many' } }, route: 'r' }] }`],
  ];
  it.each(configs)('a configuration with %s loads them and reads as the source', async (_name, text) => {
    const r = await child(`const router = createRouter(${text}); out.answer = ${CALL.replace('OPTS', '{}')};`);
    expect(loadsSchemas(r) && loadsZod(r)).toBe(true);
    const url = upstream.urls.openai;
    let expected: { name: string; message: string } | undefined;
    try {
      createRouter(new Function('url', `return ${text};`)(url) as RouterOptions);
    } catch (e) {
      expected = { name: (e as Error).name, message: (e as Error).message };
    }
    if (expected) expect(r.error).toEqual(expected);
    else {
      expect(r.error).toBeUndefined();
      expect(r.answer).toEqual(expect.any(String));
    }
  });
});
