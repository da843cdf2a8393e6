/**
 * An application that bundles the package (esbuild --bundle --platform=node, ESM and
 * CommonJS output) runs from a directory with no node_modules: the ESM build's files
 * loaded at first use (the schemas with zod, the Anthropic and Gemini adapters), the
 * runtime dependencies loaded at first use (lru-cache, p-limit) and the optional SDKs are
 * all inside the bundle, and a file of the application named like one of ours is never taken.
 *
 * Vite's SSR build with `ssr.noExternal: true` (rollup) works too when its CommonJS plugin
 * is told to follow a require() in an ES module (`build.commonjsOptions.transformMixedEsModules`).
 *
 * The package is built as tsup lays out its ESM build (bench/lib/build-package.ts, the same
 * plugins and output rewrite as tsup.config.ts); test/package/scratch-apps.sh bundles the
 * packed tarball the same way.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundlePackage } from '../bench/lib/build-package.js';
import { reply, startAnthropicFake, type AnthropicFake } from './fakes/anthropic-fake-server.js';
import { generativeAiJs, startGeminiFake, type GeminiFake } from './fakes/gemini-fake-server.js';
import { readJsonFixture } from './fakes/fixtures.js';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, '.cache/test-bundled-app');
const APP = join(ROOT, 'test/support/bundled-app/app.mjs');

const ANTHROPIC_TEXT = 'anthropic/vercel-ai/anthropic-text.json';
const GEMINI_TEXT = 'unary-success-basic-reply-short.json';

let pkgIndex = '';
let an: AnthropicFake;
let ge: GeminiFake;
const dirs: string[] = [];

beforeAll(async () => {
  [an, ge] = await Promise.all([startAnthropicFake(), startGeminiFake()]);
  an.respond(() => reply.jsonFixture(ANTHROPIC_TEXT));
  ge.respond(() => generativeAiJs(GEMINI_TEXT));
  pkgIndex = join(OUT, 'pkg', 'index.js');
  await bundlePackage(join(OUT, 'pkg'));
}, 60_000);
afterAll(async () => {
  await Promise.all([an?.close(), ge?.close()]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** `llm-switchboard` is the package just built (an installed copy would resolve the same way). */
const thePackage: Plugin = {
  name: 'the-package',
  setup(b) {
    b.onResolve({ filter: /^llm-switchboard$/ }, () => ({ path: pkgIndex }));
  },
};

/** Bundles the app as a user would (nothing external), into a fresh directory outside the repository: no node_modules there or above. */
async function bundleApp(format: 'esm' | 'cjs', entry = APP, plugins: Plugin[] = [thePackage]): Promise<{ dir: string; file: string }> {
  const dir = mkdtempSync(join(tmpdir(), `switchboard-bundled-${format}-`));
  dirs.push(dir);
  const file = join(dir, format === 'esm' ? 'app.mjs' : 'app.cjs');
  const built = join(OUT, `app.${format}.${format === 'esm' ? 'mjs' : 'cjs'}`);
  await build({
    entryPoints: [entry],
    outfile: built,
    bundle: true,
    platform: 'node',
    format,
    target: 'node22',
    logLevel: 'error',
    plugins,
    // The SDKs' CommonJS dependencies (google-auth-library, under @google/genai) require
    // Node's built-in modules; in ESM output that needs a `require`, the banner esbuild's
    // documentation gives for it. The package's own files need none (the CommonJS output has one).
    ...(format === 'esm' && { banner: { js: "import { createRequire as __switchboardCreateRequire } from 'node:module'; const require = __switchboardCreateRequire(import.meta.url);" } }),
  });
  copyFileSync(built, file);
  return { dir, file };
}

interface AppResult {
  answers: { claude?: string[]; rule?: string; gemini?: string };
  error?: { name: string; message: string };
}

function run(file: string, cwd: string): Promise<AppResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, SWITCHBOARD_FAKES: JSON.stringify({ anthropic: an.url, gemini: ge.url, geminiKey: ge.apiKey }) };
  delete env.NODE_PATH;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [file], { cwd, env, timeout: 30_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`${err.message}\n${stderr}`));
      resolve(JSON.parse(stdout.trim().split('\n').at(-1)!) as AppResult);
    });
  });
}

const claudeText = (): string => (readJsonFixture(ANTHROPIC_TEXT) as { content: Array<{ text: string }> }).content[0]!.text;
const geminiText = (): string =>
  (readJsonFixture(`gemini/generative-ai-js/${GEMINI_TEXT}`) as { candidates: Array<{ content: { parts: Array<{ text: string }> } }> }).candidates[0]!.content.parts[0]!.text;

describe('an application bundled with esbuild runs without node_modules', () => {
  it.each(['esm', 'cjs'] as const)('%s output: rules, Anthropic and Gemini providers, a response cache and a concurrency limit', async (format) => {
    const { dir, file } = await bundleApp(format);
    const before = { anthropic: an.requests.length, gemini: ge.requests.length };
    const r = await run(file, dir);
    expect(r.error).toBeUndefined();
    expect(r.answers.claude).toEqual([claudeText(), claudeText(), claudeText()]);
    expect(r.answers.rule).toBe(geminiText());
    expect(r.answers.gemini).toBe(geminiText());
    // The third Claude call came from the cache; the rule's call and the direct one reached Gemini.
    expect(an.requests.length - before.anthropic).toBe(2);
    expect(ge.requests.length - before.gemini).toBe(2);
  });

  it("a file beside the bundle named like one of the package's is not taken for it", async () => {
    const { dir, file } = await bundleApp('esm');
    const trap = (name: string) => `globalThis.__switchboardTrap = (globalThis.__switchboardTrap ?? 0) + 1; throw new Error("the application's own ${name} was loaded");\n`;
    for (const name of ['schemas.js', 'anthropic-adapter.js', 'google-adapter.js', 'lru-cache.js']) writeFileSync(join(dir, name), trap(name));
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }\n');
    const r = await run(file, dir);
    expect(r.error).toBeUndefined();
    expect(r.answers.claude).toEqual([claudeText(), claudeText(), claudeText()]);
    expect(r.answers.rule).toBe(geminiText());
  });
});

describe('a bundle without the schemas file', () => {
  it('fails at the configuration that needs it with an error naming the file and the fix', async () => {
    // A bundler that does not follow the literal require (here esbuild told to leave it out).
    const leaveOut: Plugin = { name: 'leave-out-schemas', setup: (b) => b.onResolve({ filter: /^\.\/schemas\.js$/ }, (args) => ({ path: args.path, external: true })) };
    const { dir, file } = await bundleApp('cjs', APP, [thePackage, leaveOut]);
    const r = await run(file, dir);
    expect(r.error?.message).toContain("llm-switchboard could not load its file './schemas.js'");
    expect(r.error?.message).toContain('transformMixedEsModules');
    expect(r.error?.message).toContain('--external:llm-switchboard');
  });
});

describe('an application bundled with esbuild that installs only some peer SDKs', () => {
  it('bundles, and a provider whose SDK is in neither the bundle nor node_modules is reported by name at its first call', async () => {
    // An app outside the repository with the package installed and, of the optional SDKs,
    // only @google/genai: @anthropic-ai/sdk, @google/generative-ai and redis resolve nowhere.
    const app = mkdtempSync(join(tmpdir(), 'switchboard-some-peers-'));
    dirs.push(app);
    const modules = join(app, 'node_modules');
    cpSync(join(OUT, 'pkg'), join(modules, 'llm-switchboard'), { recursive: true });
    for (const dep of ['openai', 'lru-cache', 'p-limit', 'p-retry', '@google/genai']) {
      mkdirSync(dirname(join(modules, dep)), { recursive: true });
      symlinkSync(realpathSync(join(ROOT, 'node_modules', dep)), join(modules, dep));
    }
    const entry = join(app, 'app.mjs');
    copyFileSync(APP, entry);
    const { dir, file } = await bundleApp('cjs', entry, []);
    const r = await run(file, dir);
    // The Anthropic provider was built (its SDK might have been in the bundle); its first call says what is missing.
    expect(r.error?.message).toContain("provider 'anthropic' (type 'anthropic') needs the package '@anthropic-ai/sdk': run `npm install @anthropic-ai/sdk`");
    expect(r.error?.message).toContain("neither in the application's bundle nor installed beside it");
  });
});

/** The environment of a build the user starts: not the test runner's (NODE_ENV=test, VITEST*). */
function buildEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k === 'NODE_ENV' || k.startsWith('VITEST')) delete env[k];
  return env;
}

describe('an application bundled with Vite (SSR build, ssr.noExternal: true)', () => {
  it('runs without node_modules when the CommonJS plugin follows require() in ES modules (transformMixedEsModules)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-vite-'));
    dirs.push(dir);
    const outDir = join(dir, 'out');
    copyFileSync(APP, join(dir, 'app.mjs'));
    const config = {
      // A root of its own, as an application's (the repository's would bring its package.json).
      root: dir,
      configFile: false,
      logLevel: 'error',
      resolve: { alias: { 'llm-switchboard': pkgIndex } },
      ssr: { noExternal: true, target: 'node' },
      build: {
        ssr: join(dir, 'app.mjs'),
        outDir,
        emptyOutDir: true,
        // The package sits in node_modules in an application, which the default include covers.
        commonjsOptions: { include: ['**/node_modules/**', '**/test-bundled-app/**'], transformMixedEsModules: true },
      },
    };
    // In a process of its own, as `vite build` runs (not inside the test runner's environment).
    const script = `import { build } from 'vite'; await build(${JSON.stringify(config)});`;
    await new Promise<void>((resolve, reject) =>
      execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, env: buildEnv(), timeout: 170_000 }, (err, _out, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve())),
    );
    const r = await run(join(outDir, 'app.mjs'), outDir);
    expect(r.error).toBeUndefined();
    expect(r.answers.claude).toEqual([claudeText(), claudeText(), claudeText()]);
    expect(r.answers.rule).toBe(geminiText());
    expect(r.answers.gemini).toBe(geminiText());
  }, 180_000);
});
