/*
 * test_libc_names: glibc's second names for its allocator (__libc_malloc,
 * __libc_free, ...) and malloc_trim under the shim in count mode, seen
 * from a real process (build/targets/libc_names): blocks cross between
 * the two families as under glibc, and a __libc_ call counts, and can be
 * failed, as the function it names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "shimrun.h"

#define LIBC_CALLS 7 /* the __libc_ allocations of `libc_names count` */

static void expect_clean_exit(const char *what, const struct proc_result *r)
{
    if (!r->exited || r->exit_code != 0)
        fail_msg("%s: exited %d (signal %d): %s", what, r->exit_code, r->signal, r->err);
}

/* Count-only mode must not change what the program prints or how it ends;
 * the old shim left __libc_free to glibc, which aborted on a shim block. */
static void test_families_mix_as_under_glibc(void **state)
{
    (void)state;
    const char *args[] = {"mix", NULL};
    struct proc_result plain, shim;
    run_target_plain("libc_names", args, &plain);
    run_target("libc_names", "count", args, NULL, &shim);
    expect_clean_exit("without the shim", &plain);
    expect_clean_exit("under the shim", &shim);
    assert_string_equal(shim.out, plain.out);
    assert_string_equal(shim.err, "");
    /* the program saw working blocks, not just the same failures */
    assert_null(strstr(plain.out, ": 0\n"));
    assert_non_null(strstr(plain.out, "malloc_trim(0) after freeing: 1\n"));
    proc_result_free(&plain);
    proc_result_free(&shim);
}

/* Runs `libc_names count` under SPEC; returns its base number. */
static unsigned long long run_count(const char *spec, struct proc_result *r)
{
    const char *args[] = {"count", NULL};
    run_target("libc_names", spec, args, NULL, r);
    expect_clean_exit(spec, r);
    assert_int_equal(read_number(r->out, "counted "), LIBC_CALLS);
    return read_number(r->out, "base ");
}

static void test_libc_names_count_and_fail_as_malloc(void **state)
{
    (void)state;
    struct proc_result r;
    unsigned long long base = run_count("count", &r);
    assert_null(strstr(r.out, "fail "));
    proc_result_free(&r);
    for (int k = 1; k <= LIBC_CALLS; k++) {
        const char *spec = fmt("nth=%llu", base + (unsigned long long)k);
        assert_int_equal(run_count(spec, &r), base);
        unsigned char set[LIBC_CALLS + 1];
        /* exactly call k failed, with ENOMEM (12) */
        assert_int_equal(read_fail_set(r.out, "fail ", set, LIBC_CALLS + 1), 1);
        if (!set[k] || !strstr(r.out, fmt("fail %d errno 12\n", k)))
            fail_msg("under %s: %s", spec, r.out);
        proc_result_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_families_mix_as_under_glibc),
        cmocka_unit_test(test_libc_names_count_and_fail_as_malloc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
