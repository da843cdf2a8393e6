/**
 * Which Gemini SDK the `google` provider uses: @google/genai when it is installed,
 * @google/generative-ai when only that one is, or the one pinned with `sdk`; a clear
 * error naming the package when none is; the chosen SDK loaded from createRouter() on, never the other one;
 * the API version chosen on purpose (v1beta, whatever the SDK's own default).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, createRouter } from 'llm-switchboard';
import { createGoogleAdapter } from '../src/providers/google/google-adapter.js';
import { type GeminiFake, generativeAiJs, startGeminiFake } from './fakes/gemini-fake-server.js';
import { readJsonFixture } from './fakes/fixtures.js';
import { GEMINI_SDKS, SDK_CLIENT_HEADER } from './support/gemini-sdks.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

let fake: GeminiFake;
beforeEach(async () => (fake = await startGeminiFake()));
afterEach(() => fake.close());

const hi = { model: 'gemini-2.0-flash', messages: [{ role: 'user' as const, content: 'hi' }] };
const opts = () => ({ signal: new AbortController().signal });

/** Runs test/support/gemini-sdk-child.ts with the named SDK packages hidden. */
function child(hide: string[], sdk?: string): Promise<any> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', './test/support/hide-gemini-sdks.mjs', '--import', 'tsx', 'test/support/gemini-sdk-child.ts', fake.url, fake.apiKey, ...(sdk ? [sdk] : [])],
      { cwd: ROOT, env: { ...process.env, HIDE_GEMINI_SDKS: hide.join(',') }, timeout: 30_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${err.message}\n${stderr}`));
        resolve(JSON.parse(stdout.trim().split('\n').at(-1)!));
      },
    );
  });
}

describe('Gemini SDK selection', () => {
  it('auto uses @google/genai when it is installed; sdk pins either one', async () => {
    fake.enqueue(generativeAiJs('unary-success-basic-reply-short.json'), generativeAiJs('unary-success-basic-reply-short.json'), generativeAiJs('unary-success-basic-reply-short.json'));
    await createGoogleAdapter('g', { type: 'google', apiKey: fake.apiKey, baseURL: fake.url }).doGenerate(hi, opts());
    for (const sdk of GEMINI_SDKS) await createGoogleAdapter('g', { type: 'google', sdk, apiKey: fake.apiKey, baseURL: fake.url }).doGenerate(hi, opts());
    const clients = fake.requests.map((r) => String(r.headers['x-goog-api-client']));
    expect(clients[0]).toMatch(SDK_CLIENT_HEADER.genai);
    expect(clients[1]).toMatch(SDK_CLIENT_HEADER.genai);
    expect(clients[2]).toMatch(SDK_CLIENT_HEADER['generative-ai']);
  });

  it.each(GEMINI_SDKS)('asks for v1beta by default (@google/genai alone would use v1), and the configured apiVersion when set (%s)', async (sdk) => {
    fake.enqueue(generativeAiJs('unary-success-basic-reply-short.json'), generativeAiJs('unary-success-basic-reply-short.json'));
    await createGoogleAdapter('g', { type: 'google', sdk, apiKey: fake.apiKey, baseURL: fake.url }).doGenerate(hi, opts());
    await createGoogleAdapter('g', { type: 'google', sdk, apiKey: fake.apiKey, baseURL: fake.url, apiVersion: 'v1' }).doGenerate(hi, opts());
    expect(fake.requests.map((r) => r.url)).toEqual(['/v1beta/models/gemini-2.0-flash:generateContent', '/v1/models/gemini-2.0-flash:generateContent']);
    expect(String(fake.requests[0]!.headers['x-goog-api-client'])).toMatch(SDK_CLIENT_HEADER[sdk]);
  });

  it('validates sdk with the other options, naming it', () => {
    let err: unknown;
    try {
      createRouter({ providers: { g: { type: 'google', apiKey: 'k', sdk: 'vertex' as 'genai' } }, models: [{ id: 'g', provider: 'g', model: 'gemini-2.0-flash' }] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(/providers\.g\.sdk: sdk must be 'auto', 'genai' or 'generative-ai'/);
  });

  it('starts loading the chosen SDK at createRouter() (not at the first call), and never the other one', async () => {
    fake.enqueue(generativeAiJs('unary-success-basic-reply-short.json'));
    const out = await child([]);
    expect(out.error).toBeUndefined();
    // The import runs in the background from createRouter(); warmup() waits for it.
    expect(out.afterCreate.generativeAi).toBe(false);
    expect(out.afterMock.generativeAi).toBe(false);
    expect(out.afterWarmup).toEqual({ genai: true, generativeAi: false });
    expect(out.afterGemini).toEqual({ genai: true, generativeAi: false });
    expect(out.content).toBe(readJsonFixture('gemini/generative-ai-js/unary-success-basic-reply-short.json').candidates[0].content.parts[0].text);
  });

  it('falls back to @google/generative-ai when @google/genai is not installed', async () => {
    fake.enqueue(generativeAiJs('unary-success-basic-reply-short.json'));
    const out = await child(['@google/genai']);
    expect(out.error).toBeUndefined();
    expect(out.afterGemini).toEqual({ genai: false, generativeAi: true });
    expect(String(fake.requests[0]!.headers['x-goog-api-client'])).toMatch(SDK_CLIENT_HEADER['generative-ai']);
  });

  it('fails at createRouter(), naming the package, when no Gemini SDK (or not the pinned one) is installed', async () => {
    const none = await child(['@google/genai', '@google/generative-ai']);
    expect(none.error.name).toBe('ConfigError');
    expect(none.error.message).toContain("provider 'g' (type 'google') needs a Gemini SDK: run `npm install @google/genai`");
    expect(none.afterCreate).toBeUndefined();

    const pinned = await child(['@google/genai'], 'genai');
    expect(pinned.error.message).toContain("is pinned to sdk 'genai' and needs the package '@google/genai'");
    expect(fake.requests).toHaveLength(0);
  });
});
