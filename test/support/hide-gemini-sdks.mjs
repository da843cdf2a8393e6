// Loaded with `node --import`: records every module URL loaded (globalThis.__loaded; a
// presence check with require.resolve is not a load),
// and hides the Gemini SDKs named in HIDE_GEMINI_SDKS (comma-separated package names) as
// if they were not installed, for require.resolve and import alike.
import { registerHooks } from 'node:module';

if (typeof registerHooks !== 'function') throw new Error('these tests need module.registerHooks (Node >= 22.15)');
const hidden = new Set((process.env.HIDE_GEMINI_SDKS ?? '').split(',').filter(Boolean));
globalThis.__loaded = new Set();
registerHooks({
  resolve(specifier, context, next) {
    const pkg = /^(@google\/(?:genai|generative-ai))(?:\/|$)/.exec(specifier)?.[1];
    if (pkg && hidden.has(pkg)) {
      const err = new Error(`Cannot find module '${specifier}'`);
      err.code = 'MODULE_NOT_FOUND';
      throw err;
    }
    return next(specifier, context);
  },
  load(url, context, next) {
    globalThis.__loaded.add(url);
    return next(url, context);
  },
});
