#!/usr/bin/env bash
# The test suite: Rust unit and integration tests (SQLite always; PostgreSQL too when
# TEST_DATABASE_URL is set) and the web unit tests. Browser tests: bash e2e/run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
# Chinese fonts for the PDF tests (fonts/node_modules; the system's are used too).
if ! (command -v fc-list >/dev/null && fc-list :lang=zh | grep -q .); then
  npm --prefix fonts ci --no-audit --no-fund
fi
cargo test --workspace
npm --prefix web ci --no-audit --no-fund
npm --prefix web test
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  echo
  echo "NOTE: the PostgreSQL suite was NOT run (TEST_DATABASE_URL is not set)."
  echo "      Run it with: TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo test --workspace -- postgres"
fi
