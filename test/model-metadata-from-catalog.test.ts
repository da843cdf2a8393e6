/**
 * A descriptor that omits capabilities, context window or output ceiling gets them from the
 * models.dev catalog (tokenlens); a model no catalog knows is not assumed to do everything;
 * explain() and the record say where each value came from; the catalog costs nothing to a
 * router that does not need it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createRouter, NoRouteError } from 'llm-switchboard';

const text = [{ role: 'user' as const, content: 'hello' }];
const image = [{ role: 'user' as const, content: [{ type: 'image_url' as const, image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] }];
const tools = [{ type: 'function' as const, function: { name: 'f', parameters: { type: 'object', properties: {} } } }];

function router() {
  return createRouter({
    providers: {
      anthropic: { type: 'anthropic', apiKey: 'sk-ant-test' },
      openai: { type: 'openai', apiKey: 'sk-test' },
      local: { type: 'openai', apiKey: 'unused', baseURL: 'http://127.0.0.1:11434/v1' },
    },
    models: [
      { id: 'sonnet', provider: 'anthropic', model: 'claude-sonnet-4-20250514' },
      { id: 'turbo', provider: 'openai', model: 'gpt-3.5-turbo' },
      { id: '4o', provider: 'openai', model: 'gpt-4o' },
      { id: 'llama', provider: 'local', model: 'my-local-llama', pricing: { input: 0, output: 0 } },
    ],
    routes: { all: { models: ['llama', 'turbo', 'sonnet'] }, agents: { models: ['llama', '4o', 'sonnet'] }, localOnly: { models: ['llama'] } },
  });
}

describe('model metadata from the catalog', () => {
  it('fills window, output ceiling and capabilities from the catalog and says so', () => {
    const c = router().explain({ model: 'sonnet', messages: text }).candidates[0]!;
    expect(c.sources).toMatchObject({
      contextWindow: 'catalog',
      maxOutputTokens: 'catalog',
      capabilities: { tools: 'catalog', vision: 'catalog', json_schema: 'catalog', reasoning: 'catalog' },
      catalogModel: 'anthropic/claude-sonnet-4-20250514',
    });
  });

  it('a catalogued text-only model is excluded from image requests by its catalog entry', () => {
    const plan = router().explain({ model: 'all', messages: image });
    const turbo = plan.candidates.find((c) => c.model === 'turbo')!;
    expect(turbo).toMatchObject({ kept: false, reason: 'capability-vision' });
    expect(turbo.sources?.capabilities.vision).toBe('catalog');
    expect(plan.plan.map((p) => p.model)).toEqual(['sonnet']);
  });

  it('an undescribed model steps aside for one known to serve the request, with the reason', () => {
    const plan = router().explain({ model: 'all', messages: image });
    const llama = plan.candidates.find((c) => c.model === 'llama')!;
    expect(llama).toMatchObject({ kept: false, reason: 'capability-unknown' });
    expect(llama.detail).toContain('vision');
    expect(llama.sources?.capabilities.vision).toBe('default');
    // Tools too: the catalog knows gpt-4o and sonnet call tools; the local model is unknown.
    const withTools = router().explain({ model: 'agents', messages: text, tools });
    expect(withTools.plan.map((p) => p.model).sort()).toEqual(['4o', 'sonnet']);
  });

  it('an undescribed model is still tried when nothing known can serve the request (never refuses what the SDK might serve)', () => {
    const plan = router().explain({ model: 'localOnly', messages: image, tools });
    expect(plan.plan.map((p) => p.model)).toEqual(['llama']);
    // A plain text request needs nothing unknown: the undescribed model competes as usual.
    expect(router().explain({ model: 'all', messages: text }).plan.map((p) => p.model)).toContain('llama');
  });

  it('a long prompt prefers models whose window is known to fit', () => {
    const long = [{ role: 'user' as const, content: 'word '.repeat(12_000) }];
    const plan = router().explain({ model: 'all', messages: long });
    expect(plan.candidates.find((c) => c.model === 'llama')).toMatchObject({ kept: false, reason: 'capability-unknown' });
    expect(plan.candidates.find((c) => c.model === 'llama')!.detail).toContain('contextWindow');
  });

  it('the DecisionRecord carries the same sources', async () => {
    const r = createRouter({
      providers: { local: { type: 'openai', apiKey: 'unused', baseURL: 'http://127.0.0.1:1/v1' }, m: { type: 'mock', reply: 'ok' } },
      models: [
        { id: 'llama', provider: 'local', model: 'my-local-llama' },
        { id: 'mock', provider: 'm' },
      ],
      routes: { r: { models: ['mock', 'llama'] } },
    });
    const { decision } = await r.chat.completions.create({ model: 'r', messages: text }).withDecision();
    expect(decision.candidates.find((c) => c.model === 'llama')!.sources).toMatchObject({ contextWindow: 'default', capabilities: { tools: 'default' } });
    // The mock describes itself: nothing to explain.
    expect(decision.candidates.find((c) => c.model === 'mock')!.sources).toBeUndefined();
  });

  it('a declared value always wins over the catalog', () => {
    const r = createRouter({
      providers: { a: { type: 'anthropic', apiKey: 'x' } },
      models: [{ id: 's', provider: 'a', model: 'claude-sonnet-4-20250514', capabilities: { vision: false }, contextWindow: 1000 }],
    });
    const c = r.explain({ messages: text }).candidates[0]!;
    expect(c.sources).toMatchObject({ contextWindow: 'descriptor', capabilities: { vision: 'descriptor', tools: 'catalog' } });
    expect(() => r.explain({ messages: image })).toThrow(NoRouteError);
  });

  it('is loaded only when a value is missing: a mock-only or fully described router never loads it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'catalog-cold-'));
    const script = join(dir, 'probe.mts');
    const src = resolve('src/index.ts');
    writeFileSync(
      script,
      `import { createRequire } from 'node:module';
const req = createRequire(${JSON.stringify(resolve('package.json'))});
const { createRouter } = await import(${JSON.stringify(src)});
const loaded = () => Object.keys(req.cache).some((k) => k.includes('tokenlens'));
const out = [];
createRouter({ providers: { m: { type: 'mock' } }, models: [{ id: 'a', provider: 'm' }] });
out.push(loaded());
createRouter({ providers: { o: { type: 'openai', apiKey: 'k' } }, models: [{ id: 'g', provider: 'o', model: 'gpt-4o', pricing: { input: 1, output: 1 }, contextWindow: 128000, maxOutputTokens: 16384, capabilities: { tools: true, vision: true, json_schema: true, reasoning: false } }] });
out.push(loaded());
createRouter({ providers: { o: { type: 'openai', apiKey: 'k' } }, models: [{ id: 'g', provider: 'o', model: 'gpt-4o' }] });
out.push(loaded());
console.log(JSON.stringify(out));`,
    );
    const out = execFileSync(process.execPath, [resolve('node_modules/tsx/dist/cli.mjs'), script], { encoding: 'utf8' }).trim().split('\n').at(-1);
    expect(JSON.parse(out!)).toEqual([false, false, true]);
  });
});
