/**
 * Optional peer SDKs are loaded only when a provider of their type is configured. The
 * presence check is synchronous so a missing package fails at createRouter(), not
 * mid-request; the import itself starts at createRouter() too (preloadPeer), in the
 * background, so the first call does not pay for it. A failed import is reported by
 * the call that needs the module, never as an unhandled rejection.
 *
 * Each SDK is imported with a literal `import('<package>')` (PEER_IMPORTS), so that an
 * application's bundler includes the SDKs the application has installed; each import has
 * its own `.catch`, so a bundler leaves an SDK that is not installed to a run-time import
 * instead of failing the build (esbuild's rule). In such a bundle the SDK may be inside the
 * bundle and not resolvable from here: the presence check then passes (maybeBundled()), and
 * the first call that needs a missing SDK reports it with the same MissingPeerError message.
 */
import { createRequire } from 'node:module';
import { maybeBundled } from './bundler-require.js';

// Made at first use: the first createRequire() of a process costs a few ms, and only
// configurations with an optional peer or a catalog need one.
let requireFromHere: NodeJS.Require | undefined;

/** The package's own require (for optional peers and catalog files), made at first use. */
export const requireHere = (): NodeJS.Require => (requireFromHere ??= createRequire(import.meta.url));

/** Whether `pkg` resolves from the package, without importing it. */
function resolves(pkg: string): boolean {
  try {
    requireHere().resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

/**
 * Packages that did not resolve in a possibly bundled application, each with the message
 * its first failed import reports (the presence check could not tell at createRouter()).
 */
const unresolved = new Map<string, string>();

/**
 * Whether `pkg` is there: it resolves from the package, or the package may be bundled (the
 * SDK may then be inside the bundle; `missingMessage`, when given, is what a failed import
 * of it reports then).
 */
export function isPeerInstalled(pkg: string, missingMessage?: string): boolean {
  if (resolves(pkg)) return true;
  if (!maybeBundled()) return false;
  if (missingMessage && !unresolved.has(pkg)) unresolved.set(pkg, missingMessage);
  return true;
}
const loaded = new Map<string, Promise<unknown>>();

export class MissingPeerError extends Error {
  override name = 'MissingPeerError';
}

const missingPeerMessage = (pkg: string, forWhat: string) => `${forWhat} needs the package '${pkg}': run \`npm install ${pkg}\``;

export function assertPeerInstalled(pkg: string, forWhat: string): void {
  if (!isPeerInstalled(pkg, missingPeerMessage(pkg, forWhat))) throw new MissingPeerError(missingPeerMessage(pkg, forWhat));
}

export class PeerLoadError extends Error {
  override name = 'PeerLoadError';
}

/** Rejects with the failed import's error, as MissingPeerError when a package the presence check let through (bundled) is not there. */
const importFailed =
  (pkg: string) =>
  (err: unknown): never => {
    const code = (err as { code?: unknown } | null)?.code;
    const missing = unresolved.get(pkg);
    if (missing && (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND')) {
      throw new MissingPeerError(`${missing} (it is neither in the application's bundle nor installed beside it)`, { cause: err });
    }
    throw new PeerLoadError(`importing the package '${pkg}' failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
  };

/**
 * The optional peers, each imported with a literal specifier and its own `.catch` (see
 * above). openai, a required peer, is imported by providers/openai/openai-client-class.ts.
 */
const PEER_IMPORTS: Readonly<Record<string, () => Promise<unknown>>> = {
  '@anthropic-ai/sdk': () => import('@anthropic-ai/sdk').catch(importFailed('@anthropic-ai/sdk')),
  '@google/genai': () => import('@google/genai').catch(importFailed('@google/genai')),
  '@google/generative-ai': () => import('@google/generative-ai').catch(importFailed('@google/generative-ai')),
  redis: () => import('redis').catch(importFailed('redis')),
};

export function loadPeer<T>(pkg: string): Promise<T> {
  let p = loaded.get(pkg);
  if (!p) {
    const literal = Object.hasOwn(PEER_IMPORTS, pkg) ? PEER_IMPORTS[pkg] : undefined;
    p = literal ? literal() : import(pkg).catch(importFailed(pkg));
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
