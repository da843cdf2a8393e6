/**
 * Four Node processes share one Redis: under load they hold one budget (total spend never
 * past the limit by more than one reservation) and one requests-per-minute limit (within
 * one request), and a circuit opened in one process is respected by the others within
 * 100 ms.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore } from 'llm-switchboard';
import { sharedRedisServer, type RedisServer } from './support/redis-server.js';

const WORKER = fileURLToPath(new URL('./support/redis-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PROCESSES = 4;
let server: RedisServer;
const children = new Set<ChildProcess>();

interface Worker {
  child: ChildProcess;
  lines: Array<Record<string, any>>;
  /** Resolves with the first line matching `pred`. */
  next(pred: (l: Record<string, any>) => boolean): Promise<Record<string, any>>;
  exited: Promise<number | null>;
}

function worker(mode: string, prefix: string, index: number): Worker {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, mode, server.url, prefix, String(index)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  const lines: Array<Record<string, any>> = [];
  const waiters: Array<{ pred: (l: Record<string, any>) => boolean; resolve: (l: Record<string, any>) => void }> = [];
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    let l: Record<string, any>;
    try {
      l = JSON.parse(line);
    } catch {
      return;
    }
    lines.push(l);
    for (const w of [...waiters]) {
      if (!w.pred(l)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(l);
    }
  });
  // Bounded: a worker that hangs is killed and fails the test.
  const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      clearTimeout(kill);
      children.delete(child);
      if (code !== 0) console.error(`worker ${index} exited ${code}:\n${stderr}`);
      resolve(code);
    }),
  );
  return {
    child,
    lines,
    exited,
    next: (pred) => {
      const found = lines.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        waiters.push({ pred, resolve });
        void exited.then(() => reject(new Error(`worker ${index} exited before the expected line:\n${stderr}`)));
      });
    },
  };
}

beforeAll(async () => {
  server = await sharedRedisServer();
}, 15_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await server?.stop();
});

describe('four processes, one Redis', () => {
  it('hold one budget and one requests-per-minute limit under load', async () => {
    // A fixed one-minute window must not roll over mid-test (bounded wait: at most 10 s).
    const left = 60_000 - (Date.now() % 60_000);
    if (left < 10_000) await new Promise((r) => setTimeout(r, left + 100));
    const prefix = `mp${Date.now()}:`;
    const workers = Array.from({ length: PROCESSES }, (_, i) => worker('load', prefix, i));
    const results = await Promise.all(workers.map((w) => w.next((l) => 'budget' in l)));
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0, 0, 0]);

    // The limit: 40 requests per minute across all four processes, whatever each one sent.
    const limitedOk = results.reduce((a, r) => a + r.limited.ok, 0);
    expect(Math.abs(limitedOk - 40)).toBeLessThanOrEqual(1);
    expect(results.reduce((a, r) => a + r.limited.refused, 0)).toBe(PROCESSES * 30 - limitedOk);

    // The budget: $0.01; each call reserves its maximum cost (≈ $0.0003) and costs $0.0002.
    const budgetOk = results.reduce((a, r) => a + r.budget.ok, 0);
    expect(results.reduce((a, r) => a + r.budget.refused, 0)).toBeGreaterThan(0);
    for (const r of results) for (const e of r.budget.errors) expect(e).toBe('BudgetExceededError');
    const s = redisStore({ url: server.url, prefix });
    await s.connect();
    const day = new Date().toISOString().slice(0, 10);
    const spent = (await s.get(`bg:0|route:budgeted:s:${day}`)) ?? 0;
    const reserved = (await s.get('bg:0|route:budgeted:r')) ?? 0;
    await s.close();
    expect(spent).toBeCloseTo(budgetOk * 0.0002, 9);
    expect(spent).toBeLessThanOrEqual(0.01 + 0.0004);
    // Nearly the whole budget was used: the processes did not each stop at a quarter.
    expect(spent).toBeGreaterThan(0.01 - 0.0006);
    expect(reserved).toBeCloseTo(0, 12);
  }, 60_000);

  it('a circuit opened in one process is respected by the others within 100 ms', async () => {
    const prefix = `mpc${Date.now()}:`;
    const workers = Array.from({ length: PROCESSES }, (_, i) => worker('circuit', prefix, i));
    await Promise.all(workers.map((w) => w.next((l) => l.ready === true)));
    workers[0]!.child.stdin!.write('go\n');
    const opened = await workers[0]!.next((l) => 'opened' in l);
    expect(opened.circuit).toBe('open');
    const seen = await Promise.all(workers.slice(1).map((w) => w.next((l) => 'seen' in l)));
    for (const s of seen) {
      expect(s.circuit).toBe('open');
      expect(s.seen - opened.opened).toBeLessThan(100);
      // Respected: the open model is not even attempted.
      expect(s.attempts).toEqual(['good']);
    }
    expect(await Promise.all(workers.map((w) => w.exited))).toEqual([0, 0, 0, 0]);
  }, 60_000);
});
