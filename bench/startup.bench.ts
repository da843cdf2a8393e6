/**
 * Start-up: what importing the package costs next to importing openai alone (plain
 * `node`, no TypeScript loader, separate processes, interleaved runs), import →
 * construct → first answer against the raw OpenAI and Anthropic SDKs, and proof that
 * the Anthropic and Gemini SDKs are not loaded unless such a provider is configured
 * (a module loader hook in a child process records every module resolved).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { BenchSection } from './lib/types.js';
import { packageUrl } from './lib/build-package.js';
import { serveUpstream } from './lib/fake-upstream.js';
import { REPO_DIR } from './lib/paths.js';
import { percentile, round, sortedCopy } from './lib/stats.js';
import { runIfMain } from './lib/standalone.js';
import { RESOLVE_RECORDER_HOOKS } from './lib/resolve-recorder.js';

interface ChildOut {
  wallMs: number;
  out: any;
}

function node(script: string, env: NodeJS.ProcessEnv = {}): Promise<ChildOut> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: REPO_DIR, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => {
      const wallMs = performance.now() - t0;
      if (code !== 0) return reject(new Error(`child exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' ')}`));
      try {
        resolve({ wallMs, out: JSON.parse(stdout.trim().split('\n').pop()!) });
      } catch {
        reject(new Error(`child printed no result: ${stdout}${stderr}`));
      }
    });
  });
}

const importScript = (spec: string | null, then = '') => `
const t0 = performance.now();
${spec ? `const mod = await import(${JSON.stringify(spec)});` : ''}
const t1 = performance.now();
${then}
const t2 = performance.now();
const m = process.memoryUsage();
console.log(JSON.stringify({ importMs: t1 - t0, thenMs: t2 - t1, rssMb: m.rss / 2 ** 20, heapMb: m.heapUsed / 2 ** 20 }));
`;

async function importCost(smoke: boolean): Promise<BenchSection> {
  const { dependencies = {} } = JSON.parse(readFileSync(resolve(REPO_DIR, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const runs = smoke ? 2 : 12;
  const pkg = await packageUrl();
  const cases = [
    { name: 'node, empty script', script: importScript(null) },
    { name: "import('openai')", script: importScript('openai') },
    { name: "import('llm-switchboard')", script: importScript(pkg) },
    {
      name: "import('llm-switchboard') + createRouter(openai provider)",
      script: importScript(pkg, `await mod.createRouter({ providers: { openai: { type: 'openai', apiKey: 'sk-bench', baseURL: 'http://127.0.0.1:9/v1' } }, models: [{ id: 'gpt-4o-mini', provider: 'openai' }] }).warmup({ connect: false });`),
    },
    {
      // No baseURL: the vendor's endpoint, which the price catalog lists, so an unpriced
      // model loads it (on 127.0.0.1, above, the catalog could price nothing and is skipped).
      name: "import('llm-switchboard') + createRouter(openai provider, vendor endpoint: price catalog loaded)",
      script: importScript(pkg, `await mod.createRouter({ providers: { openai: { type: 'openai', apiKey: 'sk-bench' } }, models: [{ id: 'gpt-4o-mini', provider: 'openai' }] }).warmup({ connect: false });`),
    },
    // What the package's own import is made of: each runtime dependency alone.
    ...Object.keys(dependencies).map((dep) => ({ name: `dependency alone: import('${dep}')`, script: importScript(dep) })),
  ];
  const results = new Map<string, ChildOut[]>(cases.map((c) => [c.name, []]));
  // Warm the OS file cache once, then interleave the cases run by run.
  for (const c of cases) await node(c.script);
  for (let i = 0; i < runs; i++) for (const c of cases) results.get(c.name)!.push(await node(c.script));
  const med = (xs: number[]) => percentile(sortedCopy(xs), 50);
  const openaiImport = med(results.get("import('openai')")!.map((r) => r.out.importMs));
  const openaiWall = med(results.get("import('openai')")!.map((r) => r.wallMs));
  const rows = cases.map((c) => {
    const rs = results.get(c.name)!;
    const imp = med(rs.map((r) => r.out.importMs + r.out.thenMs));
    const wall = med(rs.map((r) => r.wallMs));
    return {
      case: c.name,
      'import (+ setup) ms, median': round(imp),
      'vs openai alone': c.name.startsWith('node') || c.name.startsWith('dep') ? '' : `${(imp / openaiImport).toFixed(2)}× (+${round(imp - openaiImport)} ms)`,
      'process wall ms, median': round(wall),
      'wall vs openai alone': c.name.startsWith('node') || c.name.startsWith('dep') ? '' : `${(wall / openaiWall).toFixed(2)}×`,
      'RSS MB': round(med(rs.map((r) => r.out.rssMb))),
      'heap MB': round(med(rs.map((r) => r.out.heapMb))),
    };
  });
  return {
    title: 'Start-up: cost of importing the package vs openai alone',
    method: `Plain \`node --input-type=module -e\` per run (no TypeScript loader); the package is src/ bundled by esbuild as tsup ships it (dependencies external, so its import includes theirs; of openai, only the error, streaming, pagination and runner modules). One warm-up run per case for the file cache, then ${runs} runs interleaved case by case; medians. import ms = performance.now() around the dynamic import inside the child; wall = spawn to exit. The package imports only openai's error classes; the SDK's client module is imported when createRouter() configures an OpenAI provider (in the background), so the createRouter rows wait for it (\`warmup({ connect: false })\`) and hold the same openai import as the raw row.`,
    iterations: runs,
    rows,
  };
}

/**
 * Import → construct → first answer, each in a fresh process, against the raw SDK doing
 * the same (one request to the bench upstream on 127.0.0.1). The subjects alternate run
 * by run, so the machine's load at any moment is shared between them.
 */
async function firstAnswer(smoke: boolean): Promise<BenchSection> {
  const runs = smoke ? 2 : 16;
  const pkg = await packageUrl();
  const up = await serveUpstream();
  const msg = `messages: [{ role: 'user', content: 'hi' }], max_tokens: 16`;
  // CPU time (all threads) over the same span: on a shared machine a process waiting for a
  // core inflates its wall time, not its CPU time. The main thread's alone is what the wall
  // time follows (background GC and compilation overlap it); null where Node lacks
  // process.threadCpuUsage().
  const timed = (setup: string, call: string) => `
const cpu0 = process.cpuUsage();
const main0 = process.threadCpuUsage?.();
const t0 = performance.now();
${setup}
const t1 = performance.now();
${call}
const t2 = performance.now();
const cpu = process.cpuUsage(cpu0);
const main = main0 && process.threadCpuUsage(main0);
console.log(JSON.stringify({ readyMs: t1 - t0, totalMs: t2 - t0, cpuMs: (cpu.user + cpu.system) / 1000, mainMs: main ? (main.user + main.system) / 1000 : null }));
`;
  const pairs = [
    {
      name: 'OpenAI',
      raw: timed(`const { default: OpenAI } = await import('openai'); const c = new OpenAI({ apiKey: 'sk-bench', baseURL: '${up.urls.openai}' });`, `await c.chat.completions.create({ model: 'gpt-4o-mini', ${msg} });`),
      ours: timed(
        `const { createRouter } = await import(${JSON.stringify(pkg)}); const c = createRouter({ providers: { openai: { type: 'openai', apiKey: 'sk-bench', baseURL: '${up.urls.openai}' } }, models: [{ id: 'gpt-4o-mini', provider: 'openai' }] });`,
        `await c.chat.completions.create({ model: 'gpt-4o-mini', ${msg} });`,
      ),
    },
    {
      // Every value the catalog would give is declared, so no catalog is loaded.
      name: 'OpenAI, model described (no catalog lookup)',
      raw: timed(`const { default: OpenAI } = await import('openai'); const c = new OpenAI({ apiKey: 'sk-bench', baseURL: '${up.urls.openai}' });`, `await c.chat.completions.create({ model: 'gpt-4o-mini', ${msg} });`),
      ours: timed(
        `const { createRouter } = await import(${JSON.stringify(pkg)}); const c = createRouter({ providers: { openai: { type: 'openai', apiKey: 'sk-bench', baseURL: '${up.urls.openai}' } }, models: [{ id: 'gpt-4o-mini', provider: 'openai', contextWindow: 128000, maxOutputTokens: 16384, pricing: { input: 0.15, output: 0.6 }, capabilities: { tools: true, vision: true, json_schema: true, streaming: true, reasoning: false } }] });`,
        `await c.chat.completions.create({ model: 'gpt-4o-mini', ${msg} });`,
      ),
    },
    {
      name: 'Anthropic',
      raw: timed(`const { default: Anthropic } = await import('@anthropic-ai/sdk'); const c = new Anthropic({ apiKey: 'sk-bench', baseURL: '${up.urls.anthropic}' });`, `await c.messages.create({ model: 'claude-sonnet-4-5', ${msg} });`),
      ours: timed(
        `const { createRouter } = await import(${JSON.stringify(pkg)}); const c = createRouter({ providers: { a: { type: 'anthropic', apiKey: 'sk-bench', baseURL: '${up.urls.anthropic}' } }, models: [{ id: 'claude-sonnet-4-5', provider: 'a' }] });`,
        `await c.chat.completions.create({ model: 'claude-sonnet-4-5', ${msg} });`,
      ),
    },
  ];
  const rows: Array<Record<string, string | number>> = [];
  try {
    const med = (xs: number[]) => percentile(sortedCopy(xs), 50);
    for (const p of pairs) {
      await node(p.raw);
      await node(p.ours);
      const raw: ChildOut[] = [];
      const ours: ChildOut[] = [];
      for (let i = 0; i < runs; i++) {
        // Alternate which subject goes first, so neither always runs on a warmer cache.
        if (i % 2 === 0) {
          raw.push(await node(p.raw));
          ours.push(await node(p.ours));
        } else {
          ours.push(await node(p.ours));
          raw.push(await node(p.raw));
        }
      }
      const ratios = raw.map((r, i) => ours[i]!.out.totalMs / r.out.totalMs);
      const sorted = sortedCopy(ratios);
      const cpuRatios = sortedCopy(raw.map((r, i) => ours[i]!.out.cpuMs / r.out.cpuMs));
      const hasMain = raw.every((r, i) => r.out.mainMs !== null && ours[i]!.out.mainMs !== null);
      const mainRatios = hasMain ? sortedCopy(raw.map((r, i) => ours[i]!.out.mainMs / r.out.mainMs)) : [];
      rows.push({
        provider: p.name,
        'raw SDK: import + construct ms': round(med(raw.map((r) => r.out.readyMs))),
        'router: import + createRouter ms': round(med(ours.map((r) => r.out.readyMs))),
        'raw SDK: to first answer ms': round(med(raw.map((r) => r.out.totalMs))),
        'router: to first answer ms': round(med(ours.map((r) => r.out.totalMs))),
        'ratio (paired), median': `${med(ratios).toFixed(2)}×`,
        'ratio p25–p75': `${percentile(sorted, 25).toFixed(2)}–${percentile(sorted, 75).toFixed(2)}×`,
        'raw SDK: CPU ms to first answer': round(med(raw.map((r) => r.out.cpuMs))),
        'router: CPU ms to first answer': round(med(ours.map((r) => r.out.cpuMs))),
        'CPU ratio (paired), median': `${percentile(cpuRatios, 50).toFixed(2)}×`,
        'CPU ratio p25–p75': `${percentile(cpuRatios, 25).toFixed(2)}–${percentile(cpuRatios, 75).toFixed(2)}×`,
        'raw SDK: main-thread CPU ms': hasMain ? round(med(raw.map((r) => r.out.mainMs))) : 'n/a',
        'router: main-thread CPU ms': hasMain ? round(med(ours.map((r) => r.out.mainMs))) : 'n/a',
        'main-thread CPU ratio (paired), median': hasMain ? `${percentile(mainRatios, 50).toFixed(2)}×` : 'n/a',
        'main-thread p25–p75': hasMain ? `${percentile(mainRatios, 25).toFixed(2)}–${percentile(mainRatios, 75).toFixed(2)}×` : 'n/a',
      });
    }
  } finally {
    await up.close();
  }
  return {
    title: 'Start-up: import → construct → first answer vs the raw SDK',
    method: `Plain \`node --input-type=module -e\` per run, fresh process each; one warm-up run per subject, then ${runs} pairs with the order alternating pair by pair; times are performance.now() inside the child from before the dynamic import to the first answer (one non-streaming request to the bench upstream on 127.0.0.1), CPU = process.cpuUsage() (user + system, all threads) over the same span, main-thread CPU = process.threadCpuUsage() (the main thread alone, whose work the wall time follows). Ratio = router / raw SDK within each pair. On a loaded machine the CPU ratios are the steadier figures: a process waiting for a core adds wall time, not CPU time.`,
    iterations: runs,
    rows,
    notes: ['Target (issue 21): import → first answer ≤ 1.2× the raw SDK.'],
  };
}

const lazyScript = (pkg: string, providers: string, calls: string) => `
import { register, createRequire } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel();
const seen = new Set();
port1.on('message', (u) => seen.add(u));
port1.unref();
register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(RESOLVE_RECORDER_HOOKS)}), { data: { port: port2 }, transferList: [port2] });
const { createRouter } = await import(${JSON.stringify(pkg)});
const router = createRouter({ providers: ${providers}, models: ${calls} });
for (const m of ${calls}) {
  await router.chat.completions.create({ model: m.id, messages: [{ role: 'user', content: 'hi' }], max_tokens: 16 });
}
await new Promise((r) => setTimeout(r, 100));
const req = createRequire(import.meta.url);
const cjs = Object.keys(req.cache ?? {});
const loaded = [...seen, ...cjs];
const has = (name) => loaded.some((u) => u.includes('/node_modules/' + name + '/'));
console.log(JSON.stringify({ modules: seen.size, openai: has('openai'), anthropic: has('@anthropic-ai/sdk'), google: has('@google/genai') || has('@google/generative-ai') }));
`;

async function lazyLoading(): Promise<BenchSection> {
  const pkg = await packageUrl();
  const up = await serveUpstream();
  const key = "apiKey: 'sk-bench'";
  const cases = [
    {
      name: 'openai provider only, one request',
      providers: `{ openai: { type: 'openai', ${key}, baseURL: '${up.urls.openai}' } }`,
      models: `[{ id: 'gpt', provider: 'openai' }]`,
      expect: { anthropic: false, google: false },
    },
    {
      name: 'mock provider only, one request',
      providers: `{ mock: { type: 'mock' } }`,
      models: `[{ id: 'm', provider: 'mock' }]`,
      expect: { anthropic: false, google: false },
    },
    {
      name: 'control: anthropic + google providers, one request each',
      providers: `{ a: { type: 'anthropic', ${key}, baseURL: '${up.urls.anthropic}' }, g: { type: 'google', ${key}, baseURL: '${up.urls.gemini}' } }`,
      models: `[{ id: 'claude', provider: 'a' }, { id: 'gemini', provider: 'g' }]`,
      expect: { anthropic: true, google: true },
    },
  ];
  const rows: Array<Record<string, string | number>> = [];
  try {
    for (const c of cases) {
      try {
        const { out } = await node(lazyScript(pkg, c.providers, c.models));
        const ok = out.anthropic === c.expect.anthropic && out.google === c.expect.google;
        rows.push({
          configuration: c.name,
          'modules resolved': out.modules,
          'openai loaded': out.openai ? 'yes' : 'no',
          '@anthropic-ai/sdk loaded': out.anthropic ? 'yes' : 'no',
          'Gemini SDK (@google/genai or @google/generative-ai) loaded': out.google ? 'yes' : 'no',
          'as expected': ok ? 'yes' : 'NO',
        });
      } catch (err) {
        rows.push({ configuration: c.name, 'as expected': `failed: ${(err as Error).message.slice(0, 200)}` });
      }
    }
  } finally {
    await up.close();
  }
  return {
    title: 'Start-up: optional SDKs are loaded only when configured',
    method: 'Plain node child per configuration; a module.register() resolve hook reports every module URL resolved (plus require.cache for CommonJS); the router is created and one request per model sent to the fake upstream. The last row is the control: it proves the hook sees the SDKs when they are used.',
    iterations: 1,
    rows,
  };
}

export async function run({ smoke }: { smoke: boolean }): Promise<BenchSection[]> {
  return [await importCost(smoke), await firstAnswer(smoke), await lazyLoading()];
}

runIfMain(import.meta.url, run);
