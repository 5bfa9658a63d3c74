#!/bin/bash
# determinism.sh: how often a trial's class comes back. Sweeps a target,
# samples SAMPLE of its trials evenly, replays each TIMES times with
# `pyfault repro --times`, and prints the rate at which the class repeated,
# with the trials that did not repeat. Targets: the compiler scenario on
# 3.11-vanilla (when built; else /usr/bin/python3.11) and a persistent
# start-up sweep of /usr/bin/python3.11 -c pass. Prints figures; asserts
# nothing.
set -eu
. "$(dirname "$0")/harness_lib.bash"

SAMPLE=${SAMPLE:-100}
TIMES=${TIMES:-10}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# measure LABEL DIR: replays SAMPLE trials of DIR/results.json TIMES times
measure() {
    local label=$1 dir=$2
    local ids
    ids=$(python3 - "$dir/results.json" "$SAMPLE" <<'PY'
import json, sys
trials = json.load(open(sys.argv[1]))["trials"]
n = int(sys.argv[2])
step = max(1, len(trials) // n)
print(" ".join(str(i) for i in range(0, len(trials), step)[:n]))
PY
)
    local runs=0 same=0 flaky=""
    for id in $ids; do
        out=$("$PYFAULT" repro "$dir/results.json" "$id" --times "$TIMES" 2>&1 || true)
        # --times ends with "reproduced: K of N runs gave CLASS ..."
        k=$(echo "$out" | grep -oE 'reproduced: [0-9]+ of' | tail -1 | grep -oE '[0-9]+')
        k=${k:-0}
        runs=$((runs + TIMES))
        same=$((same + k))
        [ "$k" -eq "$TIMES" ] || flaky="$flaky $id($k/$TIMES)"
    done
    echo "$label: $(echo "$ids" | wc -w) trials x $TIMES runs: class repeated in $same/$runs" \
         "($(awk -v a="$same" -v b="$runs" 'BEGIN { printf "%.1f", 100 * a / b }')%)"
    [ -z "$flaky" ] || echo "  not every time:$flaky"
}

VANILLA=$ROOT/build/cpython/3.11-vanilla/python
[ -x "$VANILLA" ] || VANILLA=$PY
"$PYFAULT" sweep -q --stride 7 --python "$VANILLA" --inject site=_PyRun_SimpleFileObject \
    --out "$OUT/compiler" "$ROOT/scenarios/compiler/compile_nomemory.py" || [ $? -eq 1 ]
measure "compiler scenario ($VANILLA)" "$OUT/compiler"
"$PYFAULT" sweep -q --mode persistent --stride 97 --out "$OUT/startup" -- "$PY" -c pass || [ $? -eq 1 ]
measure "start-up, persistent ($PY -c pass)" "$OUT/startup"
