/** Locates test/fixtures: recorded provider responses copied in with their provenance (PROVENANCE.md). */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const FIXTURES_DIR = resolve(here, '../fixtures');

export function fixturePath(rel: string): string {
  return resolve(FIXTURES_DIR, rel);
}

export function readFixture(rel: string): string {
  return readFileSync(fixturePath(rel), 'utf8');
}

export function readJsonFixture<T = any>(rel: string): T {
  return JSON.parse(readFixture(rel)) as T;
}

/** vercel-ai `*.chunks.txt`: one SSE data payload per line, no framing. */
export function readChunkLines(rel: string): string[] {
  return readFixture(rel)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}
