#!/bin/bash
# count_spread.sh: how often a target's allocation count varies from run
# to run, with the harness's fixed address layout and with randomization
# kept (PYFAULT_ASLR=1). Counts /usr/bin/python3.11 -c pass RUNS times
# each way with `pyfault run` and prints each count seen and how often.
# Prints figures; asserts nothing.
set -euo pipefail
. "$(dirname "$0")/harness_lib.bash"

RUNS=${RUNS:-1000}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# spread LABEL: RUNS counting runs; "count xTIMES" for each count seen
spread() {
    local label=$1 t0
    t0=$(now)
    for _ in $(seq "$RUNS"); do
        "$PYFAULT" run -q --json "$OUT/r.json" -- "$PY" -c pass
        grep -oE '"allocations": [0-9]+' "$OUT/r.json" | grep -oE '[0-9]+$'
    done | sort -n | uniq -c | awk -v l="$label" -v r="$RUNS" '
        { seen = seen sprintf(" %s x%d", $2, $1); n++ }
        END { printf "%s: %d distinct counts in %d runs:%s\n", l, n, r, seen }'
    echo "  ($(elapsed "$t0" "$(now)") s)"
}

echo "python3.11 -c pass, $RUNS counting runs each"
PYFAULT_ASLR= spread "fixed layout"
PYFAULT_ASLR=1 spread "random layout (PYFAULT_ASLR=1)"
