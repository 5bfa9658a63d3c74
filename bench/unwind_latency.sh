#!/bin/bash
# unwind_latency.sh: how long pyfault takes to call an unwind loop, from
# the control page (verdict_ms) and end to end (wall), against the
# --timeout it would otherwise wait out. Prints figures; asserts nothing.
set -eu
. "$(dirname "$0")/harness_lib.bash"

RUNS=${RUNS:-5}
TIMEOUT=30
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

measure() { # label, then the run arguments
    local label=$1; shift
    local verdicts=() walls=()
    for i in $(seq "$RUNS"); do
        t0=$(now)
        "$PYFAULT" run -q --timeout "$TIMEOUT" --json "$OUT/r.json" "$@" || [ $? -eq 1 ]
        t1=$(now)
        walls+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%d", (b - a) * 1000 }')")
        verdicts+=("$(python3 -c "import json; d=json.load(open('$OUT/r.json')); print(d.get('verdict_ms', -1) if d['class']=='unwind-loop' else 'NOT-'+d['class'])")")
    done
    local med_v med_w
    med_v=$(printf '%s\n' "${verdicts[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
    med_w=$(printf '%s\n' "${walls[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")
    echo "$label: verdict_ms ${verdicts[*]} (median $med_v); wall_ms ${walls[*]} (median $med_w);" \
         "median wall / timeout = $(ratio "$med_w" $((TIMEOUT * 1000)))"
}

measure "C retry loop (h_retry_malloc, from=50)" --inject from=50 -- "$ROOT/build/targets/h_retry_malloc"
measure "gh-134163 (except_past_256.py on $PY)" --python "$PY" "$ROOT/scenarios/set_nomemory/except_past_256.py"
