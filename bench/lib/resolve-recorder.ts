/**
 * A module resolve hook (source text for `module.register`) that posts every resolved URL
 * to the port it is given: the start-up bench and the lazy-loading tests use it to see which
 * modules a fresh process loads, require(esm) included.
 */
export const RESOLVE_RECORDER_HOOKS = `
let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  port.postMessage(r.url);
  return r;
}`;
