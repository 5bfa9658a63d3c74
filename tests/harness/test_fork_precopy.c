/*
 * test_fork_precopy: a forked trial copies the fork server's pages in one
 * go once it has begun writing them (injectors/precopy.c), and that
 * changes no outcome. On tests/harness/data/fork_precopy.py, a region
 * whose failures the script absorbs after a few megabytes of imports,
 * swept in both modes under both engines (every 2nd point):
 * - trials that run on to finalization copy: all but the few that crash
 *   first, with the same findings and classes at every point as exec's,
 *   and a page of a file's private mapping they had not written still
 *   follows the file (only anonymous memory is copied);
 * - trials that end by os._exit(0) right after the region never write
 *   128 pages, and none copies;
 * - under --inject no-precopy, none copies, and the outcomes still agree;
 * - on a persistent start-up sweep, whose trials fail every allocation
 *   from their point on, none copies.
 * Plain build only: the shim is never sanitized, and the harness's part
 * is a count.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>

#include "engines.h"
#include "harness_cli.h"

#define SCRIPT "tests/harness/data/fork_precopy.py"

/* FK's count of trials that copied at once: present, whatever it is. */
static json_int_t precopied(json_t *fk)
{
    assert_true(json_is_integer(json_object_get(engine_of(fk), "precopied")));
    return engine_count(fk, "precopied");
}

/* Sweeps the script in both modes under both engines with the filters
 * INJECT into EX and FK; fails unless they agree at every point and the
 * fork engine forked every point the server reached. */
static void sweep_both(const char *what, const char *inject, json_t **ex, json_t **fk)
{
    char dir[] = "/tmp/pyfault-precopy-XXXXXX";
    assert_non_null(mkdtemp(dir));
    setenv("FORK_PRECOPY_DIR", dir, 1);
    const char *args[] = {"--mode", "both", "--stride", "2", "--inject", inject,
                          "--python", ENGINES_PY, project_path(SCRIPT), NULL};
    json_int_t m = both_engines(args, ex, fk);
    /* what trials that died before their unlink left */
    char rm[128];
    snprintf(rm, sizeof rm, "rm -rf %s", dir);
    assert_int_equal(system(rm), 0);
    assert_true(m > 100);
    assert_true(engine_count(*fk, "exec_other") <= 2);
    assert_int_equal(engine_count(*fk, "forked") + engine_count(*fk, "exec_other"),
                     (json_int_t)json_array_size(json_object_get(*fk, "trials")));
    expect_same_findings(what, *ex, *fk);
    expect_same_classes(what, *ex, *fk);
    printf("%s: %lld of %lld forked trials copied at once\n", what,
           (long long)precopied(*fk), (long long)engine_count(*fk, "forked"));
}

static void test_finalizing_trials_copy_at_once(void **state)
{
    (void)state;
    json_t *ex, *fk;
    unsetenv("FORK_PRECOPY_EXIT");
    sweep_both("run on to finalization", "region", &ex, &fk);
    json_int_t forked = engine_count(fk, "forked");
    json_int_t copied = precopied(fk);
    /* the exec engine forks nothing, so copies nothing */
    assert_null(json_object_get(engine_of(ex), "precopied"));
    assert_true(copied <= forked);
    assert_true(copied >= forked * 9 / 10);
    json_decref(ex);
    json_decref(fk);
}

static void test_trials_that_end_early_do_not_copy(void **state)
{
    (void)state;
    json_t *ex, *fk;
    setenv("FORK_PRECOPY_EXIT", "1", 1);
    sweep_both("os._exit after the region", "region", &ex, &fk);
    unsetenv("FORK_PRECOPY_EXIT");
    assert_true(engine_count(fk, "forked") > 100);
    assert_int_equal(precopied(fk), 0);
    json_decref(ex);
    json_decref(fk);
}

static void test_no_precopy_keeps_faulting(void **state)
{
    (void)state;
    json_t *ex, *fk;
    unsetenv("FORK_PRECOPY_EXIT"); /* even after a failure above */
    sweep_both("--inject region,no-precopy", "region,no-precopy", &ex, &fk);
    assert_true(engine_count(fk, "forked") > 100);
    assert_int_equal(precopied(fk), 0);
    json_decref(ex);
    json_decref(fk);
}

/* A persistent start-up sweep with no filter fails every allocation from
 * its point on: no trial has one go through to poll at, and none copies
 * (an unwind loop would copy for nothing before its verdict). */
static void test_trials_failing_every_allocation_do_not_copy(void **state)
{
    (void)state;
    const char *args[] = {"--mode", "persistent", "--stride", "400", "--", ENGINES_PY, "-c",
                          "pass", NULL};
    json_t *fk = engine_sweep("fork", args);
    printf("persistent start-up, every 400th point: %lld of %lld forked trials copied at once\n",
           (long long)precopied(fk), (long long)engine_count(fk, "forked"));
    assert_true(engine_count(fk, "forked") > 40);
    assert_int_equal(precopied(fk), 0);
    json_decref(fk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_finalizing_trials_copy_at_once),
        cmocka_unit_test(test_trials_that_end_early_do_not_copy),
        cmocka_unit_test(test_no_precopy_keeps_faulting),
        cmocka_unit_test(test_trials_failing_every_allocation_do_not_copy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
