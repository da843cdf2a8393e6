/**
 * The openai SDK's client class, imported only when an OpenAI provider without a client
 * of its own is configured. The package itself needs only the SDK's error classes
 * (`openai/core/error`, a dozen modules); the package root loads every resource of the
 * API (~240 modules, the larger part of a cold start), which an Anthropic-, Gemini- or
 * mock-only router never uses. The import starts at createRouter(), in the background,
 * so the first call finds it loaded, as with the other providers' SDKs.
 */
import type { OpenAI } from 'openai';

/** `true` in the CommonJS build (esbuild `define`); not defined anywhere else. */
declare const SWITCHBOARD_CJS_BUILD: boolean | undefined;

let loaded: typeof OpenAI | undefined;
let loading: Promise<typeof OpenAI> | undefined;

export function loadOpenAIClass(): Promise<typeof OpenAI> {
  if (!loading) {
    // The CommonJS build requires it: an import() there would load the SDK's ESM build,
    // whose errors are other classes than the CommonJS ones the package's code checks.
    // (tsup.config.ts defines the flag for that build only.)
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS build's own require, see above
    const mod = typeof SWITCHBOARD_CJS_BUILD !== 'undefined' && SWITCHBOARD_CJS_BUILD ? Promise.resolve(require('openai') as typeof import('openai')) : import('openai');
    loading = mod.then((m) => (loaded = m.OpenAI));
    // Handled here so a background import that fails never reaches unhandledRejection;
    // the call that needs the class still sees the rejection.
    loading.catch(() => {});
  }
  return loading;
}

/** The class once imported (a second router's adapter is then built at once). */
export const openAIClassIfLoaded = (): typeof OpenAI | undefined => loaded;
