#!/bin/bash
# run-main.sh: the main job behind `make run`: every scenario on every
# interpreter variant (Debian's python3.11 and the vanilla, patched and
# regress builds that `make cpython` made, or those that PYFAULT_VARIANTS
# names, mk/cpython.mk), a persistent start-up sweep on
# each, results in reports/latest/ (results.json, junit.xml, summary.md,
# index.html) and the scenario x interpreter matrix on stdout.
#
#   STARTUP_STRIDE=25 make run     a finer start-up sweep (default 100)
#   PYFAULT_ENGINE=exec make run    sweep cells exec every trial (default
#                                   fork: the same classes and signatures
#                                   at every point, in half the time)
#   PYFAULT_ONLY_SYSTEM=1 make run  skip the CPython builds: Debian's 3.11 only
#   PYFAULT_VARIANTS="3.14-vanilla 3.14t-vanilla" make run
#                                   build and run those (and Debian's 3.11)
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${OUT:-reports/latest}
STRIDE=${STARTUP_STRIDE:-100}
args=(--startup-stride "$STRIDE" --engine "${PYFAULT_ENGINE:-fork}" --out "$OUT")
if [ "${PYFAULT_ONLY_SYSTEM:-0}" = 1 ]; then
    args+=(--interp system=/usr/bin/python3.11)
else
    start=$(date +%s)
    make --no-print-directory cpython
    echo "run: interpreters ready in $(( $(date +%s) - start )) s"
    # The same list make built (its default, or PYFAULT_VARIANTS).
    args+=(--interp system=/usr/bin/python3.11)
    for v in $(make --no-print-directory -s cpython-list); do
        args+=(--interp "$v=build/cpython/$v/python")
    done
fi
mkdir -p "$OUT"
status=0
build/pyfault matrix "${args[@]}" || status=$?
# 1: some cell differs from its expectation; the matrix marks which.
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
    echo "run: the matrix failed (exit $status)" >&2
    exit "$status"
fi
exit "$status"
