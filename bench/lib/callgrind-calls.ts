/**
 * Instructions per call, by thread, for bench/lib/load-client.ts's clients: each variant
 * runs in its own process under `valgrind --tool=callgrind`, against the bench upstream in
 * another process. Warm-up calls run with instrumentation off; it is switched on
 * (callgrind_control -i on) only around the timed calls. Instruction counts do not depend
 * on the machine's load, so they measure a change while other work runs. A developer tool,
 * not part of `npm run bench`:
 *
 *   npx tsx bench/lib/callgrind-calls.ts router-gemini genai-sdk [--calls=150] [--warmup=150] [--stream] [--long] [--pkg=file:///…/index.js] [--inflight=64]
 *
 * A stream's figures are also given per chunk (instructions per stream ÷ chunks it yielded).
 * `--inflight=N` keeps N calls in flight in the timed window (and warms up at N too, after the
 * sequential warm-up): per-call figures at the concurrency of the req/s target.
 * `--pkg` measures another build of the package (e.g. `bundlePackage()` of an older `src/`).
 * `--shared`: every process also builds and warms up the other variants named (unmeasured),
 * so that the subjects differ only in what is measured. A process's state moves its counts:
 * a process that has run a router stream promotes ~3× more young objects per scavenge while
 * @google/genai streams (the raw SDK's own streams too), which a process of the raw SDK alone
 * never pays — the paired bench shares one process for the same reason.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { BENCH_DIR, CACHE_DIR, REPO_DIR } from './paths.js';
import { packageUrl } from './build-package.js';
import { startUpstream } from './processes.js';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
const variants = args.filter((a) => !a.startsWith('--'));
const calls = flag('calls', 150);
const warmup = flag('warmup', 150);
const stream = args.includes('--stream');
const long = args.includes('--long');
const shared = args.includes('--shared');
const inflight = flag('inflight', 1);

async function childEntry(): Promise<string> {
  const outdir = resolve(CACHE_DIR, 'callgrind');
  mkdirSync(outdir, { recursive: true });
  writeFileSync(resolve(outdir, 'package.json'), '{ "type": "module" }\n');
  await build({ entryPoints: [resolve(BENCH_DIR, 'lib/callgrind-child.ts')], outdir, bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'error' });
  return resolve(outdir, 'callgrind-child.js');
}

/** Instructions counted in each thread's output file (main thread first). */
function threadTotals(dir: string, pid: number): number[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith(`cg.${pid}-`))
    .sort()
    .map((f) => Number(/^totals: (\d+)/m.exec(readFileSync(resolve(dir, f), 'utf8'))?.[1] ?? 0));
}

async function measureOne(variant: string, entry: string, urls: unknown, pkgUrl: string): Promise<{ main: number; others: number; items: number }> {
  const dir = resolve(CACHE_DIR, 'callgrind', 'out');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const goFile = resolve(dir, 'go');
  const input = { variant, urls, pkgUrl, mode: stream ? 'stream' : 'unary', long, warmup, sequential: 0, concurrent: 0, concurrency: inflight, goFile, calls, alongside: shared ? variants.filter((v) => v !== variant) : [] };
  const child = spawn(
    'valgrind',
    ['--tool=callgrind', '--separate-threads=yes', '--instr-atstart=no', '--smc-check=all-non-file', `--callgrind-out-file=${dir}/cg.%p`, process.execPath, entry],
    { cwd: REPO_DIR, env: { ...process.env, CG_INPUT: JSON.stringify(input) }, stdio: ['pipe', 'pipe', 'pipe'] },
  );
  const err: string[] = [];
  child.stderr!.on('data', (d: Buffer) => err.push(d.toString()));
  const pid = child.pid!;
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  let out = '';
  await new Promise<void>((resolveDone, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready\n') && !out.includes('#on')) {
        out += '#on';
        spawnSync('callgrind_control', ['-i', 'on', String(pid)], { stdio: 'ignore' });
        writeFileSync(goFile, '');
      }
      if (/done \d+\n/.test(out)) {
        spawnSync('callgrind_control', ['-i', 'off', String(pid)], { stdio: 'ignore' });
        child.stdin!.end();
        resolveDone();
      }
    });
    void exited.then((code) => reject(new Error(`${variant} exited ${code}\n${err.join('').split('\n').slice(-15).join('\n')}`)));
  });
  await exited;
  const [main = 0, ...rest] = threadTotals(dir, pid);
  const items = Number(/done (\d+)/.exec(out)![1]) / calls;
  return { main: main / calls, others: rest.reduce((a, b) => a + b, 0) / calls, items };
}

const up = await startUpstream();
try {
  const pkgArg = args.find((a) => a.startsWith('--pkg='))?.slice('--pkg='.length);
  const [entry, pkgUrl] = await Promise.all([childEntry(), pkgArg ?? packageUrl()]);
  for (const v of variants) {
    const r = await measureOne(v, entry, up.urls, pkgUrl);
    const perChunk = stream ? `; per chunk (${r.items} per stream) main ${(r.main / r.items / 1000).toFixed(2)}k, other threads ${(r.others / r.items / 1000).toFixed(2)}k` : '';
    console.log(`${v.padEnd(22)} ${stream ? 'stream' : 'call'}: main thread ${(r.main / 1000).toFixed(1)}k instructions, other threads ${(r.others / 1000).toFixed(1)}k (${calls} after ${warmup} warm-up${inflight > 1 ? `, ${inflight} in flight` : ''})${perChunk}`);
  }
} finally {
  await up.stop();
}
