#!/usr/bin/env bash
# `npm start`: run the WAVE app.
# - Without APP_ID, Probot's setup page opens at http://localhost:3000 to register the app from app.yml.
# - Without DATABASE_URL, an embedded Postgres is started with its data in .wave/pgdata.
# - With credentials, the sandbox is prepared first (Docker + gVisor, the sandbox image) unless
#   WAVE_SANDBOX_SETUP=skip, or WAVE_SANDBOX_BACKEND=actions (sandboxes on Actions runners: no Docker here).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
if [ -f .env ]; then set -a; . ./.env; set +a; fi
if [ -n "${APP_ID:-}" ] && [ "${WAVE_SANDBOX_SETUP:-}" != "skip" ] && [ "${WAVE_SANDBOX_BACKEND:-docker}" != "actions" ]; then
  bash scripts/setup-docker.sh
  bash runner-image/build.sh --if-missing
fi
exec node --enable-source-maps --import tsx src/main.ts "$@"
