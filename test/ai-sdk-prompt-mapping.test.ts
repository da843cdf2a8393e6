/**
 * What the AI SDK provider puts on the wire for each kind of prompt part: images (URL
 * and bytes), audio, PDF, tool results of every output type, tool choice, JSON mode;
 * and what it refuses, by name, instead of dropping it. Also how a stream that fails
 * midway reaches AI SDK users.
 */
import { describe, expect, it } from 'vitest';
import { generateText, streamText } from 'ai';
import type { LanguageModelV3CallOptions } from '@ai-sdk/provider';
import { BadRequestError, createRouter } from 'llm-switchboard';
import { createSwitchboardProvider } from 'llm-switchboard/ai-sdk';

function capture() {
  const seen: any[] = [];
  const router = createRouter({
    providers: { mock: { type: 'mock', reply: (body) => (seen.push(body), 'ok'), models: { broken: { failures: ['midstream'], reply: 'a long answer cut in the middle' } } } },
    models: [
      { id: 'm', provider: 'mock' },
      { id: 'broken', provider: 'mock' },
    ],
  });
  return { seen, model: createSwitchboardProvider(router)('m'), broken: createSwitchboardProvider(router)('broken') };
}
const call = (prompt: LanguageModelV3CallOptions['prompt'], extra: Partial<LanguageModelV3CallOptions> = {}): LanguageModelV3CallOptions => ({ prompt, ...extra });

describe('prompt parts on the wire', () => {
  it('maps images by URL and by bytes, wav audio and PDF', async () => {
    const { seen, model } = capture();
    await model.doGenerate(
      call([
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Look' },
            { type: 'file', mediaType: 'image/png', data: new URL('https://example.com/cat.png') },
            { type: 'file', mediaType: 'image/jpeg', data: new Uint8Array([1, 2, 3]) },
            { type: 'file', mediaType: 'audio/wav', data: 'UklGRg==' },
            { type: 'file', mediaType: 'application/pdf', data: 'JVBERi0=', filename: 'a.pdf' },
          ],
        },
      ]),
    );
    expect(seen[0].messages[0].content).toEqual([
      { type: 'text', text: 'Look' },
      { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
      { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,AQID' } },
      { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
      { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
    ]);
  });

  it('refuses a file type no provider takes, naming the part', async () => {
    const { model } = capture();
    const err = await Promise.resolve(model.doGenerate(call([{ role: 'user', content: [{ type: 'file', mediaType: 'video/mp4', data: 'AAAA' }] }]))).catch((e) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.message).toMatch(/prompt\.0\.content\.0.*video\/mp4/);
  });

  it('sends every tool output type as tool message text, and the tool choice', async () => {
    const { seen, model } = capture();
    const ids = ['a', 'b', 'c', 'd', 'e'];
    await model.doGenerate(
      call(
        [
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
        { tools: [{ type: 'function', name: 't', inputSchema: { type: 'object', properties: {} } }], toolChoice: { type: 'tool', toolName: 't' }, responseFormat: { type: 'json' } },
      ),
    );
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

  it('reports reasoning parts and provider tools it does not send as warnings', async () => {
    const { model } = capture();
    const r = await model.doGenerate(
      call([{ role: 'assistant', content: [{ type: 'reasoning', text: 'hmm' }, { type: 'text', text: 'hi' }] }, { role: 'user', content: [{ type: 'text', text: 'go' }] }], {
        tools: [{ type: 'provider', id: 'openai.web_search', name: 'web_search', args: {} }],
      }),
    );
    expect(r.warnings.map((w) => w.type)).toEqual(['other', 'unsupported']);
  });
});

describe('a stream that fails midway', () => {
  it('reaches streamText as an error part, then a finish with reason error and the decision', async () => {
    const { broken } = capture();
    const errors: unknown[] = [];
    const result = streamText({ model: broken, prompt: 'Hi', onError: ({ error }) => void errors.push(error) });
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
    await expect(generateText({ model: createSwitchboardProvider(router)('m'), prompt: 'Hi' })).rejects.toBeInstanceOf(BadRequestError);
  });
});
