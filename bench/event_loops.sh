#!/bin/bash
# event_loops.sh: the fork engine on programs whose event loop is made
# before the region: bench/data/uvloop_echo.py (libuv: an epoll set, an
# eventfd and pipes) and bench/data/gevent_echo.py (libev: an epoll set
# and an eventfd). Every STRIDE-th point of the region, oneshot, with
# both engines: points per second per core, how the fork engine ran the
# points, and at how many points the two engines agree on the class and
# on the signature (a hang's signature is where a stall sample caught
# it, and moves between two exec'd runs too). A loop whose package is
# not installed is skipped with one line (apt-get install python3-uvloop
# python3-gevent). With OLD=path/to/pyfault, that build's fork engine
# too. Prints figures and ratios; asserts nothing.
set -eu
. "$(dirname "$0")/harness_lib.bash"

STRIDE=${STRIDE:-4}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# sweep BIN ENGINE DIR SCRIPT: prints "trials seconds"
sweep() {
    local t0 t1
    t0=$(now)
    "$1" sweep -q --engine "$2" --mode oneshot --inject region --stride "$STRIDE" \
        --out "$3" --python "$PY" "$4" >/dev/null || [ $? -eq 1 ]
    t1=$(now)
    echo "$(python3 -c "import json; print(json.load(open('$3/results.json'))['done'])") $(elapsed "$t0" "$t1")"
}

report() { # label trials seconds
    echo "$1: $2 trials in $3 s = $(rate "$2" "$3") points/s, $(rate "$(rate "$2" "$3")" "$NPROC") per core"
}

# ran FORK_DIR: how the fork engine ran its points
ran() {
    python3 -c "import json; e = json.load(open('$1/results.json'))['targets'][0]['engine']; print('fork:', e['forked'], 'forked;', e['exec_state'], 'exec\'d for state,', e['exec_threads'], 'for threads,', e['exec_other'], 'past its run')"
}

# agreement EXEC_DIR FORK_DIR: the points where both engines give one
# class, and one signature (one build's: another build's shim, at
# another path, can number the allocations otherwise)
agreement() {
    python3 - "$1" "$2" <<'PY'
import json, sys
ex, fk = ({t["point"]: t for t in json.load(open(d + "/results.json"))["trials"]}
          for d in sys.argv[1:3])
both = sorted(set(ex) & set(fk))
same_class = sum(ex[p]["class"] == fk[p]["class"] for p in both)
same_sig = sum(ex[p]["signature"] == fk[p]["signature"] for p in both)
print(f"same class at {same_class} of {len(both)} points, same signature at {same_sig}")
PY
}

loop() { # MODULE SCRIPT TAG
    if ! "$PY" -c "import $1" 2>/dev/null; then
        echo "== $2: skipped, $PY has no $1 (apt-get install python3-$1)"
        return
    fi
    echo "== $2: every ${STRIDE}th point of its region, oneshot"
    read -r ne se < <(sweep "$PYFAULT" exec "$OUT/${3}e" "$2")
    read -r nf sf < <(sweep "$PYFAULT" fork "$OUT/${3}f" "$2")
    report exec "$ne" "$se"
    report fork "$nf" "$sf"
    ran "$OUT/${3}f"
    agreement "$OUT/${3}e" "$OUT/${3}f"
    echo "fork/exec points per second: $(ratio "$(rate "$nf" "$sf")" "$(rate "$ne" "$se")")"
    if [ -n "${OLD:-}" ]; then
        read -r no so < <(sweep "$OLD" fork "$OUT/${3}o" "$2")
        report "fork, $OLD" "$no" "$so"
        ran "$OUT/${3}o"
        echo "fork, this build / $OLD: $(ratio "$(rate "$nf" "$sf")" "$(rate "$no" "$so")")"
    fi
}

loop uvloop "$ROOT/bench/data/uvloop_echo.py" u
loop gevent "$ROOT/bench/data/gevent_echo.py" g
