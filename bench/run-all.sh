#!/bin/bash
# run-all.sh: every benchmark in bench/, one after the other.
set -euo pipefail
cd "$(dirname "$0")/.."
for b in bench/*.sh; do
    [ "$b" = bench/run-all.sh ] && continue
    echo "=== $b"
    "$b"
    echo
done
