/**
 * The Anthropic and Gemini adapters, handed out when createRouter() first configures such a
 * provider. Together they are ~90 KB of the bundle, compiled at import in every fresh
 * process, which a router of OpenAI-compatible providers never runs. In the source these
 * are static imports; the published builds load each adapter at its loader's first call
 * (scripts/lazy-modules.ts; the ESM build require()s `anthropic-adapter.js` /
 * `google-adapter.js`, the CommonJS build initializes its bundled copy then).
 */
import * as anthropic from './anthropic/anthropic-adapter.js';
import * as google from './google/google-adapter.js';

export const loadAnthropicAdapter = (): typeof anthropic => anthropic;
export const loadGoogleAdapter = (): typeof google => google;
