/**
 * The Anthropic adapter: OpenAI-shaped calls in, Anthropic Messages API on the wire
 * through the real @anthropic-ai/sdk, OpenAI-shaped results and errors out.
 */
import type * as AnthropicSDK from '@anthropic-ai/sdk';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { AdapterCallOptions, AdapterStream } from '../../spec/chat-model.js';
import type { ProviderAdapter } from '../../spec/provider-adapter.js';
import type { AnthropicProviderConfig } from '../../config/provider-schema.js';
import { assertPeerInstalled, loadPeer, preloadPeer } from '../../internal/load-peer.js';
import { openConnection } from '../open-connection.js';
import { toAnthropicRequest } from './to-anthropic-request.js';
import { fromAnthropicMessage } from './from-anthropic-response.js';
import { toOpenAIChunks } from './anthropic-stream.js';
import { anthropicEvents } from './anthropic-sse.js';
import { toOpenAIError } from './anthropic-errors.js';
import { describeBody, nonAnswerError } from '../../errors/provider-error.js';
import { GenerateErrors, isUnabortable, markAdapter } from '../../internal/adapter-marks.js';

type Sdk = typeof AnthropicSDK;
type RequestOptions = NonNullable<Parameters<AnthropicSDK.Anthropic['messages']['create']>[1]>;
const PKG = '@anthropic-ai/sdk';
const DEFAULT_TIMEOUT_MS = 600_000;

export function createAnthropicAdapter(providerId: string, config: AnthropicProviderConfig): ProviderAdapter {
  assertPeerInstalled(PKG, `provider '${providerId}' (type 'anthropic')`);
  // Configured, so it will be used: the import starts now rather than at the first call.
  preloadPeer(PKG);
  let sdk: Sdk | undefined;
  let client: Promise<AnthropicSDK.Anthropic> | undefined;
  // Once loaded, a whole answer is handed to the SDK in the caller's tick (no await on the load).
  let loaded: AnthropicSDK.Anthropic | undefined;

  const getClient = (): Promise<AnthropicSDK.Anthropic> =>
    (client ??= loadPeer<Sdk>(PKG).then((mod) => {
      sdk = mod;
      // The router owns retries: SDK retries would multiply attempts and hide failures.
      // The router also owns telemetry: SDK 1.x would open its own span for every call
      // (with the application's global tracer provider), one beside each of our attempt
      // spans, so its spans are off in the clients we construct.
      return (loaded = new mod.Anthropic({
        apiKey: config.apiKey,
        baseURL: config.baseURL,
        defaultHeaders: config.defaultHeaders,
        timeout: config.timeout,
        maxRetries: 0,
        openTelemetry: false,
      }));
    }));

  // An explicit timeout also stops the SDK refusing large non-streaming max_tokens.
  // A signal nothing can abort (pipeline/execute/execute.ts, UNABORTABLE) is neither read
  // nor given to the SDK: reading it would build the attempt's controller, one more per call
  // than the raw SDK makes. The SDK's own timeout still bounds the call.
  const requestOptions = (o: AdapterCallOptions): RequestOptions => ({
    signal: isUnabortable(o) ? undefined : o.signal,
    timeout: o.timeoutMs ?? config.timeout ?? DEFAULT_TIMEOUT_MS,
    maxRetries: 0,
    ...(o.headers && { headers: { ...o.headers } }),
  });
  const fail = (err: unknown, o: AdapterCallOptions): Error => toOpenAIError(err, sdk, isUnabortable(o) ? undefined : o.signal, config.apiKey);
  // Further mapping composed in by the scrubbing wrapper (markAdapter), so that a whole
  // answer needs no second promise of its own.
  const errors = new GenerateErrors();

  function generateOn(anthropic: AnthropicSDK.Anthropic, params: AnthropicRequest['params'], jsonToolName: AnthropicRequest['jsonToolName'], options: AdapterCallOptions): Promise<ChatCompletion> {
    // The SDK's APIPromise: its own .then, so no Promise.resolve() layer around it.
    let pending: Promise<unknown>;
    try {
      pending = anthropic.messages.create({ ...params, stream: false }, requestOptions(options));
    } catch (err) {
      return Promise.reject(errors.map(fail(err, options)));
    }
    return pending.then(
      (message) => {
        try {
          // The SDK resolves whatever a 200 carried (an HTML page as a string, `{ "error": … }` as is).
          if (!isMessage(message)) throw nonAnswerError(`Anthropic answered 200 with ${describeBody(message)} instead of a message`, message);
          return fromAnthropicMessage(message, jsonToolName);
        } catch (err) {
          throw errors.map(fail(err, options));
        }
      },
      (err: unknown) => {
        throw errors.map(fail(err, options));
      },
    );
  }

  const adapter: ProviderAdapter = {
    specificationVersion: 'v1',
    type: 'anthropic',
    providerId,

    async warmup({ connect }) {
      await getClient();
      if (connect) await openConnection(config.baseURL ?? 'https://api.anthropic.com');
    },

    // Not an async function: once the SDK is loaded, the request is mapped and handed to the
    // SDK in this tick and the answer is one .then on the SDK's promise. A request that cannot
    // be mapped rejects with the mapping's own error, as before (only scrubbed).
    doGenerate(body, options): Promise<ChatCompletion> {
      let request: AnthropicRequest;
      try {
        request = toAnthropicRequest(body, options.maxOutputTokens);
      } catch (err) {
        return Promise.reject(errors.map(err));
      }
      const { params, jsonToolName } = request;
      if (loaded) return generateOn(loaded, params, jsonToolName, options);
      return getClient().then(
        (anthropic) => generateOn(anthropic, params, jsonToolName, options),
        (err: unknown) => Promise.reject(errors.map(fail(err, options))),
      );
    },

    async doStream(body, options): Promise<AdapterStream> {
      const { params, jsonToolName } = toAnthropicRequest(body, options.maxOutputTokens);
      let events: AsyncIterable<AnthropicSDK.Anthropic.RawMessageStreamEvent>;
      try {
        const anthropic = await getClient();
        // The SDK makes the request and reads its status and headers; its Stream is not
        // iterated: the body is read as that Stream would read it, without its three
        // generator layers per event (anthropic-sse.ts).
        const { data, response } = await anthropic.messages.create({ ...params, stream: true }, requestOptions(options)).withResponse();
        events = anthropicEvents({ response, controller: data.controller, sdk: sdk!, client: anthropic });
      } catch (err) {
        throw fail(err, options);
      }
      return toOpenAIChunks(events, { signal: options.signal, jsonToolName, mapError: (err) => fail(err, options) });
    },
  };
  // This adapter never reads an unabortable attempt's signal (requestOptions, fail).
  return markAdapter(adapter, errors);
}

type AnthropicRequest = ReturnType<typeof toAnthropicRequest>;

function isMessage(v: unknown): v is AnthropicSDK.Anthropic.Message {
  if (v === null || typeof v !== 'object') return false;
  const m = v as { content?: unknown; error?: unknown; type?: unknown };
  return Array.isArray(m.content) && !m.error && m.type !== 'error';
}
