/**
 * An in-process provider for demos, examples and tests: no network, deterministic,
 * with scripted latency, usage, chunking and failures. It answers through the same
 * interface as the real adapters, so everything above it runs for real.
 */
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionMessageFunctionToolCall,
} from 'openai/resources/chat/completions';
import type { MockBehaviour, MockOutcome, MockProviderConfig } from '../../config/provider-schema.js';
import type { AdapterCallOptions, AdapterStream } from '../../spec/chat-model.js';
import type { ProviderAdapter } from '../../spec/provider-adapter.js';
import { connectionError, providerError, timeoutError } from '../../errors/provider-error.js';
import { messageText } from '../../internal/message-text.js';
import { seededRandom } from '../../internal/random.js';
import { sleep } from '../../internal/sleep.js';
import { isUnabortable, markAdapter } from '../../internal/adapter-marks.js';
import { mockEmbeddings } from './mock-embeddings.js';

const STATUS_TEXT: Record<string, string> = {
  '400': 'Invalid request (injected by mock)',
  '401': 'Invalid API key (injected by mock)',
  '403': 'Permission denied (injected by mock)',
  '404': 'The model does not exist (injected by mock)',
  '408': 'Request timeout (injected by mock)',
  '429': 'Rate limit reached (injected by mock)',
  '500': 'Internal server error (injected by mock)',
  '502': 'Bad gateway (injected by mock)',
  '503': 'Service unavailable (injected by mock)',
  '529': 'Overloaded (injected by mock)',
};

export function createMockAdapter(providerId: string, config: MockProviderConfig): ProviderAdapter {
  // Each upstream model keeps its own failure script and random stream, so one model's
  // traffic never shifts another's injected faults.
  const state = new Map<string, { calls: number; random: () => number }>();
  let counter = 0;

  const behaviourFor = (model: string): MockBehaviour => ({ ...config, ...config.models?.[model] });

  function nextOutcome(model: string, b: MockBehaviour): MockOutcome {
    let s = state.get(model);
    if (!s) {
      const seed = !b.failures || Array.isArray(b.failures) ? 1 : (b.failures.seed ?? 1);
      s = { calls: 0, random: seededRandom(seed) };
      state.set(model, s);
    }
    const i = s.calls++;
    if (!b.failures) return 'ok';
    if (Array.isArray(b.failures)) return b.failures[i] ?? 'ok';
    return s.random() < b.failures.rate ? (b.failures.outcome ?? '503') : 'ok';
  }

  function failure(outcome: MockOutcome, model: string, b: MockBehaviour): Error {
    if (outcome === 'timeout') return timeoutError(`Request timed out (injected by mock for ${model})`);
    if (outcome === 'connection') return connectionError(new Error('ECONNRESET (injected by mock)'));
    const status = outcome === 'midstream' ? 500 : Number(outcome);
    const headers: Record<string, string> = {};
    if (status === 429 && b.retryAfterSeconds !== undefined) headers['retry-after'] = String(b.retryAfterSeconds);
    const message = STATUS_TEXT[outcome] ?? `Injected failure ${outcome}`;
    return providerError({
      status,
      message,
      error: { message, type: status === 429 ? 'rate_limit_exceeded' : 'mock_error' },
      headers,
      retryAfterMs: b.retryAfterSeconds !== undefined ? b.retryAfterSeconds * 1000 : undefined,
      kind: status === 529 ? 'overloaded' : status === 404 ? 'model_not_found' : undefined,
    });
  }

  function answer(body: ChatCompletionCreateParams, b: MockBehaviour) {
    const text =
      typeof b.reply === 'function' ? b.reply(body) : (b.reply ?? `Mock answer from ${body.model}: ${lastUserText(body).slice(0, 60)}`);
    const toolCall = forcedToolCall(body, ++counter);
    const promptTokens = b.usage?.prompt_tokens ?? estimateTokens(body.messages.map(messageText).join(' '));
    const completionTokens = b.usage?.completion_tokens ?? estimateTokens(text);
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: b.usage?.cached_tokens ?? 0 },
      completion_tokens_details: { reasoning_tokens: b.usage?.reasoning_tokens ?? 0 },
    };
    return { text: toolCall ? null : text, toolCall, usage, id: `chatcmpl-mock-${providerId}-${counter}` };
  }

  async function begin(body: ChatCompletionCreateParams, options: AdapterCallOptions) {
    const b = behaviourFor(body.model);
    const outcome = nextOutcome(body.model, b);
    await sleep(b.latencyMs ?? 0, signalOf(options));
    if (outcome !== 'ok' && outcome !== 'midstream') throw failure(outcome, body.model, b);
    return { b, outcome, created: Math.floor(Date.now() / 1000), ...answer(body, b) };
  }

  const adapter: ProviderAdapter = {
    specificationVersion: 'v1',
    type: 'mock',
    providerId,
    async doEmbed(body, options) {
      const b = behaviourFor(body.model);
      const outcome = nextOutcome(body.model, b);
      await sleep(b.latencyMs ?? 0, signalOf(options));
      if (outcome !== 'ok') throw failure(outcome === 'midstream' ? '500' : outcome, body.model, b);
      return mockEmbeddings(body, options.dimensions);
    },
    async doGenerate(body, options): Promise<ChatCompletion> {
      const r = await begin(body, options);
      if (r.outcome === 'midstream') throw failure('500', body.model, r.b);
      return {
        id: r.id,
        object: 'chat.completion',
        created: r.created,
        model: body.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: r.text, refusal: null, ...(r.toolCall ? { tool_calls: [r.toolCall] } : {}) },
            finish_reason: r.toolCall ? 'tool_calls' : 'stop',
            logprobs: null,
          },
        ],
        usage: r.usage,
      };
    },
    async doStream(body, options): Promise<AdapterStream> {
      const r = await begin(body, options);
      const size = Math.max(1, r.b.chunkSize ?? 8);
      const base = { id: r.id, object: 'chat.completion.chunk' as const, created: r.created, model: body.model };
      const chunk = (delta: ChatCompletionChunk.Choice.Delta, finish: ChatCompletionChunk.Choice['finish_reason'] = null): ChatCompletionChunk => ({
        ...base,
        choices: [{ index: 0, delta, finish_reason: finish, logprobs: null }],
      });
      const latency = r.b.latencyMs ?? 0;
      return (async function* () {
        yield chunk({ role: 'assistant', content: '' });
        if (r.toolCall) {
          yield chunk({ tool_calls: [{ index: 0, id: r.toolCall.id, type: 'function', function: { name: r.toolCall.function.name, arguments: '' } }] });
          yield chunk({ tool_calls: [{ index: 0, function: { arguments: r.toolCall.function.arguments } }] });
        } else {
          const text = r.text ?? '';
          for (let i = 0; i < text.length; i += size) {
            if (r.outcome === 'midstream' && i >= text.length / 2) throw connectionError(new Error('stream cut (injected by mock)'), 'Connection lost mid-stream (injected by mock).');
            if (latency > 0) await sleep(Math.min(5, latency), options.signal);
            else if (options.signal.aborted) await sleep(0, options.signal);
            yield chunk({ content: text.slice(i, i + size) });
          }
          if (r.outcome === 'midstream') throw connectionError(new Error('stream cut (injected by mock)'), 'Connection lost mid-stream (injected by mock).');
        }
        yield chunk({}, r.toolCall ? 'tool_calls' : 'stop');
        yield { ...base, choices: [], usage: r.usage };
      })();
    },
  };
  // As the real adapters do: an unabortable attempt's signal is never read (signalOf).
  return markAdapter(adapter);
}

/** The signal to wait on: none when nothing can abort the attempt, so reading it makes no controller. */
function signalOf(options: AdapterCallOptions): AbortSignal | undefined {
  return isUnabortable(options) ? undefined : options.signal;
}

function lastUserText(body: ChatCompletionCreateParams): string {
  for (let i = body.messages.length - 1; i >= 0; i--) {
    const m = body.messages[i]!;
    if (m.role === 'user') return messageText(m);
  }
  return '';
}

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

function forcedToolCall(body: ChatCompletionCreateParams, n: number): ChatCompletionMessageFunctionToolCall | undefined {
  const choice = body.tool_choice;
  const tools = body.tools ?? [];
  let name: string | undefined;
  if (choice && typeof choice === 'object' && choice.type === 'function') name = choice.function.name;
  else if (choice === 'required') {
    const first = tools[0];
    if (first && first.type === 'function') name = first.function.name;
  }
  return name ? { id: `call_mock_${n}`, type: 'function', function: { name, arguments: '{}' } } : undefined;
}
