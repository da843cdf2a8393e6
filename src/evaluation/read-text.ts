/**
 * Reads a data file as UTF-8, gunzipping it when its name ends in `.gz`: outcome files
 * are large text that compresses about 4×, so they ship and travel compressed.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

export function readText(path: string): string {
  const bytes = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}
