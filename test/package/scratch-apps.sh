#!/usr/bin/env bash
# Installs the packed package into empty scratch apps, as users do, beside each supported
# SDK generation, with no flags: `npm ls` must report no invalid or missing peer, and each
# app calls OpenAI, Anthropic and Gemini through the router against loopback fakes, then again
# bundled into one file with esbuild and run without node_modules.
#   latest: openai, ai, @anthropic-ai/sdk, @google/genai, redis at their `latest` tags
#   older:  openai 6, ai 6, @google/generative-ai (the legacy Gemini SDK) only, redis 5
# (redis is only installed, not called: `npm ls` then proves the peer range admits it; the
# store itself is tested on both majors in test/redis-store-serves-node-redis-5-and-6.test.ts.)
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$(pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# check-package.sh has just built dist/; run alone, this script builds it.
if [ -z "${SWITCHBOARD_DIST_FRESH:-}" ]; then npx tsup --silent; fi
tarball="$work/$(npm pack --silent --pack-destination "$work" | tail -1)"

run_app() {
  local name=$1; shift
  local app="$work/$name"
  mkdir -p "$app"
  cp "$repo"/test/package/scratch-app/*.mjs "$app/"
  # The fakes read the recorded fixtures from the repository.
  sed -i "s#new URL('../../fixtures/', import.meta.url)#new URL('file://$repo/test/fixtures/')#" "$app/fake-upstreams.mjs"
  (
    cd "$app"
    printf '{ "name": "scratch-%s", "private": true, "type": "module" }\n' "$name" >package.json
    npm install --no-audit --no-fund --loglevel=error "$tarball" "$@" >/dev/null
    npm ls --all >/dev/null || { npm ls --all 2>&1 | grep -iE 'invalid|missing|ERR' | head -20; exit 1; }
    node app.mjs
    # The same app bundled into one file (esbuild, ESM output), run from a directory with no
    # node_modules: the package's lazily loaded files and the SDKs come from the bundle. The
    # banner is esbuild's usual one for CommonJS dependencies (the SDKs') requiring Node built-ins.
    # Only with @google/genai: in such a bundle sdk 'auto' takes it (README, Bundling).
    [ "$name" = latest ] || exit 0
    local bundled="$work/$name-bundled"
    mkdir -p "$bundled"
    "$repo/node_modules/.bin/esbuild" app.mjs --bundle --platform=node --format=esm --log-level=error --outfile="$bundled/app.mjs" \
      --banner:js="import { createRequire as __scratchCreateRequire } from 'node:module'; const require = __scratchCreateRequire(import.meta.url);"
    cd "$bundled" && node app.mjs | sed 's/^scratch app/bundled scratch app/'
  )
}

only=${1:-all}
if [ "$only" = all ] || [ "$only" = latest ]; then
  run_app latest openai@latest ai@latest @anthropic-ai/sdk@latest @google/genai@latest redis@latest
fi
if [ "$only" = all ] || [ "$only" = older ]; then
  run_app older openai@6 ai@6 @anthropic-ai/sdk@1 @google/generative-ai@0.24 redis@5
fi
