#!/bin/bash
# threaded_overhead.sh: what the shim's count-only mode costs an
# allocation when threads allocate at once (the control page's counters
# are shared by all of them): bench/threaded_alloc.c, THREADS (default 2)
# threads x N (default 2,000,000) malloc/free pairs, RUNS (default 9)
# runs each, medians. A = Debian's jemalloc alone (the shim's own backing
# allocator), B = the shim (SHIM=path to compare another build of it).
# Prints ns per allocation and the overhead; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/need_bin.bash
need_bin threaded_alloc
THREADS=${THREADS:-2}
N=${N:-2000000}
RUNS=${RUNS:-9}
SHIM=${SHIM:-$PWD/build/libpyfault.so}
JEMALLOC=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
BIN=build/bench/threaded_alloc

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# measure ENV...: the median ns per allocation over RUNS runs
measure() {
    for _ in $(seq "$RUNS"); do
        env "$@" "$BIN" "$THREADS" "$N" | awk '/^ns_per_alloc/ { print $2 }'
    done | median
}

echo "threaded overhead: $THREADS threads x $N malloc(32)/free, median of $RUNS runs"
A=$(measure LD_PRELOAD="$JEMALLOC")
B=$(measure LD_PRELOAD="$SHIM" PYFAULT=count)
echo "A jemalloc alone:        $A ns/allocation"
echo "B shim, count-only:      $B ns/allocation   ($SHIM)"
awk -v a="$A" -v b="$B" 'BEGIN { printf "overhead B - A:          %.2f ns/allocation (x%.2f)\n", b - a, b / a }'
