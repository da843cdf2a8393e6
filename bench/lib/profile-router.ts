/**
 * Where the router's own time goes: routes N requests through a router over the mock
 * provider (no I/O) under --cpu-prof, then prints self time by source file and by
 * function. A developer tool, not part of `npm run bench`:
 *
 *   npx tsx bench/lib/profile-router.ts [requests] [--stream] [--variant=router-openai|openai-sdk|…]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CACHE_DIR, REPO_DIR } from './paths.js';
import { mockWorkloadMessages, mockWorkloadOptions } from './mock-workload.js';

const n = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 20_000);
const stream = process.argv.includes('--stream');
/** `--variant=router-openai` (or openai-sdk, …): profile that client over HTTP against the bench upstream instead. */
const variant = process.argv.find((a) => a.startsWith('--variant='))?.slice('--variant='.length);

async function httpWorkload(v: string): Promise<void> {
  const { measure } = await import('./load-client.js');
  const { startUpstream } = await import('./processes.js');
  const { packageUrl } = await import('./build-package.js');
  const up = await startUpstream();
  try {
    const r = await measure({ variant: v as never, urls: up.urls, pkgUrl: await packageUrl(), mode: stream ? 'stream' : 'unary', warmup: 1_000, sequential: n, concurrent: 0, concurrency: 1 });
    const sorted = [...r.seqUs].sort((a, b) => a - b);
    console.log(`${v}: ${n} sequential requests, p50 ${sorted[sorted.length >> 1]!.toFixed(0)} µs, CPU ${r.seqCpuUsPerReq.toFixed(0)} µs per request`);
  } finally {
    await up.stop();
  }
}

async function workload(): Promise<void> {
  const { createRouter } = await import('../../src/index.js');
  let spent = 0;
  const router = createRouter(mockWorkloadOptions((usd) => void (spent += usd)));
  const messages = mockWorkloadMessages;
  const once = async () => {
    if (!stream) return void (await router.chat.completions.create({ model: 'main', messages }));
    for await (const _ of await router.chat.completions.create({ model: 'main', messages, stream: true }));
  };
  for (let i = 0; i < 2_000; i++) await once();
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await once();
  console.log(`${n} ${stream ? 'streamed' : 'unary'} requests over the mock provider: ${(((performance.now() - t0) * 1000) / n).toFixed(1)} µs each (spent $${spent.toFixed(4)})`);
}

function summarize(dir: string): void {
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'))!;
  const prof = JSON.parse(readFileSync(resolve(dir, file), 'utf8')) as {
    nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number } }>;
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(prof.nodes.map((x) => [x.id, x]));
  const byFile = new Map<string, number>();
  const byFn = new Map<string, number>();
  let total = 0;
  prof.samples.forEach((id, i) => {
    const dt = prof.timeDeltas[i] ?? 0;
    const node = byId.get(id)!;
    const { url, functionName, lineNumber } = node.callFrame;
    if (functionName === '(idle)' || functionName === '(program)') return;
    total += dt;
    const path = url.startsWith('file://') ? relative(REPO_DIR, fileURLToPath(url)) : url || `(${functionName || 'native'})`;
    const where = path.replace(/^node_modules\/(@[^/]+\/[^/]+|[^/]+)\/.*/, 'node_modules/$1');
    byFile.set(where, (byFile.get(where) ?? 0) + dt);
    const fnKey = `${functionName || '(anonymous)'} ${path}:${lineNumber + 1}`;
    byFn.set(fnKey, (byFn.get(fnKey) ?? 0) + dt);
  });
  const top = (m: Map<string, number>, k: number) =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([key, us]) => `${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`);
  console.log(`\nself time by file (of ${(total / 1000).toFixed(0)} ms on-CPU):\n${top(byFile, 25).join('\n')}`);
  console.log(`\nself time by function:\n${top(byFn, 30).join('\n')}`);
  const own = new Map([...byFn].filter(([k]) => / (src\/|\.cache\/bench\/pkg\/)/.test(k)));
  console.log(`\nthe router's own functions:\n${top(own, 25).join('\n')}`);
}

if (process.env.PROFILE_ROUTER_CHILD) {
  await (variant ? httpWorkload(variant) : workload());
} else {
  const dir = resolve(CACHE_DIR, 'profile');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const r = spawnSync(process.execPath, ['--cpu-prof', `--cpu-prof-dir=${dir}`, '--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    cwd: REPO_DIR,
    env: { ...process.env, PROFILE_ROUTER_CHILD: '1' },
    stdio: 'inherit',
  });
  if (r.status === 0) summarize(dir);
}
