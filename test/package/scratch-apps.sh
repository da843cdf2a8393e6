#!/usr/bin/env bash
# Installs the packed package into empty scratch apps, as users do, beside each supported
# SDK generation, with no flags: `npm ls` must report no invalid or missing peer, and each
# app calls OpenAI, Anthropic and Gemini through the router against loopback fakes.
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
  )
}

only=${1:-all}
if [ "$only" = all ] || [ "$only" = latest ]; then
  run_app latest openai@latest ai@latest @anthropic-ai/sdk@latest @google/genai@latest redis@latest
fi
if [ "$only" = all ] || [ "$only" = older ]; then
  run_app older openai@6 ai@6 @anthropic-ai/sdk@1 @google/generative-ai@0.24 redis@5
fi
