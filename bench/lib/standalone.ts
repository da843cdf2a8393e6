/** Lets a bench file run alone (`npx tsx bench/<name>.bench.ts`), printing its rows. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchSection } from './types.js';

export function runIfMain(moduleUrl: string, run: (opts: { smoke: boolean }) => Promise<BenchSection[]>): void {
  const entry = process.argv[1] ? resolve(process.argv[1]) : '';
  if (entry !== fileURLToPath(moduleUrl)) return;
  const smoke = process.argv.includes('--smoke');
  run({ smoke }).then(
    (sections) => {
      for (const s of sections) {
        console.log(`\n## ${s.title}\n${s.method} (iterations: ${s.iterations})`);
        console.table(s.rows);
        for (const n of s.notes ?? []) console.log(`- ${n}`);
      }
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
