/**
 * Routes many requests through one router (mock provider, in-process) and reports the
 * heap and RSS after a forced GC at each checkpoint. Run with --expose-gc by
 * bench/memory.bench.ts.
 */
import { childMain } from './processes.js';
import { mockWorkloadMessages, mockWorkloadOptions } from './mock-workload.js';

export interface MemoryInput {
  pkgUrl: string;
  checkpoints: number[];
}
export interface MemoryPoint {
  requests: number;
  heapUsedMb: number;
  rssMb: number;
  externalMb: number;
  usPerRequest: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

function settle(): void {
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) gc();
}

async function main(input: MemoryInput): Promise<{ points: MemoryPoint[]; spentUsd: number }> {
  const { createRouter } = (await import(input.pkgUrl)) as typeof import('../../src/index.js');
  let spent = 0;
  const router = createRouter(mockWorkloadOptions((usd) => void (spent += usd)));
  const messages = mockWorkloadMessages;
  const points: MemoryPoint[] = [];
  let done = 0;
  for (const target of input.checkpoints) {
    const t0 = performance.now();
    const n = target - done;
    for (; done < target; done++) {
      // One request in ten streams, so stream bookkeeping is exercised too.
      if (done % 10 === 9) {
        const s = await router.chat.completions.create({ model: 'main', messages, stream: true });
        for await (const _ of s);
      } else {
        await router.chat.completions.create({ model: 'main', messages });
      }
    }
    const us = ((performance.now() - t0) * 1000) / n;
    // Let hooks (run after the caller has its answer) drain before measuring.
    await new Promise((r) => setTimeout(r, 20));
    settle();
    const m = process.memoryUsage();
    points.push({ requests: target, heapUsedMb: m.heapUsed / 2 ** 20, rssMb: m.rss / 2 ** 20, externalMb: m.external / 2 ** 20, usPerRequest: us });
  }
  return { points, spentUsd: spent };
}

if (process.send) childMain(main);
