#!/usr/bin/env bash
# Starts a fresh Rounds for the end-to-end tests (playwright.config.ts runs this as its webServer):
# builds the web UI, makes a new SQLite database in a temporary folder, migrates it, seeds the
# demo organisation, then serves on $PORT. The folder is removed when the server stops.
#
#   PORT              port to serve on (required)
#   ROUNDS_E2E_DIR    folder for the database (default: a new temporary folder)
#   ROUNDS_E2E_BUILD  set to 0 to reuse an existing web/dist instead of building
set -euo pipefail
cd "$(dirname "$0")/../.."
# shellcheck source=/dev/null
. scripts/use-node.sh

: "${PORT:?PORT must be set}"
dir="${ROUNDS_E2E_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/rounds-e2e.XXXXXX")}"
mkdir -p "$dir"

export NODE_ENV=test
export HOST=127.0.0.1
export PUBLIC_BASE_URL="http://127.0.0.1:$PORT"
export DATABASE_URL="sqlite:$dir/rounds.db"
export DATA_DIR="$dir"
export LOG_LEVEL="${LOG_LEVEL:-warn}"
export DEMO_SEED=off
# The tests sign in far more often than a person would; the limiter itself is covered by the server's tests.
export SIGN_IN_RATE_LIMIT="${SIGN_IN_RATE_LIMIT:-1000}"

server=''
cleanup() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=''
  fi
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

if [ "${ROUNDS_E2E_BUILD:-1}" != 0 ] || [ ! -f web/dist/index.html ]; then
  npm run build --silent >/dev/null
fi
node bin/rounds.js migrate >/dev/null
node bin/rounds.js seed --demo >/dev/null
echo "e2e: Rounds on $PUBLIC_BASE_URL, database $dir/rounds.db" >&2

node bin/rounds.js serve &
server=$!
wait "$server"
