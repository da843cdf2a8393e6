#!/usr/bin/env bash
# Builds the package, lints the packed result (publint, arethetypeswrong), and imports it
# by name from ESM and from CJS.
set -euo pipefail
cd "$(dirname "$0")/../.."
npx tsup --silent
npx publint --strict
npx attw --pack . --profile node16
node test/package/smoke.mjs
node test/package/smoke.cjs
