/**
 * One Gemini call's plumbing, shared by generation and embeddings: the lazily loaded
 * SDK transport, a controller linked to the caller's signal, our own timeout (neither
 * SDK has one by default, and a timeout must be told apart from the caller's abort),
 * and the headers for this call.
 */
import type { GoogleProviderConfig } from '../../config/provider-schema.js';
import { abortError, providerError } from '../../errors/provider-error.js';
import { toOpenAIError, type ErrorContext } from './gemini-errors.js';
import { loadTransport } from './gemini-sdk.js';
import { isUnabortable } from '../../internal/adapter-marks.js';
import type { GeminiSdkName, GeminiTransport, TransportCallOptions } from './gemini-transport.js';

/**
 * The API version the adapter asks for unless configured: v1beta serves everything it
 * maps (thinking, thought signatures, responseJsonSchema, function-call ids). It is the
 * 0.24 SDK's default, while @google/genai 3 would default to v1; pinning it keeps the wire
 * the same whichever SDK is installed.
 */
export const DEFAULT_API_VERSION = 'v1beta';

export interface GeminiCall {
  transport: GeminiTransport;
  options: TransportCallOptions;
  /** Stops the request (and its body, once a stream has opened). */
  abort(): void;
  /** Stops the timeout (a stream that has opened must not be cut off by it). */
  stopTimer(): void;
  /** Stops the timeout and unlinks the caller's signal. */
  release(): void;
  toError(err: unknown): Error;
}

export interface OpenOptions {
  signal: AbortSignal;
  timeoutMs?: number | undefined;
  headers?: Readonly<Record<string, string>> | undefined;
}

export interface GeminiCaller {
  /** Opens a call, loading the SDK first if it is not loaded yet. */
  open(options: OpenOptions): Promise<GeminiCall>;
  /**
   * Opens a call without waiting when the SDK is already loaded (every call but the
   * first), so the request reaches the SDK in the same tick; undefined until then. Throws
   * what `open` would reject with.
   */
  openLoaded(options: OpenOptions): GeminiCall | undefined;
}

/** Per-call headers nobody set: shared, the transports only read them. */
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

/**
 * A call nothing can abort and that has no timeout of ours: the SDK is given no signal.
 * @google/genai then builds no AbortController of its own for the attempt and undici
 * links none to the request (~47k instructions per call, callgrind), and the attempt's own
 * controller is never made (its signal is not read).
 */
class FreeCall implements GeminiCall, ErrorContext {
  readonly timedOut = false;
  readonly options: TransportCallOptions;

  constructor(
    readonly transport: GeminiTransport,
    readonly apiKey: string,
    headers: Readonly<Record<string, string>> | undefined,
  ) {
    this.options = { signal: undefined, headers: headers ? { ...headers } : NO_HEADERS };
  }

  /** Nothing to stop: no signal went to the SDK (only generation opens such a call). */
  abort(): void {}

  stopTimer(): void {}

  release(): void {}

  toError(err: unknown): Error {
    return toOpenAIError(err, this);
  }
}

/**
 * A call's state as one object (it is also the error context): its methods live on the
 * prototype and it listens to the caller's signal itself (handleEvent), so opening a call
 * makes no closures unless a timeout is armed.
 */
class OpenCall implements GeminiCall, ErrorContext {
  readonly controller = new AbortController();
  readonly options: TransportCallOptions;
  timedOut = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly transport: GeminiTransport,
    readonly apiKey: string,
    private readonly parent: AbortSignal,
    timeoutMs: number | undefined,
    headers: Readonly<Record<string, string>> | undefined,
  ) {
    this.options = { signal: this.controller.signal, headers: headers ? { ...headers } : NO_HEADERS };
    parent.addEventListener('abort', this, { once: true });
    if (timeoutMs) this.timer = setTimeout(() => ((this.timedOut = true), this.controller.abort()), timeoutMs);
  }

  /** The caller's signal fired. */
  handleEvent(): void {
    this.controller.abort();
  }

  abort(): void {
    this.controller.abort();
  }

  stopTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  release(): void {
    this.stopTimer();
    this.parent.removeEventListener('abort', this);
  }

  toError(err: unknown): Error {
    return toOpenAIError(err, this);
  }
}

export function geminiCaller(providerId: string, config: GoogleProviderConfig, apiKey: string, sdk: GeminiSdkName): GeminiCaller {
  let loading: Promise<GeminiTransport> | undefined;
  let loaded: GeminiTransport | undefined;

  const checkKey = () => {
    if (!apiKey) throw providerError({ status: 401, message: `provider '${providerId}': no Gemini API key (set apiKey or GEMINI_API_KEY)` });
  };
  const make = (t: GeminiTransport, options: OpenOptions): GeminiCall => {
    const timeoutMs = options.timeoutMs ?? config.timeout;
    // Its signal is not read: for such options it is made only when read.
    if (timeoutMs === undefined && isUnabortable(options)) return new FreeCall(t, apiKey, options.headers);
    if (options.signal.aborted) throw abortError();
    return new OpenCall(t, apiKey, options.signal, timeoutMs, options.headers);
  };

  return {
    async open(options) {
      checkKey();
      loading ??= loadTransport(sdk, apiKey, {
        baseURL: config.baseURL,
        apiVersion: config.apiVersion ?? DEFAULT_API_VERSION,
        defaultHeaders: config.defaultHeaders,
      }).then((t) => (loaded = t));
      return make(await loading, options);
    },
    openLoaded(options) {
      if (!loaded) return undefined;
      checkKey();
      return make(loaded, options);
    },
  };
}
