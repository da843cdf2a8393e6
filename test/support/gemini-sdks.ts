/**
 * The two Gemini SDKs the `google` provider runs on. The Gemini suites run once per SDK,
 * pinned with the provider's `sdk` option, over the same fake server and assertions.
 */
export const GEMINI_SDKS = ['genai', 'generative-ai'] as const;
export type GeminiSdk = (typeof GEMINI_SDKS)[number];

/** The x-goog-api-client prefix each SDK sends, to prove which one made a request. */
export const SDK_CLIENT_HEADER: Record<GeminiSdk, RegExp> = { genai: /^google-genai-sdk\//, 'generative-ai': /^genai-js\// };
