/**
 * Routes many requests through one router (mock provider, in-process) and reports the
 * heap and RSS after a forced GC at each checkpoint. Run with --expose-gc by
 * bench/memory.bench.ts.
 */
import { childMain } from './processes.js';

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
  const router = createRouter({
    providers: { mock: { type: 'mock', reply: 'Fine, thanks.', usage: { prompt_tokens: 12, completion_tokens: 4 } } },
    models: [
      { id: 'primary', provider: 'mock', pricing: { input: 0.15, output: 0.6 } },
      { id: 'backup', provider: 'mock', pricing: { input: 2.5, output: 10 } },
    ],
    routes: { main: { models: ['primary', 'backup'], strategy: 'priority' } },
    hooks: { onDecision: (d) => void (spent += d.cost.finalUsd) },
  });
  const messages = [{ role: 'user' as const, content: 'Hello, how are you?' }];
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
