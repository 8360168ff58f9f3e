#!/usr/bin/env bash
# The test suite: Rust unit and integration tests (SQLite always; PostgreSQL too when
# TEST_DATABASE_URL is set) and the web unit tests. Browser tests: bash e2e/run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --workspace
npm --prefix web ci --no-audit --no-fund
npm --prefix web test
if [ -z "${TEST_DATABASE_URL:-}" ]; then
  echo
  echo "NOTE: the PostgreSQL suite was NOT run (TEST_DATABASE_URL is not set)."
  echo "      Run it with: TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test cargo test --workspace -- postgres"
fi
