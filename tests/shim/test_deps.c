/*
 * test_deps: the shim's files call each other without cycles. The graph
 * is read from the built objects with nm (tests/support/shim_deps.py): a
 * leaf holds the guard (guard.c) and the parsed spec (config.c), init.c
 * calls every module and is called by none but through pf_ensure_init.
 */
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "proc.h"

static void test_no_call_cycles(void **state)
{
    (void)state;
    glob_t g;
    assert_int_equal(glob("build/shim/*.o", 0, NULL, &g), 0);
    assert_true(g.gl_pathc >= 10);
    char *argv[64];
    int n = 0;
    argv[n++] = "python3";
    argv[n++] = (char *)project_path("tests/support/shim_deps.py");
    for (size_t i = 0; i < g.gl_pathc && n < 63; i++)
        argv[n++] = g.gl_pathv[i];
    argv[n] = NULL;
    struct proc_result r;
    assert_int_equal(proc_run(argv, NULL, &r), 0);
    globfree(&g);
    print_message("%s", r.out);
    if (!r.exited || r.exit_code != 0)
        fail_msg("the shim's call graph: %s%s", r.out, r.err);
    assert_non_null(strstr(r.out, "config -> (leaf)"));
    assert_non_null(strstr(r.out, "guard -> (leaf)"));
    proc_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_no_call_cycles),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
