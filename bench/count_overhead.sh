#!/bin/bash
# count_overhead.sh: what loading libpyfault.so in count-only mode costs
# python3.11 -c pass in the libc layer (PYTHONMALLOC=malloc on both sides;
# bench/pymem_overhead.sh measures the pymem layer), as the median of
# per-pair ratios over alternating runs. Prints figures; asserts nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/need_bin.bash
need_bin alternate
PY=${PYTHON:-/usr/bin/python3.11}
RUNS=${RUNS:-201}
export PYTHONMALLOC=malloc PYTHONHASHSEED=0
echo "count-mode overhead: $PY -c pass, A = plain, B = LD_PRELOAD=build/libpyfault.so PYFAULT=count,layer=libc"
ALT_B_ENV="LD_PRELOAD=$PWD/build/libpyfault.so PYFAULT=count,layer=libc" \
    build/bench/alternate "$RUNS" -- "$PY" -c pass -- "$PY" -c pass
echo
echo "a heavier start-up: $PY -c 'import json, decimal, email.parser'"
ALT_B_ENV="LD_PRELOAD=$PWD/build/libpyfault.so PYFAULT=count,layer=libc" \
    build/bench/alternate "$((RUNS / 2 + 1))" -- "$PY" -c 'import json, decimal, email.parser' -- "$PY" -c 'import json, decimal, email.parser'
echo
echo "the shim against its own backing allocator: A = LD_PRELOAD=libjemalloc.so.2 (Debian's), B = the shim"
ALT_A_ENV="LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2" \
ALT_B_ENV="LD_PRELOAD=$PWD/build/libpyfault.so PYFAULT=count,layer=libc" \
    build/bench/alternate "$RUNS" -- "$PY" -c pass -- "$PY" -c pass
