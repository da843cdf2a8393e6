/**
 * Byte pass-through between `router.fetch` and an OpenAI-format upstream. The caller
 * already sent the request as OpenAI JSON and wants OpenAI JSON back: re-serialising the
 * body, re-parsing it in a second SDK and serialising the answer again costs more than
 * the routing does. So the HTTP handler marks the body it parsed with the text it came
 * from, the OpenAI adapter sends that text (only `model` set to the upstream id) and
 * remembers the upstream's bytes against the objects it parsed from them, and the
 * handler writes those bytes instead of `JSON.stringify`-ing the objects.
 *
 * Nothing here changes what is routed, retried or recorded: the body is still parsed and
 * validated, the adapter still returns parsed objects to the pipeline, and both sides
 * fall back to serialising whenever the objects are not exactly what the bytes say
 * (a continuation's body, a re-assembled or replayed chunk, a cached answer).
 */

/**
 * The mark on a parsed request body: own and enumerable, so the pipeline's
 * `{ ...body, model }` copies carry it. JSON.stringify and structuredClone ignore it.
 */
export const PASS_THROUGH = Symbol('llm-switchboard.pass-through');

interface PassThroughMark {
  readonly text: string;
  /** The top-level members as parsed: a body is sent as this text only if it still holds exactly these. */
  readonly keys: readonly string[];
  readonly values: readonly unknown[];
}

/** Marks `body` (just parsed from `text`) as sendable as that text. */
export function markPassThrough(body: Record<string, unknown>, text: string): void {
  const keys = Object.keys(body);
  const values = new Array<unknown>(keys.length);
  for (let i = 0; i < keys.length; i++) values[i] = body[keys[i]!];
  (body as Record<symbol, PassThroughMark>)[PASS_THROUGH] = { text, keys, values };
}

/**
 * The caller's text for `body` with `model` set, or undefined when `body` is not the
 * marked body (a member added, removed or replaced) or the text cannot be edited safely.
 * `includeUsage`: a stream must ask the upstream for its usage chunk (the router prices
 * every call); the member is inserted when the caller did not send `stream_options`.
 * `defaults`: members the router sets to the value the API assumes when they are absent
 * (the Responses API's `stream: false`); one the caller did not send may hold it.
 */
export function passThroughText(body: object, model: string, includeUsage: boolean, defaults?: Readonly<Record<string, unknown>>): string | undefined {
  const mark = (body as Record<symbol, PassThroughMark | undefined>)[PASS_THROUGH];
  if (!mark) return undefined;
  const b = body as Record<string, unknown>;
  let members = 0;
  for (let i = 0; i < mark.keys.length; i++) {
    const k = mark.keys[i]!;
    if (k === 'model') continue;
    if (b[k] !== mark.values[i]) return undefined;
    members++;
  }
  let own = 0;
  for (const k in b) {
    if (!Object.hasOwn(b, k) || k === 'model') continue;
    if (defaults !== undefined && Object.hasOwn(defaults, k) && b[k] === defaults[k] && !mark.keys.includes(k)) continue;
    own++;
  }
  if (own !== members || typeof model !== 'string') return undefined;
  let insert = '';
  if (includeUsage) {
    const so = b.stream_options as { include_usage?: unknown } | undefined;
    if (so === undefined) insert = '"stream_options":{"include_usage":true},';
    else if (!so || typeof so !== 'object' || so.include_usage !== true) return undefined;
  }
  return withMember(mark.text, 'model', JSON.stringify(model), insert, mark.keys.length);
}

const raw = new WeakMap<object, string | Uint8Array>();

/** Remembers the upstream's bytes for an object parsed from them. */
export function keepRaw(value: object, bytes: string | Uint8Array): void {
  raw.set(value, bytes);
}

const nullUsage = new WeakSet<object>();

/** A chunk whose bytes carry `"usage":null` (the pipeline deletes that member when the caller did not ask for usage). */
export function markNullUsage(chunk: object): void {
  nullUsage.add(chunk);
}

export function hadNullUsage(chunk: object): boolean {
  return nullUsage.has(chunk);
}

/** The upstream's bytes for exactly this object, when it came from a pass-through. */
export function rawOf(value: unknown): string | Uint8Array | undefined {
  return value !== null && typeof value === 'object' ? raw.get(value) : undefined;
}

// ---- editing one top-level member of a JSON object text, without parsing it ----

const WS = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

function skipWs(t: string, i: number): number {
  while (i < t.length && WS(t.charCodeAt(i))) i++;
  return i;
}

/** Index just past the string that opens at `i`, or -1. */
function skipString(t: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = t.indexOf('"', j);
    if (q < 0) return -1;
    let bs = 0;
    for (let k = q - 1; k > i && t.charCodeAt(k) === 92; k--) bs++;
    if ((bs & 1) === 0) return q + 1;
    j = q + 1;
  }
}

/** Index just past the JSON value that starts at `i`, or -1. */
function skipValue(t: string, i: number): number {
  const c = t.charCodeAt(i);
  if (c === 34) return skipString(t, i);
  if (c === 123 || c === 91) {
    let depth = 0;
    for (let j = i; j < t.length; j++) {
      const d = t.charCodeAt(j);
      if (d === 34) {
        j = skipString(t, j);
        if (j < 0) return -1;
        j--;
      } else if (d === 123 || d === 91) depth++;
      else if (d === 125 || d === 93) {
        if (--depth === 0) return j + 1;
      }
    }
    return -1;
  }
  let j = i;
  while (j < t.length) {
    const d = t.charCodeAt(j);
    if (d === 44 || d === 125 || d === 93 || WS(d)) break;
    j++;
  }
  return j > i ? j : -1;
}

/**
 * `text` (a JSON object of `members` top-level members) with member `name` set to
 * `json`, and `insert` (whole members, each followed by a comma) added first. Undefined
 * when the text is not as expected: then the caller serialises instead. The whole top
 * level is walked, so a text that repeats a member (JSON.parse kept only the last; an
 * upstream might read the first) is never sent: what is sent is what was validated.
 */
function withMember(text: string, name: string, json: string, insert: string, members: number): string | undefined {
  const open = skipWs(text, 0);
  if (text.charCodeAt(open) !== 123) return undefined;
  let i = skipWs(text, open + 1);
  let count = 0;
  let start = -1;
  let end = -1;
  while (text.charCodeAt(i) !== 125) {
    if (text.charCodeAt(i) !== 34) return undefined;
    const keyEnd = skipString(text, i);
    if (keyEnd < 0) return undefined;
    // An escaped key might spell `name`: editing around it could leave two members of that name.
    for (let k = i + 1; k < keyEnd - 1; k++) if (text.charCodeAt(k) === 92) return undefined;
    const isName = keyEnd - i - 2 === name.length && text.startsWith(name, i + 1);
    i = skipWs(text, keyEnd);
    if (text.charCodeAt(i) !== 58) return undefined;
    const vStart = skipWs(text, i + 1);
    const vEnd = skipValue(text, vStart);
    if (vEnd < 0) return undefined;
    count++;
    if (isName) {
      if (start >= 0) return undefined;
      start = vStart;
      end = vEnd;
    }
    i = skipWs(text, vEnd);
    if (text.charCodeAt(i) === 44) i = skipWs(text, i + 1);
    else if (text.charCodeAt(i) !== 125) return undefined;
  }
  if (count !== members || skipWs(text, i + 1) !== text.length) return undefined;
  if (start >= 0) return text.slice(0, open + 1) + insert + text.slice(open + 1, start) + json + text.slice(end);
  return `${text.slice(0, open + 1)}${insert}"${name}":${json}${count === 0 ? '' : ','}${text.slice(open + 1)}`;
}
