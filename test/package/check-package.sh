#!/usr/bin/env bash
# Builds the package, lints the packed result (publint, arethetypeswrong), imports it by
# name from ESM and from CJS, then installs the packed tarball into scratch apps beside
# today's SDK majors and the previous ones (test/package/scratch-apps.sh).
set -euo pipefail
cd "$(dirname "$0")/../.."
npx tsup --silent
npx publint --strict
npx attw --pack . --profile node16
node test/package/smoke.mjs
node test/package/smoke.cjs
SWITCHBOARD_DIST_FRESH=1 bash test/package/scratch-apps.sh
