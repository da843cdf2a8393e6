/**
 * Clients each in its own fresh process (as bench/overhead.bench.ts runs them), measured in
 * alternating blocks: block b runs every subject once, order reversed on odd blocks, so each
 * subject's CPU per call is paired in time with the first subject's. On a shared machine
 * whose load drifts by the second, per-block ratios are steadier than figures from processes
 * run one after another. A developer tool, not part of `npm run bench`:
 *
 *   npx tsx bench/lib/paired-processes.ts openai-sdk,router-openai[,router-openai@ENV][,openai-sdk+R] [blocks]
 *
 * `variant@ENV` imports the package from the file URL in $ENV (e.g. a bundle of another
 * commit, or a patched copy of .cache/bench/pkg/index.js); `openai-sdk+R` is the raw SDK in a
 * process that has also loaded the package and built a router. Env: N (calls per block,
 * 1500), INFLIGHT (64), PROCS (fresh process sets, 1), NODE_ARGS.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { startUpstream } from './processes.js';
import { packageUrl } from './build-package.js';
import { BENCH_DIR, CACHE_DIR, REPO_DIR } from './paths.js';
import type { Variant } from './load-client.js';
import type { BlockResult } from './block-child.js';

const subjects = (process.argv[2] ?? 'openai-sdk,router-openai').split(',');
const blocks = Number(process.argv[3] ?? 10);
const perBlock = Number(process.env.N ?? 1_500);
const concurrency = Number(process.env.INFLIGHT ?? 64);
const procs = Number(process.env.PROCS ?? 1);

const outdir = resolve(CACHE_DIR, 'paired-processes');
await build({ entryPoints: [resolve(BENCH_DIR, 'lib/block-child.ts')], outdir, bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'error' });
const ask = <T>(c: ChildProcess, msg: object) =>
  new Promise<T>((r, reject) => {
    // A child that dies (a bad NODE_ARGS, a failed import) ends the run instead of hanging it.
    const died = (code: number | null) => reject(new Error(`a client process exited (${code}) before answering`));
    c.once('exit', died);
    c.once('message', (m) => {
      c.off('exit', died);
      r(m as T);
    });
    c.send(msg as Parameters<ChildProcess['send']>[0]);
  });
const q = (xs: number[], f: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * f)]!;

const up = await startUpstream();
const ownPkg = await packageUrl();
const got = new Map<string, BlockResult[]>();
const ratios = new Map<string, number[]>();
try {
  for (let p = 0; p < procs; p++) {
    const kids: ChildProcess[] = [];
    for (const s of subjects) {
      const [name, pkgEnv] = s.split('@') as [string, string | undefined];
      const child = spawn(process.execPath, [...(process.env.NODE_ARGS ?? '').split(' ').filter(Boolean), resolve(outdir, 'block-child.js')], {
        cwd: REPO_DIR,
        // Keeps load-client.ts from answering the first message itself (see its last line).
        env: { ...process.env, BENCH_PAIRED_CLIENT: '1' },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      const pkgUrl = pkgEnv ? process.env[pkgEnv] : ownPkg;
      if (!pkgUrl) throw new Error(`${s}: $${pkgEnv} is not set`);
      const variant = name.replace(/\+R$/, '') as Variant;
      await ask(child, { init: { variant, alsoRouter: name.endsWith('+R'), urls: up.urls, pkgUrl, mode: 'unary', warmup: 1_000, sequential: 0, concurrent: 0, concurrency } });
      kids.push(child);
    }
    for (let b = 0; b < blocks; b++) {
      const order = subjects.map((_, i) => i);
      if (b % 2) order.reverse();
      const cpu = new Map<string, number>();
      for (const i of order) {
        const r = (await ask<{ result: BlockResult }>(kids[i]!, { block: { concurrency, n: perBlock } })).result;
        got.set(subjects[i]!, [...(got.get(subjects[i]!) ?? []), r]);
        cpu.set(subjects[i]!, r.cpu);
      }
      for (const s of subjects.slice(1)) ratios.set(s, [...(ratios.get(s) ?? []), cpu.get(s)! / cpu.get(subjects[0]!)!]);
      console.log(`process set ${p} block ${b}: ${subjects.map((s) => `${s} ${cpu.get(s)!.toFixed(0)} µs`).join('  ')}`);
    }
    for (const c of kids) c.send({ exit: true });
  }
} finally {
  await up.stop();
}
console.log(`\n${concurrency} in flight, ${perBlock} calls per block, CPU µs per call (p50, p25–p75):`);
for (const s of subjects) {
  const rs = got.get(s)!;
  const cpu = rs.map((r) => r.cpu);
  const ratio = ratios.get(s);
  console.log(
    `${s.padEnd(24)} ${q(cpu, 0.5).toFixed(0)} (${q(cpu, 0.25).toFixed(0)}–${q(cpu, 0.75).toFixed(0)})  req/s ${q(rs.map((r) => r.rps), 0.5).toFixed(0)}  alloc ${q(rs.map((r) => r.allocB), 0.5).toFixed(0)} B/call  vcs ${q(rs.map((r) => r.vcs), 0.5).toFixed(3)}/call` +
      (ratio ? `  CPU ÷ ${subjects[0]} ${q(ratio, 0.5).toFixed(3)} (${q(ratio, 0.25).toFixed(3)}–${q(ratio, 0.75).toFixed(3)})` : ''),
  );
}
