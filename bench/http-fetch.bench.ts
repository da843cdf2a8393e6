/**
 * router.fetch (`new OpenAI({ fetch: router.fetch })`) against its baselines, in one
 * process per upstream wire format with the subjects timed in alternating blocks
 * (bench/lib/paired-client.ts): the ratio of each block is paired with its baseline's
 * block beside it in time, and the headline is the median of those ratios with their
 * spread. Targets (issue 16): ≤ 1.10× the raw openai SDK for an OpenAI-format upstream,
 * ≤ 1.05× the router's direct path (`router.chat.completions.create`) for Anthropic and
 * Gemini. bench/overhead.bench.ts has the same variants, each in its own process.
 */
import type { BenchSection } from './lib/types.js';
import { packageUrl } from './lib/build-package.js';
import type { PairedInput, PairedResult, PairedSubject } from './lib/paired-client.js';
import { runChild, startUpstream } from './lib/processes.js';
import { percentile, round, sortedCopy } from './lib/stats.js';
import { runIfMain } from './lib/standalone.js';

interface Group {
  wire: string;
  subjects: PairedSubject[];
  /** The subject the fetch path is held to, and the target ratio. */
  baseline: PairedSubject;
  fetch: PairedSubject;
  target: number;
}

const GROUPS: Group[] = [
  { wire: 'OpenAI', subjects: ['openai-sdk', 'router-openai', 'fetch-openai', 'forward-floor'], baseline: 'openai-sdk', fetch: 'fetch-openai', target: 1.1 },
  { wire: 'Anthropic', subjects: ['router-anthropic', 'fetch-anthropic', 'sdk-floor'], baseline: 'router-anthropic', fetch: 'fetch-anthropic', target: 1.05 },
  { wire: 'Gemini', subjects: ['router-gemini', 'fetch-gemini', 'sdk-floor'], baseline: 'router-gemini', fetch: 'fetch-gemini', target: 1.05 },
];

const LABEL: Record<string, string> = {
  'openai-sdk': 'openai SDK, direct',
  'router-openai': 'router.chat.completions.create → openai adapter',
  'fetch-openai': 'openai SDK → router.fetch → openai adapter (pass-through)',
  'router-anthropic': 'router.chat.completions.create → anthropic adapter',
  'fetch-anthropic': 'openai SDK → router.fetch → anthropic adapter',
  'router-gemini': 'router.chat.completions.create → google adapter',
  'fetch-gemini': 'openai SDK → router.fetch → google adapter',
  'sdk-floor': 'openai SDK over a fetch that answers at once with a standard Response (its own cost)',
  'forward-floor': 'openai SDK → a minimal in-process fetch: parse the body, send its text upstream, parse the answer, answer its bytes (no routing)',
};

const med = (xs: number[]) => percentile(sortedCopy(xs), 50);
const spread = (xs: number[]) => {
  const s = sortedCopy(xs);
  return `${s[0]!.toFixed(3)}–${s[s.length - 1]!.toFixed(3)} (IQR ${percentile(s, 25).toFixed(3)}–${percentile(s, 75).toFixed(3)})`;
};

export async function run({ smoke }: { smoke: boolean }): Promise<BenchSection[]> {
  // Short blocks, many of them: on a shared machine whose load drifts by the second, a block's ratio pairs subjects timed a few ms apart.
  const counts = smoke ? { warmup: 20, blocks: 2, perBlock: 20 } : { warmup: 400, blocks: 120, perBlock: 25 };
  const upstream = await startUpstream();
  const pkgUrl = await packageUrl();
  const results = new Map<string, PairedResult>();
  const failures: string[] = [];
  try {
    for (const mode of ['unary', 'stream'] as const) {
      for (const g of GROUPS) {
        const input: PairedInput = { subjects: g.subjects, urls: upstream.urls, pkgUrl, mode, ...counts };
        try {
          const r = await runChild<PairedResult>('lib/paired-client.ts', input, { env: { BENCH_PAIRED_CLIENT: '1' }, timeoutMs: 600_000 });
          for (const s of g.subjects) if (!r.sample[s]) throw new Error(`${s} returned an empty answer`);
          results.set(`${g.wire}/${mode}`, r);
        } catch (err) {
          failures.push(`${g.wire} ${mode}: ${(err as Error).message.split('\n').slice(0, 2).join(' ')}`);
        }
      }
    }
  } finally {
    await upstream.stop();
  }
  if (smoke && failures.length) throw new Error(`router.fetch bench failed: ${failures.join('; ')}`);

  const headline: Array<Record<string, string | number>> = [];
  const rows: Array<Record<string, string | number>> = [];
  for (const mode of ['unary', 'stream'] as const) {
    for (const g of GROUPS) {
      const r = results.get(`${g.wire}/${mode}`);
      if (!r) continue;
      const ratios = (s: PairedSubject, base: PairedSubject, of: Record<string, number[]> = r.p50) => of[s]!.map((x, i) => x / of[base]![i]!);
      for (const s of g.subjects) {
        const isBase = s === g.baseline;
        const row: Record<string, string | number> = {
          upstream: g.wire,
          mode,
          client: LABEL[s] ?? s,
          'p50 µs (median of blocks)': round(med(r.p50[s]!)),
          'ratio p50 vs baseline': isBase ? 'baseline' : `${med(ratios(s, g.baseline)).toFixed(3)}×`,
          'ratio per block: min–max (IQR)': isBase ? '' : spread(ratios(s, g.baseline)),
          'CPU µs/call': round(med(r.cpu[s]!)),
          'CPU ratio vs baseline': isBase ? 'baseline' : `${med(ratios(s, g.baseline, r.cpu)).toFixed(3)}×`,
        };
        if (mode === 'stream') row['TTFT p50 µs'] = round(med(r.ttft[s]!));
        rows.push(row);
      }
      const fr = ratios(g.fetch, g.baseline);
      const m = med(fr);
      // CPU per call moves far less than wall time when other processes hold the cores.
      const cr = ratios(g.fetch, g.baseline, r.cpu);
      headline.push({
        figure: `router.fetch over ${LABEL[g.baseline]}, ${g.wire} upstream, ${mode === 'unary' ? 'p50 per call' : 'p50 whole stream'}`,
        value: `${m.toFixed(3)}× (blocks ${spread(fr)}); CPU per call ${med(cr).toFixed(3)}× (blocks ${spread(cr)})`,
        target: mode === 'unary' ? `≤ ${g.target.toFixed(2)}×` : '(context)',
        met: mode === 'unary' ? (m <= g.target ? 'yes' : `no, by ${((m - g.target) * 100).toFixed(1)} points`) : '',
      });
      if (mode === 'stream') {
        const tr = ratios(g.fetch, g.baseline, r.ttft);
        headline.push({ figure: `router.fetch over ${LABEL[g.baseline]}, ${g.wire} upstream, p50 time to first chunk`, value: `${med(tr).toFixed(3)}× (blocks ${spread(tr)})`, target: '(context)', met: '' });
      }
      if (g.subjects.includes('forward-floor')) {
        // For an OpenAI upstream the fetch path is the direct path's routing plus what any in-process HTTP face must do: the two figures apart.
        const direct = ratios(g.fetch, 'router-openai');
        const directCpu = ratios(g.fetch, 'router-openai', r.cpu);
        headline.push({
          figure: `router.fetch ÷ ${LABEL['router-openai']}, ${g.wire} upstream, ${mode === 'unary' ? 'p50 per call' : 'p50 whole stream'}`,
          value: `${med(direct).toFixed(3)}× (blocks ${spread(direct)}); CPU ${med(directCpu).toFixed(3)}×; the direct path ÷ the raw SDK: ${med(ratios('router-openai', g.baseline)).toFixed(3)}×`,
          target: '(context)',
          met: '',
        });
        const floor = ratios('forward-floor', g.baseline);
        const over = ratios(g.fetch, 'forward-floor');
        headline.push({
          figure: `floor for ${g.wire}, ${mode}: ${LABEL['forward-floor']} ÷ the raw SDK${mode === 'stream' ? ' (stream bytes forwarded unparsed)' : ''}`,
          value: `${med(floor).toFixed(3)}× (blocks ${spread(floor)}); CPU ${med(ratios('forward-floor', g.baseline, r.cpu)).toFixed(3)}×; router.fetch ÷ this floor ${med(over).toFixed(3)}× (CPU ${med(ratios(g.fetch, 'forward-floor', r.cpu)).toFixed(3)}×)`,
          target: '(context)',
          met: '',
        });
      }
      if (g.subjects.includes('sdk-floor')) {
        // The fetch path is the direct path plus the caller's SDK plus the handler: the SDK alone sets a floor.
        const floor = r.p50['sdk-floor']!.map((x, i) => (x + r.p50[g.baseline]![i]!) / r.p50[g.baseline]![i]!);
        const cpuFloor = r.cpu['sdk-floor']!.map((x, i) => (x + r.cpu[g.baseline]![i]!) / r.cpu[g.baseline]![i]!);
        headline.push({
          figure: `floor for ${g.wire}, ${mode}: (direct path + the caller's openai SDK alone) ÷ direct path`,
          value: `${med(floor).toFixed(3)}× (blocks ${spread(floor)}); CPU ${med(cpuFloor).toFixed(3)}×; the SDK alone: ${round(med(r.p50['sdk-floor']!))} µs per call`,
          target: '(context)',
          met: '',
        });
        // What the handler adds beyond that floor: the part of the fetch path this package controls.
        const over = r.p50[g.fetch]!.map((x, i) => x / (r.p50[g.baseline]![i]! + r.p50['sdk-floor']![i]!));
        const cpuOver = r.cpu[g.fetch]!.map((x, i) => x / (r.cpu[g.baseline]![i]! + r.cpu['sdk-floor']![i]!));
        headline.push({
          figure: `router.fetch ÷ (direct path + the caller's openai SDK alone), ${g.wire} upstream, ${mode === 'unary' ? 'p50 per call' : 'p50 whole stream'}`,
          value: `${med(over).toFixed(3)}× (blocks ${spread(over)}); CPU per call ${med(cpuOver).toFixed(3)}× (blocks ${spread(cpuOver)})`,
          target: mode === 'unary' ? '(context: ≤ 1.05× would meet the target once restated over the SDK floor)' : '(context)',
          met: mode === 'unary' ? (med(over) <= 1.05 ? 'yes' : `no, by ${((med(over) - 1.05) * 100).toFixed(1)} points`) : '',
        });
      }
    }
  }
  const method = `One Node process per upstream wire format and mode, holding every subject of the group; against one fake upstream process on 127.0.0.1 (keep-alive, recorded bodies, no delay). ${counts.warmup} warm-up calls per subject, then ${counts.blocks} blocks; each block runs ${counts.perBlock} sequential calls of every subject, in an order rotated per block. Ratio = the fetch path's block p50 ÷ its baseline's p50 in the same block (and the same for CPU µs per call, process.cpuUsage() over the block); the headline is the median over blocks, with min–max and interquartile range.`;
  return [
    { title: 'router.fetch: headline', method, iterations: counts.blocks * counts.perBlock, rows: headline, notes: failures.map((f) => `not run: ${f}`) },
    { title: 'router.fetch per subject', method, iterations: counts.blocks * counts.perBlock, rows, notes: [
        'Router: priority route of two models on one provider, onDecision hook summing decision.cost.finalUsd (as in overhead.bench.ts).',
        "sdk-floor answers with a standard `new Response(text)`; router.fetch answers a JSON body with a Response that serves text()/json() from the string it holds (src/http/buffered-response.ts), which the caller's SDK reads for less: the SDK's share of the fetch path is below this floor.",
      ] },
  ];
}

runIfMain(import.meta.url, run);
