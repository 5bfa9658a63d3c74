/*
 * test_threads: eight Python threads allocate at once (each in its own
 * pyfault.region(), tests/harness/data/threads8.py) while a persistent
 * sweep (from=N) fails allocations under them: on Debian's GIL 3.11, and
 * on the free-threaded 3.14t build, where the threads really run at the
 * same time, when there is one (skipped, with the reason, when not).
 * Every trial is classified, none is a harness-error, and the failures
 * reach the threads (their MemoryError is the process's error).
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
    json_t *j = harness_sweep_json(args, &status);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_threads_gil_311),
        cmocka_unit_test(test_threads_free_threaded_314t),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
