/*
 * test_double_free: count-only mode keeps glibc's double-free abort,
 * which jemalloc alone would take silently (build/targets/double_free),
 * and a recycled block never looks freed.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "shimrun.h"

static void expect_abort(const struct proc_result *r, const char *message)
{
    if (r->exited || r->signal != SIGABRT)
        fail_msg("exited %d (signal %d), not SIGABRT: %s", r->exit_code, r->signal, r->err);
    if (!strstr(r->err, message))
        fail_msg("stderr lacks '%s': %s", message, r->err);
}

static void test_double_free_aborts_as_in_glibc(void **state)
{
    (void)state;
    const char *args[] = {"free", NULL};
    struct proc_result r;
    run_target_plain("double_free", args, &r);
    expect_abort(&r, "double free detected");
    proc_result_free(&r);
    run_target("double_free", "count", args, NULL, &r);
    expect_abort(&r, "free(): double free detected");
    proc_result_free(&r);
}

static void test_realloc_of_a_freed_block_aborts(void **state)
{
    (void)state;
    const char *args[] = {"realloc", NULL};
    struct proc_result r;
    run_target("double_free", "count", args, NULL, &r);
    expect_abort(&r, "realloc(): double free detected");
    proc_result_free(&r);
}

/* Blocks from every allocation call, freed unwritten and handed out
 * again, many times: none may still bear the mark of its last free. */
static void test_recycled_blocks_are_not_taken_for_freed(void **state)
{
    (void)state;
    const char *args[] = {"reuse", NULL};
    struct proc_result r;
    run_target("double_free", "count", args, NULL, &r);
    if (!r.exited || r.exit_code != 0)
        fail_msg("exited %d (signal %d): %s", r.exit_code, r.signal, r.err);
    assert_string_equal(r.out, "reused\n");
    proc_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_double_free_aborts_as_in_glibc),
        cmocka_unit_test(test_realloc_of_a_freed_block_aborts),
        cmocka_unit_test(test_recycled_blocks_are_not_taken_for_freed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
