/*
 * test_loader_fatal: a process that dies by the dynamic loader's fatal
 * error is an abort, not an error. Debian's python3-brotli throws
 * std::bad_alloc when its output vector cannot grow; under from=N the
 * throw itself needs a TLS block that ld.so cannot allocate, which prints
 * "cannot allocate memory for thread-local data: ABORT" and exits 127
 * with no signal (scenarios/findings/ext/brotli_bad_alloc_abort.py).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "harness_cli.h"
#include "skipping.h"

static void test_tls_fatal_is_an_abort(void **state)
{
    (void)state;
    if (system("/usr/bin/python3.11 -c 'import brotli' 2>/dev/null") != 0)
        skip_because("Debian's python3-brotli is not installed (make deps installs it)");
    const char *args[] = {"--python", "/usr/bin/python3.11", "--inject",
                          "from=1,region,dso=_brotli*,layer=all",
                          project_path("scenarios/findings/ext/brotli_bad_alloc_abort.py"), NULL};
    int status;
    json_t *j = harness_run_json(args, &status, NULL);
    assert_string_equal(harness_str(j, "class"), "abort");
    assert_int_equal(json_integer_value(json_object_get(j, "exit_code")), 127);
    assert_true(json_is_null(json_object_get(j, "signal")));
    assert_non_null(strstr(harness_str(j, "assertion"), "cannot allocate memory for thread-local data"));
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tls_fatal_is_an_abort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
