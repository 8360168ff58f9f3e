#!/usr/bin/env bash
# Expert assigner vs OR-tools' SimpleMinCostFlow on the same exported networks.
# Usage: bench/assign_bench.sh [seeds...]   (default seeds: 1 2)
# Env: SKIP_BUILD=1 to reuse target/release/chanjiao; SIZES="150:300:5 10000:3000:3".
set -euo pipefail
cd "$(dirname "$0")/.."
SEEDS=("${@:-1 2}")
read -r -a SEEDS <<<"${SEEDS[*]}"
SIZES=${SIZES:-"150:300:5 10000:3000:3"}
BIN=${BIN:-target/release/chanjiao}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

if [[ -z "${SKIP_BUILD:-}" ]]; then
  cargo build --release -p chanjiao >&2
fi
python3 -c 'import ortools' 2>/dev/null || { echo "ortools is not installed (pip install ortools)" >&2; exit 1; }

printf '| instance | seed | arcs | our objective | OR-tools objective | equal | our ms | OR-tools ms (solve) | OR-tools ms (add arcs) | ratio OR/ours | our peak RSS MB | OR-tools peak RSS MB (add+solve) |\n'
printf '|---|---|---|---|---|---|---|---|---|---|---|---|\n'
for size in $SIZES; do
  IFS=: read -r A E K <<<"$size"
  for S in "${SEEDS[@]}"; do
    NET="$TMP/net-$A-$E-$K-$S.json"
    OURS=$("$BIN" review assign-bench --applications "$A" --experts "$E" --per-application "$K" --seed "$S" --export-instance "$NET" --json)
    # Our peak memory without the export (the export builds the network a second time).
    OURS_NOEXP=$("$BIN" review assign-bench --applications "$A" --experts "$E" --per-application "$K" --seed "$S" --json)
    OR=$(python3 bench/ortools_assign.py "$NET")
    python3 - "$A" "$E" "$K" "$S" "$OURS_NOEXP" "$OR" <<'PY'
import json, sys
a, e, k, s = sys.argv[1:5]
o = json.loads(sys.argv[5]); r = json.loads(sys.argv[6])
assert o["violations"] == 0, o
eq = "yes" if o["objective"] == r["objective"] else "NO"
ratio = r["millis"] / o["millis"] if o["millis"] else float("nan")
print(f"| {a}×{e}×{k} | {s} | {o['arcs']:,} | {o['objective']} | {r['objective']} | {eq} | "
      f"{o['millis']:.0f} | {r['millis']:.0f} | {r['add_millis']:.0f} | {ratio:.2f} | "
      f"{o['peak_rss_kb']/1024:.0f} | {(r['solve_peak_rss_kb'] or r['peak_rss_kb'])/1024:.0f} |")
PY
  done
done
