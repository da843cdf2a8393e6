/**
 * One measured client, run in its own process by bench/overhead.bench.ts and
 * bench/streaming.bench.ts: builds the variant's client, warms it up, then times
 * sequential calls, calls at a fixed concurrency, or streams. CPU time and peak RSS
 * are this process's own.
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { childMain } from './processes.js';
import { PEERS_DIR } from './paths.js';
import type { UpstreamUrls } from './fake-upstream.js';

export type Variant =
  | 'openai-sdk'
  | 'router-openai'
  | 'anthropic-sdk'
  | 'router-anthropic'
  | 'gemini-sdk'
  | 'genai-sdk'
  | 'router-gemini'
  | 'fetch-openai'
  | 'fetch-anthropic'
  | 'fetch-gemini'
  | 'portkey'
  | 'tokenjs-openai'
  | 'polyglot-openai'
  | 'polyglot-anthropic';

export interface LoadInput {
  variant: Variant;
  urls: UpstreamUrls;
  gatewayUrl?: string;
  pkgUrl: string;
  mode: 'unary' | 'stream';
  /** Streams: ask the upstream for the long recording (throughput) instead of the short one. */
  long?: boolean;
  warmup: number;
  sequential: number;
  concurrent: number;
  concurrency: number;
  /** Untimed calls at `concurrency` in flight before the timed concurrent phase (0: none). */
  concurrentWarmup?: number;
}

export interface LoadResult {
  /** Per-request latency in µs, sequential phase (unary) or whole stream (stream). */
  seqUs: number[];
  concUs: number[];
  seqWallMs: number;
  concWallMs: number;
  seqCpuUsPerReq: number;
  concCpuUsPerReq: number;
  /** Streams only: µs from the call to the first chunk. */
  ttftUs: number[];
  chunksPerStream: number;
  peakRssMb: number;
  /** Sanity: what one answer said, so a variant that silently does nothing is caught. */
  sample: string;
}

const messages = [{ role: 'user' as const, content: 'Hello, how are you?' }];
const KEY = 'sk-bench-not-a-real-key';

type Call = () => Promise<string>;
type StreamCall = () => AsyncIterable<unknown> | Promise<AsyncIterable<unknown>>;

const peerRequire = createRequire(resolve(PEERS_DIR, 'package.json'));
const importPeer = (name: string): Promise<any> => import(pathToFileURL(peerRequire.resolve(name)).href);

export async function makeClient(input: LoadInput): Promise<{ call: Call; stream: StreamCall }> {
  const { urls } = input;
  const model = input.long ? 'long' : 'gpt-4o-mini';
  switch (input.variant) {
    case 'openai-sdk':
    case 'portkey': {
      const { default: OpenAI } = await import('openai');
      const client =
        input.variant === 'openai-sdk'
          ? new OpenAI({ baseURL: urls.openai, apiKey: KEY, maxRetries: 0 })
          : new OpenAI({
              baseURL: input.gatewayUrl!,
              apiKey: KEY,
              maxRetries: 0,
              defaultHeaders: { 'x-portkey-provider': 'openai', 'x-portkey-custom-host': urls.openai },
            });
      return {
        call: async () => (await client.chat.completions.create({ model, messages })).choices[0]?.message.content ?? '',
        stream: () => client.chat.completions.create({ model, messages, stream: true }),
      };
    }
    case 'router-openai':
    case 'router-anthropic':
    case 'router-gemini':
    case 'fetch-openai':
    case 'fetch-anthropic':
    case 'fetch-gemini': {
      const { createRouter } = (await import(input.pkgUrl)) as typeof import('../../src/index.js');
      const wire = input.variant.slice(input.variant.indexOf('-') + 1);
      const type = wire === 'openai' ? 'openai' : wire === 'anthropic' ? 'anthropic' : 'google';
      const baseURL = type === 'openai' ? urls.openai : type === 'anthropic' ? urls.anthropic : urls.gemini;
      let spent = 0;
      let decisions = 0;
      const router = createRouter({
        providers: { up: { type, baseURL, apiKey: KEY } as any },
        models: [
          { id: 'primary', provider: 'up', model, pricing: { input: 0.15, output: 0.6 } },
          { id: 'backup', provider: 'up', model, pricing: { input: 2.5, output: 10 } },
        ],
        routes: { main: { models: ['primary', 'backup'], strategy: 'priority' } },
        // Cost tracking as a user would do it today: aggregate every decision's cost.
        hooks: {
          onDecision: (d) => {
            spent += d.cost.finalUsd;
            decisions++;
          },
        },
      });
      process.on('exit', () => {
        if (decisions > 0 && !(spent > 0)) console.error('router: cost tracking saw no cost');
      });
      if (input.variant.startsWith('fetch-')) {
        // The OpenAI SDK over router.fetch: the same router, reached through the HTTP API in-process.
        const { default: OpenAI } = await import('openai');
        const client = new OpenAI({ apiKey: 'unused', baseURL: 'http://router.local/v1', fetch: router.fetch, maxRetries: 0 });
        return {
          call: async () => (await client.chat.completions.create({ model: 'main', messages, max_tokens: 256 })).choices[0]?.message.content ?? '',
          stream: () => client.chat.completions.create({ model: 'main', messages, max_tokens: 256, stream: true }),
        };
      }
      return {
        call: async () => (await router.chat.completions.create({ model: 'main', messages, max_tokens: 256 })).choices[0]?.message.content ?? '',
        stream: () => router.chat.completions.create({ model: 'main', messages, max_tokens: 256, stream: true }),
      };
    }
    case 'anthropic-sdk': {
      const { default: Anthropic } = await import('@anthropic-ai/sdk');
      const client = new Anthropic({ baseURL: urls.anthropic, apiKey: KEY, maxRetries: 0 });
      return {
        call: async () => {
          const m = await client.messages.create({ model, max_tokens: 256, messages });
          return m.content[0]?.type === 'text' ? m.content[0].text : '';
        },
        stream: () => client.messages.create({ model, max_tokens: 256, messages, stream: true }),
      };
    }
    case 'genai-sdk': {
      // @google/genai, as the router's google adapter uses it by default (v1beta, no SDK retries).
      // The same request the router variants make: their max_tokens: 256 is Gemini's
      // generationConfig.maxOutputTokens, so the raw call asks for it too (the bytes on the
      // wire are then identical). Nothing else: the router's automaticFunctionCalling
      // { disable: true } never reaches the wire, and a user of the raw SDK passes no signal.
      const { GoogleGenAI } = await import('@google/genai');
      const ai = new GoogleGenAI({ apiKey: KEY, httpOptions: { baseUrl: urls.gemini, apiVersion: 'v1beta' } });
      const contents = [{ role: 'user', parts: [{ text: messages[0]!.content }] }];
      const config = { maxOutputTokens: 256 };
      return {
        call: async () => (await ai.models.generateContent({ model, contents, config })).text ?? '',
        stream: () => ai.models.generateContentStream({ model, contents, config }),
      };
    }
    case 'gemini-sdk': {
      const { GoogleGenerativeAI } = await import('@google/generative-ai');
      const gen = new GoogleGenerativeAI(KEY).getGenerativeModel({ model }, { baseUrl: urls.gemini });
      const contents = [{ role: 'user', parts: [{ text: messages[0]!.content }] }];
      // As genai-sdk: the router variants' max_tokens: 256.
      const generationConfig = { maxOutputTokens: 256 };
      return {
        call: async () => (await gen.generateContent({ contents, generationConfig })).response.text(),
        stream: async () => (await gen.generateContentStream({ contents, generationConfig })).stream,
      };
    }
    case 'tokenjs-openai': {
      const { TokenJS } = await importPeer('token.js');
      const client = new TokenJS({ baseURL: urls.openai, apiKey: KEY });
      return {
        call: async () => (await client.chat.completions.create({ provider: 'openai-compatible', model, messages })).choices[0]?.message.content ?? '',
        stream: () => client.chat.completions.create({ provider: 'openai-compatible', model, messages, stream: true }),
      };
    }
    case 'polyglot-openai':
    case 'polyglot-anthropic': {
      const { createLLMClient } = await importPeer('llm-polyglot');
      // llm-polyglot's Anthropic client ignores baseURL; its SDK reads ANTHROPIC_BASE_URL (set by the parent).
      const anthropic = input.variant === 'polyglot-anthropic';
      const client = anthropic
        ? createLLMClient({ provider: 'anthropic', apiKey: KEY, logLevel: 'error' })
        : createLLMClient({ provider: 'openai', baseURL: urls.openai, apiKey: KEY, maxRetries: 0 });
      const body = { model, messages, max_tokens: 256 };
      return {
        call: async () => (await client.chat.completions.create(body)).choices?.[0]?.message?.content ?? '',
        stream: () => client.chat.completions.create({ ...body, stream: true }),
      };
    }
  }
}

const nowUs = (): number => Number(process.hrtime.bigint()) / 1_000;
const cpuUs = (): number => {
  const c = process.cpuUsage();
  return c.user + c.system;
};

async function consume(s: AsyncIterable<unknown>, t0: number): Promise<{ firstUs: number; chunks: number }> {
  let firstUs = NaN;
  let chunks = 0;
  for await (const _ of s) {
    if (chunks++ === 0) firstUs = nowUs() - t0;
  }
  return { firstUs, chunks };
}

export async function measure(input: LoadInput): Promise<LoadResult> {
  const { call, stream } = await makeClient(input);
  const r: LoadResult = { seqUs: [], concUs: [], seqWallMs: 0, concWallMs: 0, seqCpuUsPerReq: NaN, concCpuUsPerReq: NaN, ttftUs: [], chunksPerStream: 0, peakRssMb: 0, sample: '' };

  if (input.mode === 'stream') {
    for (let i = 0; i < input.warmup; i++) await consume(await stream(), nowUs());
    const c0 = cpuUs();
    const w0 = nowUs();
    for (let i = 0; i < input.sequential; i++) {
      const t0 = nowUs();
      const { firstUs, chunks } = await consume(await stream(), t0);
      r.seqUs.push(nowUs() - t0);
      r.ttftUs.push(firstUs);
      r.chunksPerStream = chunks;
    }
    r.seqWallMs = (nowUs() - w0) / 1000;
    r.seqCpuUsPerReq = (cpuUs() - c0) / input.sequential;
  } else {
    r.sample = await call();
    for (let i = 0; i < input.warmup; i++) await call();
    let c0 = cpuUs();
    let w0 = nowUs();
    for (let i = 0; i < input.sequential; i++) {
      const t0 = nowUs();
      await call();
      r.seqUs.push(nowUs() - t0);
    }
    r.seqWallMs = (nowUs() - w0) / 1000;
    r.seqCpuUsPerReq = (cpuUs() - c0) / input.sequential;

    if (input.concurrent > 0) {
      // The sequential warm-up leaves the paths that only run with many calls in flight
      // (pools of sockets, queues, the JIT's view of them) cold; warm those the same way for
      // every subject, so the timed phase measures steady throughput, not first compilation.
      let warm = 0;
      const warmer = async () => {
        while (warm++ < (input.concurrentWarmup ?? 0)) await call();
      };
      await Promise.all(Array.from({ length: input.concurrency }, warmer));
      let next = 0;
      const worker = async () => {
        while (next++ < input.concurrent) {
          const t0 = nowUs();
          await call();
          r.concUs.push(nowUs() - t0);
        }
      };
      c0 = cpuUs();
      w0 = nowUs();
      await Promise.all(Array.from({ length: input.concurrency }, worker));
      r.concWallMs = (nowUs() - w0) / 1000;
      r.concCpuUsPerReq = (cpuUs() - c0) / input.concurrent;
    }
  }
  r.peakRssMb = process.resourceUsage().maxRSS / 1024;
  return r;
}

// bench/lib/paired-client.ts builds its clients here too, and answers its parent itself.
if (process.send && !process.env.BENCH_PAIRED_CLIENT) childMain(measure);
