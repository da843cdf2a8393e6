/**
 * Opens a keep-alive connection to an endpoint before the first call (router.warmup()).
 * The official SDKs send through the global fetch, whose connection pool is per origin:
 * one unauthenticated GET of the origin leaves a socket (and its TLS session) in that
 * pool for the first real request. No key is sent; the status does not matter. A GET,
 * not a HEAD: undici does not pool a socket after a HEAD answered with a chunked body.
 */
const CONNECT_TIMEOUT_MS = 5_000;

export async function openConnection(baseURL: string): Promise<void> {
  let origin: string;
  try {
    origin = new URL(baseURL).origin;
  } catch {
    return;
  }
  try {
    const res = await fetch(`${origin}/`, { method: 'GET', signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS) });
    // Reading the body returns the socket to the pool, one turn later.
    await res.arrayBuffer();
    await new Promise((r) => setImmediate(r));
  } catch {
    // A warm connection is only an optimisation: the first call opens its own.
  }
}
