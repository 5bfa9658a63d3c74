#!/bin/bash
# verdict_latency.sh: how soon a sweep calls a stuck trial, against the
# counting run's wall time (the pace its verdict limits follow) and the
# timeout it would otherwise wait out. Three shapes: an unwind loop
# (persistent start-up sweep of python3.11 -c pass), a Python deadlock on
# an error path (hang, blocked: the stall limit) and a C target spinning
# without allocating (hang, spinning). With OLD=path/to/pyfault, the same
# sweeps with that build too (e.g. one from before adaptive verdicts).
# Prints figures; asserts nothing.
set -eu
. "$(dirname "$0")/harness_lib.bash"

OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# measure LABEL PYFAULT CLASS SWEEP-ARGS...: one sweep, the median trial
# duration of class CLASS against the counting run and the timeout
measure() {
    local label=$1 bin=$2 cls=$3; shift 3
    local t0 t1
    t0=$(now)
    "$bin" sweep -q --out "$OUT/s" "$@" >/dev/null 2>&1 || [ $? -eq 1 ]
    t1=$(now)
    python3 - "$OUT/s/results.json" "$label" "$cls" "$(elapsed "$t0" "$t1")" <<'PY'
import json, statistics, sys
j = json.load(open(sys.argv[1]))
label, cls, wall = sys.argv[2], sys.argv[3], float(sys.argv[4])
t = j["targets"][0]
count = t.get("count_ms", 0)
pace = t.get("pace", {})
d = [x["duration_ms"] for x in j["trials"] if x["class"] == cls]
by = sorted({x.get("stopped_by", "-") for x in j["trials"] if x["class"] == cls})
if not d:
    print(f"{label}: no {cls} trial")
    sys.exit()
med = statistics.median(d)
print(f"{label}: {len(d)} {cls} trials, median {med:.0f} ms (max {max(d)}), "
      f"stopped by {','.join(by)}; counting run {count} ms -> "
      f"{med / max(count, 1):.1f}x it; timeout {j['timeout_s']:g} s -> "
      f"{med / (j['timeout_s'] * 1000):.3f} of it; window {pace.get('loop_window_ms', '-')} ms, "
      f"stall {pace.get('stall_ms', '-')} ms; sweep wall {wall:.1f} s")
PY
}

run_all() {
    local tag=$1 bin=$2
    measure "$tag unwind-loop, $PY -c pass, persistent, every 400th" "$bin" unwind-loop \
        --mode persistent --stride 400 -- "$PY" -c pass
    measure "$tag hang/blocked, deadlock_on_memoryerror.py in a region" "$bin" hang \
        --inject region --mode both -- "$PY" "$ROOT/tests/harness/data/deadlock_on_memoryerror.py"
    measure "$tag hang/spinning, h_stuck_on_fail spin" "$bin" hang \
        --range 1:6 -- "$ROOT/build/targets/h_stuck_on_fail" 10 spin
}

run_all "this build:" "$PYFAULT"
if [ -n "${OLD:-}" ]; then
    run_all "OLD ($OLD):" "$OLD"
fi
