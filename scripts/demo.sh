#!/usr/bin/env bash
# Builds the UI and the binary, loads the demo programme into ./data (SQLite) and serves it on
# http://127.0.0.1:8080. Extra arguments go to `chanjiao serve` (e.g. --addr 0.0.0.0:8080).
set -euo pipefail
cd "$(dirname "$0")/.."
npm --prefix web ci --no-audit --no-fund
npm --prefix web run build
# Chinese fonts for the printed 申报书 (PDF), unless the system has them.
if ! (command -v fc-list >/dev/null && fc-list :lang=zh | grep -q .); then
  npm --prefix fonts ci --no-audit --no-fund
fi
exec cargo run --release -p chanjiao -- serve --demo "$@"
