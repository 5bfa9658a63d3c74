#!/bin/bash
# failure_cost.sh: what one injected failure costs the target when every
# allocation fails, as in an unwind loop (thousands before the verdict):
# bench/failure_cost.c, N (default 200,000) malloc(32) calls under
# PYFAULT=from=1, DEPTH frames down (8, then 64: a Python stack is deep),
# RUNS (default 9) runs each, medians. OLD_SHIM=path/to/libpyfault.so
# measures another build of the shim beside this one. Prints ns per
# failure and the ratio; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/need_bin.bash
need_bin failure_cost
N=${N:-200000}
RUNS=${RUNS:-9}
SHIM=$PWD/build/libpyfault.so
BIN=build/bench/failure_cost

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# measure SHIM DEPTH: the median ns per failure over RUNS runs
measure() {
    for _ in $(seq "$RUNS"); do
        LD_PRELOAD="$1" PYFAULT=from=1 "$BIN" "$2" "$N" | awk '/^ns_per_failure/ { print $2 }'
    done | median
}

echo "failure cost: $N malloc(32) under from=1, median of $RUNS runs"
for depth in 8 64; do
    new=$(measure "$SHIM" "$depth")
    echo "depth $depth: this shim $new ns/failure"
    if [ -n "${OLD_SHIM:-}" ]; then
        old=$(measure "$OLD_SHIM" "$depth")
        awk -v a="$old" -v b="$new" 'BEGIN { printf "depth %s: OLD_SHIM %s ns/failure (x%.2f this shim)\n", "'"$depth"'", a, a / b }'
    fi
done
