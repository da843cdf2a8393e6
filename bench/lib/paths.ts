/** Where the benchmarks find the repository, the recorded fixtures and the peers folder. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file whether it runs from bench/lib or bundled into .cache/bench. */
function findRepo(from: string): string {
  for (let dir = from; dir !== dirname(dir); dir = dirname(dir)) {
    const pkg = resolve(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'llm-switchboard') return dir;
  }
  throw new Error(`bench: no llm-switchboard package.json above ${from}`);
}

export const REPO_DIR = findRepo(dirname(fileURLToPath(import.meta.url)));
export const BENCH_DIR = resolve(REPO_DIR, 'bench');
export const PEERS_DIR = resolve(BENCH_DIR, 'peers');
// The repository's .cache/ is ignored by git and eslint alike (the bundled package lives there).
export const CACHE_DIR = resolve(REPO_DIR, '.cache/bench');
// Recorded provider responses, copied into the repository with their provenance.
export const FIXTURES_DIR = resolve(REPO_DIR, 'test/fixtures');

export function readFixture(rel: string): string {
  return readFileSync(resolve(FIXTURES_DIR, rel), 'utf8');
}

/** vercel-ai `*.chunks.txt` / SSE `data:` files → the parsed JSON payloads. */
export function fixtureEvents<T = any>(rel: string): T[] {
  return readFixture(rel)
    .split('\n')
    .map((l) => l.trim().replace(/^data:\s*/, ''))
    .filter((l) => l.length > 0 && l !== '[DONE]' && l.startsWith('{'))
    .map((l) => JSON.parse(l) as T);
}
