/*
 * test_verdicts: verdict limits that follow the counting run's pace
 * (harness/run/pace.c). A trial stuck without allocating is called a hang
 * by the stall limit long before an ample --timeout, asleep or spinning;
 * one that keeps allocating is left to the timeout; a quiet stretch the
 * counting run showed is not a hang, nor a wait in which a child's CPU
 * left the group with it; an unwind loop is called by the loop
 * watch, by count when it is fast, by the window when it is slow, and a
 * long but finite burst of failures is none unless it reaches the counted
 * proof, where the shim parks it. C targets and
 * /usr/bin/python3.11.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "harness_cli.h"

/* Sweeps ARGS... -- ARGV... and returns results.json; *STATUS its exit. */
static json_t *sweep(const char *const *args, const char *const *argv, int *status)
{
    const char *full[40];
    int n = 0;
    for (int i = 0; args[i]; i++)
        full[n++] = args[i];
    full[n++] = "--";
    for (int i = 0; argv[i]; i++)
        full[n++] = argv[i];
    full[n] = NULL;
    return harness_sweep_json(full, status, NULL);
}

static json_t *pace(json_t *j)
{
    return json_object_get(json_array_get(json_object_get(j, "targets"), 0), "pace");
}

static json_int_t pace_int(json_t *j, const char *key)
{
    return json_integer_value(json_object_get(pace(j), key));
}

/* Asserts every trial up to POINT_MAX is CLS/SUB, ended by STOPPED_BY. */
static void assert_trials(json_t *j, json_int_t point_max, const char *cls, const char *sub,
                          const char *stopped_by)
{
    json_t *trials = json_object_get(j, "trials");
    size_t seen = 0;
    for (size_t i = 0; i < json_array_size(trials); i++) {
        json_t *t = json_array_get(trials, i);
        if (json_integer_value(json_object_get(t, "point")) > point_max)
            continue;
        seen++;
        assert_string_equal(harness_str(t, "class"), cls);
        assert_string_equal(harness_str(t, "subkind"), sub);
        assert_string_equal(harness_str(t, "stopped_by"), stopped_by);
    }
    assert_true(seen > 0);
}

static void test_asleep_is_a_stall(void **state)
{
    (void)state;
    const char *args[] = {"--timeout", "120", "--range", "1:4", NULL};
    const char *argv[] = {project_path("build/targets/h_stuck_on_fail"), "10", "sleep", NULL};
    int status;
    json_t *j = sweep(args, argv, &status);
    assert_int_equal(status, 1);
    assert_trials(j, 4, "hang", "blocked", "stall");
    assert_true(pace_int(j, "stall_ms") >= 200);
    json_decref(j);
}

static void test_spinning_is_a_stall(void **state)
{
    (void)state;
    const char *args[] = {"--timeout", "120", "--range", "1:3", NULL};
    const char *argv[] = {project_path("build/targets/h_stuck_on_fail"), "10", "spin", NULL};
    int status;
    json_t *j = sweep(args, argv, &status);
    assert_int_equal(status, 1);
    assert_trials(j, 3, "hang", "spinning", "stall");
    json_decref(j);
}

static void test_allocating_waits_for_timeout(void **state)
{
    (void)state;
    /* two sites in turn: no same-site streak, no quiet stretch */
    const char *args[] = {"--timeout", "1.5", "--range", "1:2", NULL};
    const char *argv[] = {project_path("build/targets/h_stuck_on_fail"), "10", "churn", NULL};
    int status;
    json_t *j = sweep(args, argv, &status);
    assert_int_equal(status, 1);
    assert_trials(j, 2, "hang", "spinning", "timeout");
    json_decref(j);
}

static void test_quiet_stretch_learned(void **state)
{
    (void)state;
    /* a 600 ms sleep between allocations in every run: the counting run
     * sees it, so the stall limit covers it and no trial is a hang */
    const char *args[] = {"--mode", "both", NULL};
    const char *argv[] = {project_path("build/targets/h_quiet_gap"), "10", "600", NULL};
    int status;
    json_t *j = sweep(args, argv, &status);
    assert_int_equal(status, 0);
    json_int_t gap = pace_int(j, "max_gap_ms");
    assert_true(gap >= 500);
    assert_true(pace_int(j, "stall_ms") >= 4 * gap);
    json_t *counts = json_object_get(j, "counts");
    assert_int_equal(json_integer_value(json_object_get(counts, "error")), 20);
    assert_null(json_object_get(counts, "hang"));
    json_decref(j);
}

static void test_reaped_child_is_no_stall(void **state)
{
    (void)state;
    /* each failure: a child burns 150 ms of CPU, and is reaped while the
     * parent waits in vfork (runnable to the watch) for 700 ms without
     * allocating, then exits 1. The child's CPU left the group with it:
     * read as a sum of the group's ticks, it turned negative and the
     * trial was called a spinning hang. An ample timeout: a loaded
     * machine stretches the child's 150 ms, and only the stall watch is
     * under test */
    const char *args[] = {"--mode", "oneshot", "--timeout", "20", NULL};
    const char *argv[] = {project_path("build/targets/h_reaped_child"), "3", NULL};
    int status;
    json_t *j = sweep(args, argv, &status);
    assert_int_equal(status, 0);
    assert_true(pace_int(j, "stall_ms") < 400);
    json_t *counts = json_object_get(j, "counts");
    assert_int_equal(json_integer_value(json_object_get(counts, "error")), 3);
    assert_int_equal(json_integer_value(json_object_get(counts, "ok")), 1);
    assert_null(json_object_get(counts, "hang"));
    json_decref(j);
}

static void test_python_deadlock_is_a_stall(void **state)
{
    (void)state;
    const char *args[] = {"--timeout", "120", "--inject", "region", "--stride", "9", NULL};
    const char *argv[] = {"/usr/bin/python3.11",
                          project_path("tests/harness/data/deadlock_on_memoryerror.py"), NULL};
    int status;
    json_t *j = sweep(args, argv, &status);
    assert_int_equal(status, 1);
    json_int_t m = json_integer_value(
        json_object_get(json_array_get(json_object_get(j, "targets"), 0), "allocations"));
    assert_true(m > 0);
    assert_trials(j, m, "hang", "blocked", "stall");
    const char *sig = harness_str(json_array_get(json_object_get(j, "findings"), 0), "signature");
    assert_non_null(strstr(sig, "hang/blocked: PyThread_acquire_lock_timed"));
    json_decref(j);
}

static void test_unwind_loop_window(void **state)
{
    (void)state;
    const char *args[] = {"--mode", "persistent", "--range", "5:6", NULL};
    const char *argv[] = {project_path("build/targets/h_retry_malloc"), NULL};
    int status;
    json_t *j = sweep(args, argv, &status);
    assert_int_equal(status, 1);
    assert_trials(j, 6, "unwind-loop", "", "loop");
    json_int_t w = pace_int(j, "loop_window_ms");
    assert_true(w >= 10 && w <= 200);
    json_decref(j);
}

/* A finite burst of failures at one site, longer than PF_LOOP_STREAK but
 * shorter than the counted proof (PF_LOOP_STREAK + PF_LOOP_CONFIRM), ends
 * as what it is: an error exit, not an unwind loop. */
static void test_finite_burst_is_no_loop(void **state)
{
    (void)state;
    const char *args[] = {"--mode", "persistent", "--range", "1:1", NULL};
    const char *argv[] = {project_path("build/targets/h_retry_bounded"), "5000", "0", NULL};
    int status;
    json_t *j = sweep(args, argv, &status);
    assert_int_equal(status, 0); /* an error exit is an accepted class */
    assert_trials(j, 1, "error", "", "");
    json_decref(j);
}

/* A burst that reaches the counted proof is an unwind loop by that alone:
 * the shim parks its thread there (PYFAULT_LOOP_PARK), so the streak at
 * the verdict is exactly the proof, where a look at a loop still failing
 * finds it past. */
static void test_burst_parks_at_the_proof(void **state)
{
    (void)state;
    const char *args[] = {"--timeout", "20", "--inject", "from=1", "--",
                          project_path("build/targets/h_retry_bounded"), "20000", "0", NULL};
    int status;
    json_t *j = harness_run_json(args, &status, NULL);
    assert_string_equal(harness_str(j, "class"), "unwind-loop");
    assert_int_equal(json_integer_value(json_object_get(j, "site_streak_max")), 6000);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "injected"), "count")),
                     6000);
    json_decref(j);
}

/* A loop too slow for the counted proof (a 200 us pause between tries:
 * 6,000 failures would take over a second) is still called by the watch
 * window, once its streak passed PF_LOOP_STREAK: the streak at the
 * verdict is short of the counted proof. */
static void test_slow_loop_by_window(void **state)
{
    (void)state;
    const char *args[] = {"--timeout", "20", "--inject", "from=1", "--",
                          project_path("build/targets/h_retry_bounded"), "0", "200", NULL};
    int status;
    json_t *j = harness_run_json(args, &status, NULL);
    assert_string_equal(harness_str(j, "class"), "unwind-loop");
    json_int_t streak = json_integer_value(json_object_get(j, "site_streak_max"));
    assert_true(streak >= 2000);
    assert_true(streak < 6000);
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_asleep_is_a_stall),
        cmocka_unit_test(test_spinning_is_a_stall),
        cmocka_unit_test(test_allocating_waits_for_timeout),
        cmocka_unit_test(test_quiet_stretch_learned),
        cmocka_unit_test(test_reaped_child_is_no_stall),
        cmocka_unit_test(test_python_deadlock_is_a_stall),
        cmocka_unit_test(test_unwind_loop_window),
        cmocka_unit_test(test_finite_burst_is_no_loop),
        cmocka_unit_test(test_burst_parks_at_the_proof),
        cmocka_unit_test(test_slow_loop_by_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
