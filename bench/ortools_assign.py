#!/usr/bin/env python3
"""Solve a min-cost-flow network exported by `chanjiao review assign-bench --export-instance FILE`
with OR-tools' SimpleMinCostFlow and print one JSON line:

  {"status": "OPTIMAL", "objective": ..., "millis": ... (solve() only), "add_millis": ...
   (adding arcs and supplies), "load_millis": ... (reading the JSON), "arcs": ..., "nodes": ...,
   "peak_rss_kb": ... (whole process), "solve_peak_rss_kb": ... (peak during add + solve, after
   the JSON lists were freed; the kernel high-water mark is reset via /proc/self/clear_refs)}

Requires `pip install ortools` (numpy comes with it).
"""
import gc
import json
import sys
import time

import numpy as np
from ortools.graph.python import min_cost_flow


def status_kb(key):
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def main():
    if len(sys.argv) != 2:
        print("usage: ortools_assign.py NETWORK.json", file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    with open(sys.argv[1]) as f:
        net = json.load(f)
    tails = np.asarray(net.pop("tails"), dtype=np.int32)
    heads = np.asarray(net.pop("heads"), dtype=np.int32)
    caps = np.asarray(net.pop("capacities"), dtype=np.int64)
    costs = np.asarray(net.pop("costs"), dtype=np.int64)
    load_ms = (time.perf_counter() - t0) * 1000
    gc.collect()
    peak_total = status_kb("VmHWM")
    reset = reset_peak()

    t1 = time.perf_counter()
    smcf = min_cost_flow.SimpleMinCostFlow()
    smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    nodes = np.array([s[0] for s in net["supplies"]], dtype=np.int32)
    supplies = np.array([s[1] for s in net["supplies"]], dtype=np.int64)
    smcf.set_nodes_supplies(nodes, supplies)
    t2 = time.perf_counter()
    status = smcf.solve()
    t3 = time.perf_counter()

    names = {
        smcf.OPTIMAL: "OPTIMAL",
        smcf.INFEASIBLE: "INFEASIBLE",
        smcf.UNBALANCED: "UNBALANCED",
        smcf.NOT_SOLVED: "NOT_SOLVED",
        smcf.BAD_RESULT: "BAD_RESULT",
        smcf.BAD_COST_RANGE: "BAD_COST_RANGE",
    }
    out = {
        "status": names.get(status, str(status)),
        "objective": int(smcf.optimal_cost()) if status == smcf.OPTIMAL else None,
        "millis": round((t3 - t2) * 1000, 1),
        "add_millis": round((t2 - t1) * 1000, 1),
        "load_millis": round(load_ms, 1),
        "arcs": int(len(tails)),
        "nodes": int(net["nodes"]),
        "peak_rss_kb": max(peak_total or 0, status_kb("VmHWM") or 0),
        "solve_peak_rss_kb": status_kb("VmHWM") if reset else None,
    }
    print(json.dumps(out))
    return 0 if status == smcf.OPTIMAL else 1


if __name__ == "__main__":
    sys.exit(main())
