/**
 * The headers of a whole answer router.fetch makes (content type and the decision
 * headers), as a real `Headers` that is read without undici's per-header work. A standard
 * Headers converts, normalises and validates every name and value as it is set (~0.7 µs
 * each, eight of them per answer), and its iterator goes through a brand-checked iterator
 * object per entry; the caller's openai SDK iterates them twice per response (the request
 * id in its log line and the debug details it formats even when logging is off).
 *
 * Names here are the handler's own lower-case tokens; a value is kept only when it is
 * already what the standard would store (visible ASCII with inner spaces, nothing to trim),
 * otherwise `presetHeaders()` declines and the caller sets them the standard way (which
 * normalises or throws exactly as before). Reads (`get`, `has`, iteration, `forEach`,
 * `getSetCookie`) are served from the sorted pairs, as the standard orders them; the first
 * write (`set`, `append`, `delete`) or a read the fast path does not vouch for (a name that
 * is not a plain token) moves the pairs into the standard list and from then on every call
 * is the standard's own.
 */

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Visible ASCII, inner spaces allowed, nothing the standard would trim or refuse.
const PLAIN_VALUE = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

type Pair = [name: string, value: string];
type Kind = 0 | 1 | 2; // entries, keys, values

export class PresetHeaders extends Headers {
  /** Sorted by name; undefined once moved into the standard list. */
  #pairs: Pair[] | undefined;

  /** `pairs` must be sorted by lower-case name, each name a token and each value plain (see presetHeaders()). */
  constructor(pairs: Pair[]) {
    super();
    this.#pairs = pairs;
  }

  /** The current list as the standard sorts it (the pairs, or the standard list's own). */
  #list(): readonly Pair[] {
    return this.#pairs ?? [...super.entries()];
  }

  /** Moves the pairs into the standard list: every call after this is the standard's. */
  #standard(): void {
    const pairs = this.#pairs;
    if (!pairs) return;
    this.#pairs = undefined;
    for (const [k, v] of pairs) super.append(k, v);
  }

  #find(name: string): string | null {
    const n = name.toLowerCase();
    for (const p of this.#pairs!) if (p[0] === n) return p[1];
    return null;
  }

  override get(name: string): string | null {
    if (this.#pairs && typeof name === 'string' && TOKEN.test(name)) return this.#find(name);
    this.#standard();
    return super.get(name);
  }

  override has(name: string): boolean {
    if (this.#pairs && typeof name === 'string' && TOKEN.test(name)) return this.#find(name) !== null;
    this.#standard();
    return super.has(name);
  }

  override set(name: string, value: string): void {
    this.#standard();
    super.set(name, value);
  }

  override append(name: string, value: string): void {
    this.#standard();
    super.append(name, value);
  }

  override delete(name: string): void {
    this.#standard();
    super.delete(name);
  }

  override getSetCookie(): string[] {
    // The handler never sets a cookie.
    if (this.#pairs) return [];
    return super.getSetCookie();
  }

  override forEach(callback: (value: string, key: string, parent: Headers) => void, thisArg?: unknown): void {
    if (!this.#pairs) return super.forEach(callback, thisArg);
    if (typeof callback !== 'function') throw new TypeError("Failed to execute 'forEach' on 'Headers': parameter 1 is not of type 'Function'.");
    // As the standard: the list is read again after each call (a callback may change it).
    for (let i = 0; ; i++) {
      const list = this.#list();
      if (i >= list.length) return;
      const [k, v] = list[i]!;
      callback.call(thisArg, v, k, this);
    }
  }

  override entries(): HeadersIterator<[string, string]> {
    return new PresetIterator(0, () => this.#list()) as unknown as HeadersIterator<[string, string]>;
  }

  override keys(): HeadersIterator<string> {
    return new PresetIterator(1, () => this.#list()) as unknown as HeadersIterator<string>;
  }

  override values(): HeadersIterator<string> {
    return new PresetIterator(2, () => this.#list()) as unknown as HeadersIterator<string>;
  }

  override [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this.entries();
  }

  /** util.inspect shows the standard list, so it is made first. */
  [Symbol.for('nodejs.util.inspect.custom')](depth: number, options: unknown, inspect: (v: unknown, o: unknown) => string): string {
    this.#standard();
    const own = (Headers.prototype as unknown as Record<symbol, ((...a: unknown[]) => string) | undefined>)[Symbol.for('nodejs.util.inspect.custom')];
    return own ? own.call(this, depth, options, inspect) : inspect(Object.fromEntries(this.#list()), options);
  }
}

/** As the standard's Headers iterator: the list is read again on every step. */
class PresetIterator {
  #i = 0;
  constructor(
    private readonly kind: Kind,
    private readonly list: () => readonly Pair[],
  ) {}

  next(): IteratorResult<unknown> {
    const list = this.list();
    if (this.#i >= list.length) return { value: undefined, done: true };
    const [k, v] = list[this.#i++]!;
    return { value: this.kind === 0 ? [k, v] : this.kind === 1 ? k : v, done: false };
  }

  [Symbol.iterator](): this {
    return this;
  }

  get [Symbol.toStringTag](): string {
    return 'Headers Iterator';
  }
}
// As the standard's: an iterator with the iterator helpers (map, filter, toArray, ...).
Object.setPrototypeOf(PresetIterator.prototype, Object.getPrototypeOf(Object.getPrototypeOf([][Symbol.iterator]())) as object);

/**
 * `record` (lower-case token names, as the handler writes them) as PresetHeaders, or
 * undefined when a name or value is not one the fast path vouches for.
 */
export function presetHeaders(record: Readonly<Record<string, string>>): PresetHeaders | undefined {
  const pairs: Pair[] = [];
  for (const k in record) {
    const v = record[k]!;
    if (k === 'set-cookie' || !TOKEN.test(k) || k.toLowerCase() !== k || !PLAIN_VALUE.test(v)) return undefined;
    // Insertion into the sorted place (a handful of names).
    let at = pairs.length;
    while (at > 0 && pairs[at - 1]![0] > k) at--;
    pairs.splice(at, 0, [k, v]);
  }
  return new PresetHeaders(pairs);
}
