/**
 * Paired alternating blocks: each subject (a load-client variant) in its own fresh process,
 * all of them warmed up, then block b runs every subject once, order reversed on odd blocks
 * (A B, B A, …: each pair of blocks is ABBA), so each subject's figures are paired in time
 * with the first subject's. On a shared machine whose load drifts by the second, the
 * per-block ratios are steadier than one timed phase per process, run one after another.
 * Used by bench/overhead.bench.ts (req/s at 64 in flight) and bench/lib/paired-processes.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { startUpstream } from './processes.js';
import { packageUrl } from './build-package.js';
import { BENCH_DIR, CACHE_DIR, REPO_DIR } from './paths.js';
import type { Variant } from './load-client.js';
import type { BlockResult } from './block-child.js';
import type { UpstreamUrls } from './fake-upstream.js';

export interface PairedBlocksInput {
  /** `variant`, `variant@ENV` (the package from the file URL in $ENV) or `variant+R` (also loads a router). */
  subjects: string[];
  blocks: number;
  perBlock: number;
  concurrency: number;
  /** Fresh process sets, one after another. */
  procs: number;
  warmup?: number;
  urls?: UpstreamUrls;
  env?: Record<string, string>;
  /** Called after each block (progress lines). */
  onBlock?: (procSet: number, block: number, results: Map<string, BlockResult>) => void;
}

export interface PairedBlocksResult {
  results: Map<string, BlockResult[]>;
  /** Per block, subject ÷ the first subject (CPU per call, and req/s). */
  cpuRatios: Map<string, number[]>;
  rpsRatios: Map<string, number[]>;
}

const outdir = resolve(CACHE_DIR, 'paired-processes');

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

export async function runPairedBlocks(input: PairedBlocksInput): Promise<PairedBlocksResult> {
  const { subjects, blocks, perBlock, concurrency, procs } = input;
  await build({ entryPoints: [resolve(BENCH_DIR, 'lib/block-child.ts')], outdir, bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'error' });
  const up = input.urls ? undefined : await startUpstream();
  const urls = input.urls ?? up!.urls;
  const ownPkg = await packageUrl();
  const results = new Map<string, BlockResult[]>(subjects.map((s) => [s, []]));
  const cpuRatios = new Map<string, number[]>(subjects.slice(1).map((s) => [s, []]));
  const rpsRatios = new Map<string, number[]>(subjects.slice(1).map((s) => [s, []]));
  const kids: ChildProcess[] = [];
  try {
    for (let p = 0; p < procs; p++) {
      kids.length = 0;
      for (const s of subjects) {
        const [name, pkgEnv] = s.split('@') as [string, string | undefined];
        const child = spawn(process.execPath, [...(process.env.NODE_ARGS ?? '').split(' ').filter(Boolean), resolve(outdir, 'block-child.js')], {
          cwd: REPO_DIR,
          // Keeps load-client.ts from answering the first message itself (see its last line).
          env: { ...process.env, ...input.env, BENCH_PAIRED_CLIENT: '1' },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        kids.push(child);
        const pkgUrl = pkgEnv ? process.env[pkgEnv] : ownPkg;
        if (!pkgUrl) throw new Error(`${s}: $${pkgEnv} is not set`);
        const variant = name.replace(/\+R$/, '') as Variant;
        await ask(child, { init: { variant, alsoRouter: name.endsWith('+R'), urls, pkgUrl, mode: 'unary', warmup: input.warmup ?? 1_000, sequential: 0, concurrent: 0, concurrency } });
      }
      for (let b = 0; b < blocks; b++) {
        const order = subjects.map((_, i) => i);
        if (b % 2) order.reverse();
        const got = new Map<string, BlockResult>();
        for (const i of order) {
          const r = (await ask<{ result: BlockResult }>(kids[i]!, { block: { concurrency, n: perBlock } })).result;
          results.get(subjects[i]!)!.push(r);
          got.set(subjects[i]!, r);
        }
        const first = got.get(subjects[0]!)!;
        for (const s of subjects.slice(1)) {
          cpuRatios.get(s)!.push(got.get(s)!.cpu / first.cpu);
          rpsRatios.get(s)!.push(got.get(s)!.rps / first.rps);
        }
        input.onBlock?.(p, b, got);
      }
      for (const c of kids) c.send({ exit: true });
    }
  } catch (err) {
    for (const c of kids) c.kill();
    throw err;
  } finally {
    await up?.stop();
  }
  return { results, cpuRatios, rpsRatios };
}
