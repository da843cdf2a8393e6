/**
 * Which provider spec the installed `ai` expects: ai 7 speaks LanguageModelV4 (and
 * still accepts v3), ai 6 only v3. Read from `ai/package.json` as this package resolves
 * it, which is the copy the application installed beside it (`ai` is a peer). Only the
 * version is read; nothing of `ai` is loaded.
 */
import { createRequire } from 'node:module';

export type SpecificationVersion = 'v3' | 'v4';

/** ai ≥ 7 → v4; ai 6, or an `ai` that cannot be found or read → v3, which every supported major accepts. */
export function specificationVersionFor(aiVersion: string | undefined): SpecificationVersion {
  const major = Number.parseInt(aiVersion ?? '', 10);
  return Number.isFinite(major) && major >= 7 ? 'v4' : 'v3';
}

let detected: SpecificationVersion | undefined;

export function detectSpecificationVersion(): SpecificationVersion {
  if (detected === undefined) {
    let version: string | undefined;
    try {
      version = (createRequire(import.meta.url)('ai/package.json') as { version?: unknown }).version as string | undefined;
    } catch {
      // Bundled apps may not resolve package.json files; v3 works with ai 6 and ai 7 alike.
    }
    detected = specificationVersionFor(typeof version === 'string' ? version : undefined);
  }
  return detected;
}
