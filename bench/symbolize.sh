#!/bin/bash
# symbolize.sh: what the libdw symbolizer costs a sweep. Trials per second
# of a oneshot --stride 500 sweep of "python3.11 -c pass" (every trial's
# fail and crash frames are named from the debug file), with
# python3.11-dbg found (the default) and without it (PYFAULT_DEBUGINFO_PATH
# elsewhere); BASE=path/to/another/pyfault (e.g. a build from before the
# symbolizer) adds its figure. Prints figures; asserts nothing.
set -eu
. "$(dirname "$0")/harness_lib.bash"

STRIDE=${STRIDE:-500}
ROUNDS=${ROUNDS:-3}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# sweep PYFAULT: the best of ROUNDS wall times, and the trial count
sweep() {
    local best="" t0 t1 s
    for _ in $(seq "$ROUNDS"); do
        t0=$(now)
        "$1" sweep -q -j "$NPROC" --stride "$STRIDE" --out "$OUT" -- "$PY" -c pass >/dev/null || [ $? -eq 1 ]
        t1=$(now)
        s=$(elapsed "$t0" "$t1")
        if [ -z "$best" ] || awk -v a="$s" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$s; fi
    done
    n=$(python3 -c "import json; print(len(json.load(open('$OUT/results.json'))['trials']))")
    echo "$n $best"
}

echo "target: $PY -c pass, oneshot, stride $STRIDE, -j $NPROC, best of $ROUNDS"
if [ -n "${BASE:-}" ]; then
    read -r n s < <(sweep "$BASE")
    echo "before ($BASE):        $n trials in ${s}s = $(rate "$n" "$s") trials/s"
fi
read -r n s < <(sweep "$PYFAULT")
echo "libdw, debug file:      $n trials in ${s}s = $(rate "$n" "$s") trials/s"
read -r n s < <(PYFAULT_DEBUGINFO_PATH=/nonexistent sweep "$PYFAULT")
echo "libdw, no debug file:   $n trials in ${s}s = $(rate "$n" "$s") trials/s"
