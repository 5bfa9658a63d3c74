/*
 * test_threads: eight Python threads allocate at once (each in its own
 * pyfault.region(), tests/harness/data/threads8.py) while a persistent
 * sweep (from=N) fails allocations under them: on Debian's GIL 3.11, and
 * on the free-threaded 3.14t build, where the threads really run at the
 * same time, when there is one (skipped, with the reason, when not).
 * Every trial is classified, none is a harness-error, and the failures
 * reach the threads (their MemoryError is the process's error).
 * And C targets: a crash record names the thread that crashed, and an
 * unwind loop in a second thread is called while the main one waits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness_cli.h"
#include "skipping.h"

#define SCRIPT "tests/harness/data/threads8.py"

/* A persistent sweep of SCRIPT on PY; checks what every variant must do. */
static void sweep_threads(const char *py)
{
    /* about 10,000 region allocations: 20 points spread over them */
    const char *args[] = {"--python", py, "--mode", "persistent", "--stride", "500",
                          "--inject", "region", "--timeout", "60", SCRIPT, NULL};
    int status;
    json_t *j = harness_sweep_json(args, &status, NULL);
    if (status != 0)
        fail_msg("sweep exited %d: %s", status, harness_str(j, "error"));
    assert_true(json_is_true(json_object_get(j, "complete")));
    json_t *t0 = json_array_get(json_object_get(j, "targets"), 0);
    /* the eight threads' allocations were all counted: 200 keys each */
    assert_true(json_integer_value(json_object_get(t0, "allocations")) > 8 * 200);
    json_t *trials = json_object_get(j, "trials");
    assert_true(json_array_size(trials) >= 10);
    size_t i, errors = 0;
    json_t *t;
    json_array_foreach(trials, i, t) {
        const char *cls = harness_str(t, "class");
        if (strcmp(cls, "harness-error") == 0 || cls[0] == '\0')
            fail_msg("point %lld: class '%s'",
                     (long long)json_integer_value(json_object_get(t, "point")), cls);
        errors += strcmp(cls, "error") == 0;
    }
    /* from=N inside the threads' work: a thread's MemoryError, raised again
     * by the main thread, ends the process with an error */
    assert_true(errors >= json_array_size(trials) / 2);
    json_decref(j);
}

static void test_threads_gil_311(void **state)
{
    (void)state;
    sweep_threads("/usr/bin/python3.11");
}

static void test_threads_free_threaded_314t(void **state)
{
    (void)state;
    const char *py = getenv("PYFAULT_TEST_PY314T");
    if (!py || !py[0])
        py = "build/cpython/3.14t-vanilla/python";
    if (access(py, X_OK) != 0)
        skip_because("no free-threaded CPython 3.14t build (PYFAULT_VARIANTS=3.14t-vanilla make cpython)");
    sweep_threads(py);
}

/* Runs build/pyfault run --json on TARGET with INJECT (or none). */
static json_t *run_target(const char *target, const char *inject, int *status)
{
    const char *args[6];
    int n = 0;
    if (inject) {
        args[n++] = "--inject";
        args[n++] = inject;
    }
    args[n++] = "--";
    args[n++] = project_path(target);
    args[n] = NULL;
    return harness_run_json(args, status, NULL);
}

static void test_crash_names_its_thread(void **state)
{
    (void)state;
    int status;
    json_t *j = run_target("build/targets/h_thread_recurse", NULL, &status);
    assert_string_equal(harness_str(j, "class"), "stack-overflow");
    json_t *th = json_object_get(j, "crash_thread");
    assert_non_null(th);
    assert_string_equal(harness_str(th, "name"), "recurser");
    assert_false(json_is_true(json_object_get(th, "main")));
    assert_true(json_integer_value(json_object_get(th, "tid")) > 0);
    json_decref(j);
    j = run_target("build/targets/h_null_write", NULL, &status);
    assert_string_equal(harness_str(j, "class"), "segfault");
    th = json_object_get(j, "crash_thread");
    assert_non_null(th);
    assert_true(json_is_true(json_object_get(th, "main")));
    json_decref(j);
}

static void test_unwind_loop_in_second_thread(void **state)
{
    (void)state;
    int status;
    json_t *j = run_target("build/targets/h_thread_retry", "from=100", &status);
    assert_string_equal(harness_str(j, "class"), "unwind-loop");
    assert_non_null(strstr(harness_str(j, "signature"), "retrying_thread"));
    json_decref(j);
    /* without a failure it ends by itself */
    j = run_target("build/targets/h_thread_retry", NULL, &status);
    assert_string_equal(harness_str(j, "class"), "ok");
    json_decref(j);
}

/* The loop's thread parks at the counted proof while the main thread keeps
 * failing at other sites: the verdict and the signature are still the
 * loop's. Without the park the page would show the main thread's streak
 * of 1, and the trial would end in an error after 20 s. */
static void test_parked_loop_keeps_the_page(void **state)
{
    (void)state;
    int status;
    json_t *j = run_target("build/targets/h_thread_park", "from=3", &status);
    assert_string_equal(harness_str(j, "class"), "unwind-loop");
    assert_non_null(strstr(harness_str(j, "signature"), "retry_forever"));
    assert_int_equal(json_integer_value(json_object_get(j, "site_streak_max")), 6000);
    json_decref(j);
    j = run_target("build/targets/h_thread_park", NULL, &status);
    assert_string_equal(harness_str(j, "class"), "ok");
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crash_names_its_thread),
        cmocka_unit_test(test_unwind_loop_in_second_thread),
        cmocka_unit_test(test_parked_loop_keeps_the_page),
        cmocka_unit_test(test_threads_gil_311),
        cmocka_unit_test(test_threads_free_threaded_314t),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
