#!/bin/bash
# run-all.sh: runs every test program (plain, ASan, UBSan builds; a
# sanitized build's harness tests drive that build's pyfault) and ends
# with one line "N passed, N failed, N skipped" summed over all of them,
# after each skipped test's reason (its "skipped: ..." line), once.
# Each program's time follows it, and the slowest are listed at the end.
# A program that runs past PYFAULT_TEST_TIMEOUT seconds (default 2700)
# is stopped with its process group and counted as one failure, so that
# a hang names itself rather than eating the CI run's time. The longest
# (test_fork_state; test_plan_recall under PYFAULT_SLOW=1) take minutes
# alone and ran past 1,800 s beside `make run`'s CPython builds; a hang's
# 2,700 s still leaves a CI run inside its 5,400.
set -u
cd "$(dirname "$0")/.."

passed=0
failed=0
skipped=0
failed_programs=()
skip_reasons=()
times=()
limit=${PYFAULT_TEST_TIMEOUT:-2700}

run_one() {
    local prog=$1 out rc p f
    echo "=== $prog"
    out=$(mktemp)
    local began=$SECONDS
    # timeout puts the program in a process group of its own and stops
    # the whole group; its pyfault commands end their trials on SIGTERM
    timeout --kill-after=30 "$limit" "$prog" 2>&1 | tee "$out"
    rc=${PIPESTATUS[0]}
    local took=$((SECONDS - began))
    echo "--- ${prog}: ${took} s"
    times+=("$took $prog")
    # 124: timeout's TERM ended it; 137 is any SIGKILL (the OOM killer's
    # too), timeout's only once the limit has passed
    if [ "$rc" -eq 124 ] || { [ "$rc" -eq 137 ] && [ "$took" -ge "$limit" ]; }; then
        echo "TIMEOUT: $prog ran past ${limit} s and was stopped"
    elif [ "$rc" -gt 128 ]; then
        echo "KILLED: $prog died of signal $((rc - 128)) after ${took} s"
    fi
    # cmocka's summary: "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s), listed below:"
    p=$(grep -E '^\[  PASSED  \] [0-9]+ test' "$out" | tail -1 | grep -oE '[0-9]+' | head -1)
    f=$(grep -E '^\[  FAILED  \] [0-9]+ test' "$out" | tail -1 | grep -oE '[0-9]+' | head -1)
    s=$(grep -E '^\[  SKIPPED \] [0-9]+ test' "$out" | tail -1 | grep -oE '[0-9]+' | head -1)
    while IFS= read -r reason; do
        skip_reasons+=("${prog##*/}: $reason")
    done < <(grep -E '^skipped: ' "$out" | sort -u)
    rm -f "$out"
    passed=$((passed + ${p:-0}))
    failed=$((failed + ${f:-0}))
    skipped=$((skipped + ${s:-0}))
    if [ "$rc" -ne 0 ] && [ -z "${f:-}" ]; then
        # the program died before cmocka could count: one failure
        failed=$((failed + 1))
    fi
    if [ "$rc" -ne 0 ]; then
        failed_programs+=("$prog")
    fi
}

for dir in build/tests build/san-address/tests build/san-undefined/tests; do
    [ -d "$dir" ] || continue
    # a sanitized build's harness tests drive its own pyfault; ASan leaves
    # the core-file limit alone, as test_sweep checks that pyfault run does
    bin=${dir%/tests}/pyfault
    [ "$dir" = build/tests ] && bin=
    while IFS= read -r prog; do
        PYFAULT_TEST_BIN=$bin ASAN_OPTIONS=disable_coredump=0${ASAN_OPTIONS:+:$ASAN_OPTIONS} run_one "$prog"
    done < <(find "$dir" -type f -name 'test_*' -perm -u+x | sort)
done

echo "slowest programs (s):"
printf '%s\n' "${times[@]}" | sort -rn | head -8 | sed 's/^/  /'
if [ ${#failed_programs[@]} -gt 0 ]; then
    echo "failing programs: ${failed_programs[*]}"
fi
for reason in "${skip_reasons[@]}"; do
    echo "$reason"
done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
