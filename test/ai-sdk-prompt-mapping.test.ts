/**
 * What the AI SDK provider puts on the wire for each kind of prompt part: images (URL
 * and bytes), audio, PDF, tool results of every output type, tool choice, JSON mode;
 * and what it refuses, by name, instead of dropping it. Also how a stream that fails
 * midway reaches AI SDK users. The same prompts in each spec's shape (v4: ai 7's tagged
 * file data; v3: ai 6's raw data) must reach the wire identically.
 */
import { describe, expect, it } from 'vitest';
import type { LanguageModelV4CallOptions, LanguageModelV4FilePart } from '@ai-sdk/provider';
import type { LanguageModelV3CallOptions } from '@ai-sdk/provider-v3';
import { BadRequestError, createRouter } from 'llm-switchboard';
import { createSwitchboardProvider, type SwitchboardLanguageModel, type SwitchboardLanguageModelV3 } from 'llm-switchboard/ai-sdk';
import { aiMajors } from './support/ai-sdk-majors.js';

type Data = Uint8Array | string | URL;

/** One spec's way to call a model directly with a prompt built from its own part shapes. */
interface Spec {
  spec: 'v3' | 'v4';
  file(mediaType: string, data: Data, filename?: string): unknown;
  generate(model: unknown, options: Record<string, unknown>): Promise<{ warnings: Array<{ type: string }> }>;
}

const specs: Spec[] = [
  {
    spec: 'v4',
    file: (mediaType, data, filename) => ({ type: 'file', mediaType, data: data instanceof URL ? { type: 'url', url: data } : { type: 'data', data }, ...(filename ? { filename } : {}) }) satisfies LanguageModelV4FilePart,
    generate: (model, options) => (model as SwitchboardLanguageModel).doGenerate(options as LanguageModelV4CallOptions),
  },
  {
    spec: 'v3',
    file: (mediaType, data, filename) => ({ type: 'file', mediaType, data, ...(filename ? { filename } : {}) }),
    generate: (model, options) => (model as SwitchboardLanguageModelV3).doGenerate(options as LanguageModelV3CallOptions),
  },
];

function capture(spec: 'v3' | 'v4') {
  const seen: any[] = [];
  const router = createRouter({
    providers: { mock: { type: 'mock', reply: (body) => (seen.push(body), 'ok'), models: { broken: { failures: ['midstream'], reply: 'a long answer cut in the middle' } } } },
    models: [
      { id: 'm', provider: 'mock' },
      { id: 'broken', provider: 'mock' },
    ],
  });
  const provider = createSwitchboardProvider(router, { specificationVersion: spec });
  return { seen, model: provider('m'), broken: provider('broken') };
}

describe.each(specs)('prompt parts on the wire ($spec)', ({ spec, file, generate }) => {
  it('maps images by URL and by bytes, wav audio and PDF', async () => {
    const { seen, model } = capture(spec);
    await generate(model, {
      prompt: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look' },
            file('image/png', new URL('https://example.com/cat.png')),
            file('image/jpeg', new Uint8Array([1, 2, 3])),
            file('audio/wav', 'UklGRg=='),
            file('application/pdf', 'JVBERi0=', 'a.pdf'),
          ],
        },
      ],
    });
    expect(seen[0].messages[0].content).toEqual([
      { type: 'text', text: 'Look' },
      { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
      { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AQID' } },
      { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
      { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
    ]);
  });

  it('gives an image whose media type has no subtype the type its bytes show', async () => {
    const { seen, model } = capture(spec);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    await generate(model, { prompt: [{ role: 'user', content: [file('image/*', png), file('image', png), file('image', new Uint8Array([0, 1, 2]))] }] });
    expect(seen[0].messages[0].content.map((p: any) => p.image_url.url)).toEqual(['data:image/png;base64,iVBORw0KGgo=', 'data:image/png;base64,iVBORw0KGgo=', 'data:image/jpeg;base64,AAEC']);
  });

  it('sends a text file as a text part, and says so', async () => {
    const { seen, model } = capture(spec);
    const r = await generate(model, { prompt: [{ role: 'user', content: [{ type: 'text', text: 'Summarise' }, file('text/plain', Buffer.from('line one').toString('base64'), 'notes.txt')] }] });
    expect(seen[0].messages[0].content).toEqual([
      { type: 'text', text: 'Summarise' },
      { type: 'text', text: 'line one' },
    ]);
    expect(r.warnings).toEqual([expect.objectContaining({ type: 'compatibility', feature: 'text file' })]);
  });

  it('refuses a file type no provider takes, naming the part', async () => {
    const { model } = capture(spec);
    const err = await generate(model, { prompt: [{ role: 'user', content: [file('video/mp4', 'AAAA')] }] }).catch((e) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.message).toMatch(/prompt\.0\.content\.0.*video\/mp4/);
  });

  it('sends every tool output type as tool message text, and the tool choice', async () => {
    const { seen, model } = capture(spec);
    const ids = ['a', 'b', 'c', 'd', 'e'];
    await generate(model, {
      prompt: [
        { role: 'user', content: [{ type: 'text', text: 'go' }] },
        { role: 'assistant', content: ids.map((id) => ({ type: 'tool-call' as const, toolCallId: id, toolName: 't', input: { id } })) },
        {
          role: 'tool',
          content: [
            { type: 'tool-result', toolCallId: 'a', toolName: 't', output: { type: 'text', value: 'plain' } },
            { type: 'tool-result', toolCallId: 'b', toolName: 't', output: { type: 'json', value: { n: 1 } } },
            { type: 'tool-result', toolCallId: 'c', toolName: 't', output: { type: 'error-text', value: 'boom' } },
            { type: 'tool-result', toolCallId: 'd', toolName: 't', output: { type: 'execution-denied', reason: 'no' } },
            { type: 'tool-result', toolCallId: 'e', toolName: 't', output: { type: 'content', value: [{ type: 'text', text: 'x' }, { type: 'text', text: 'y' }] } },
          ],
        },
      ],
      tools: [{ type: 'function', name: 't', inputSchema: { type: 'object', properties: {} } }],
      toolChoice: { type: 'tool', toolName: 't' },
      responseFormat: { type: 'json' },
    });
    const body = seen[0];
    expect(body.messages[1]).toMatchObject({ role: 'assistant', content: null, tool_calls: [{ id: 'a', type: 'function', function: { name: 't', arguments: '{"id":"a"}' } }, {}, {}, {}, {}] });
    expect(body.messages.slice(2).map((m: any) => [m.tool_call_id, m.content])).toEqual([
      ['a', 'plain'],
      ['b', '{"n":1}'],
      ['c', 'boom'],
      ['d', 'no'],
      ['e', 'xy'],
    ]);
    expect(body.tool_choice).toEqual({ type: 'function', function: { name: 't' } });
    expect(body.response_format).toEqual({ type: 'json_object' });
  });

  it('sends a tool result with files as JSON text, with a warning', async () => {
    const { seen, model } = capture(spec);
    const image = spec === 'v4' ? { type: 'file', mediaType: 'image/png', data: { type: 'data', data: new Uint8Array([1, 2, 3]) } } : { type: 'image-data', mediaType: 'image/png', data: 'AQID' };
    const r = await generate(model, {
      prompt: [
        { role: 'user', content: [{ type: 'text', text: 'go' }] },
        { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'a', toolName: 'shot', input: {} }] },
        { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'a', toolName: 'shot', output: { type: 'content', value: [{ type: 'text', text: 'here' }, image] } }] },
      ],
    });
    const sent = JSON.parse(seen[0].messages[2].content);
    expect(sent[0]).toEqual({ type: 'text', text: 'here' });
    expect(JSON.stringify(sent[1])).toContain('AQID');
    expect(r.warnings).toEqual([expect.objectContaining({ type: 'compatibility', feature: 'non-text tool result content' })]);
  });

  it('reports reasoning parts, provider tools and tool input examples it does not send as warnings', async () => {
    const { model } = capture(spec);
    const r = await generate(model, {
      prompt: [
        { role: 'assistant', content: [{ type: 'reasoning', text: 'hmm' }, { type: 'text', text: 'hi' }] },
        { role: 'user', content: [{ type: 'text', text: 'go' }] },
      ],
      tools: [
        { type: 'provider', id: 'openai.web_search', name: 'web_search', args: {} },
        { type: 'function', name: 'f', inputSchema: { type: 'object' }, inputExamples: [{ input: { q: 'x' } }] },
      ],
    });
    expect(r.warnings.map((w) => w.type)).toEqual(['other', 'unsupported', 'unsupported']);
    expect(r.warnings[2]).toMatchObject({ feature: 'inputExamples of tool f' });
  });
});

describe('v4 prompt parts that v3 has not', () => {
  const model = () => capture('v4').model as SwitchboardLanguageModel;

  it('sends inline text file data as a text part', async () => {
    const { seen, model } = capture('v4');
    await (model as SwitchboardLanguageModel).doGenerate({ prompt: [{ role: 'user', content: [{ type: 'file', mediaType: 'text/markdown', data: { type: 'text', text: '# Title' } }] }] });
    // A lone text part goes as a plain string, like any other one-part text message.
    expect(seen[0].messages[0].content).toBe('# Title');
  });

  it('refuses a provider file reference, naming the part (the router may answer from another provider)', async () => {
    const err = await model()
      .doGenerate({ prompt: [{ role: 'user', content: [{ type: 'text', text: 'x' }, { type: 'file', mediaType: 'application/pdf', data: { type: 'reference', reference: { openai: 'file-123' } } }] }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.message).toMatch(/prompt\.0\.content\.1: a provider file reference cannot be sent/);
  });

  it('reports custom and reasoning-file assistant parts it does not send', async () => {
    const r = await model().doGenerate({
      prompt: [
        {
          role: 'assistant',
          content: [
            { type: 'custom', kind: 'openai.compaction' },
            { type: 'reasoning-file', mediaType: 'image/png', data: { type: 'data', data: 'AQID' } },
            { type: 'text', text: 'hi' },
          ],
        },
        { role: 'user', content: [{ type: 'text', text: 'go' }] },
      ],
    });
    expect(r.warnings.map((w) => (w.type === 'other' ? w.message : w.type))).toEqual([expect.stringMatching(/custom part \(openai\.compaction\) was not sent/), expect.stringMatching(/reasoning-file part was not sent/)]);
  });
});

describe.each(aiMajors)('a stream that fails midway ($name)', ({ ai, spec }) => {
  it('reaches streamText as an error part, then a finish with reason error and the decision', async () => {
    const { broken } = capture(spec);
    const errors: unknown[] = [];
    const result = ai.streamText({ model: broken, prompt: 'Hi', onError: ({ error }) => void errors.push(error) });
    const types: string[] = [];
    for await (const p of result.fullStream) types.push(p.type);
    expect(types).toContain('error');
    expect(errors).toHaveLength(1);
    expect(String((errors[0] as Error).message)).toMatch(/mid-stream/);
    expect(await result.finishReason).toBe('error');
    const meta = (await result.providerMetadata) as any;
    expect(meta.switchboard.decision.outcome).toBe('error');
  });

  it('and generateText of a model that fails before answering rejects with the router error', async () => {
    const router = createRouter({ providers: { mock: { type: 'mock', failures: ['400'] } }, models: [{ id: 'm', provider: 'mock' }] });
    await expect(ai.generateText({ model: createSwitchboardProvider(router, { specificationVersion: spec })('m'), prompt: 'Hi' })).rejects.toBeInstanceOf(BadRequestError);
  });
});
