/**
 * Streaming: time to first chunk through the router against the raw SDKs (over HTTP,
 * each client in its own process), stream throughput end to end through the adapters,
 * the whole-stream time of long streams against the raw SDK in paired blocks (both in one
 * process, bench/lib/paired-client.ts; issue 21's target ≤ 1.05×), and the in-process
 * translation throughput of the Anthropic → OpenAI and
 * Gemini → OpenAI stream translators on in-memory event arrays built from the
 * recorded fixtures.
 */
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { BenchSection } from './lib/types.js';
import { toOpenAIChunks } from '../src/providers/anthropic/anthropic-stream.js';
import { translateGeminiStream } from '../src/providers/google/gemini-stream.js';
import type { GeminiResponse } from '../src/providers/google/gemini-wire.js';
import { packageUrl } from './lib/build-package.js';
import type { PairedInput, PairedResult } from './lib/paired-client.js';
import type { LoadInput, LoadResult, Variant } from './lib/load-client.js';
import { fixtureEvents } from './lib/paths.js';
import { runChild, startPortkey, startUpstream } from './lib/processes.js';
import { percentile, round, sortedCopy } from './lib/stats.js';
import { runIfMain } from './lib/standalone.js';

const PAIRS: Array<{ wire: string; raw: Variant; routed: Variant; fetch: Variant }> = [
  { wire: 'OpenAI', raw: 'openai-sdk', routed: 'router-openai', fetch: 'fetch-openai' },
  { wire: 'Anthropic', raw: 'anthropic-sdk', routed: 'router-anthropic', fetch: 'fetch-anthropic' },
  // The google adapter streams through @google/genai when it is installed (as here): the raw
  // baseline is that SDK, not @google/generative-ai (about 4× cheaper per chunk on its own).
  { wire: 'Gemini', raw: 'genai-sdk', routed: 'router-gemini', fetch: 'fetch-gemini' },
];

const med = (xs: number[]) => percentile(sortedCopy(xs), 50);

async function overHttp(smoke: boolean): Promise<BenchSection[]> {
  const rounds = smoke ? 1 : 3;
  const ttftCounts = smoke ? { warmup: 5, sequential: 20 } : { warmup: 100, sequential: 500 };
  const longCounts = smoke ? { warmup: 2, sequential: 3 } : { warmup: 5, sequential: 20 };
  const upstream = await startUpstream();
  const pkgUrl = await packageUrl();
  let portkey: Awaited<ReturnType<typeof startPortkey>> | undefined;
  const notes: string[] = [];
  try {
    portkey = await startPortkey();
  } catch (err) {
    notes.push(`Portkey streaming not measured: ${(err as Error).message.split('\n')[0]}`);
  }
  const ttft = new Map<Variant, LoadResult[]>();
  const long = new Map<Variant, LoadResult[]>();
  const failures = new Map<string, string>();
  const variants: Variant[] = [...PAIRS.flatMap((p) => [p.raw, p.routed, p.fetch]), ...(portkey ? (['portkey'] as const) : [])];
  try {
    for (let r = 0; r < rounds; r++) {
      const rotated = [...variants.slice(r % variants.length), ...variants.slice(0, r % variants.length)];
      for (const variant of rotated) {
        for (const [isLong, into, counts] of [
          [false, ttft, ttftCounts],
          [true, long, longCounts],
        ] as const) {
          // Throughput through router.fetch is the direct path's plus SSE framing: measured for TTFT only.
          if (isLong && (variant === 'portkey' || variant.startsWith('fetch-'))) continue;
          const key = `${variant}${isLong ? ' (long)' : ''}`;
          if (failures.has(key)) continue;
          const input: LoadInput = { variant, urls: upstream.urls, gatewayUrl: portkey?.url, pkgUrl, mode: 'stream', long: isLong, ...counts, concurrent: 0, concurrency: 1 };
          try {
            const res = await runChild<LoadResult>('lib/load-client.ts', input, { timeoutMs: 180_000 });
            if (res.chunksPerStream === 0) throw new Error('the stream yielded no chunks');
            into.set(variant, [...(into.get(variant) ?? []), res]);
          } catch (err) {
            failures.set(key, (err as Error).message.split('\n')[0]!);
          }
        }
      }
    }
  } finally {
    await portkey?.stop();
    await upstream.stop();
  }

  const ttftRows: Array<Record<string, string | number>> = [];
  const tputRows: Array<Record<string, string | number>> = [];
  const rowsFor = (raw: Variant, routed: Variant, wire: string, label: string) => {
    const a = ttft.get(raw);
    const b = ttft.get(routed);
    if (!a || !b) return ttftRows.push({ stream: label, status: `not run: ${failures.get(routed) ?? failures.get(raw) ?? 'no result'}` });
    const ta = sortedCopy(a.flatMap((x) => x.ttftUs));
    const tb = sortedCopy(b.flatMap((x) => x.ttftUs));
    const sa = sortedCopy(a.flatMap((x) => x.seqUs));
    const sb = sortedCopy(b.flatMap((x) => x.seqUs));
    ttftRows.push({
      stream: label,
      'raw TTFT p50 µs': round(percentile(ta, 50)),
      'TTFT p50 µs': round(percentile(tb, 50)),
      'TTFT p99 µs': round(percentile(tb, 99)),
      'added TTFT p50 µs': round(percentile(tb, 50) - percentile(ta, 50)),
      'TTFT ratio': `${(percentile(tb, 50) / percentile(ta, 50)).toFixed(3)}×`,
      'whole stream p50 µs (raw → this)': `${round(percentile(sa, 50))} → ${round(percentile(sb, 50))}`,
      'chunks (raw → this)': `${a[0]!.chunksPerStream} → ${b[0]!.chunksPerStream}`,
      'CPU µs/stream (raw → this)': `${round(med(a.map((x) => x.seqCpuUsPerReq)))} → ${round(med(b.map((x) => x.seqCpuUsPerReq)))}`,
    });
    void wire;
    return undefined;
  };
  for (const p of PAIRS) rowsFor(p.raw, p.routed, p.wire, `${p.wire}: router vs raw SDK`);
  for (const p of PAIRS) rowsFor(p.wire === 'OpenAI' ? p.raw : p.routed, p.fetch, p.wire, `${p.wire}: openai SDK over router.fetch vs ${p.wire === 'OpenAI' ? 'raw SDK' : 'router direct'}`);
  if (portkey) rowsFor('openai-sdk', 'portkey', 'OpenAI', 'OpenAI: Portkey gateway vs raw SDK');

  for (const p of PAIRS) {
    const a = long.get(p.raw);
    const b = long.get(p.routed);
    if (!a || !b) {
      tputRows.push({ stream: p.wire, status: `not run: ${failures.get(`${p.routed} (long)`) ?? failures.get(`${p.raw} (long)`) ?? 'no result'}` });
      continue;
    }
    const cps = (rs: LoadResult[]) => med(rs.flatMap((x) => x.seqUs.map((us) => (x.chunksPerStream * 1e6) / us)));
    tputRows.push({
      stream: `${p.wire} (${'recording lengthened to'} ~2,000 deltas)`,
      'raw SDK chunks/s': round(cps(a)),
      'router chunks/s': round(cps(b)),
      ratio: `${(cps(b) / cps(a)).toFixed(3)}×`,
      'chunks per stream (raw → router)': `${a[0]!.chunksPerStream} → ${b[0]!.chunksPerStream}`,
    });
  }
  for (const [k, v] of failures) notes.push(`${k} could not run: ${v}`);
  const broken = [...failures].filter(([v]) => v.startsWith('router-') || v.startsWith('fetch-'));
  if (smoke && broken.length) throw new Error(`router streams failed: ${broken.map(([v, e]) => `${v}: ${e}`).join('; ')}`);

  return [
    {
      title: 'Streaming: time to first chunk, router vs raw SDK',
      method: `Each client in its own process against the fake upstream on 127.0.0.1; a short recorded stream (OpenAI openai-node-stream-works, Anthropic vercel-ai anthropic-text, Gemini generative-ai-js basic-reply-long). ${ttftCounts.warmup} warm-up streams, then ${ttftCounts.sequential} streams one after another per process; TTFT = from the create() call to the first chunk out of the iterator. ${rounds} round(s), order rotated, pooled.`,
      iterations: ttftCounts.sequential * rounds,
      rows: ttftRows,
      notes,
    },
    {
      title: 'Streaming: throughput end to end through the adapters',
      method: `As above, with the upstream repeating one content delta of the recording to ~2,000 deltas per stream; ${longCounts.sequential} streams per process after ${longCounts.warmup} warm-up, ${rounds} round(s). chunks/s = chunks the consumer received ÷ whole-stream time, median over streams. Includes HTTP, SSE parsing in the SDK and, for the router, translation to OpenAI chunks.`,
      iterations: longCounts.sequential * rounds,
      rows: tputRows,
    },
  ];
}

/**
 * Whole-stream time of the long recording, router vs raw SDK, in paired blocks: both clients
 * in one process, each block running `perBlock` streams of each in turn (order rotated per
 * block), so a block's ratio pairs two measurements taken side by side in time. On a shared
 * machine whose load moves by the second, that is the figure that holds still.
 */
async function pairedWholeStream(smoke: boolean): Promise<BenchSection> {
  const processes = smoke ? 1 : 3;
  const upstream = await startUpstream();
  const pkgUrl = await packageUrl();
  const rows: Array<Record<string, string | number>> = [];
  const notes: string[] = [];
  const q = (xs: number[], p: number) => percentile(sortedCopy(xs), p).toFixed(3);
  try {
    for (const p of PAIRS) {
      // Gemini's raw SDK takes ~5× longer per stream: fewer streams per block keep the runs comparable in length.
      const perBlock = smoke ? 2 : p.wire === 'Gemini' ? 3 : 6;
      const input: PairedInput = { subjects: [p.raw, p.routed], urls: upstream.urls, pkgUrl, mode: 'stream', long: true, warmup: smoke ? 2 : 10, blocks: smoke ? 2 : 20, perBlock };
      const wall: number[] = [];
      const cpu: number[] = [];
      let sample = '';
      try {
        for (let i = 0; i < processes; i++) {
          const r = await runChild<PairedResult>('lib/paired-client.ts', input, { env: { BENCH_PAIRED_CLIENT: '1' }, timeoutMs: 600_000 });
          if (!r.sample[p.routed] || !r.sample[p.raw]) throw new Error('a subject streamed no chunks');
          sample = `${r.sample[p.raw]} → ${r.sample[p.routed]}`;
          wall.push(...r.p50[p.routed]!.map((x, b) => x / r.p50[p.raw]![b]!));
          cpu.push(...r.cpu[p.routed]!.map((x, b) => x / r.cpu[p.raw]![b]!));
        }
      } catch (err) {
        notes.push(`${p.wire}: not run: ${(err as Error).message.split('\n')[0]}`);
        if (smoke) throw err;
        continue;
      }
      rows.push({
        stream: `${p.wire}: router vs ${p.raw === 'genai-sdk' ? '@google/genai' : 'raw SDK'}`,
        'whole-stream ratio (median of blocks)': `${q(wall, 50)}×`,
        'p25–p75': `${q(wall, 25)}–${q(wall, 75)}`,
        'p10–p90': `${q(wall, 10)}–${q(wall, 90)}`,
        'CPU ratio (median, p25–p75)': `${q(cpu, 50)}× (${q(cpu, 25)}–${q(cpu, 75)})`,
        chunks: sample,
        'target ≤ 1.05×': Number(q(wall, 50)) <= 1.05 ? 'met' : 'not met',
      });
    }
  } finally {
    await upstream.stop();
  }
  return {
    title: 'Streaming: whole-stream time, router vs raw SDK (paired blocks)',
    method: `The long recording (~2,000 deltas per stream) from the bench upstream on 127.0.0.1. Router and raw SDK in one process (${processes} process(es) per wire format), 20 blocks; each block streams 6 long streams with each client (Gemini: 3), the order rotated per block. Ratio per block = the router's block p50 ÷ the raw SDK's block p50 (CPU: process.cpuUsage() per stream over the block, router ÷ raw), pooled over the processes; median with p25–p75 and p10–p90. Gemini's raw baseline is @google/genai, the SDK the adapter uses.`,
    iterations: (smoke ? 2 : 20) * processes,
    rows,
    notes,
  };
}

/** An in-memory upstream: the events as an async iterable, as the SDKs hand them over. */
async function* fromArray<T>(events: T[]): AsyncGenerator<T> {
  for (const e of events) yield e;
}

function lengthen<T>(events: T[], isDelta: (e: T) => boolean, n: number): T[] {
  const first = events.findIndex(isDelta);
  const out = events.slice(0, first);
  for (let i = 0; i < n; i++) out.push(events[first]!);
  out.push(...events.slice(first).filter((e) => !isDelta(e)));
  return out;
}

async function count(it: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of it) n++;
  return n;
}

async function timeIt(fn: () => Promise<number>, reps: number): Promise<{ ms: number; chunks: number; all: number[] }> {
  const all: number[] = [];
  let chunks = 0;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    chunks = await fn();
    all.push(performance.now() - t0);
  }
  return { ms: med(all), chunks, all };
}

async function translation(smoke: boolean): Promise<BenchSection> {
  const deltas = smoke ? 2_000 : 20_000;
  const reps = smoke ? 3 : 15;
  const warm = smoke ? 1 : 5;
  const anthropicEvents = lengthen(fixtureEvents<RawMessageStreamEvent>('anthropic/vercel-ai/anthropic-text.chunks.txt'), (e) => e.type === 'content_block_delta', deltas);
  const geminiEvents = lengthen(fixtureEvents<GeminiResponse>('gemini/generative-ai-js/streaming-success-basic-reply-long.txt'), (c) => !c.usageMetadata, deltas);
  const geminiHooks = () => ({
    requestedModel: 'gemini-bench',
    toError: (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    abortedError: () => undefined,
    finish: () => undefined,
  });
  const cases: Array<{ name: string; events: unknown[]; translate: () => Promise<number> }> = [
    { name: 'Anthropic → OpenAI (toOpenAIChunks)', events: anthropicEvents, translate: () => count(toOpenAIChunks(fromArray(anthropicEvents), { signal: undefined, jsonToolName: undefined })) },
    { name: 'Gemini → OpenAI (translateGeminiStream)', events: geminiEvents, translate: () => count(translateGeminiStream(fromArray(geminiEvents), geminiHooks())) },
  ];
  const rows: Array<Record<string, string | number>> = [];
  for (const c of cases) {
    const passthrough = () => count(fromArray(c.events));
    for (let i = 0; i < warm; i++) {
      await c.translate();
      await passthrough();
    }
    // Alternate the two so drift (GC, other load) hits both alike.
    const t: number[] = [];
    const p: number[] = [];
    let chunks = 0;
    for (let i = 0; i < reps; i++) {
      const a = await timeIt(c.translate, 1);
      const b = await timeIt(passthrough, 1);
      t.push(a.ms);
      p.push(b.ms);
      chunks = a.chunks;
    }
    const tMs = med(t);
    const pMs = med(p);
    rows.push({
      translator: c.name,
      'events in': c.events.length,
      'chunks out': chunks,
      'chunks/s': round((chunks * 1000) / tMs),
      'ns per event': round((tMs * 1e6) / c.events.length),
      'ns per event, bare async iteration': round((pMs * 1e6) / c.events.length),
      'target ≥ 500,000 chunks/s': (chunks * 1000) / tMs >= 500_000 ? 'met' : 'not met',
    });
  }
  return {
    title: 'Streaming: in-process translation throughput',
    method: `The translators called directly on an in-memory async iterable of parsed events from the recorded fixtures (anthropic-text.chunks.txt and streaming-success-basic-reply-long.txt, one content delta repeated to ${deltas.toLocaleString('en-US')}). ${warm} warm-up passes, then ${reps} timed passes alternating with a bare pass-through of the same iterable; median pass. chunks/s = OpenAI chunks out ÷ time.`,
    iterations: reps,
    rows,
  };
}

export async function run({ smoke }: { smoke: boolean }): Promise<BenchSection[]> {
  const tr = await translation(smoke);
  const paired = await pairedWholeStream(smoke);
  return [...(await overHttp(smoke)), paired, tr];
}

runIfMain(import.meta.url, run);
