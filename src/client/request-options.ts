import type OpenAI from 'openai';
import type { ChatCompletionCreateParamsBase } from 'openai/resources/chat/completions';
import type { RoutingContext } from '../spec/routing-context.js';

/**
 * The second argument of `create()`: the OpenAI SDK's request options we honour, plus
 * the routing context.
 */
export interface RouterRequestOptions {
  /** Aborts the call: the in-flight upstream request, and any attempt not yet started. */
  signal?: AbortSignal | undefined | null;
  /** Per-attempt timeout in ms. @default the provider's configured timeout */
  timeout?: number | undefined;
  /** Extra HTTP headers passed to the upstream provider. */
  headers?: OpenAI.RequestOptions['headers'];
  /**
   * Accepted for compatibility with the OpenAI SDK; the router's own retry policy
   * applies, the provider SDKs never retry.
   */
  maxRetries?: number | undefined;
  /**
   * `false`: never serve or fill the response cache for this call; `true`: allow it even
   * for a non-deterministic request. @default the router's cache mode
   */
  cache?: boolean | undefined;
  /** Who is asking and under which constraints. Merged over `router.withContext(...)`. */
  routing?: RoutingContext | undefined;
}

/** OpenAI's request body, with `model` optional: omitted means the default route. */
export type RouterCreateParams<P extends ChatCompletionCreateParamsBase> = Omit<P, 'model'> & { model?: P['model'] };

export function normalizeHeaders(h: RouterRequestOptions['headers']): Record<string, string> | undefined {
  if (!h) return undefined;
  if (alreadyNormal(h)) return h as Record<string, string>;
  const out: Record<string, string> = {};
  const put = (k: string, v: unknown) => {
    if (v !== null && v !== undefined) out[k.toLowerCase()] = String(v);
  };
  if (h instanceof Headers) h.forEach((v, k) => put(k, v));
  else if (Array.isArray(h)) for (const [k, v] of h as Array<[string, unknown]>) put(k, v);
  else if (typeof h === 'object') for (const [k, v] of Object.entries(h as Record<string, unknown>)) put(k, Array.isArray(v) ? v.join(', ') : v);
  return Object.keys(out).length ? out : undefined;
}

/**
 * A plain object of lower-case names and string values (the usual request options) is
 * already what normalizeHeaders() returns: it is used as is, not copied per request.
 */
function alreadyNormal(h: object): boolean {
  if (Array.isArray(h) || h instanceof Headers || Object.getPrototypeOf(h) !== Object.prototype) return false;
  let n = 0;
  for (const k in h) {
    if (!Object.hasOwn(h, k)) return false;
    const v = (h as Record<string, unknown>)[k];
    if (typeof v !== 'string' || k.toLowerCase() !== k) return false;
    n++;
  }
  return n > 0;
}
