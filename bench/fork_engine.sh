#!/bin/bash
# fork_engine.sh: points per second per core of --engine fork against
# --engine exec, on a start-up sweep (-c pass, every STRIDE-th point, both
# modes) and on bench/data/import_heavy.py (a dozen stdlib imports before
# its body; its last POINTS points, oneshot: with the default 1,000, all
# in its finalization, which allocates about 1,600 times; fork_bound.sh
# sweeps the body); and on bench/data/asyncio_echo.py (asyncio's imports,
# then a loop echoing through socket pairs: the last POINTS points of its
# region, which the loop's epoll set and socket pair are made in, and
# each forked trial is given anew); and on bench/data/child_first.py (a
# child run and reaped before its region, as ctypes.util.find_library
# runs ldconfig: the last POINTS points of its region). Exec is sampled on fewer points where it is slow
# (EXEC_POINTS); rates are per core, each engine at its default -j (the
# cores; one more for fork).
# With OLD=path/to/pyfault, the fork engine's sweeps with that build too,
# and the ratio of the two. Prints figures and ratios; asserts nothing.
set -eu
. "$(dirname "$0")/harness_lib.bash"

STRIDE=${STRIDE:-20}
POINTS=${POINTS:-1000}
EXEC_POINTS=${EXEC_POINTS:-60}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# sweep ENGINE DIR ARGS...: prints "trials seconds" ($BIN: the pyfault)
BIN=$PYFAULT
sweep() {
    local engine=$1 dir=$2 t0 t1
    shift 2
    t0=$(now)
    "$BIN" sweep -q --engine "$engine" --out "$dir" "$@" >/dev/null || [ $? -eq 1 ]
    t1=$(now)
    echo "$(python3 -c "import json; print(json.load(open('$dir/results.json'))['done'])") $(elapsed "$t0" "$t1")"
}

report() { # label trials seconds
    echo "$1: $2 trials in $3 s = $(rate "$2" "$3") points/s, $(rate "$(rate "$2" "$3")" "$NPROC") per core"
}

echo "== start-up: $PY -c pass, every ${STRIDE}th point, both modes, -j $NPROC"
read -r ne se < <(sweep exec "$OUT/se" --mode both --stride "$STRIDE" -- "$PY" -c pass)
read -r nf sf < <(sweep fork "$OUT/sf" --mode both --stride "$STRIDE" -- "$PY" -c pass)
report exec "$ne" "$se"
report fork "$nf" "$sf"
echo "fork/exec points per second: $(ratio "$(rate "$nf" "$sf")" "$(rate "$ne" "$se")")"
if [ -n "${OLD:-}" ]; then
    BIN=$OLD
    read -r no so < <(sweep fork "$OUT/so" --mode both --stride "$STRIDE" -- "$PY" -c pass)
    BIN=$PYFAULT
    report "fork, $OLD" "$no" "$so"
    echo "fork, this build / $OLD: $(ratio "$(rate "$nf" "$sf")" "$(rate "$no" "$so")")"
fi

# last_points SCRIPT TAG [OPTIONS...]: both engines on SCRIPT's last
# points (fork: POINTS, exec: EXEC_POINTS), their rates, how the fork
# engine ran them and the ratio; with OLD, the old build's fork engine too
last_points() {
    local script=$1 tag=$2 m ne se nf sf no so
    shift 2
    "$PYFAULT" run -q --json "$OUT/${tag}count.json" "$@" --python "$PY" "$script" || [ $? -eq 1 ]
    m=$(python3 -c "import json; print(json.load(open('$OUT/${tag}count.json'))['eligible'])")
    echo "== $script: $m allocations; fork: its last $POINTS points, exec: its last $EXEC_POINTS"
    read -r ne se < <(sweep exec "$OUT/${tag}e" --range "$((m - EXEC_POINTS + 1)):$m" "$@" --python "$PY" "$script")
    read -r nf sf < <(sweep fork "$OUT/${tag}f" --range "$((m - POINTS + 1)):$m" "$@" --python "$PY" "$script")
    report exec "$ne" "$se"
    report fork "$nf" "$sf"
    python3 -c "import json; e = json.load(open('$OUT/${tag}f/results.json'))['targets'][0]['engine']; print('fork:', e['forked'], 'forked;', e['exec_state'], 'for state,', e['exec_threads'], 'for threads,', e['exec_other'], 'past its run exec\'d')"
    echo "fork/exec points per second: $(ratio "$(rate "$nf" "$sf")" "$(rate "$ne" "$se")")"
    if [ -n "${OLD:-}" ]; then
        BIN=$OLD
        read -r no so < <(sweep fork "$OUT/${tag}o" --range "$((m - POINTS + 1)):$m" "$@" --python "$PY" "$script")
        BIN=$PYFAULT
        report "fork, $OLD" "$no" "$so"
        echo "fork, this build / $OLD: $(ratio "$(rate "$nf" "$sf")" "$(rate "$no" "$so")")"
    fi
}

last_points "$ROOT/bench/data/import_heavy.py" i
last_points "$ROOT/bench/data/asyncio_echo.py" a --inject region
last_points "$ROOT/bench/data/child_first.py" c --inject region
