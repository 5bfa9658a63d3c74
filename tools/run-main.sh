#!/bin/bash
# run-main.sh: the main job behind `make run`, as far as the project goes
# today: a persistent allocation-failure sweep of the interpreter's
# start-up (every STRIDE-th point), classified and deduplicated, with
# results in reports/latest/results.json.
#
#   PYTHON=/path/to/python make run     any existing CPython build
#   STRIDE=10 make run                  a finer sweep
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-/usr/bin/python3.11}
STRIDE=${STRIDE:-25}
OUT=${OUT:-reports/latest}

if [ ! -x "$PY" ]; then
    echo "run: no interpreter at $PY (set PYTHON=...)" >&2
    exit 2
fi
mkdir -p "$OUT"
echo "run: persistent start-up sweep of $PY -c pass, every ${STRIDE}th allocation"
status=0
build/pyfault sweep --mode persistent --stride "$STRIDE" --out "$OUT" \
    -- "$PY" -c pass || status=$?
# 1 means findings outside ok/error: that is what the sweep is for.
if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
    echo "run: the sweep failed (exit $status)" >&2
    exit "$status"
fi
echo "run: results in $OUT/results.json"
