#!/bin/bash
# precopy.sh: what a forked trial gains by copying its server's pages in
# one go once it has begun writing them (injectors/precopy.c), against
# copying each on its first write (--inject no-precopy). Two fork-engine
# sweeps, alternating ROUNDS times (3) at -j 1 and at the fork engine's
# default -j (cores + 1): bench/data/import_heavy.py's body swept as a
# region (the imports outside it; every HEAVY_STRIDE-th point, 4, oneshot)
# and a start-up
# sweep of python3.11 -c pass (every STRIDE-th point, 40, both modes).
# Prints, per sweep, the median wall time, mean trial time, the forked
# trials that copied at once, and the ratios. Asserts nothing.
set -euo pipefail
. "$(dirname "$0")/harness_lib.bash"
cd "$ROOT"
[ -x "$PYFAULT" ] || { echo "precopy.sh: $PYFAULT is missing (make)" >&2; exit 2; }
ROUNDS=${ROUNDS:-3}
STRIDE=${STRIDE:-40}
HEAVY_STRIDE=${HEAVY_STRIDE:-4}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# the body of import_heavy.py in a region, its imports outside
python3 - "$OUT/heavy_region.py" <<'PY'
import sys
src = open("bench/data/import_heavy.py").read().splitlines()
body = [l for l in src if l and not l.startswith(("#", "import "))]
head = [l for l in src if l.startswith("import ")]
open(sys.argv[1], "w").write("\n".join(head + ["import pyfault", "with pyfault.region():"] + ["    " + l for l in body]) + "\n")
PY

# one KIND FILTERS JOBS: "WALL_S MEAN_TRIAL_MS TRIALS PRECOPIED" of one sweep
one() {
    local kind=$1 filters=$2 jobs=$3 t0 t1
    t0=$(now)
    if [ "$kind" = heavy ]; then
        "$PYFAULT" sweep -q -j "$jobs" --engine fork --stride "$HEAVY_STRIDE" --inject "$filters" \
            --out "$OUT/s" \
            --python "$PY" "$OUT/heavy_region.py" >/dev/null || [ $? -eq 1 ]
    else
        "$PYFAULT" sweep -q -j "$jobs" --engine fork --mode both --stride "$STRIDE" \
            ${filters:+--inject "$filters"} --out "$OUT/s" -- "$PY" -c pass >/dev/null || [ $? -eq 1 ]
    fi
    t1=$(now)
    python3 -c "
import json, statistics
r = json.load(open('$OUT/s/results.json'))
t = r['trials']
print('%.2f %.2f %d %d' % ($t1 - $t0, statistics.mean(x['duration_ms'] for x in t), len(t),
                           r['targets'][0]['engine'].get('precopied', 0)))"
}

# median FILE: the median of a file of numbers
median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# compare LABEL KIND ON_FILTERS OFF_FILTERS JOBS: alternating rounds of each
compare() {
    local label=$1 kind=$2 on=$3 off=$4 jobs=$5 r w m n p
    : >"$OUT/on.w" >"$OUT/on.m" >"$OUT/off.w" >"$OUT/off.m"
    for r in $(seq "$ROUNDS"); do
        read -r w m n p < <(one "$kind" "$on" "$jobs")
        echo "$w" >>"$OUT/on.w"; echo "$m" >>"$OUT/on.m"; local ons=$n onp=$p
        read -r w m n p < <(one "$kind" "$off" "$jobs")
        echo "$w" >>"$OUT/off.w"; echo "$m" >>"$OUT/off.m"
    done
    local onw onm offw offm
    onw=$(median "$OUT/on.w") onm=$(median "$OUT/on.m")
    offw=$(median "$OUT/off.w") offm=$(median "$OUT/off.m")
    echo "== $label, -j $jobs, $ons trials, median of $ROUNDS alternating rounds"
    echo "  copied at once ($onp of the forked trials): wall $onw s, mean trial $onm ms"
    echo "  no-precopy: wall $offw s, mean trial $offm ms"
    echo "  with/without: wall $(ratio "$onw" "$offw"), mean trial $(ratio "$onm" "$offm")"
}

for jobs in 1 $((NPROC + 1)); do
    compare "import_heavy.py's body as a region, every ${HEAVY_STRIDE}th point, oneshot" heavy region region,no-precopy "$jobs"
    compare "start-up of $PY -c pass, every ${STRIDE}th point, both modes" startup "" no-precopy "$jobs"
done
