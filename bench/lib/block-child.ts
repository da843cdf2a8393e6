/**
 * One measured client in its own process, for bench/lib/paired-processes.ts: builds the
 * load-client variant, warms it up, then runs timed blocks of calls at a given concurrency
 * whenever its parent asks, so blocks of clients in separate processes alternate in time.
 */
import { getHeapStatistics } from 'node:v8';
import { makeClient, type LoadInput } from './load-client.js';

export interface BlockResult {
  /** CPU µs (user + system) per call over the block. */
  cpu: number;
  rps: number;
  /** Bytes allocated per call (V8 total_allocated_bytes): steady under load, unlike time. */
  allocB: number;
  /** Voluntary context switches per call: how often the event loop blocked. */
  vcs: number;
}

// Node ≥ 22 reports it; @types/node does not list it yet.
const allocated = (): number => (getHeapStatistics() as { total_allocated_bytes?: number }).total_allocated_bytes ?? NaN;

const cpuUs = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

let call: () => Promise<string>;

async function block(concurrency: number, n: number): Promise<BlockResult> {
  let next = 0;
  const worker = async () => {
    while (next++ < n) await call();
  };
  const a0 = allocated();
  const v0 = process.resourceUsage().voluntaryContextSwitches;
  const c0 = cpuUs();
  const w0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wall = performance.now() - w0;
  return {
    cpu: (cpuUs() - c0) / n,
    rps: (n * 1000) / wall,
    allocB: (allocated() - a0) / n,
    vcs: (process.resourceUsage().voluntaryContextSwitches - v0) / n,
  };
}

process.on('message', (m: { init?: LoadInput & { alsoRouter?: boolean }; block?: { concurrency: number; n: number }; exit?: true }) => {
  void (async () => {
    if (m.init) {
      if (m.init.alsoRouter) {
        // A control: this process also loads the package and builds (and uses once) a router.
        const other = (await makeClient({ ...m.init, variant: 'router-openai' })).call;
        await other();
        (globalThis as { keptRouter?: unknown }).keptRouter = other;
      }
      call = (await makeClient(m.init)).call;
      for (let i = 0; i < m.init.warmup; i++) await call();
      // BLOCK_WARM_CONC=0: no warm-up at concurrency (as overhead.bench.ts, whose warm-up is sequential).
      if (process.env.BLOCK_WARM_CONC !== '0') await block(m.init.concurrency, 1_000);
      process.send!({ ready: true });
    } else if (m.block) process.send!({ result: await block(m.block.concurrency, m.block.n) });
    else if (m.exit) process.exit(0);
  })().catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
});
