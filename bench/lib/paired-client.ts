/**
 * Several measured clients in one process, timed in alternating blocks (bench/http-fetch.bench.ts):
 * block b runs every subject once, in an order rotated by b, so each subject's block sits
 * beside its baseline's in time and a ratio per block pairs them. On a shared machine
 * whose load drifts by the second, per-block ratios are far steadier than figures from
 * separate processes run one after another.
 *
 * Besides the load-client variants, `sdk-floor` is the openai SDK over a fetch that
 * answers at once with the upstream's recorded bytes: what the caller's own SDK costs
 * per call with nothing behind it, the floor of any path that goes through it.
 * `forward-floor` is the openai SDK over the least an in-process OpenAI HTTP face can do
 * for an OpenAI-format upstream: parse the caller's body (routing needs it), send its text
 * on, parse the answer (pricing needs it) and answer its bytes, read back from the string
 * as router.fetch's answers are (src/http/buffered-response.ts). No routing, no headers
 * beyond the upstream's request id: router.fetch's floor for an OpenAI upstream.
 */
import { childMain } from './processes.js';
import { makeClient, type LoadInput, type Variant } from './load-client.js';
import { upstreamBodies } from './fake-upstream.js';
import { BufferedResponse } from '../../src/http/buffered-response.js';

export type PairedSubject = Variant | 'sdk-floor' | 'forward-floor';

export interface PairedInput {
  subjects: PairedSubject[];
  urls: LoadInput['urls'];
  pkgUrl: string;
  mode: 'unary' | 'stream';
  /** Streams: the upstream's long recording (~2,000 deltas) instead of the short one. */
  long?: boolean;
  warmup: number;
  blocks: number;
  perBlock: number;
}

export interface PairedResult {
  /** Per subject, per block: p50 of the block's calls (unary: the call; stream: the whole stream), µs. */
  p50: Record<string, number[]>;
  /** Streams: per block p50 time to first chunk, µs. */
  ttft: Record<string, number[]>;
  /** Per subject, per block: CPU µs per call. */
  cpu: Record<string, number[]>;
  sample: Record<string, string>;
}

type Subject = { call: () => Promise<string>; stream: () => AsyncIterable<unknown> | Promise<AsyncIterable<unknown>> };

async function floorClient(mode: 'unary' | 'stream'): Promise<Subject> {
  const { default: OpenAI } = await import('openai');
  const b = upstreamBodies();
  const fetch = async (_input: unknown, init?: RequestInit): Promise<Response> => {
    const stream = typeof init?.body === 'string' && init.body.includes('"stream":true');
    return new Response(stream ? b.openaiSse : b.openaiJson, { status: 200, headers: { 'content-type': stream ? 'text/event-stream' : 'application/json', 'x-request-id': 'req_floor' } });
  };
  const client = new OpenAI({ apiKey: 'unused', baseURL: 'http://floor.local/v1', fetch, maxRetries: 0 });
  const messages = [{ role: 'user' as const, content: 'Hello, how are you?' }];
  void mode;
  return {
    call: async () => (await client.chat.completions.create({ model: 'main', messages, max_tokens: 256 })).choices[0]?.message.content ?? '',
    stream: () => client.chat.completions.create({ model: 'main', messages, max_tokens: 256, stream: true }),
  };
}

async function forwardFloorClient(urls: LoadInput['urls']): Promise<Subject> {
  const { default: OpenAI } = await import('openai');
  const upstream = `${urls.openai}/chat/completions`;
  const fetch = async (_input: unknown, init?: RequestInit): Promise<Response> => {
    const text = String(init?.body);
    const body = JSON.parse(text) as { stream?: boolean };
    const res = await globalThis.fetch(upstream, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: 'Bearer sk-bench-not-a-real-key' },
      body: text.replace('"model":"main"', '"model":"gpt-4o-mini"'),
      signal: init?.signal ?? null,
    });
    const headers = { 'content-type': res.headers.get('content-type') ?? 'application/json', 'x-request-id': res.headers.get('x-request-id') ?? '' };
    // Streams: the upstream's bytes forwarded unparsed (below what the router must do: it reads every chunk).
    if (body.stream) return new Response(res.body, { status: res.status, headers });
    const answer = await res.text();
    JSON.parse(answer);
    return new BufferedResponse(answer, res.status, headers);
  };
  const client = new OpenAI({ apiKey: 'unused', baseURL: 'http://forward.local/v1', fetch, maxRetries: 0 });
  const messages = [{ role: 'user' as const, content: 'Hello, how are you?' }];
  return {
    call: async () => (await client.chat.completions.create({ model: 'main', messages, max_tokens: 256 })).choices[0]?.message.content ?? '',
    stream: () => client.chat.completions.create({ model: 'main', messages, max_tokens: 256, stream: true }),
  };
}

const nowUs = (): number => Number(process.hrtime.bigint()) / 1_000;
const cpuUs = (): number => {
  const c = process.cpuUsage();
  return c.user + c.system;
};
const p50 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function once(s: Subject, mode: 'unary' | 'stream'): Promise<{ us: number; ttftUs: number; text: string }> {
  const t0 = nowUs();
  if (mode === 'unary') {
    const text = await s.call();
    return { us: nowUs() - t0, ttftUs: NaN, text };
  }
  let ttftUs = NaN;
  let n = 0;
  for await (const _ of await s.stream()) if (n++ === 0) ttftUs = nowUs() - t0;
  return { us: nowUs() - t0, ttftUs, text: n > 0 ? `${n} chunks` : '' };
}

export async function measurePaired(input: PairedInput): Promise<PairedResult> {
  const subjects = new Map<PairedSubject, Subject>();
  for (const name of input.subjects) {
    subjects.set(name, name === 'sdk-floor' ? await floorClient(input.mode) : name === 'forward-floor' ? await forwardFloorClient(input.urls) : await makeClient({ variant: name, urls: input.urls, pkgUrl: input.pkgUrl, mode: input.mode, long: input.long, warmup: 0, sequential: 0, concurrent: 0, concurrency: 1 }));
  }
  const r: PairedResult = { p50: {}, ttft: {}, cpu: {}, sample: {} };
  for (const [name, s] of subjects) {
    r.sample[name] = (await once(s, input.mode)).text;
    for (let i = 0; i < input.warmup; i++) await once(s, input.mode);
  }
  const names = [...subjects.keys()];
  for (let b = 0; b < input.blocks; b++) {
    const order = [...names.slice(b % names.length), ...names.slice(0, b % names.length)];
    for (const name of order) {
      const s = subjects.get(name)!;
      const us: number[] = [];
      const ttft: number[] = [];
      const c0 = cpuUs();
      for (let i = 0; i < input.perBlock; i++) {
        const o = await once(s, input.mode);
        us.push(o.us);
        ttft.push(o.ttftUs);
      }
      (r.cpu[name] ??= []).push((cpuUs() - c0) / input.perBlock);
      (r.p50[name] ??= []).push(p50(us));
      if (input.mode === 'stream') (r.ttft[name] ??= []).push(p50(ttft));
    }
  }
  return r;
}

if (process.send && process.env.BENCH_PAIRED_CLIENT) childMain(measurePaired);
