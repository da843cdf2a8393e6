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
import { runPairedBlocks } from './paired-blocks.js';

const subjects = (process.argv[2] ?? 'openai-sdk,router-openai').split(',');
const blocks = Number(process.argv[3] ?? 10);
const perBlock = Number(process.env.N ?? 1_500);
const concurrency = Number(process.env.INFLIGHT ?? 64);
const procs = Number(process.env.PROCS ?? 1);

const q = (xs: number[], f: number) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * f)]!;

const { results: got, cpuRatios: ratios, rpsRatios } = await runPairedBlocks({
  subjects,
  blocks,
  perBlock,
  concurrency,
  procs,
  onBlock: (p, b, r) => console.log(`process set ${p} block ${b}: ${subjects.map((s) => `${s} ${r.get(s)!.cpu.toFixed(0)} µs ${r.get(s)!.rps.toFixed(0)} req/s`).join('  ')}`),
});
console.log(`\n${concurrency} in flight, ${perBlock} calls per block, CPU µs per call (p50, p25–p75):`);
for (const s of subjects) {
  const rs = got.get(s)!;
  const cpu = rs.map((r) => r.cpu);
  const ratio = ratios.get(s);
  console.log(
    `${s.padEnd(24)} ${q(cpu, 0.5).toFixed(0)} (${q(cpu, 0.25).toFixed(0)}–${q(cpu, 0.75).toFixed(0)})  req/s ${q(rs.map((r) => r.rps), 0.5).toFixed(0)}  alloc ${q(rs.map((r) => r.allocB), 0.5).toFixed(0)} B/call  vcs ${q(rs.map((r) => r.vcs), 0.5).toFixed(3)}/call` +
      (ratio?.length ? `  CPU ÷ ${subjects[0]} ${q(ratio, 0.5).toFixed(3)} (${q(ratio, 0.25).toFixed(3)}–${q(ratio, 0.75).toFixed(3)})` : '') +
      (rpsRatios.get(s)?.length ? `  req/s ÷ ${subjects[0]} ${q(rpsRatios.get(s)!, 0.5).toFixed(3)} (${q(rpsRatios.get(s)!, 0.25).toFixed(3)}–${q(rpsRatios.get(s)!, 0.75).toFixed(3)})` : ''),
  );
}
