/**
 * Which Gemini SDK a `google` provider uses: `sdk: 'auto'` (the default) takes
 * @google/genai when it is installed and @google/generative-ai when only that one is;
 * `'genai'` / `'generative-ai'` pin one. The choice is made (and a missing package
 * reported) at createRouter(), where the package's import also starts (in the background).
 * In a bundled application where neither resolves, auto takes @google/genai (the SDK may be
 * inside the bundle; load-peer.ts), and a missing one is reported at the first call.
 */
import { MissingPeerError, isPeerInstalled as installed, loadPeer, preloadPeer } from '../../internal/load-peer.js';
import { SDK_PACKAGES, type GeminiSdkName, type GeminiTransport } from './gemini-transport.js';
import { generativeAiTransport, type EndpointOptions } from './generative-ai-transport.js';
import { genaiTransport } from './genai-transport.js';

export type GeminiSdkOption = GeminiSdkName | 'auto';

export function chooseGeminiSdk(option: GeminiSdkOption | undefined, forWhat: string): GeminiSdkName {
  const wanted = option ?? 'auto';
  if (wanted !== 'auto') {
    const pkg = SDK_PACKAGES[wanted];
    const message = `${forWhat} is pinned to sdk '${wanted}' and needs the package '${pkg}': run \`npm install ${pkg}\``;
    if (!installed(pkg, message)) throw new MissingPeerError(message);
    return preloaded(wanted);
  }
  if (installed(SDK_PACKAGES.genai, `${forWhat} uses sdk 'auto', which in a bundle takes '${SDK_PACKAGES.genai}': install it, or set sdk: 'generative-ai'`)) return preloaded('genai');
  if (installed(SDK_PACKAGES['generative-ai'])) return preloaded('generative-ai');
  throw new MissingPeerError(
    `${forWhat} needs a Gemini SDK: run \`npm install ${SDK_PACKAGES.genai}\` (Google's current SDK; '${SDK_PACKAGES['generative-ai']}' also works)`,
  );
}

/** The chosen SDK will be used: its import starts now rather than at the first call. */
function preloaded(sdk: GeminiSdkName): GeminiSdkName {
  preloadPeer(SDK_PACKAGES[sdk]);
  return sdk;
}

export async function loadTransport(sdk: GeminiSdkName, apiKey: string, endpoint: EndpointOptions): Promise<GeminiTransport> {
  if (sdk === 'genai') return genaiTransport(await loadPeer<typeof import('@google/genai')>(SDK_PACKAGES.genai), apiKey, endpoint);
  return generativeAiTransport(await loadPeer<typeof import('@google/generative-ai')>(SDK_PACKAGES['generative-ai']), apiKey, endpoint);
}
