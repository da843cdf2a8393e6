/**
 * The openai SDK's client class, imported only when an OpenAI provider without a client
 * of its own is configured. The package itself needs only the SDK's error classes
 * (`openai/core/error`, a dozen modules); the package root loads every resource of the
 * API (~240 modules, the larger part of a cold start), which an Anthropic-, Gemini- or
 * mock-only router never uses. The import starts at createRouter(), in the background,
 * so the first call finds it loaded, as with the other providers' SDKs.
 */
import type { OpenAI } from 'openai';

let loaded: typeof OpenAI | undefined;
let loading: Promise<typeof OpenAI> | undefined;

export function loadOpenAIClass(): Promise<typeof OpenAI> {
  if (!loading) {
    loading = import('openai').then((mod) => (loaded = mod.OpenAI));
    // Handled here so a background import that fails never reaches unhandledRejection;
    // the call that needs the class still sees the rejection.
    loading.catch(() => {});
  }
  return loading;
}

/** The class once imported (a second router's adapter is then built at once). */
export const openAIClassIfLoaded = (): typeof OpenAI | undefined => loaded;
