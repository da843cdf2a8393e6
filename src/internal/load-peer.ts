/**
 * Optional peer SDKs are loaded only when a provider of their type is configured. The
 * presence check is synchronous so a missing package fails at createRouter(), not
 * mid-request; the import itself starts at createRouter() too (preloadPeer), in the
 * background, so the first call does not pay for it. A failed import is reported by
 * the call that needs the module, never as an unhandled rejection.
 */
import { createRequire } from 'node:module';

// Made at first use: the first createRequire() of a process costs a few ms, and only
// configurations with an optional peer or a catalog need one.
let requireFromHere: NodeJS.Require | undefined;

/** The package's own require (for optional peers and catalog files), made at first use. */
export const requireHere = (): NodeJS.Require => (requireFromHere ??= createRequire(import.meta.url));

/** Whether `pkg` resolves from the package, without importing it. */
export function isPeerInstalled(pkg: string): boolean {
  try {
    requireHere().resolve(pkg);
    return true;
  } catch {
    return false;
  }
}
const loaded = new Map<string, Promise<unknown>>();

export class MissingPeerError extends Error {
  override name = 'MissingPeerError';
}

export function assertPeerInstalled(pkg: string, forWhat: string): void {
  if (!isPeerInstalled(pkg)) throw new MissingPeerError(`${forWhat} needs the package '${pkg}': run \`npm install ${pkg}\``);
}

export class PeerLoadError extends Error {
  override name = 'PeerLoadError';
}

export function loadPeer<T>(pkg: string): Promise<T> {
  let p = loaded.get(pkg);
  if (!p) {
    p = import(pkg).catch((err: unknown) => {
      throw new PeerLoadError(`importing the package '${pkg}' failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
    });
    // Handled here so a background preload that fails never reaches unhandledRejection;
    // every loadPeer() caller still sees the rejection.
    p.catch(() => {});
    loaded.set(pkg, p);
  }
  return p as Promise<T>;
}

/** Starts importing a peer SDK in the background (createRouter()): the first call then finds it loaded. */
export function preloadPeer(pkg: string): void {
  void loadPeer(pkg);
}
