#!/bin/bash
# fork_bound.sh: how fast the fork engine could be at best. A forked trial
# still runs the rest of its target, and at least the interpreter's
# finalization when its point comes before it; that floor bounds points/s
# per core and the fork/exec ratio whatever the harness does. Measures
# finalization from the median per-pair ratio of a run to the same run
# ending in os._exit(0) (build/bench/alternate), on python3.11 -c pass and
# on bench/data/import_heavy.py. Then the fork engine's mean trial time
# at -j 1: on fork_engine.sh's start-up sweep, and on import_heavy.py's
# body swept as a scenario would sweep it (a region, the imports outside),
# against exec's, and the harness process's own CPU time per trial.
# Builds build/bench/alternate when missing.
# RUNS=N alternating runs each (101); FLOOR_ONLY=1: the floors alone.
# Prints figures and ratios; asserts nothing.
set -euo pipefail
. "$(dirname "$0")/harness_lib.bash"
cd "$ROOT"
. bench/need_bin.bash
need_bin alternate

RUNS=${RUNS:-101}
STRIDE=${STRIDE:-20}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
HEAVY=$(cat bench/data/import_heavy.py)

# medians CODE_A CODE_B: "A B/A", the median wall time in ms of $PY -c
# CODE_A and the median per-pair ratio of -c CODE_B to it, over
# alternating runs (a ratio drifts less than two medians apart)
medians() {
    build/bench/alternate "$RUNS" -- "$PY" -c "$1" -- "$PY" -c "$2" |
        awk '/^median A/ { a = $3 } /^median B\/A/ { r = $3 } END { print a, r }'
}

# trial_stats DIR: "MEAN N", the mean duration_ms of DIR/results.json's
# trials and how many there are (one read of the file)
trial_stats() {
    python3 -c "import json, statistics; t = json.load(open('$1/results.json'))['trials']; print('%.2f %d' % (statistics.mean(x['duration_ms'] for x in t), len(t)))"
}

floor() { # label whole_ms ratio_without_finalization
    FIN=$(awk -v a="$2" -v r="$3" 'BEGIN { printf "%.2f", a * (1 - r) }')
    echo "$1: whole run $2 ms; ending in os._exit(0), $3 of that: finalization $FIN ms"
    echo "  a point before finalization costs at least $FIN ms: at most $(rate 1000 "$FIN") trials/s per core"
}

echo "== finalization: $RUNS alternating runs each, no shim"
read -r wa wb < <(medians pass 'import os; os._exit(0)')
floor "$PY -c pass" "$wa" "$wb"
echo "  the 2,000 points/s/core target needs 0.50 ms a trial: $(ratio "$FIN" 0.5) times less than finalization alone"
read -r ha hb < <(medians "$HEAVY" "$HEAVY
import os; os._exit(0)")
floor "import_heavy.py" "$ha" "$hb"
echo "  an exec trial runs the whole script ($ha ms) and a forked one at least finalization:"
echo "  fork/exec at most $(ratio "$ha" "$FIN") for points before finalization (the target: 20)"

echo
[ -n "${FLOOR_ONLY:-}" ] && exit 0
# own_cpu_run CMD...: runs CMD in the background and prints the CPU
# seconds (user + system) of that process alone, its threads included and
# its children not, read from /proc every 20 ms until it exits (the last
# reading is at most 20 ms short); CMD's exit status 0 or 1 is success
own_cpu_run() {
    "$@" &
    local pid=$! stat="" line
    while line=$(cat "/proc/$pid/stat" 2>/dev/null); do
        stat=$line
        sleep 0.02
    done
    wait "$pid" || [ $? -eq 1 ]
    awk -v t="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.3f\n", ($12 + $13) / t }' <<<"$stat"
}

echo "== the fork engine's trials, -j 1 (a core each), against exec's"
t0=$(now)
cpu=$(own_cpu_run "$PYFAULT" sweep -q -j 1 --engine fork --mode both --stride "$STRIDE" --out "$OUT/s" -- "$PY" -c pass 2>/dev/null)
t1=$(now)
read -r st n < <(trial_stats "$OUT/s")
per=$(awk -v a="$t0" -v b="$t1" -v n="$n" 'BEGIN { printf "%.2f", (b - a) * 1000 / n }')
own=$(awk -v c="$cpu" -v n="$n" 'BEGIN { printf "%.2f", c * 1000 / n }')
echo "start-up, every ${STRIDE}th point, both modes: mean fork trial $st ms"
# what the engine adds to the trials themselves: counting runs, forks,
# waiting, classifying, journaling (at -j 1 nothing overlaps)
echo "  wall time per trial $per ms ($n trials): $(ratio "$per" "$st") times the trials' own time"
# the harness process's own share of that (the server and the trials are
# other processes): supervising, classifying, symbolizing, journaling
echo "  the harness's own CPU per trial $own ms: $(ratio "$own" "$per") of the wall time per trial"
# the script's body alone, as a scenario sweeps it: imports outside a region
python3 - "$OUT/heavy_region.py" <<'PY'
import sys
src = open("bench/data/import_heavy.py").read().splitlines()
body = [l for l in src if l and not l.startswith(("#", "import "))]
head = [l for l in src if l.startswith("import ")]
open(sys.argv[1], "w").write("\n".join(head + ["import pyfault", "with pyfault.region():"] + ["    " + l for l in body]) + "\n")
PY
"$PYFAULT" sweep -q -j 1 --engine fork --inject region --out "$OUT/hf" --python "$PY" "$OUT/heavy_region.py" >/dev/null || [ $? -eq 1 ]
"$PYFAULT" sweep -q -j 1 --engine exec --inject region --stride "$STRIDE" --out "$OUT/he" --python "$PY" "$OUT/heavy_region.py" >/dev/null || [ $? -eq 1 ]
read -r hf _ < <(trial_stats "$OUT/hf")
read -r he _ < <(trial_stats "$OUT/he")
echo "import_heavy.py's body as a region, every point, oneshot: mean fork trial $hf ms, exec $he ms (every ${STRIDE}th point): $(ratio "$he" "$hf") times"
