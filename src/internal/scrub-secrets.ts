/**
 * The one place that keeps API keys out of everything the router surfaces. Providers
 * echo keys back (OpenAI's 401: "Incorrect API key provided: sk-proj-****…abcd"), and
 * what an adapter throws becomes an error message, `decision.attempts[].errorMessage`,
 * a hook payload, a span status and an HTTP error body. Scrubbing the error where it
 * leaves the adapter cleans all of them at once.
 *
 * What counts as a secret: every configured key (whole), any 10-character run of one
 * inside a longer token (a key quoted in part), a masked rendering of one (stars with
 * the key's own head or tail), and anything shaped like a vendor key (sk-…, AIza…)
 * even when no configured key matches it (a proxy may echo another key it holds).
 */
import type { AdapterStream } from '../spec/chat-model.js';
import type { ProviderAdapter } from '../spec/provider-adapter.js';
import { COMPOSE_GENERATE_ERRORS, UNABORTABLE } from './adapter-marks.js';

export const REDACTED = '[redacted]';

/** Shorter strings are not keys (and scrubbing them would garble ordinary words). */
const MIN_SECRET_LENGTH = 6;
const FRAGMENT = 10;
/** Tokens made of key characters, including the stars of a masked key. */
const TOKEN = /[A-Za-z0-9_\-*]{8,}/g;
const VENDOR_KEY = /\b(?:sk-[A-Za-z0-9_\-*]{8,}|AIza[A-Za-z0-9_\-*]{8,})/g;

export type Scrub = (text: string) => string;

/**
 * A stream iterator that maps its errors may offer this method: `(map) => stream`, which
 * applies `map` after its own mapping to every error it throws. A registered symbol (the
 * adapters spell the same key), so no module depends on another for it.
 */
const COMPOSE_ERROR_MAP = Symbol.for('llm-switchboard.compose-error-map');

export function createSecretScrubber(secrets: Iterable<string | undefined | null>): Scrub {
  const keys = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
  const isFragment = (token: string): boolean => {
    for (const key of keys) {
      if (token.includes('*')) {
        const head = /^[^*]*/.exec(token)![0];
        const tail = /[^*]*$/.exec(token)![0];
        if ((head.length >= 3 && key.startsWith(head) && head !== 'sk-') || (tail.length >= 3 && key.endsWith(tail))) return true;
      }
      if (key.length < FRAGMENT || token.length < FRAGMENT) continue;
      for (let i = 0; i + FRAGMENT <= token.length; i++) if (key.includes(token.slice(i, i + FRAGMENT))) return true;
    }
    return false;
  };
  return (text) => {
    if (typeof text !== 'string' || text.length === 0) return text;
    let out = text;
    for (const key of keys) if (out.includes(key)) out = out.split(key).join(REDACTED);
    out = out.replace(VENDOR_KEY, REDACTED);
    return out.replace(TOKEN, (t) => (isFragment(t) ? REDACTED : t));
  };
}

/**
 * Scrubs an error in place (message, stack, the provider's error body, every own
 * property, the cause chain) and returns it: its class stays, so `instanceof` checks
 * in callers keep working.
 */
export function scrubError<T>(err: T, scrub: Scrub): T {
  scrubValue(err, scrub, new WeakSet(), 0);
  return err;
}

function scrubValue(value: unknown, scrub: Scrub, seen: WeakSet<object>, depth: number): unknown {
  if (typeof value === 'string') return scrub(value);
  if (value === null || typeof value !== 'object' || depth > 8 || seen.has(value)) return value;
  seen.add(value);
  if (value instanceof Headers || ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
  const names = new Set<string>(Object.getOwnPropertyNames(value));
  if (value instanceof Error) for (const k of ['message', 'stack', 'cause']) names.add(k);
  for (const name of names) {
    let current: unknown;
    try {
      current = (value as Record<string, unknown>)[name];
    } catch {
      continue;
    }
    const next = scrubValue(current, scrub, seen, depth + 1);
    if (next === current) continue;
    try {
      const desc = Object.getOwnPropertyDescriptor(value, name);
      if (desc && !desc.writable && !desc.set) {
        if (desc.configurable) Object.defineProperty(value, name, { ...desc, value: next });
      } else (value as Record<string, unknown>)[name] = next;
    } catch {
      // A frozen provider object keeps its value; the strings we own were replaced.
    }
  }
  return value;
}

/**
 * Wraps an adapter so whatever it throws (before a stream or from inside one) is
 * scrubbed of every secret before the router sees it.
 */
export function withSecretScrubbing(adapter: ProviderAdapter, scrub: Scrub): ProviderAdapter {
  const clean = (err: unknown): unknown => scrubError(err, scrub);
  // A hand-written iterator, not an async generator: one `.then` per chunk instead of a
  // generator's queue and await hops (streams pay this on every chunk).
  const reject = (err: unknown): never => {
    throw clean(err);
  };
  const guard = <T>(stream: AsyncIterable<T>): AsyncIterable<T> => {
    // A stream that maps its own errors (the OpenAI and Anthropic adapters') takes the
    // scrubbing into that mapping: no second layer per chunk.
    const compose = (stream as { [COMPOSE_ERROR_MAP]?: (map: (err: unknown) => unknown) => AsyncIterable<T> })[COMPOSE_ERROR_MAP];
    if (typeof compose === 'function') return compose.call(stream, clean);
    let it: AsyncIterator<T> | undefined;
    const inner = () => (it ??= stream[Symbol.asyncIterator]());
    const guarded: AsyncIterableIterator<T> = {
      next: () => {
        try {
          return inner().next().then(undefined, reject);
        } catch (err) {
          return Promise.reject(clean(err));
        }
      },
      return: (value?: unknown) => {
        try {
          // Never started: nothing upstream to close (as a generator returned before its first next()).
          if (!it) it = emptyIterator<T>();
          const i = it;
          return i.return ? i.return(value).then(undefined, reject) : Promise.resolve({ done: true, value: value as T });
        } catch (err) {
          return Promise.reject(clean(err));
        }
      },
      [Symbol.asyncIterator]: () => guarded,
    };
    return guarded;
  };
  const wrapped: ProviderAdapter = {
    specificationVersion: adapter.specificationVersion,
    type: adapter.type,
    providerId: adapter.providerId,
    // `reject` is made once per adapter: no closure per request in flight.
    doGenerate: composeGenerate(adapter, clean) ?? ((body, options) => adapter.doGenerate(body, options).then(undefined, reject)),
    doStream: (body, options) =>
      adapter.doStream(body, options).then(
        (s): AdapterStream => guard(s),
        (err: unknown) => Promise.reject(clean(err)),
      ),
  };
  // The adapter's mark that it leaves an unabortable signal alone carries over.
  if ((adapter as unknown as Record<symbol, unknown>)[UNABORTABLE] === true) (wrapped as unknown as Record<symbol, unknown>)[UNABORTABLE] = true;
  if (adapter.doEmbed) {
    const embed = adapter.doEmbed.bind(adapter);
    wrapped.doEmbed = (body, options) => embed(body, options).catch((err: unknown) => Promise.reject(clean(err)));
  }
  if (adapter.doResponses) {
    const responses = adapter.doResponses.bind(adapter);
    wrapped.doResponses = (body, options) => responses(body, options).catch((err: unknown) => Promise.reject(clean(err)));
  }
  if (adapter.doResponsesStream) {
    const responsesStream = adapter.doResponsesStream.bind(adapter);
    wrapped.doResponsesStream = (body, options) => responsesStream(body, options).then(guard, (err: unknown) => Promise.reject(clean(err)));
  }
  return wrapped;
}

/**
 * An adapter that maps its own doGenerate errors (the OpenAI adapter's) takes the
 * scrubbing into that mapping: its doGenerate is used as is, no second promise per call.
 */
function composeGenerate(adapter: ProviderAdapter, clean: (err: unknown) => unknown): ProviderAdapter['doGenerate'] | undefined {
  const compose = (adapter as unknown as Record<symbol, unknown>)[COMPOSE_GENERATE_ERRORS];
  if (typeof compose !== 'function') return undefined;
  compose.call(adapter, clean);
  return adapter.doGenerate.bind(adapter);
}

/** What a guarded stream iterates after being closed before it started. */
function emptyIterator<T>(): AsyncIterator<T> {
  return { next: () => Promise.resolve({ done: true, value: undefined }) };
}
