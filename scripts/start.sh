#!/usr/bin/env bash
# `npm start`: run the WAVE app. Without APP_ID, Probot's setup page opens at
# http://localhost:3000 to register the app from app.yml. Without DATABASE_URL,
# an embedded Postgres is started with its data in .wave/pgdata.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec node --enable-source-maps --import tsx src/main.ts "$@"
