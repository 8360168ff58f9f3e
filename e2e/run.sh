#!/usr/bin/env bash
# Browser tests of Chanjiao (产教).
#
#   e2e/run.sh [playwright args…]        e.g. e2e/run.sh tests/lockout.spec.ts
#
# Environment:
#   SKIP_BUILD=1        web/dist and the binary were built by the caller: build nothing
#   CHANJIAO_BIN        binary to test (default target/debug/chanjiao; implies no cargo build)
#   CHROMIUM_PATH       browser (default /usr/bin/chromium; never downloaded)
#   E2E_DATABASE_URL    run against this PostgreSQL database (empty, throwaway) instead of SQLite
#   E2E_PORT            preferred port (default 18765; another free one is used if taken)
#   E2E_GLOBAL_TIMEOUT_MS  hang guard for the whole run (default 600000)
#
# Exits with Playwright's exit code.
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$E2E_DIR/.." && pwd)"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ ! -x "$CHROMIUM" ]; then
  echo "e2e: no Chromium at $CHROMIUM (apt-get install chromium, or set CHROMIUM_PATH)" >&2
  exit 2
fi

echo "e2e: installing test dependencies (npm ci)"
(cd "$E2E_DIR" && npm ci --no-audit --no-fund)

if [ "${SKIP_BUILD:-0}" != "1" ]; then
  dist="$REPO_DIR/web/dist/index.html"
  # Build the web UI when it is missing or older than its sources.
  if [ ! -f "$dist" ] || [ -n "$(find "$REPO_DIR/web/src" "$REPO_DIR/web/index.html" "$REPO_DIR/web/package.json" -newer "$dist" -print -quit 2>/dev/null)" ]; then
    echo "e2e: building web/dist"
    if [ ! -d "$REPO_DIR/web/node_modules" ]; then npm --prefix "$REPO_DIR/web" ci --no-audit --no-fund; fi
    npm --prefix "$REPO_DIR/web" run build
  fi
  if [ -z "${CHANJIAO_BIN:-}" ]; then
    # Incremental: a no-op when the binary is up to date.
    echo "e2e: cargo build -p chanjiao"
    (cd "$REPO_DIR" && cargo build -p chanjiao)
  fi
fi

cd "$E2E_DIR"
set +e
npx playwright test "$@"
code=$?
set -e
exit "$code"
