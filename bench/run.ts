/**
 * `npm run bench` (and `npm run bench:smoke`): runs every bench/*.bench.ts in one run
 * and writes bench/RESULTS.md and bench/results.json (smoke: .cache/bench/). A bench
 * file that is missing, fails to import or throws is reported, never fatal.
 *
 *   tsx bench/run.ts [--smoke] [--only name,name [--merge]]
 *
 * `--only … --merge` replaces the sections of the files it ran in bench/RESULTS.md and
 * results.json (each merged section says so), leaving every other file's figures as the
 * last full run wrote them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BenchSection } from './lib/types.js';
import { BENCH_DIR, CACHE_DIR, PEERS_DIR, REPO_DIR } from './lib/paths.js';

interface FileResult {
  file: string;
  ok: boolean;
  seconds: number;
  error?: string;
  sections: BenchSection[];
}

const args = process.argv.slice(2);
const smoke = args.includes('--smoke');
const onlyArg = args.find((a, i) => args[i - 1] === '--only' || a.startsWith('--only='));
const only = onlyArg ? onlyArg.replace(/^--only=/, '').split(',') : undefined;
const merge = args.includes('--merge') && !smoke;

/**
 * The peers the comparisons need; installed from bench/peers' own lock file on a fresh
 * clone. The smoke pass does not install them (that alone takes over a minute here): it
 * uses them when present and reports them as not installed otherwise.
 */
function ensurePeers(): string | undefined {
  if (existsSync(resolve(PEERS_DIR, 'node_modules/.package-lock.json'))) return undefined;
  if (smoke) return 'bench/peers is not installed; the smoke pass skips the peers (`npm run bench` installs them)';
  console.log('bench: installing peers (npm ci --prefix bench/peers)…');
  try {
    execFileSync('npm', ['ci', '--prefix', PEERS_DIR, '--no-audit', '--no-fund', '--loglevel=error'], { stdio: 'inherit', timeout: 300_000 });
    return undefined;
  } catch (err) {
    return `npm ci --prefix bench/peers failed: ${(err as Error).message.split('\n')[0]}`;
  }
}

function version(pkgJson: string): string {
  try {
    return (JSON.parse(readFileSync(pkgJson, 'utf8')) as { version: string }).version;
  } catch {
    return 'not installed';
  }
}

function cell(v: string | number | undefined): string {
  if (v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en-US') : String(v)) : v;
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

function table(rows: Array<Record<string, string | number>>): string {
  if (rows.length === 0) return '_(no rows)_\n';
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return [`| ${cols.join(' | ')} |`, `|${cols.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${cols.map((c) => cell(r[c])).join(' | ')} |`)].join('\n') + '\n';
}

function sectionsMarkdown(r: FileResult, note?: string): string[] {
  const md: string[] = [];
  for (const s of r.sections) {
    md.push(`## ${s.title}`, '', `_Source: bench/${r.file}. Iterations: ${cell(s.iterations)}. Method: ${s.method}_`, '', table(s.rows));
    const notes = [...(s.notes ?? []), ...(note ? [note] : [])];
    for (const n of notes) md.push(`- ${n}`);
    if (notes.length) md.push('');
  }
  return md;
}

/** Replaces the merged files' sections in bench/RESULTS.md and their entries in results.json. */
function mergeInto(results: FileResult[]): void {
  const mdPath = resolve(BENCH_DIR, 'RESULTS.md');
  const jsonPath = resolve(BENCH_DIR, 'results.json');
  const ok = results.filter((r) => r.ok);
  const text = existsSync(mdPath) ? readFileSync(mdPath, 'utf8') : '# Benchmark results\n';
  const blocks = text.split(/\n(?=## )/);
  const note = `Merged by \`bench/run.ts --only ${only!.join(',')} --merge\` on ${new Date().toISOString()} (Node ${process.version}); the other sections are from the last full run.`;
  const fresh = ok.flatMap((r) => sectionsMarkdown(r, note)).join('\n');
  const isMerged = (b: string) => ok.some((r) => b.includes(`_Source: bench/${r.file}.`));
  const at = blocks.findIndex(isMerged);
  const kept = blocks.filter((b) => !isMerged(b));
  if (fresh) kept.splice(at < 0 ? kept.length : at, 0, fresh.trimEnd() + '\n');
  writeFileSync(mdPath, kept.join('\n'));
  if (existsSync(jsonPath)) {
    const json = JSON.parse(readFileSync(jsonPath, 'utf8')) as { files: FileResult[] };
    json.files = [...json.files.filter((f) => !ok.some((r) => r.file === f.file)), ...ok];
    writeFileSync(jsonPath, JSON.stringify(json, null, 2) + '\n');
  }
  console.log(`bench: merged ${ok.map((r) => r.file).join(', ')} into ${mdPath} and results.json`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const peersProblem = ensurePeers();
  const files = readdirSync(BENCH_DIR)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => !only || only.some((o) => f.startsWith(o)))
    .sort();
  const results: FileResult[] = [];
  for (const file of files) {
    const t0 = Date.now();
    process.stdout.write(`bench: ${file}${smoke ? ' (smoke)' : ''}… `);
    try {
      const mod = (await import(pathToFileURL(resolve(BENCH_DIR, file)).href)) as { run?: (o: { smoke: boolean }) => Promise<BenchSection[]> };
      if (typeof mod.run !== 'function') throw new Error('exports no run({ smoke }) function (see bench/lib/types.ts)');
      // A benchmark that hangs is reported as failed, never a run (or CI) that never ends.
      // BENCH_LIMIT_S lowers it for a run that must finish by a deadline.
      const limitS = Number(process.env.BENCH_LIMIT_S) || (smoke ? 180 : 1200);
      let timer: NodeJS.Timeout | undefined;
      const sections = await Promise.race([
        mod.run({ smoke }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`did not finish within ${limitS} s`)), limitS * 1000);
          timer.unref();
        }),
      ]).finally(() => clearTimeout(timer));
      if (!Array.isArray(sections)) throw new Error('run() did not return an array of sections');
      results.push({ file, ok: true, seconds: (Date.now() - t0) / 1000, sections });
      console.log(`${((Date.now() - t0) / 1000).toFixed(1)} s`);
    } catch (err) {
      const error = err instanceof Error ? (err.stack ?? err.message) : String(err);
      results.push({ file, ok: false, seconds: (Date.now() - t0) / 1000, error, sections: [] });
      console.log(`FAILED\n${error}`);
    }
  }
  // With --only, a partial run must not overwrite the full results (--merge replaces only its own sections).
  if (only && merge) {
    mergeInto(results);
    process.exitCode = results.some((r) => !r.ok) ? 1 : 0;
    return;
  }
  if (only) {
    console.log('bench: --only run, RESULTS.md left as it is');
    process.exitCode = results.some((r) => !r.ok) ? 1 : 0;
    return;
  }
  for (const expected of ['routing-decision.bench.ts', 'fallback.bench.ts', 'hooks.bench.ts', 'stream-resume.bench.ts']) {
    if (!files.includes(expected) && !only) results.push({ file: expected, ok: false, seconds: 0, error: 'missing: the file does not exist yet', sections: [] });
  }

  const cpu = cpus();
  const machine = {
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cores: availableParallelism(),
    cpu: cpu[0]?.model ?? 'unknown',
    memoryGb: Math.round(totalmem() / 2 ** 30),
    date: new Date().toISOString(),
    smoke,
    peers: {
      '@portkey-ai/gateway': version(resolve(PEERS_DIR, 'node_modules/@portkey-ai/gateway/package.json')),
      'token.js': version(resolve(PEERS_DIR, 'node_modules/token.js/package.json')),
      'llm-polyglot': version(resolve(PEERS_DIR, 'node_modules/llm-polyglot/package.json')),
      '@hono/node-server (Portkey)': version(resolve(PEERS_DIR, 'node_modules/@hono/node-server/package.json')),
    },
    sdks: {
      openai: version(resolve(REPO_DIR, 'node_modules/openai/package.json')),
      '@anthropic-ai/sdk': version(resolve(REPO_DIR, 'node_modules/@anthropic-ai/sdk/package.json')),
      '@google/generative-ai': version(resolve(REPO_DIR, 'node_modules/@google/generative-ai/package.json')),
    },
    totalSeconds: Math.round((Date.now() - started) / 1000),
  };

  const md: string[] = [
    '# Benchmark results',
    '',
    `Generated by \`npm run bench${smoke ? ':smoke' : ''}\` (bench/run.ts) — do not edit by hand; rerun to refresh.`,
    '',
    `- Node ${machine.node} on ${machine.platform}, ${machine.cores} cores (${machine.cpu}), ${machine.memoryGb} GiB`,
    `- SDKs: openai ${machine.sdks.openai}, @anthropic-ai/sdk ${machine.sdks['@anthropic-ai/sdk']}, @google/generative-ai ${machine.sdks['@google/generative-ai']}`,
    `- Peers (bench/peers): ${Object.entries(machine.peers).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `- ${machine.date}, whole run ${machine.totalSeconds} s${smoke ? ' — SMOKE PASS: tiny iteration counts, figures are not meaningful' : ''}`,
    '',
    'Ratios against a baseline measured in the same run are the headline; absolute times depend on the machine and are context. All traffic is on 127.0.0.1.',
    '',
  ];
  if (peersProblem) md.push(`> Peers unavailable: ${peersProblem}`, '');
  const failed = results.filter((r) => !r.ok);
  if (failed.length) {
    md.push('## Benchmarks that did not run', '');
    for (const f of failed) md.push(`- \`bench/${f.file}\`: ${f.error?.split('\n')[0]}`);
    md.push('');
  }
  for (const r of results.filter((x) => x.ok)) md.push(...sectionsMarkdown(r));
  const outDir = smoke ? CACHE_DIR : BENCH_DIR;
  mkdirSync(outDir, { recursive: true });
  const base = smoke ? 'smoke-' : '';
  writeFileSync(resolve(outDir, `${base}RESULTS.md`), md.join('\n'));
  writeFileSync(resolve(outDir, `${base}results.json`), JSON.stringify({ machine, files: results }, null, 2) + '\n');
  console.log(`bench: wrote ${resolve(outDir, `${base}RESULTS.md`)} and ${base}results.json in ${machine.totalSeconds} s`);
  // Smoke is CI's guard against rot: a benchmark that throws fails it. (A missing
  // file written by someone else is reported, not failed.)
  if (smoke && failed.some((f) => !f.error?.startsWith('missing'))) process.exitCode = 1;
}

await main();
// A benchmark that timed out may still hold sockets or child processes: leave anyway.
process.exit(process.exitCode ?? 0);
