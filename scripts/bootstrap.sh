#!/usr/bin/env bash
# Installs the npm dependencies when they are missing or older than package-lock.json.
# Shared by `npm start` and `npm test`, so a fresh clone needs no other step.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "wave: installing npm dependencies (npm ci)…"
  npm ci --no-audit --no-fund
fi
