#!/bin/bash
# plan_sites.sh: --plan sites, sites:log and sites:K against --plan all on
# a start-up sweep (-c pass, both modes): trials, wall time, and the recall
# of the crash signatures (classes other than ok and error) and of every
# signature that --plan all finds. Prints figures and ratios; asserts
# nothing. PY=... picks the interpreter (default: build/cpython's
# 3.11-patched when built, else /usr/bin/python3.11); PLANS=... the plans
# (PLAN+data: that plan with --inject sites-data).
set -eu
. "$(dirname "$0")/harness_lib.bash"

if [ -x "$ROOT/build/cpython/3.11-patched/python" ] && [ "${PY_SET:-}" = "" ]; then
    PY=$ROOT/build/cpython/3.11-patched/python
fi
PLANS=${PLANS:-"sites sites:log sites:4 sites+data"}
MODE=${MODE:-both}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

sweep() { # $1 = plan (PLAN+data: with --inject sites-data), $2 = out dir; prints the wall time
    local t0 t1 plan=${1%+data} inject=()
    [ "$plan" = "$1" ] || inject=(--inject sites-data)
    t0=$(now)
    "$PYFAULT" sweep -q --mode "$MODE" --plan "$plan" "${inject[@]}" --out "$2" -- "$PY" -c pass >/dev/null || [ $? -eq 1 ]
    t1=$(now)
    elapsed "$t0" "$t1"
}

echo "target: $PY -c pass, --mode $MODE, -j $NPROC"
all_s=$(sweep all "$OUT/all")
python3 - "$OUT/all/results.json" "$all_s" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print("plan all: %d trials in %ss" % (d["planned"], sys.argv[2]))
PY
for plan in $PLANS; do
    dir=$OUT/${plan//:/_}
    s=$(sweep "$plan" "$dir")
    python3 - "$OUT/all/results.json" "$dir/results.json" "$plan" "$s" "$all_s" <<'PY'
import json, sys
def load(p, crashes):
    d = json.load(open(p))
    sigs = {(f["class"], f["signature"]) for f in d["findings"]
            if not (crashes and f["class"] in ("ok", "error"))}
    return d, sigs
a, ac = load(sys.argv[1], True)
p, pc = load(sys.argv[2], True)
_, aa = load(sys.argv[1], False)
_, pa = load(sys.argv[2], False)
plan = p["targets"][0]["plan"]
print("plan %s: %d sites, %d of %d allocations chosen; %d trials in %ss (%.1fx fewer trials, "
      "%.1fx less time); crash signatures %d/%d (%.1f%%), all signatures %d/%d (%.1f%%)" % (
      sys.argv[3], plan["sites"], plan["chosen"], plan["of"], p["planned"], sys.argv[4],
      a["planned"] / p["planned"], float(sys.argv[5]) / float(sys.argv[4]),
      len(ac & pc), len(ac), 100.0 * len(ac & pc) / max(1, len(ac)),
      len(aa & pa), len(aa), 100.0 * len(aa & pa) / max(1, len(aa))))
PY
done
