#!/bin/sh
# pyfault-ci.sh STEP ...: the commands every CI template runs (GitHub
# Actions, GitLab CI, a batch cluster), in one place so that `make test`
# runs exactly what CI runs (tests/harness/test_ci.c).
#
#   pyfault-ci.sh shard I N OUT        shard I of N of the sweep -> OUT/results.json
#   pyfault-ci.sh shard auto OUT       the shard the scheduler gave (sweep --shard
#                                      auto: Slurm array, Kubernetes, GitLab)
#   pyfault-ci.sh merge OUT SHARD...   SHARD/results.json... -> OUT/results.json,
#                                      then OUT/index.html, junit.xml, summary.md
#   pyfault-ci.sh gate OUT             gate OUT/results.json against the baseline:
#                                      OUT/gate.txt, OUT/junit.xml (the gate's
#                                      verdict), the gate appended to summary.md;
#                                      exit 1 on new findings, broken expectations
#                                      or an incomplete run (the gate's status)
#
# What is swept (environment; the defaults are this repository's CI):
#   PYFAULT_CI_TARGET    the command swept   (build/cpython/3.11-patched/python -c pass)
#   PYFAULT_CI_MODE      oneshot|persistent|both               (persistent)
#   PYFAULT_CI_PLAN      the points: sites (the first allocation of
#                        each distinct call site, which names the same
#                        allocations whatever the environment shifts),
#                        sites:log, sites:K or all (sweep --plan)  (sites)
#   PYFAULT_CI_STRIDE    every Kth point of the plan; of a sites
#                        plan, one call site in K (by its key)  (1)
#   PYFAULT_CI_ACCEPT    the classes the sweep expects; others are
#                        violated expectations unless the baseline
#                        knows their finding                    (ok,error,fatal)
#   PYFAULT_CI_BASELINE  the committed baseline                 (ci/baseline.json)
#   PYFAULT_CI_JOBS      trials in parallel per shard           (cores)
# Run from the top of the pyfault tree, after `make` (and `make cpython`
# for the default target).
set -eu

PYFAULT=${PYFAULT:-build/pyfault}
TARGET=${PYFAULT_CI_TARGET:-build/cpython/3.11-patched/python -c pass}
MODE=${PYFAULT_CI_MODE:-persistent}
PLAN=${PYFAULT_CI_PLAN:-sites}
STRIDE=${PYFAULT_CI_STRIDE:-1}
ACCEPT=${PYFAULT_CI_ACCEPT:-ok,error,fatal}
BASELINE=${PYFAULT_CI_BASELINE:-ci/baseline.json}

die() { echo "pyfault-ci: $*" >&2; exit 2; }

step=${1:-}
[ -n "$step" ] || die "usage: pyfault-ci.sh shard I N OUT | shard auto OUT | merge OUT SHARD... | gate OUT"
shift
case $step in
shard)
    if [ $# -eq 2 ] && [ "$1" = auto ]; then
        shard=auto out=$2
    else
        [ $# -eq 3 ] || die "usage: pyfault-ci.sh shard I N OUT | shard auto OUT"
        shard=$1/$2 out=$3
    fi
    jobs=""
    [ -n "${PYFAULT_CI_JOBS:-}" ] && jobs="-j $PYFAULT_CI_JOBS"
    # Findings make the sweep exit 1: that is the gate's business, not a
    # shard's. 2 (harness error) and 130 (interrupted) fail the job.
    mkdir -p "$out"
    status=0
    if [ -f "$out/journal.jsonl" ]; then
        # run before and stopped (a requeued task, a killed runner): go on
        # from its journal. The options and target are given again, so a
        # journal of another sweep (another shard, target or mode: an OUT
        # used twice) is refused, not reported as this one. Slurm adds
        # SLURM_RESTART_COUNT to a requeued task: one more variable would
        # move CPython's allocation numbers, and resume refuses a target
        # whose count changed.
        echo "pyfault-ci: shard $shard: resumed from $out/journal.jsonl"
        # shellcheck disable=SC2086 # TARGET and jobs are word lists
        env -u SLURM_RESTART_COUNT "$PYFAULT" sweep -q $jobs --resume "$out" --mode "$MODE" \
            --plan "$PLAN" --stride "$STRIDE" --accept "$ACCEPT" --shard "$shard" -- $TARGET ||
            status=$?
    else
        # shellcheck disable=SC2086 # TARGET and jobs are word lists
        "$PYFAULT" sweep -q $jobs --mode "$MODE" --plan "$PLAN" --stride "$STRIDE" \
            --accept "$ACCEPT" --shard "$shard" --out "$out" -- $TARGET || status=$?
    fi
    [ $status -le 1 ] || exit $status
    echo "pyfault-ci: shard $shard: $out/results.json"
    ;;
merge)
    [ $# -ge 2 ] || die "usage: pyfault-ci.sh merge OUT SHARD..."
    out=$1
    shift
    mkdir -p "$out"
    files=""
    for d in "$@"; do
        [ -f "$d/results.json" ] || die "$d/results.json: no such file (a shard is missing)"
        files="$files $d/results.json"
    done
    # shellcheck disable=SC2086 # one word per shard file (no spaces in CI paths)
    "$PYFAULT" merge $files -o "$out/results.json"
    "$PYFAULT" report "$out"
    ;;
gate)
    [ $# -eq 1 ] || die "usage: pyfault-ci.sh gate OUT"
    out=$1
    [ -f "$BASELINE" ] || die "$BASELINE: no baseline (make one: $PYFAULT gate --baseline $BASELINE --update-baseline $out/results.json)"
    status=0
    "$PYFAULT" gate --baseline "$BASELINE" --junit "$out/junit.xml" "$out/results.json" \
        > "$out/gate.txt" || status=$?
    # 1: new findings, broken expectations, or an incomplete run (a shard
    # missing or interrupted: the gate's "INCOMPLETE run" line)
    [ $status -le 1 ] || exit $status
    cat "$out/gate.txt"
    {
        echo
        echo "## Gate (baseline \`$BASELINE\`)"
        echo
        echo '```'
        head -c 12000 "$out/gate.txt"
        echo '```'
    } >> "$out/summary.md"
    exit $status
    ;;
*)
    die "unknown step '$step' (shard, merge or gate)"
    ;;
esac
