/**
 * Reasoning carried across the steps of an AI SDK tool loop. The router returns opaque
 * reasoning in the OpenAI message shape (`reasoning_content`, `reasoning_details` items
 * with signatures, `tool_calls[i].extra_content` with a Gemini thought signature); the
 * provider hands them to the AI SDK as part metadata and puts them back on the assistant
 * message of the next request, where the adapters replay them (Claude refuses a tool
 * turn with thinking whose signed block is missing; Gemini 3 a function call without its
 * signature). Answers come from the OpenAI fake over real HTTP, shaped as the router's
 * adapters shape them (synthetic: written for this test), on ai 7 and on ai 6.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { BadRequestError, createRouter } from 'llm-switchboard';
import { createSwitchboardProvider } from 'llm-switchboard/ai-sdk';
import { startOpenAIFake, type OpenAIFake } from './fakes/openai-fake-server.js';
import { aiMajors } from './support/ai-sdk-majors.js';

let oa: OpenAIFake;
beforeAll(async () => void (oa = await startOpenAIFake()));
afterAll(() => oa.close());
beforeEach(() => void (oa.requests.length = 0));

const thinking = { type: 'reasoning.text', text: 'The user wants the weather; call the tool.', signature: 'EqQBCkYIBxgCKkDsig', format: 'anthropic-claude-v1', index: 0 };
const redacted = { type: 'reasoning.encrypted', data: 'EmwKAhgBEgy3va3pzix', format: 'anthropic-claude-v1', index: 1 };
const extra = { google: { thought_signature: 'CiQBVKhc7sig' } };
const base = { id: 'chatcmpl-r1', created: 1_764_000_000, model: 'claude-sonnet-4-6' };

const toolTurnJson = {
  ...base,
  object: 'chat.completion',
  choices: [
    {
      index: 0,
      finish_reason: 'tool_calls',
      message: {
        role: 'assistant',
        content: null,
        reasoning_content: thinking.text,
        reasoning_details: [thinking, redacted],
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' }, extra_content: extra }],
      },
    },
  ],
  usage: { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 },
};
const answerJson = {
  ...base,
  id: 'chatcmpl-r2',
  object: 'chat.completion',
  choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Sunny in Paris.' } }],
  usage: { prompt_tokens: 40, completion_tokens: 5, total_tokens: 45 },
};

const sse = (...deltas: Array<[object, string | null]>) =>
  deltas.map(([delta, finish]) => `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`).join('') +
  `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: 20, completion_tokens: 10, total_tokens: 30 } })}\n\ndata: [DONE]\n\n`;
// As the Anthropic adapter streams: thinking text, the block's item once it completes, a second (redacted) item, then the tool call.
const toolTurnSse = sse(
  [{ role: 'assistant', reasoning_content: 'The user wants the weather; ' }, null],
  [{ reasoning_content: 'call the tool.' }, null],
  [{ reasoning_details: [thinking] }, null],
  [{ reasoning_details: [redacted] }, null],
  [{ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'weather', arguments: '' }, extra_content: extra }] }, null],
  [{ tool_calls: [{ index: 0, function: { arguments: '{"city":"Paris"}' } }] }, null],
  [{}, 'tool_calls'],
);
const answerSse = sse([{ role: 'assistant', content: 'Sunny in ' }, null], [{ content: 'Paris.' }, null], [{}, 'stop']);

function provider(spec: 'v3' | 'v4') {
  const router = createRouter({
    providers: { openrouter: { type: 'openai', apiKey: 'sk-or-SECRET-0000', baseURL: oa.url } },
    models: [{ id: 'claude', provider: 'openrouter', model: 'claude-sonnet-4-6' }],
  });
  return createSwitchboardProvider(router, { specificationVersion: spec });
}

describe.each(aiMajors)('$name', ({ ai, spec }) => {
  const tools = { weather: ai.tool({ description: 'Weather in a city', inputSchema: z.object({ city: z.string() }), execute: async () => 'sunny' }) };

  function expectReplayed() {
    const second = oa.requests[1]!.body;
    expect(second.messages.map((m: any) => m.role)).toEqual(['user', 'assistant', 'tool']);
    const assistant = second.messages[1];
    expect(assistant.reasoning_content).toBe(thinking.text);
    expect(assistant.reasoning_details).toEqual([thinking, redacted]);
    expect(assistant.tool_calls).toEqual([{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' }, extra_content: extra }]);
    expect(second.messages[2]).toEqual({ role: 'tool', tool_call_id: 'call_1', content: 'sunny' });
  }

  it('generateText: the reasoning items and the call signature go back on the next step', async () => {
    oa.enqueue({ kind: 'json', body: toolTurnJson }, { kind: 'json', body: answerJson });
    const r = await ai.generateText({ model: provider(spec)('claude'), prompt: 'Weather in Paris?', tools, stopWhen: ai.stepCountIs(3) });
    expect(r.text).toBe('Sunny in Paris.');
    const first = r.steps[0]!;
    expect(first.reasoningText).toBe(thinking.text);
    expect(first.content.filter((p) => p.type === 'reasoning').map((p) => p.providerMetadata)).toEqual([{ switchboard: { reasoningDetails: [thinking, redacted] } }]);
    expect(first.toolCalls[0]!.providerMetadata).toEqual({ switchboard: { extraContent: extra } });
    expectReplayed();
    // Nothing was reported as not sent: the reasoning went back whole.
    expect(r.steps[1]!.warnings ?? []).toEqual([]);
  });

  it('streamText: items that arrive as each block completes ride on the block, and go back the same', async () => {
    oa.enqueue({ kind: 'sse', raw: toolTurnSse }, { kind: 'sse', raw: answerSse });
    const result = ai.streamText({ model: provider(spec)('claude'), prompt: 'Weather in Paris?', tools, stopWhen: ai.stepCountIs(3) });
    expect(await result.text).toBe('Sunny in Paris.');
    const steps = await result.steps;
    expect(steps[0]!.reasoningText).toBe(thinking.text);
    expect(steps[0]!.content.filter((p) => p.type === 'reasoning').map((p) => p.providerMetadata)).toEqual([{ switchboard: { reasoningDetails: [thinking, redacted] } }]);
    expect(steps[0]!.toolCalls[0]!.providerMetadata).toEqual({ switchboard: { extraContent: extra } });
    expectReplayed();
  });

  it('signature-only reasoning (no text) still makes the round trip', async () => {
    const message = { ...toolTurnJson.choices[0]!.message, reasoning_content: undefined, reasoning_details: [redacted] };
    oa.enqueue({ kind: 'json', body: { ...toolTurnJson, choices: [{ ...toolTurnJson.choices[0]!, message }] } }, { kind: 'json', body: answerJson });
    await ai.generateText({ model: provider(spec)('claude'), prompt: 'Weather in Paris?', tools, stopWhen: ai.stepCountIs(3) });
    const assistant = oa.requests[1]!.body.messages[1];
    expect(assistant.reasoning_details).toEqual([redacted]);
    expect(assistant).not.toHaveProperty('reasoning_content');
  });
});

describe('reasoning details handed back by the caller', () => {
  it('must have the shape the router gave them, else a BadRequestError names the part', async () => {
    const model = provider('v4')('claude');
    const err = await Promise.resolve(
      model.doGenerate({
        prompt: [
          { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
          { role: 'assistant', content: [{ type: 'reasoning', text: 'x', providerOptions: { switchboard: { reasoningDetails: 'sig' } } }, { type: 'text', text: 'Hello' }] },
          { role: 'user', content: [{ type: 'text', text: 'Again' }] },
        ],
      }),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    expect(err.message).toMatch(/prompt\.1\.content\.0\.providerOptions\.switchboard\.reasoningDetails must be an array/);
    expect(oa.requests).toHaveLength(0);
  });
});
