#!/bin/bash
# pymem_overhead.sh: what the pymem layer (CPython's allocator API, with
# pymalloc in place) costs in count-only mode, against the same interpreter
# without the shim and against the libc layer, on `-c pass` and on an
# import-heavy start-up; then how many allocations each layer counts on
# the same script. Medians of per-pair ratios over alternating runs
# (build/bench/alternate). Prints figures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/need_bin.bash
need_bin alternate
PY=${PYTHON:-/usr/bin/python3.11}
RUNS=${RUNS:-101}
SHIM=$PWD/build/libpyfault.so
HEAVY='import json, decimal, email.parser, argparse, asyncio, xml.etree.ElementTree, sqlite3, unittest'
export PYTHONHASHSEED=0
unset PYTHONMALLOC

compare() { # TITLE A_ENV B_ENV CODE RUNS
    echo "$1"
    ALT_A_ENV="$2" ALT_B_ENV="$3" build/bench/alternate "$5" -- "$PY" -c "$4" -- "$PY" -c "$4"
    echo
}

compare "pymem layer vs no shim, $PY -c pass (A = plain, B = PYFAULT=count)" \
    "LD_PRELOAD=" "LD_PRELOAD=$SHIM PYFAULT=count,layer=pymem" pass "$RUNS"
compare "pymem layer vs no shim, import-heavy ($HEAVY)" \
    "LD_PRELOAD=" "LD_PRELOAD=$SHIM PYFAULT=count,layer=pymem" "$HEAVY" "$((RUNS / 2 + 1))"
compare "pymem layer vs libc layer, -c pass (A = layer=libc, B = layer=pymem; pymalloc on both)" \
    "LD_PRELOAD=$SHIM PYFAULT=count,layer=libc" "LD_PRELOAD=$SHIM PYFAULT=count,layer=pymem" pass "$RUNS"
compare "pymem layer vs libc layer, import-heavy" \
    "LD_PRELOAD=$SHIM PYFAULT=count,layer=libc" "LD_PRELOAD=$SHIM PYFAULT=count,layer=pymem" "$HEAVY" "$((RUNS / 2 + 1))"

# count LAYER [PYTHONMALLOC]: the allocations the layer counts on the
# import-heavy start-up (the log's summary line).
count() {
    local log
    log=$(mktemp)
    env ${2:+PYTHONMALLOC=$2} LD_PRELOAD="$SHIM" PYFAULT="count,layer=$1,log=$log" \
        "$PY" -c "$HEAVY"
    grep '"summary"' "$log" | head -1 | sed 's/.*"allocations":\([0-9]*\).*/\1/'
    rm -f "$log"
}
echo "eligible allocations per layer, import-heavy start-up ($PY):"
pymem=$(count pymem)
libc=$(count libc)
all=$(count all)
old=$(count libc malloc)
printf '  %-44s %8s\n' "pymem (default; pymalloc in place)" "$pymem" \
    "libc (pymalloc in place)" "$libc" \
    "all (each allocation once)" "$all" \
    "libc with PYTHONMALLOC=malloc (before pymem)" "$old"
awk -v p="$pymem" -v l="$libc" -v a="$all" -v o="$old" 'BEGIN {
    printf "  pymem / libc = %.2f; all / (pymem + libc) = %.3f; pymem / old libc+malloc = %.3f\n", p / l, a / (p + l), p / o }'
