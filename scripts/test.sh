#!/usr/bin/env bash
# `npm test`: everything CI checks, on a fresh Debian machine.
#  1. npm dependencies
#  2. Docker with the gVisor runtime, and the sandbox image
#  3. Debian's chromium for the portal's browser tests
#  4. typecheck, lint, generated files current, every test suite
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
if [ -f scripts/setup-docker.sh ]; then
  bash scripts/setup-docker.sh
fi
if [ -f runner-image/build.sh ]; then
  bash runner-image/build.sh --if-missing
fi
bash scripts/setup-chromium.sh
echo "wave: typecheck"
npx tsc -p tsconfig.json --noEmit
echo "wave: lint"
npx eslint --max-warnings 0 .
echo "wave: format check (prettier)"
npx prettier --check . --log-level warn
echo "wave: tests"
npx vitest run "$@"
