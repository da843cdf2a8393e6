/**
 * OpenAI and every OpenAI-compatible endpoint (DeepSeek, Qwen, Groq, Together, Ollama,
 * vLLM, OpenRouter) through the official `openai` SDK. The wire format is already the
 * router's own, so this adapter only owns the client, retries-off, and error hints.
 */
import OpenAI, { APIError } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { OpenAIProviderConfig } from '../provider-config.js';
import type { AdapterCallOptions, ProviderAdapter, ProviderErrorKind } from '../spec.js';
import { parseRetryAfter, type RoutedAPIError } from '../../errors/provider-error.js';

export function createOpenAIAdapter(providerId: string, config: OpenAIProviderConfig): ProviderAdapter {
  // The router owns retries; an SDK that also retried would multiply attempts (3×N).
  const client = config.client
    ? config.client.withOptions({ maxRetries: 0 })
    : new OpenAI({
        apiKey: config.apiKey ?? 'not-needed',
        baseURL: config.baseURL,
        organization: config.organization ?? null,
        project: config.project ?? null,
        defaultHeaders: config.defaultHeaders,
        timeout: config.timeout,
        maxRetries: 0,
      });

  return {
    specificationVersion: 'v1',
    type: 'openai',
    providerId,
    async doGenerate(body, options) {
      try {
        return await client.chat.completions.create(body, requestOptions(options));
      } catch (err) {
        throw annotate(err);
      }
    },
    async doStream(body, options) {
      let stream;
      try {
        stream = await client.chat.completions.create(
          { ...body, stream: true, stream_options: { ...body.stream_options, include_usage: true } },
          requestOptions(options),
        );
      } catch (err) {
        throw annotate(err);
      }
      return annotateStream(stream);
    },
    async doEmbed(body, options) {
      try {
        return await client.embeddings.create(body, requestOptions(options));
      } catch (err) {
        throw annotate(err);
      }
    },
    async doResponses(body, options) {
      try {
        return await client.responses.create({ ...body, stream: false }, requestOptions(options));
      } catch (err) {
        throw annotate(err);
      }
    },
    async doResponsesStream(body, options) {
      let stream;
      try {
        stream = await client.responses.create({ ...body, stream: true }, requestOptions(options));
      } catch (err) {
        throw annotate(err);
      }
      return annotateStream(stream);
    },
  };
}

function requestOptions(options: AdapterCallOptions): OpenAI.RequestOptions {
  return {
    signal: options.signal,
    ...(options.timeoutMs !== undefined ? { timeout: options.timeoutMs } : {}),
    ...(options.headers ? { headers: options.headers } : {}),
    maxRetries: 0,
  };
}

async function* annotateStream<T = ChatCompletionChunk>(stream: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* stream;
  } catch (err) {
    throw annotate(err);
  }
}

/** OpenAI's errors are already the right classes; add what the router classifies on. */
function annotate(err: unknown): unknown {
  if (!(err instanceof APIError)) return err;
  const e = err as RoutedAPIError;
  const retryAfterMs = parseRetryAfter(e.headers ?? null);
  if (retryAfterMs !== undefined) e.retryAfterMs = retryAfterMs;
  const kind = kindOf(e);
  if (kind) e.kind = kind;
  return e;
}

function kindOf(e: APIError): ProviderErrorKind | undefined {
  const code = e.code ?? '';
  if (code === 'context_length_exceeded' || /maximum context length|context window/i.test(e.message)) return 'context_length_exceeded';
  if (code === 'content_policy_violation' || code === 'content_filter') return 'content_policy';
  if (code === 'model_not_found' || (e.status === 404 && /model/i.test(e.message))) return 'model_not_found';
  if (e.status === 529) return 'overloaded';
  // The model rejects a parameter or value another model may accept (e.g. max_tokens on reasoning models).
  if (e.status === 400 && (code === 'unsupported_parameter' || code === 'unsupported_value')) return 'unsupported_parameter';
  return undefined;
}
