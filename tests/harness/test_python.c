/*
 * test_python: gh-134163 on Debian's /usr/bin/python3.11 (3.11.2). An
 * except body past code-unit offset 256 that runs out of memory loops in
 * exception_unwind forever: pyfault must say unwind-loop in seconds, both
 * for a scenario and across a persistent sweep of "python3.11 -c pass".
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

#define PY "/usr/bin/python3.11"

static int have_python(void)
{
    if (access(PY, X_OK) == 0)
        return 1;
    fail_msg("%s is required (Debian package python3.11)", PY);
    return 0;
}

static void test_late_handler_is_unwind_loop(void **state)
{
    (void)state;
    have_python();
    const char *args[] = {"--python", PY, "--timeout", "60",
                          project_path("scenarios/set_nomemory/except_past_256.py"), NULL};
    int status;
    double wall;
    json_t *j = harness_run_json(args, &status, &wall);
    if (strcmp(harness_str(j, "class"), "unwind-loop") != 0)
        fail_msg("class %s, stderr: %s", harness_str(j, "class"), harness_str(j, "stderr_tail"));
    assert_int_equal(status, 1);
    assert_true(wall < 5.0);
    assert_non_null(strstr(harness_str(j, "signature"), "PyLong_FromLong"));
    json_decref(j);
}

static void test_early_handler_ends(void **state)
{
    (void)state;
    have_python();
    const char *args[] = {"--python", PY, "--timeout", "60",
                          project_path("scenarios/set_nomemory/early_handler.py"), NULL};
    int status;
    double wall;
    json_t *j = harness_run_json(args, &status, &wall);
    const char *cls = harness_str(j, "class");
    if (strcmp(cls, "error") != 0 && strcmp(cls, "fatal") != 0)
        fail_msg("class %s, stderr: %s", cls, harness_str(j, "stderr_tail"));
    assert_true(wall < 10.0);
    json_decref(j);
}

static void test_persistent_sweep_finds_unwind_loops(void **state)
{
    (void)state;
    have_python();
    const char *args[] = {"--mode", "persistent", "--stride", "600", "-j", "2",
                          "--", PY, "-c", "pass", NULL};
    int status;
    json_t *j = harness_sweep_json(args, &status, NULL);
    assert_true(json_is_true(json_object_get(j, "complete")));
    json_t *counts = json_object_get(j, "counts");
    assert_true(json_integer_value(json_object_get(counts, "unwind-loop")) > 0);
    assert_null(json_object_get(counts, "hang"));
    double timeout = json_number_value(json_object_get(j, "timeout_s"));
    assert_true(timeout > 0);
    json_t *trials = json_object_get(j, "trials");
    assert_true(json_array_size(trials) > 10);
    size_t i;
    json_t *t;
    json_array_foreach(trials, i, t) {
        json_int_t ms = json_integer_value(json_object_get(t, "duration_ms"));
        if ((double)ms >= timeout * 1000.0)
            fail_msg("trial at point %lld waited out its timeout (%lld ms)",
                     (long long)json_integer_value(json_object_get(t, "point")), (long long)ms);
        assert_string_equal(harness_str(t, "mode"), "persistent");
    }
    /* findings are deduplicated, each with its count and first repro */
    json_t *findings = json_object_get(j, "findings");
    assert_true(json_array_size(findings) >= 2);
    json_int_t sum = 0;
    json_array_foreach(findings, i, t) {
        sum += json_integer_value(json_object_get(t, "count"));
        assert_non_null(strstr(harness_str(json_object_get(t, "first"), "repro"), "--inject from="));
    }
    assert_int_equal(sum, (json_int_t)json_array_size(trials));
    assert_int_equal(status, 1); /* unwind-loop is not accepted */
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_late_handler_is_unwind_loop),
        cmocka_unit_test(test_early_handler_ends),
        cmocka_unit_test(test_persistent_sweep_finds_unwind_loops),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
