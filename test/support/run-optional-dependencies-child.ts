/** Runs test/support/optional-dependencies-child.ts in a fresh process and returns what it reports. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '../..');

export interface LoadedDependencies {
  lruCache: boolean;
  pLimit: boolean;
  pRetry: boolean;
  openaiError: boolean;
}

/** `extra` is spread over a one-model mock router's options. */
export function runOptionalDependenciesChild(extra: object): Promise<LoadedDependencies> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['--import', 'tsx', 'test/support/optional-dependencies-child.ts', JSON.stringify(extra)], { cwd: ROOT, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadedDependencies);
    });
  });
}
