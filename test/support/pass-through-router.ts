import { createRouter, type DecisionRecord } from 'llm-switchboard';

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
