#!/bin/bash
# fork_faults.sh: what a forked trial pays for sharing its server's pages.
# A forked trial of a short region script writes to most of the pages it
# inherited (reference counts, the collector's links at finalization), so
# each write takes a copy-on-write fault where an exec'd trial maps fresh
# pages. Sweeps bench/data/short_region.py (every point, both modes) at
# -j 1 and at the fork engine's default -j (cores + 1), under each engine
# inside /usr/bin/time -v, whose counts take in every
# process the harness reaped (the counting run, the server, the trials),
# and prints per trial: wall time, minor faults and CPU time, and the
# fork/exec ratio of each. Prints figures and ratios; asserts nothing.
set -euo pipefail
. "$(dirname "$0")/harness_lib.bash"
cd "$ROOT"
[ -x "$PYFAULT" ] || { echo "fork_faults.sh: $PYFAULT is missing (make)" >&2; exit 2; }
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

# sweep ENGINE JOBS...: "TRIALS WALL_S MINOR_FAULTS CPU_S" of one sweep
sweep() {
    local engine=$1
    shift
    /usr/bin/time -v -o "$OUT/$engine.time" "$PYFAULT" sweep -q "$@" --engine "$engine" \
        --mode both --inject region --out "$OUT/$engine" --python "$PY" \
        bench/data/short_region.py >/dev/null || [ $? -eq 1 ]
    local n
    n=$(python3 -c "import json; print(len(json.load(open('$OUT/$engine/results.json'))['trials']))")
    awk -v n="$n" -F': ' '
        /Elapsed \(wall clock\)/ { k = split($2, t, ":"); w = 0; for (i = 1; i <= k; i++) w = w * 60 + t[i] }
        /Minor \(reclaiming a frame\) page faults/ { f = $2 }
        /User time/ { u = $2 } /System time/ { s = $2 }
        END { print n, w, f, u + s }' "$OUT/$engine.time"
}
# per TOTAL TRIALS SCALE: TOTAL * SCALE / TRIALS, 2 decimals
per() { awk -v a="$1" -v n="$2" -v k="$3" 'BEGIN { printf "%.2f", a * k / n }'; }

# both JOBS_LABEL JOBS_ARGS...: the two engines' sweeps and their figures
both() {
    local label=$1
    shift
    read -r fn fw ff fc < <(sweep fork "$@")
    read -r en ew ef ec < <(sweep exec "$@")
    local fwt ewt fft eft fct ect
    fwt=$(per "$fw" "$fn" 1000) ewt=$(per "$ew" "$en" 1000)
    fft=$(per "$ff" "$fn" 1) eft=$(per "$ef" "$en" 1)
    fct=$(per "$fc" "$fn" 1000) ect=$(per "$ec" "$en" 1000)
    echo "== bench/data/short_region.py, every point, both modes, $label ($fn and $en trials)"
    printf '%-6s %12s %16s %12s\n' engine "wall/trial" "minor faults" "CPU/trial"
    printf '%-6s %9s ms %16s %9s ms\n' fork "$fwt" "$fft" "$fct"
    printf '%-6s %9s ms %16s %9s ms\n' exec "$ewt" "$eft" "$ect"
    echo "fork/exec a trial: wall $(ratio "$fwt" "$ewt"), minor faults $(ratio "$fft" "$eft")," \
         "CPU $(ratio "$fct" "$ect")"
}

both "-j 1" -j 1
echo
both "-j $((NPROC + 1)) for both (the fork engine's default)" -j "$((NPROC + 1))"
