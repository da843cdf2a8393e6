// Loaded with `node --import`: records every module URL loaded (globalThis.__loaded; a
// presence check with require.resolve is not a load), and hides the Gemini SDKs named in
// HIDE_GEMINI_SDKS (comma-separated package names) as if they were not installed, for
// import and require.resolve alike.
import Module, { registerHooks } from 'node:module';

if (typeof registerHooks !== 'function') throw new Error('these tests need module.registerHooks (Node >= 22.15)');
const hidden = new Set((process.env.HIDE_GEMINI_SDKS ?? '').split(',').filter(Boolean));
const hiddenPackage = (specifier) => {
  const pkg = /^(@google\/(?:genai|generative-ai))(?:\/|$)/.exec(specifier)?.[1];
  return pkg && hidden.has(pkg) ? pkg : undefined;
};
const notFound = (specifier) => Object.assign(new Error(`Cannot find module '${specifier}'`), { code: 'MODULE_NOT_FOUND' });

globalThis.__loaded = new Set();
registerHooks({
  resolve(specifier, context, next) {
    if (hiddenPackage(specifier)) throw notFound(specifier);
    return next(specifier, context);
  },
  load(url, context, next) {
    globalThis.__loaded.add(url);
    return next(url, context);
  },
});

// Node 22 does not run registerHooks' resolve for createRequire().resolve; CommonJS
// resolution goes through Module._resolveFilename on every version.
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (hiddenPackage(request)) throw notFound(request);
  return resolveFilename.call(this, request, ...rest);
};
