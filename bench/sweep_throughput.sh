#!/bin/bash
# sweep_throughput.sh: trials per second of "pyfault sweep" against a
# plain shell loop running the same trials (same shim, same environment,
# same points), sequential (-j 1) and parallel (-j nproc).
# Prints figures and ratios; asserts nothing.
set -eu
. "$(dirname "$0")/harness_lib.bash"

STRIDE=${STRIDE:-100}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

"$PYFAULT" run -q --json "$OUT/count.json" -- "$PY" -c pass
M=$(python3 -c "import json; print(json.load(open('$OUT/count.json'))['eligible'])")
POINTS=$(seq 1 "$STRIDE" "$M" | wc -l)
echo "target: $PY -c pass; $M allocations; oneshot points 1..$M stride $STRIDE = $POINTS trials"

# The baseline: the same trials with nothing but the shim, the environment
# and a timeout; no capture, no classification, no control page.
one_trial() {
    # the subshell keeps bash's "Aborted" job notices off the terminal
    ( LD_PRELOAD="$SHIM" PYFAULT="nth=$1" PYTHONHASHSEED=0 \
        PYTHONFAULTHANDLER=1 timeout 10 "$PY" -c pass >/dev/null 2>&1 ) 2>/dev/null || true
}
export -f one_trial
export SHIM PY
shell_loop() { # $1 = parallelism
    if [ "$1" = 1 ]; then
        for p in $(seq 1 "$STRIDE" "$M"); do one_trial "$p"; done
    else
        seq 1 "$STRIDE" "$M" | xargs -P "$1" -I{} bash -c 'one_trial {}'
    fi
}

for j in 1 "$NPROC"; do
    t0=$(now); shell_loop "$j" 2>/dev/null; t1=$(now)
    shell_s=$(elapsed "$t0" "$t1")
    t0=$(now)
    "$PYFAULT" sweep -q -j "$j" --stride "$STRIDE" --out "$OUT" -- "$PY" -c pass >/dev/null || [ $? -eq 1 ]
    t1=$(now)
    sweep_s=$(elapsed "$t0" "$t1")
    trials=$(python3 -c "import json; print(json.load(open('$OUT/results.json'))['done'])")
    echo "-j $j: shell loop $POINTS trials in ${shell_s}s = $(rate "$POINTS" "$shell_s") trials/s;" \
         "pyfault sweep $trials trials (+ counting run) in ${sweep_s}s = $(rate "$trials" "$sweep_s") trials/s;" \
         "sweep/shell throughput ratio $(ratio "$(rate "$trials" "$sweep_s")" "$(rate "$POINTS" "$shell_s")")"
done
