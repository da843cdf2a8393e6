import { expect } from 'vitest';
import { createRouter, type DecisionRecord } from 'llm-switchboard';
import { hooksSettled } from './hooks-settled.js';

/**
 * The router both pass-through suites use: two OpenAI-format upstreams (a, b) and an Anthropic
 * one (claude) behind it, with the routes `main` (a then b) and `mixed` (a then claude). The
 * embeddings suite adds its embedding models and route through `extra`.
 */
export function passThroughRouter(
  urls: { primary: string; secondary: string; anthropic: string; key: string },
  extra: { models?: Parameters<typeof createRouter>[0]['models']; routes?: Record<string, { models: string[] }> } = {},
) {
  const decisions: DecisionRecord[] = [];
  const router = createRouter({
    providers: {
      a: { type: 'openai', apiKey: urls.key, baseURL: urls.primary },
      b: { type: 'openai', apiKey: 'sk-other-provider-key-000000', baseURL: urls.secondary },
      claude: { type: 'anthropic', apiKey: 'sk-ant-test-key-0000000000', baseURL: urls.anthropic },
    },
    models: [
      { id: 'first', provider: 'a', model: 'gpt-4o-upstream', pricing: { input: 1, output: 2 } },
      { id: 'second', provider: 'b', model: 'gpt-4o-mini-upstream', pricing: { input: 1, output: 2 } },
      { id: 'claude', provider: 'claude', model: 'claude-sonnet-4-6', pricing: { input: 3, output: 15 } },
      ...(extra.models ?? []),
    ],
    routes: { main: { models: ['first', 'second'] }, mixed: { models: ['first', 'claude'] }, ...extra.routes },
    hooks: { onDecision: (d) => void decisions.push(d) },
  });
  return { router, decisions };
}

/**
 * After the caller aborted mid-stream: the body's next read fails as an abort, the upstream
 * connection is closed early once, and the decision is recorded as aborted.
 */
export async function expectAbortReachedUpstream(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  upstream: { closedEarly: number },
  closedBefore: number,
  decisions: DecisionRecord[],
): Promise<void> {
  await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
  for (let i = 0; i < 100 && upstream.closedEarly === closedBefore; i++) await new Promise((r) => setTimeout(r, 10));
  expect(upstream.closedEarly).toBe(closedBefore + 1);
  for (let i = 0; i < 100 && decisions.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
  await hooksSettled();
  expect(decisions[0]!.outcome).toBe('aborted');
}
