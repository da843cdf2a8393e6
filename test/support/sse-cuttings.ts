/**
 * The scaffolding of the differential stream tests (openai and anthropic): a body cut into
 * byte pieces at every kind of boundary, served as a Response, and read to its outcome (the
 * events, then done or the thrown error's fields), so the SDK's reading and ours compare.
 */
import { expect, test } from 'vitest';

/** Cuttings of a body into byte pieces: whole, byte by byte, odd sizes (inside `\r\n` and multi-byte characters), right after each CR. */
export function cuttings(body: string): Array<[string, Uint8Array[]]> {
  const bytes = new TextEncoder().encode(body);
  const at = (step: number) => {
    const out: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += step) out.push(bytes.slice(i, i + step));
    return out;
  };
  const crs = [...body.matchAll(/\r/g)].map((m) => new TextEncoder().encode(body.slice(0, m.index! + 1)).length);
  const afterEachCr = (): Uint8Array[] => {
    const out: Uint8Array[] = [];
    let from = 0;
    for (const c of crs) {
      out.push(bytes.slice(from, c));
      from = c;
    }
    out.push(bytes.slice(from));
    return out;
  };
  return [
    ['whole', [bytes]],
    ['one byte at a time', at(1)],
    ['3 bytes', at(3)],
    ['7 bytes', at(7)],
    ['cut right after each CR', afterEachCr()],
  ];
}

/** An event-stream Response whose body hands out the pieces one read at a time. */
export function sseResponse(pieces: Uint8Array[], headers: Record<string, string>): Response {
  let i = 0;
  return new Response(
    new ReadableStream<Uint8Array>({
      pull(c) {
        if (i < pieces.length) c.enqueue(pieces[i++]!);
        else c.close();
      },
    }),
    { headers: { ...headers, 'content-type': 'text/event-stream' } },
  );
}

export type Outcome = { events: unknown[]; end: 'done' | ({ name: string; message: string; ctor: string } & Record<string, unknown>) };

/** The events of a stream, then how it ended: done, or the error's name, message, class and the given fields. */
export async function drain(it: AsyncIterable<unknown>, fields: readonly string[]): Promise<Outcome> {
  const events: unknown[] = [];
  try {
    for await (const e of it) events.push(e);
    return { events, end: 'done' };
  } catch (err) {
    const e = err as { name: string; message: string; constructor: { name: string } } & Record<string, unknown>;
    const end: { name: string; message: string; ctor: string } & Record<string, unknown> = { name: e.name, message: e.message, ctor: e.constructor.name };
    for (const f of fields) end[f] = e[f];
    return { events, end };
  }
}

/** One test per body: at every cutting, our reader's outcome equals the SDK's. */
export function eachBodyReadsAlike(bodies: Record<string, string>, viaSdk: (pieces: Uint8Array[]) => Promise<Outcome>, viaOurs: (pieces: Uint8Array[]) => Promise<Outcome>): void {
  for (const [name, body] of Object.entries(bodies)) {
    test(name, async () => {
      for (const [how, pieces] of cuttings(body)) {
        const expected = await viaSdk(pieces);
        const actual = await viaOurs(pieces);
        expect({ how, ...actual }).toEqual({ how, ...expected });
      }
    });
  }
}
