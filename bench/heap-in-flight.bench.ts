/**
 * Heap per in-flight request: N requests held open by a slow upstream, in a fresh process
 * per run (plain `node --expose-gc`, the package bundled as shipped), the raw openai SDK
 * against the router over the openai adapter. Heap after forced GCs with all N in flight,
 * minus the heap before they started, ÷ N. Runs alternate between the two subjects.
 */
import { spawn } from 'node:child_process';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BenchSection } from './lib/types.js';
import { packageUrl } from './lib/build-package.js';
import { upstreamBodies } from './lib/fake-upstream.js';
import { REPO_DIR } from './lib/paths.js';
import { percentile, round, sortedCopy } from './lib/stats.js';
import { runIfMain } from './lib/standalone.js';

/** Holds every chat completion until released; GET /pending says how many it holds. */
async function holdingUpstream(): Promise<{ url: string; release: () => void; close: () => Promise<void> }> {
  const body = upstreamBodies().openaiJson;
  let held: ServerResponse[] = [];
  const server = createServer((req, res) => {
    if (req.url === '/pending') {
      res.end(String(held.length));
      return;
    }
    req.resume();
    req.on('end', () => {
      if (!req.url?.endsWith('/chat/completions')) res.writeHead(404).end();
      // Warm-up calls are answered at once; the measured ones (x-hold) wait for release().
      else if (req.headers['x-hold'] === '1') held.push(res);
      else res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    release: () => {
      for (const res of held) res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
      held = [];
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * What runs before the measured burst, answered at once. `few`: three calls, so first-use
 * allocations are not counted — but the code compiled during the burst is. `sequential`:
 * 1,000 calls one by one, so the path's code is compiled before. `pooled`: three bursts of N
 * at once, so the code is compiled and N connections already wait in the pool, as in a server
 * that has seen this concurrency before. The ratio differs by warm-up, so all three are reported.
 */
const WARMUPS = {
  few: 'await Promise.all([call(false), call(false), call(false)]);',
  sequential: 'await Promise.all([call(false), call(false), call(false)]); for (let k = 0; k < 1000; k++) await call(false);',
  pooled: (n: number) => `await Promise.all([call(false), call(false), call(false)]); for (let k = 0; k < 3; k++) await Promise.all(Array.from({ length: ${n} }, () => call(false)));`,
};
type Warmup = keyof typeof WARMUPS;
const warmupCode = (w: Warmup, n: number) => (w === 'pooled' ? WARMUPS.pooled(n) : WARMUPS[w]);

const childScript = (setup: string, n: number, base: string, warm: Warmup) => `
${setup}
const call = (hold) => c.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 16 }, hold ? { headers: { 'x-hold': '1' } } : undefined);
const pending = async () => Number(await (await fetch('${base}/pending')).text());
const gc3 = () => { for (let i = 0; i < 3; i++) globalThis.gc(); };
${warmupCode(warm, n)}
gc3();
const before = process.memoryUsage().heapUsed;
const all = [];
for (let i = 0; i < ${n}; i++) all.push(call(true));
while ((await pending()) < ${n}) await new Promise((r) => setTimeout(r, 20));
gc3();
const during = process.memoryUsage().heapUsed;
process.send({ held: true, before, during });
await Promise.all(all);
process.exit(0);
`;

function runChild(script: string, up: { release: () => void }): Promise<{ before: number; during: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { cwd: REPO_DIR, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    let result: { before: number; during: number } | undefined;
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('message', (m: { held?: boolean; before: number; during: number }) => {
      if (m.held) {
        result = { before: m.before, during: m.during };
        up.release();
      }
    });
    child.on('exit', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`heap child exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' ')}`))));
  });
}

export async function run({ smoke }: { smoke: boolean }): Promise<BenchSection[]> {
  const n = smoke ? 50 : 400;
  const pairs = smoke ? 1 : 5;
  const pkg = await packageUrl();
  const up = await holdingUpstream();
  const subjects = {
    raw: `const { default: OpenAI } = await import('openai'); const c = new OpenAI({ apiKey: 'sk-bench', baseURL: '${up.url}/v1' });`,
    router: `const { createRouter } = await import(${JSON.stringify(pkg)}); const c = createRouter({ providers: { openai: { type: 'openai', apiKey: 'sk-bench', baseURL: '${up.url}/v1' } }, models: [{ id: 'gpt-4o-mini', provider: 'openai', contextWindow: 128000, pricing: { input: 0.15, output: 0.6 } }], hooks: { onDecision: () => {} } });`,
  };
  const med = (xs: number[]) => percentile(sortedCopy(xs), 50);
  const rows: Array<Record<string, string | number>> = [];
  const verdicts: string[] = [];
  try {
    // Warm-ups in the outer loop, so each ratio's pairs run in one stretch of the machine.
    for (const warm of Object.keys(WARMUPS) as Warmup[]) {
      const per: Record<'raw' | 'router', number[]> = { raw: [], router: [] };
      const ratios: number[] = [];
      for (let p = 0; p < pairs; p++) {
        const order: Array<'raw' | 'router'> = p % 2 === 0 ? ['raw', 'router'] : ['router', 'raw'];
        const got: Partial<Record<'raw' | 'router', number>> = {};
        for (const s of order) {
          const r = await runChild(childScript(subjects[s], n, up.url, warm), up);
          got[s] = (r.during - r.before) / n;
          per[s].push(got[s]!);
        }
        ratios.push(got.router! / got.raw!);
      }
      const sorted = sortedCopy(ratios);
      const ratio = med(ratios);
      rows.push(
        { subject: `openai SDK, direct (warm-up: ${warm})`, 'heap KB per in-flight request, median': round(med(per.raw) / 1024), runs: per.raw.map((x) => round(x / 1024)).join(' / ') },
        { subject: `router → openai adapter (warm-up: ${warm})`, 'heap KB per in-flight request, median': round(med(per.router) / 1024), runs: per.router.map((x) => round(x / 1024)).join(' / ') },
        { subject: `ratio router / raw, paired (warm-up: ${warm})`, 'heap KB per in-flight request, median': `${ratio.toFixed(3)}×`, runs: `p25–p75 ${percentile(sorted, 25).toFixed(3)}–${percentile(sorted, 75).toFixed(3)}×` },
      );
      verdicts.push(`${warm} ${ratio.toFixed(3)}× (${ratio <= 1.05 ? 'met' : 'NOT met'})`);
    }
  } finally {
    await up.close();
  }
  return [
    {
      title: 'Heap per in-flight request vs the raw SDK',
      method: `Fresh process per run (plain \`node --expose-gc\`, the package bundled as shipped); ${n} non-streaming chat completions started at once against an upstream on 127.0.0.1 that holds every response until all ${n} have arrived; heap used after three forced GCs with all of them in flight, minus the heap before they started, ÷ ${n}. Three warm-ups before the burst, answered at once: few (3 calls: the code compiled during the burst is counted), sequential (1,000 calls one by one: the path's code compiled before), pooled (three bursts of ${n}: code compiled and ${n} connections pooled). ${pairs} pairs per warm-up, the order alternating pair by pair; ratio per pair. The router: one openai model (described, no catalog), an onDecision hook, cost tracking on; the raw SDK with its defaults.`,
      iterations: pairs * n * 2 * 3,
      rows,
      notes: [`Target (issue 21): heap per in-flight request ≤ 1.05× the raw SDK, by warm-up: ${verdicts.join('; ')}.`],
    },
  ];
}

runIfMain(import.meta.url, run);
