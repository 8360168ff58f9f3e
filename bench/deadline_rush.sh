#!/usr/bin/env bash
# Deadline rush benchmark: N universities each save a complete ≈30 KB application and submit it,
# C concurrent clients over loopback, against SQLite and PostgreSQL. See bench/README.md.
#
#   bench/deadline_rush.sh [--universities 3000] [--concurrency 64] [--runs 1]
#                          [--backends "sqlite postgres"] [--no-build]
#
# Environment: PGHOST (127.0.0.1), PGUSER (postgres), PGADMINDB (test) — a local PostgreSQL that
# lets this user CREATE/DROP DATABASE (trust auth). PORT (default: a free port from 18080 up).
# RESULTS: a file to append the one-line JSON results to (default: none; they are printed).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"

UNIS=3000
CONC=64
RUNS=1
BACKENDS="sqlite postgres"
BUILD=1
while [ $# -gt 0 ]; do
    case "$1" in
        --universities) UNIS="$2"; shift 2 ;;
        --concurrency) CONC="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --backends) BACKENDS="$2"; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        *) echo "unknown argument $1" >&2; exit 2 ;;
    esac
done

PGHOST="${PGHOST:-127.0.0.1}"
PGUSER="${PGUSER:-postgres}"
PGADMINDB="${PGADMINDB:-test}"
RESULTS="${RESULTS:-}"

if [ "$BUILD" = 1 ]; then
    cargo build --release -p chanjiao -p chanjiao-server --bin chanjiao --example deadline_rush
fi
TARGET="${CARGO_TARGET_DIR:-$ROOT/target}/release"
BIN="$TARGET/chanjiao"
RUSH="$TARGET/examples/deadline_rush"

SERVER_PID=""
WORK=""
PGDB=""
cleanup() {
    if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
    if [ -n "$PGDB" ]; then
        psql -q -h "$PGHOST" -U "$PGUSER" -d "$PGADMINDB" \
            -c "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" >/dev/null 2>&1 || true
        PGDB=""
    fi
    if [ -n "$WORK" ]; then
        rm -rf "$WORK"
        WORK=""
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
    local p="${PORT:-18080}"
    while (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; do p=$((p + 1)); done
    echo "$p"
}

# run_one BACKEND RUN
run_one() {
    local backend="$1" run="$2" url port
    WORK="$(mktemp -d "${TMPDIR:-/tmp}/chanjiao-rush.XXXXXX")"
    local db_args=()
    if [ "$backend" = postgres ]; then
        PGDB="chanjiao_rush_$$_$run"
        psql -q -h "$PGHOST" -U "$PGUSER" -d "$PGADMINDB" -c "CREATE DATABASE $PGDB" >/dev/null
        url="postgres://$PGUSER@$PGHOST/$PGDB"
        db_args=(--database-url "$url")
    else
        url="sqlite://$WORK/chanjiao.db"
    fi
    "$BIN" --data-dir "$WORK" "${db_args[@]}" migrate >/dev/null
    port="$(free_port)"
    CHANJIAO_LOG="${CHANJIAO_LOG:-warn}" "$BIN" --data-dir "$WORK" "${db_args[@]}" serve --addr "127.0.0.1:$port" \
        >"$WORK/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 1 100); do
        curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
        sleep 0.1
    done
    echo "== $backend, run $run: $(date -u +%FT%TZ), load average: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
    local status=0
    "$RUSH" --base "http://127.0.0.1:$port" --database-url "$url" \
        --universities "$UNIS" --concurrency "$CONC" --json >"$WORK/out.txt" || status=$?
    cat "$WORK/out.txt"
    if [ -n "$RESULTS" ]; then grep '^{' "$WORK/out.txt" >>"$RESULTS" || true; fi
    if grep -qiE "error|panic" "$WORK/server.log"; then
        echo "-- server log (errors):" >&2
        grep -iE "error|panic" "$WORK/server.log" | head -20 >&2
    fi
    cleanup
    return "$status"
}

overall=0
for run in $(seq 1 "$RUNS"); do
    for backend in $BACKENDS; do
        run_one "$backend" "$run" || overall=1
    done
done
[ -n "$RESULTS" ] && echo "JSON results appended to $RESULTS" >&2
exit "$overall"
