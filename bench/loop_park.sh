#!/bin/bash
# loop_park.sh: what an unwind loop costs a persistent start-up sweep
# (python3.11 -c pass, every STRIDE-th point, --engine fork): wall and CPU
# time (the harness, the server and the trials), the unwind-loop trials
# and the failures each made before it was called. The shim parks a
# loop's thread at the counted proof (PYFAULT_LOOP_PARK); with
# OLD_SHIM=path/to/libpyfault.so, that build runs in turn with this one,
# ROUNDS times each, and the CPU ratio is printed. Both shims are copied to
# paths of one length, so the targets' environments (and counts) match.
# Prints figures and ratios; asserts nothing.
set -eu
. "$(dirname "$0")/harness_lib.bash"

STRIDE=${STRIDE:-5}
ROUNDS=${ROUNDS:-3}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT
cp "$SHIM" "$OUT/new.so"
[ -n "${OLD_SHIM:-}" ] && cp "$OLD_SHIM" "$OUT/old.so"

# sweep TAG: prints "wall cpu loops failures-per-loop"
sweep() {
    local tag=$1 t
    rm -rf "$OUT/$tag"
    t=$( { TIMEFORMAT='%R %U %S'; time PYFAULT_SHIM="$OUT/$tag.so" "$PYFAULT" sweep -q \
        --engine fork --mode persistent --stride "$STRIDE" --out "$OUT/$tag" -- "$PY" -c pass \
        >/dev/null 2>&1 || [ $? -eq 1 ]; } 2>&1 | tail -1)
    python3 - "$OUT/$tag/results.json" $t <<'PY'
import json, sys
trials = json.load(open(sys.argv[1]))["trials"]
wall, user, sys_ = map(float, sys.argv[2:5])
loops = [t["injected"] for t in trials if t["class"] == "unwind-loop"]
print(f"{wall:.2f} {user + sys_:.2f} {len(loops)} {sum(loops) / max(len(loops), 1):.0f}")
PY
}

echo "== persistent start-up sweep of $PY -c pass, every ${STRIDE}th point, --engine fork, -j default"
tags=(new)
[ -n "${OLD_SHIM:-}" ] && tags=(old new)
declare -A cpu
for round in $(seq "$ROUNDS"); do
    for tag in "${tags[@]}"; do
        read -r wall c loops per < <(sweep "$tag")
        cpu[$tag]=$(awk -v a="${cpu[$tag]:-0}" -v b="$c" 'BEGIN { print a + b }')
        echo "round $round, $tag shim: $wall s wall, $c s CPU; $loops unwind-loop trials, $per failures each"
    done
done
if [ -n "${OLD_SHIM:-}" ]; then
    echo "CPU, old / this shim (sum of $ROUNDS rounds): $(ratio "${cpu[old]}" "${cpu[new]}")"
fi
