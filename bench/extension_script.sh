#!/bin/bash
# extension_script.sh: issue 10's own example, a six-line script that
# imports four C extensions and round-trips data through each
# (data/four_extensions.py: brotli, markupsafe, regex, xxhash), swept as
# its user first swept it (exec, every point of the script's own run,
# site=_PyRun_SimpleFileObject, both modes) and with what pyfault has
# since: the fork engine, the extensions' own allocations (dso=), one
# point per call site (--plan sites), and both together. Each way sweeps
# an even sample of its plan (about SAMPLE points, 40, by --stride) at
# the default -j, and projects the whole plan's wall time from the
# sample's trials per second (the sample's counting run and start
# included, so the projection errs long). The last way is then run
# whole, with its classes and crash signatures. Prints figures and
# ratios; asserts nothing. Needs python3-{brotli,markupsafe,regex,xxhash}
# (make deps installs them).
set -euo pipefail
. "$(dirname "$0")/harness_lib.bash"
cd "$ROOT"

SCRIPT=bench/data/four_extensions.py
SAMPLE=${SAMPLE:-40}
SCRIPT_SITE=site=_PyRun_SimpleFileObject
OWN_DSOS='dso=*_brotli*|*_speedups*|*_regex*|*_xxhash*'
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

if ! "$PY" -c 'import brotli, markupsafe, regex, xxhash' 2>/dev/null; then
    echo "extension_script: skipped: $PY lacks brotli, markupsafe, regex or xxhash (make deps)"
    exit 0
fi

# plan_size ENGINE INJECT PLAN: the points of that plan (one counting run)
plan_size() {
    "$PYFAULT" sweep -q --range 1:1 --engine "$1" --inject "$2" --plan "$3" --out "$OUT/probe" \
        --python "$PY" "$SCRIPT" >/dev/null || [ $? -eq 1 ]
    python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['targets'][0]['plan']['chosen'])" \
        "$OUT/probe/results.json"
}

# way LABEL ENGINE INJECT PLAN: one line of figures for that way of sweeping
way() {
    local label=$1 engine=$2 inject=$3 plan=$4 points stride t0 t1 wall
    points=$(plan_size "$engine" "$inject" "$plan")
    stride=$(( points / SAMPLE > 1 ? points / SAMPLE : 1 ))
    t0=$(now)
    "$PYFAULT" sweep -q --mode both --stride "$stride" --engine "$engine" --inject "$inject" \
        --plan "$plan" --out "$OUT/s" --python "$PY" "$SCRIPT" >/dev/null || [ $? -eq 1 ]
    t1=$(now)
    wall=$(elapsed "$t0" "$t1")
    read -r trials forked < <(python3 -c "
import json, sys
d = json.load(open(sys.argv[1]))
print(len(d['trials']), d['targets'][0]['engine'].get('forked', 0))" "$OUT/s/results.json")
    local per_s whole
    per_s=$(rate "$trials" "$wall")
    # the whole plan, both modes, at the sample's pace, in seconds
    whole=$(awk -v p="$points" -v n="$trials" -v w="$wall" 'BEGIN { printf "%.1f", 2 * p * w / n }')
    BASE_WHOLE=${BASE_WHOLE:-$whole}
    printf '%-36s %6d points %6d trials | sample %3d trials, %3d forked, %6.2f s: %5.1f/s | whole plan %8.1f min  x%s\n' \
        "$label" "$points" "$((2 * points))" "$trials" "$forked" "$wall" "$per_s" \
        "$(awk -v s="$whole" 'BEGIN { printf "%.1f", s / 60 }')" "$(ratio "$BASE_WHOLE" "$whole")"
}

echo "target: $PY $SCRIPT, --mode both, -j default ($NPROC cores), a sample of about $SAMPLE points a way"
echo "x: how many times shorter than the first way's whole plan"
way "exec, every point (the issue's way)" exec "$SCRIPT_SITE" all
way "fork, every point" fork "$SCRIPT_SITE" all
way "fork, every point, --plan sites" fork "$SCRIPT_SITE" sites
way "fork, dso= the four extensions" fork "$OWN_DSOS" all
way "fork, dso=, --plan sites" fork "$OWN_DSOS" sites

# the last way run whole: what its projection said against what it takes,
# and what an extension author gets from it
t0=$(now)
"$PYFAULT" sweep -q --mode both --engine fork --inject "$OWN_DSOS" --plan sites --out "$OUT/whole" \
    --python "$PY" "$SCRIPT" >/dev/null || [ $? -eq 1 ]
t1=$(now)
python3 - "$OUT/whole/results.json" "$(elapsed "$t0" "$t1")" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
crashes = sorted({f["signature"] for f in d["findings"] if f["class"] not in ("ok", "error")})
counts = ", ".join("%s %d" % kv for kv in sorted(d["summary"]["counts"].items()))
print("fork, dso=, --plan sites, whole: %d trials in %.1f s (%s); %d distinct crash signatures:"
      % (len(d["trials"]), float(sys.argv[2]), counts, len(crashes)))
for s in crashes:
    print("  " + s)
PY
