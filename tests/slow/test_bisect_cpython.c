/*
 * test_bisect_cpython (slow: `make test-slow`): real `git bisect run
 * pyfault bisect-run` on a git repository of the CPython 3.11.2 source
 * (tests/support/gate_cpython_repo.sh: eight commits, c3 applies the
 * patches/3.11 gh-134163 fix, c5 the patches/3.11-regress bpo-38006
 * revert, the rest unrelated), built in the tree by bisect-run's default
 * (./configure, make -j) and incrementally at each step. It finds the
 * fixing commit with --find-fix and the regressing one the ordinary way,
 * and prints each step's line (commit, build time, classes, verdict).
 * Skipped unless PYFAULT_SLOW=1: the first build takes minutes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "skipping.h"

#include "gate_git.h"
#include "harness_cli.h"

#define REPO "build/slow/cpython-bisect"
#define SRC "build/cpython/src/Python-3.11.2"
#define FIX_SCENARIO "scenarios/set_nomemory/except_past_256.py"
#define REGRESS_SCENARIO "scenarios/weakref_finalization/bpo38006_nogc_container.py"

static char repo[700];

static int setup(void **state)
{
    (void)state;
    if (!slow_tests_enabled())
        return 0;
    snprintf(repo, sizeof repo, "%s", project_path(REPO));
    char *argv[] = {(char *)project_path("tests/support/gate_cpython_repo.sh"), repo,
                    (char *)project_path(SRC), NULL};
    struct proc_result r;
    if (proc_run(argv, NULL, &r) < 0 || !r.exited || r.exit_code != 0)
        fail_msg("gate_cpython_repo.sh failed (is %s there? make cpython fetches it): %s", SRC, r.err);
    proc_result_free(&r);
    return 0;
}

/* The figures: every step's line, and the whole bisect's time. */
static void report(const char *what, const char *out, double wall)
{
    int steps = 0;
    printf("%s: git bisect run took %.0f s\n", what, wall);
    for (const char *p = out; (p = strstr(p, "bisect-run: ")); p++) {
        int len = (int)strcspn(p, "\n");
        printf("  %.*s\n", len, p);
        steps++;
    }
    printf("  %d steps\n", steps);
    fflush(stdout);
}

static void test_find_fix_gh134163(void **state)
{
    (void)state;
    if (!slow_tests_enabled())
        skip_because("PYFAULT_SLOW is not 1 (make test-slow sets it): CPython is built "
                     "at each step");
    char start[512], args[1024];
    snprintf(start, sizeof start,
             "git bisect start --term-old=broken --term-new=fixed && git bisect fixed %s && git bisect broken %s",
             gate_git_hash(repo, "c7"), gate_git_hash(repo, "c0"));
    snprintf(args, sizeof args, "bisect-run --find-fix --want unwind-loop '%s'", project_path(FIX_SCENARIO));
    double wall;
    char *out = gate_git_bisect(repo, "main", start, args, &wall);
    report("gh-134163 fix (--find-fix)", out, wall);
    gate_git_expect_first(repo, out, "c3", "fixed");
    assert_non_null(strstr(out, "unwind-loop"));
    free(out);
}

static void test_regression_bpo38006(void **state)
{
    (void)state;
    if (!slow_tests_enabled())
        skip_because("PYFAULT_SLOW is not 1 (make test-slow sets it): CPython is built "
                     "at each step");
    char start[512], args[1024];
    snprintf(start, sizeof start, "git bisect start %s %s", gate_git_hash(repo, "c7"), gate_git_hash(repo, "c0"));
    snprintf(args, sizeof args, "bisect-run --want segfault '%s'", project_path(REGRESS_SCENARIO));
    double wall;
    char *out = gate_git_bisect(repo, "main", start, args, &wall);
    report("bpo-38006 revert (regression)", out, wall);
    gate_git_expect_first(repo, out, "c5", "bad");
    assert_non_null(strstr(out, "segfault"));
    free(out);
}

int main(void)
{
    if (!slow_tests_enabled())
        printf("test_bisect_cpython: skipped: set PYFAULT_SLOW=1 (make test-slow) to build CPython at each bisect step\n");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find_fix_gh134163),
        cmocka_unit_test(test_regression_bpo38006),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
