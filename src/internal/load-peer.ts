/**
 * Optional peer SDKs are loaded only when a provider of their type is configured. The
 * presence check is synchronous so a missing package fails at createRouter(), not
 * mid-request; the module itself is imported lazily on the first call.
 */
import { createRequire } from 'node:module';

const requireFromHere = createRequire(import.meta.url);
const loaded = new Map<string, Promise<unknown>>();

export class MissingPeerError extends Error {
  override name = 'MissingPeerError';
}

export function assertPeerInstalled(pkg: string, forWhat: string): void {
  try {
    requireFromHere.resolve(pkg);
  } catch {
    throw new MissingPeerError(`${forWhat} needs the package '${pkg}': run \`npm install ${pkg}\``);
  }
}

export function loadPeer<T>(pkg: string): Promise<T> {
  let p = loaded.get(pkg);
  if (!p) {
    p = import(pkg);
    loaded.set(pkg, p);
  }
  return p as Promise<T>;
}
