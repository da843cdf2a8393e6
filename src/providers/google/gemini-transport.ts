/**
 * What the adapter needs from a Gemini SDK, so one mapping serves both: @google/genai
 * (Google's current SDK) and @google/generative-ai (deprecated, still supported when it is
 * the one installed). Each transport sends the same REST body (`GeminiRequest`) and hands
 * back the REST response shape; SDK errors are described in one neutral form.
 */
import type { GeminiRequest, GeminiResponse } from './gemini-wire.js';

export type GeminiSdkName = 'genai' | 'generative-ai';

export const SDK_PACKAGES: Record<GeminiSdkName, string> = {
  genai: '@google/genai',
  'generative-ai': '@google/generative-ai',
};

export interface TransportCallOptions {
  /** None when nothing can abort the call (the SDK then links no signal to the request). */
  signal: AbortSignal | undefined;
  /** Per-request headers (the provider's defaultHeaders are set on the client). */
  headers: Record<string, string>;
}

/** An HTTP error as Google sent it, whichever SDK carried it. */
export interface GoogleHttpFailure {
  status: number;
  statusText?: string | undefined;
  /** Google's message, without any SDK prefix or URL. */
  message: string;
  /** Google's status name (INVALID_ARGUMENT…), when the body carried it. */
  googleStatus?: string | undefined;
  details: unknown[];
}

export interface GeminiTransport {
  readonly sdk: GeminiSdkName;
  generate(model: string, request: GeminiRequest, options: TransportCallOptions): Promise<GeminiResponse>;
  stream(model: string, request: GeminiRequest, options: TransportCallOptions): Promise<AsyncIterable<GeminiResponse>>;
  /** One vector per text, in order; `single` is the one-string form of the OpenAI input. */
  embed(model: string, texts: string[], single: boolean, dimensions: number | undefined, options: TransportCallOptions): Promise<number[][]>;
  /** The HTTP failure inside an SDK error, if it is one. */
  httpFailure(err: unknown): GoogleHttpFailure | undefined;
  /** A request the SDK itself refused before sending (a 400 of ours, not a provider fault). */
  isInputError(err: unknown): boolean;
  isAbort(err: unknown): boolean;
}
