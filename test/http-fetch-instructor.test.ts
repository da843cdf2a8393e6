/**
 * instructor-js (`@instructor-ai/instructor`) over an OpenAI client whose fetch is
 * `router.fetch`: `response_model` extraction in TOOLS mode (a forced function call) and
 * JSON mode (response_format), validated by its zod schema — with OpenAI, Anthropic and
 * Gemini behind the router.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
// instructor 1.7 turns the schema into JSON Schema with zod-to-json-schema, which reads zod 3
// schemas only: a zod 4 schema becomes `{ name, description }` with no properties (sent
// silently). zod 4 ships the zod 3 API as `zod/v3`, which it reads correctly.
import { z } from 'zod/v3';
import Instructor from '@instructor-ai/instructor';
import { createRouter, type DecisionRecord } from 'llm-switchboard';
import { useThreeVendors } from './fakes/three-vendors.js';
import { scriptTurns } from './fakes/scripted-turns.js';
import { hooksSettled } from './support/hooks-settled.js';

const vendors = useThreeVendors();
beforeEach(() => void scriptTurns(vendors, []));
const MODELS = ['gpt', 'claude', 'gemini'] as const;
const PROVIDER = { gpt: 'openai', claude: 'anthropic', gemini: 'google' } as const;
const requestsOf = (model: (typeof MODELS)[number]) => (model === 'gpt' ? vendors.oa.requests : model === 'claude' ? vendors.an.requests : vendors.ge.requests);

const User = z.object({ name: z.string(), age: z.number() });

function setup(mode: 'TOOLS' | 'JSON') {
  const decisions: DecisionRecord[] = [];
  const router = createRouter({ ...vendors.options(), hooks: { onDecision: (d) => void decisions.push(d) } });
  const oai = new OpenAI({ apiKey: 'unused', baseURL: 'http://router.local/v1', fetch: router.fetch, maxRetries: 0 });
  return { client: Instructor({ client: oai, mode }), decisions };
}

describe.each(['TOOLS', 'JSON'] as const)('instructor in %s mode over router.fetch', (mode) => {
  it.each(MODELS)('%s: extracts a response_model', async (model) => {
    const { client, decisions } = setup(mode);
    scriptTurns(vendors, [mode === 'TOOLS' ? { tool: { args: { name: 'Grace', age: 85 } } } : { json: { name: 'Grace', age: 85 } }]);
    const user = await client.chat.completions.create({
      model,
      messages: [{ role: 'user', content: 'Grace is 85.' }],
      response_model: { schema: User, name: 'User' },
      max_retries: 0,
    });
    expect(user).toMatchObject({ name: 'Grace', age: 85 });
    await hooksSettled();
    expect(decisions[0]).toMatchObject({ model, provider: PROVIDER[model], outcome: 'success' });
    // The schema reached the provider in its own form (a forced tool, or a JSON response format).
    const sent = JSON.stringify(requestsOf(model)[0]!.body).replace(/\\"/g, '"');
    expect(sent).toMatch(/"age":\{"type":"number"/i);
  });
});
