/*
 * test_run_targets: "pyfault run" classifies each of the project's small C
 * targets (tests/targets/h_*.c) exactly, through the real shim.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness_cli.h"

/* Runs "pyfault run EXTRA... -- build/targets/TARGET", checks the class
 * (and sub-kind) and the exit status; returns the JSON result. */
static json_t *expect(const char *target, const char *const *extra, const char *cls,
                      const char *sub, int want_status, double *wall)
{
    char rel[256];
    const char *args[32];
    int n = 0;
    snprintf(rel, sizeof rel, "build/targets/%s", target);
    for (int i = 0; extra && extra[i]; i++)
        args[n++] = extra[i];
    args[n++] = "--";
    args[n++] = project_path(rel);
    args[n] = NULL;
    int status;
    json_t *j = harness_run_json(args, &status, wall);
    if (strcmp(harness_str(j, "class"), cls) != 0 || strcmp(harness_str(j, "subkind"), sub) != 0)
        fail_msg("%s: expected %s/%s, got %s/%s (signature '%s', stderr '%s')", target, cls, sub,
                 harness_str(j, "class"), harness_str(j, "subkind"),
                 harness_str(j, "signature"), harness_str(j, "stderr_tail"));
    assert_int_equal(status, want_status);
    return j;
}

static void test_ok(void **state)
{
    (void)state;
    json_t *j = expect("h_exit0", NULL, "ok", "", 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "exit_code")), 0);
    assert_true(json_integer_value(json_object_get(j, "allocations")) >= 20);
    assert_string_equal(harness_str(j, "signature"), "ok");
    json_decref(j);
}

static void test_error_on_failed_malloc(void **state)
{
    (void)state;
    const char *extra[] = {"--inject", "nth=10", NULL};
    json_t *j = expect("h_malloc_exit1", extra, "error", "", 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "exit_code")), 1);
    json_t *inj = json_object_get(j, "injected");
    assert_int_equal(json_integer_value(json_object_get(inj, "count")), 1);
    assert_int_equal(json_integer_value(json_object_get(inj, "first")), 10);
    assert_non_null(strstr(harness_str(j, "stderr_tail"), "out of memory at allocation 10"));
    /* the repro replays the same trial */
    assert_non_null(strstr(harness_str(j, "repro"), "--inject nth=10"));
    json_decref(j);
}

static void test_segfault(void **state)
{
    (void)state;
    json_t *j = expect("h_null_write", NULL, "segfault", "", 1, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "signal")), SIGSEGV);
    assert_string_equal(harness_str(j, "signature"), "segfault: write_null < main");
    json_decref(j);
    /* the same outcome is accepted when asked for */
    const char *extra[] = {"--accept", "segfault", NULL};
    j = expect("h_null_write", extra, "segfault", "", 0, NULL);
    json_decref(j);
}

/* A call to address 0x10: the instruction pointer itself is unmapped. The
 * shim's crash handler must not read it (a second fault there loses the
 * report): the signature names the caller, from the shim's crash frames. */
static void test_segfault_jump_to_unmapped(void **state)
{
    (void)state;
    json_t *j = expect("h_jump_0x10", NULL, "segfault", "", 1, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "signal")), SIGSEGV);
    assert_string_equal(harness_str(j, "signature"), "segfault: jump_away");
    json_t *frames = json_object_get(j, "frames");
    assert_true(json_array_size(frames) >= 2);
    assert_string_equal(harness_str(json_array_get(frames, 0), "ip"), "0x10");
    json_decref(j);
}

static void test_abort(void **state)
{
    (void)state;
    json_t *j = expect("h_abort", NULL, "abort", "", 1, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "signal")), SIGABRT);
    assert_non_null(strstr(harness_str(j, "assertion"), "invariant broken"));
    assert_non_null(strstr(harness_str(j, "signature"), "check_invariant"));
    json_decref(j);
}

/* A double free on an error path, reached by failing its allocation:
 * an abort, as glibc would have it, not a clean exit 1. */
static void test_double_free_on_error_path(void **state)
{
    (void)state;
    const char *extra[] = {"--inject", "nth=10", NULL};
    json_t *j = expect("h_double_free", extra, "abort", "", 1, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "signal")), SIGABRT);
    assert_non_null(strstr(harness_str(j, "stderr_tail"), "free(): double free detected"));
    assert_string_equal(harness_str(j, "signature"), "abort: main");
    assert_non_null(strstr(harness_str(j, "site_key"), "make_pair"));
    json_decref(j);
}

static void test_stack_overflow(void **state)
{
    (void)state;
    json_t *j = expect("h_recurse", NULL, "stack-overflow", "", 1, NULL);
    assert_non_null(strstr(harness_str(j, "signature"), "recurse"));
    json_decref(j);
}

/* The same in a second thread: the shim gave it an alternate signal stack
 * at its first allocation, so the overflow is reported, not a bare
 * SIGSEGV. */
static void test_stack_overflow_in_thread(void **state)
{
    (void)state;
    json_t *j = expect("h_thread_recurse", NULL, "stack-overflow", "", 1, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "signal")), SIGSEGV);
    assert_non_null(strstr(harness_str(j, "signature"), "thread_recurse"));
    json_decref(j);
}

static void test_fatal(void **state)
{
    (void)state;
    json_t *j = expect("h_pyfatal", NULL, "fatal", "", 1, NULL);
    assert_string_equal(harness_str(j, "fatal_function"), "_PyFake_Finalize");
    assert_string_equal(harness_str(j, "fatal_message"), "lost the GIL twice");
    assert_string_equal(harness_str(j, "signature"), "fatal: _PyFake_Finalize: lost the GIL twice");
    json_decref(j);
}

/* A NUL byte in the output is kept as '?': the fatal report after it is
 * still found (it was an abort) and the tails go on past it. */
static void test_fatal_after_nul(void **state)
{
    (void)state;
    json_t *j = expect("h_pyfatal_nul", NULL, "fatal", "", 1, NULL);
    assert_string_equal(harness_str(j, "signature"), "fatal: _PyFake_Nul: report after a NUL");
    const char *err = harness_str(j, "stderr_tail");
    const char *want = "x?\nFatal Python error: _PyFake_Nul";
    if (strncmp(err, want, strlen(want)) != 0)
        fail_msg("stderr_tail '%s'", err);
    assert_string_equal(harness_str(j, "stdout_tail"), "before?after the NUL\n");
    json_decref(j);
}

static void test_other_signal(void **state)
{
    (void)state;
    json_t *j = expect("h_kill_self", NULL, "signal", "", 1, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "signal")), SIGTERM);
    json_decref(j);
}

static void test_hang_blocked(void **state)
{
    (void)state;
    const char *extra[] = {"--timeout", "1", NULL};
    double wall;
    json_t *j = expect("h_pause", extra, "hang", "blocked", 1, &wall);
    assert_true(wall >= 1.0 && wall < 5.0);
    /* stack samples of the stuck process, symbolized */
    json_t *samples = json_object_get(j, "samples");
    assert_true(json_array_size(samples) >= 1);
    assert_non_null(strstr(harness_str(j, "signature"), "main"));
    json_decref(j);
}

/* A stuck process's samples cover every thread (/proc/PID/task): the
 * main thread in pthread_join, the second one in stuck_in_worker, each
 * with its tid. */
static void test_hang_samples_every_thread(void **state)
{
    (void)state;
    const char *extra[] = {"--timeout", "1", NULL};
    json_t *j = expect("h_thread_stuck", extra, "hang", "blocked", 1, NULL);
    json_t *threads = json_object_get(j, "threads");
    assert_int_equal(json_array_size(threads), 2);
    json_int_t tid[2];
    int in_main = -1, in_worker = -1;
    for (size_t i = 0; i < 2; i++) {
        json_t *t = json_array_get(threads, i);
        tid[i] = json_integer_value(json_object_get(t, "tid"));
        assert_true(tid[i] > 0);
        size_t k;
        json_t *fr;
        json_array_foreach(json_object_get(t, "frames"), k, fr) {
            if (strcmp(harness_str(fr, "sym"), "main") == 0)
                in_main = (int)i;
            if (strcmp(harness_str(fr, "sym"), "stuck_in_worker") == 0)
                in_worker = (int)i;
        }
    }
    assert_true(tid[0] != tid[1]);
    /* the process's own thread first: its tid is the pid */
    assert_int_equal(in_main, 0);
    assert_int_equal(in_worker, 1);
    /* the samples (and so the signature) stay the main thread's */
    assert_string_equal(harness_str(j, "signature"), "hang/blocked: main");
    json_decref(j);
}

static void test_hang_spinning(void **state)
{
    (void)state;
    const char *extra[] = {"--timeout", "1", NULL};
    json_t *j = expect("h_spin", extra, "hang", "spinning", 1, NULL);
    assert_string_equal(harness_str(j, "signature"), "hang/spinning: spin < main");
    json_decref(j);
}

static void test_unwind_loop_well_under_timeout(void **state)
{
    (void)state;
    const char *extra[] = {"--timeout", "30", "--inject", "from=50", NULL};
    double wall;
    json_t *j = expect("h_retry_malloc", extra, "unwind-loop", "", 1, &wall);
    assert_true(wall < 3.0);
    json_int_t verdict = json_integer_value(json_object_get(j, "verdict_ms"));
    assert_true(verdict > 0 && verdict < 1000);
    assert_non_null(strstr(harness_str(j, "signature"), "alloc_retrying"));
    json_decref(j);
}

/* With the caller's own log=, the harness reads it from where it ended
 * before the run: the second run's signature is its own. */
static void test_callers_event_log(void **state)
{
    (void)state;
    char dir[600], spec[700];
    snprintf(dir, sizeof dir, "%s", harness_tmpdir());
    snprintf(spec, sizeof spec, "nth=10,log=%s/events.jsonl", dir);
    const char *first[] = {"--inject", spec, NULL};
    json_t *j = expect("h_malloc_exit1", first, "error", "", 0, NULL);
    assert_string_equal(harness_str(j, "signature"), "error: main");
    json_decref(j);
    j = expect("h_null_write", first, "segfault", "", 1, NULL);
    assert_string_equal(harness_str(j, "signature"), "segfault: write_null < main");
    assert_string_equal(harness_str(j, "spec"), spec);
    json_decref(j);
    char log[700];
    snprintf(log, sizeof log, "%s/events.jsonl", dir);
    unlink(log);
    rmdir(dir);
}

static void test_no_child_left_behind(void **state)
{
    (void)state;
    json_t *j = expect("h_orphan", NULL, "ok", "", 0, NULL);
    int pid = 0;
    assert_int_equal(sscanf(harness_str(j, "stdout_tail"), "orphan %d", &pid), 1);
    assert_true(pid > 0);
    /* killed with its process group and reaped by the harness */
    assert_int_equal(kill(pid, 0), -1);
    assert_int_equal(errno, ESRCH);
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ok),
        cmocka_unit_test(test_error_on_failed_malloc),
        cmocka_unit_test(test_segfault),
        cmocka_unit_test(test_segfault_jump_to_unmapped),
        cmocka_unit_test(test_abort),
        cmocka_unit_test(test_double_free_on_error_path),
        cmocka_unit_test(test_stack_overflow),
        cmocka_unit_test(test_stack_overflow_in_thread),
        cmocka_unit_test(test_fatal),
        cmocka_unit_test(test_fatal_after_nul),
        cmocka_unit_test(test_other_signal),
        cmocka_unit_test(test_hang_blocked),
        cmocka_unit_test(test_hang_samples_every_thread),
        cmocka_unit_test(test_hang_spinning),
        cmocka_unit_test(test_unwind_loop_well_under_timeout),
        cmocka_unit_test(test_callers_event_log),
        cmocka_unit_test(test_no_child_left_behind),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
