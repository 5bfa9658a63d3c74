/*
 * test_modes: each injection mode's exact semantics, seen from a real
 * process (build/targets/alloc_pattern) making 1000 allocations of mixed
 * kinds: malloc, calloc, realloc, posix_memalign; and count mode with an
 * inherited fork-fd= but no socket, quiet.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "shimrun.h"

#define COUNT 1000

static unsigned long long base_number;

/* The allocation number of the target's first loop allocation, minus 1. */
static int setup(void **state)
{
    (void)state;
    struct proc_result r;
    run_target("alloc_pattern", "count", NULL, NULL, &r);
    assert_int_equal(r.exit_code, 0);
    base_number = read_number(r.out, "base ");
    assert_int_equal(read_number(r.out, "counted "), COUNT);
    proc_result_free(&r);
    return 0;
}

/* Runs alloc_pattern under SPEC; SET gets the indexes (1..COUNT) that
 * failed; returns how many. */
static int failures(const char *spec, unsigned char *set)
{
    struct proc_result r;
    run_target("alloc_pattern", spec, NULL, NULL, &r);
    if (r.exit_code != 0)
        fail_msg("alloc_pattern under '%s' exited %d (signal %d): %s", spec,
                 r.exit_code, r.signal, r.err);
    assert_int_equal(read_number(r.out, "base "), base_number);
    int n = read_fail_set(r.out, "fail ", set, COUNT + 1);
    proc_result_free(&r);
    return n;
}

static void expect_exactly(const char *spec, int (*should_fail)(int i, unsigned long long base))
{
    unsigned char set[COUNT + 1];
    failures(spec, set);
    for (int i = 1; i <= COUNT; i++)
        if (set[i] != should_fail(i, base_number))
            fail_msg("under '%s' allocation %d %s", spec, i,
                     set[i] ? "failed but should not" : "should fail but did not");
}

static int is_17(int i, unsigned long long b) { (void)b; return i == 17; }
static int from_990(int i, unsigned long long b) { (void)b; return i >= 990; }
static int in_100_110(int i, unsigned long long b) { (void)b; return i >= 100 && i <= 110; }
static int every_7(int i, unsigned long long b) { return (b + (unsigned)i) % 7 == 0; }
static int never(int i, unsigned long long b) { (void)i; (void)b; return 0; }

static void test_count_fails_nothing(void **state)
{
    (void)state;
    expect_exactly("count", never);
    struct proc_result plain, shim;
    run_target_plain("alloc_pattern", NULL, &plain);
    run_target("alloc_pattern", NULL, NULL, NULL, &shim);
    /* same output but for the counter lines only the shim can fill */
    assert_int_equal(plain.exit_code, 0);
    assert_int_equal(shim.exit_code, 0);
    assert_null(strstr(plain.out, "fail "));
    assert_null(strstr(shim.out, "fail "));
    proc_result_free(&plain);
    proc_result_free(&shim);
}

/* A process a fork-engine target starts inherits the server's spec
 * (fork-fd=) but not its socket (close-on-exec): it only counts, and says
 * nothing, or its line would be the target's output. */
static void test_inherited_fork_fd_is_quiet(void **state)
{
    (void)state;
    struct proc_result r;
    run_target("alloc_pattern", "count,fork-fd=7", NULL, NULL, &r);
    assert_int_equal(r.exit_code, 0);
    assert_string_equal(r.err, "");
    assert_int_equal(read_number(r.out, "counted "), COUNT);
    assert_null(strstr(r.out, "fail "));
    proc_result_free(&r);
}

static void test_nth(void **state)
{
    (void)state;
    expect_exactly(fmt("nth=%llu", base_number + 17), is_17);
}

static void test_from(void **state)
{
    (void)state;
    expect_exactly(fmt("from=%llu", base_number + 990), from_990);
}

static void test_range(void **state)
{
    (void)state;
    expect_exactly(fmt("range=%llu:%llu", base_number + 100, base_number + 110), in_100_110);
}

static void test_every(void **state)
{
    (void)state;
    expect_exactly("every=7", every_7);
}

static void test_random_repeats_with_its_seed(void **state)
{
    (void)state;
    unsigned char a[COUNT + 1], b[COUNT + 1], c[COUNT + 1];
    int na = failures("random=0.1,seed=5", a);
    int nb = failures("random=0.1,seed=5", b);
    int nc = failures("random=0.1,seed=6", c);
    assert_memory_equal(a, b, sizeof a);
    assert_int_equal(na, nb);
    /* ~100 expected; 5 standard deviations either way */
    assert_in_range(na, 53, 147);
    assert_in_range(nc, 53, 147);
    assert_memory_not_equal(a, c, sizeof a);
}

static void test_min_size(void **state)
{
    (void)state;
    /* requests are 16+i, 4*(8+i), 32+i, 100+i bytes: with min-size=1000
     * only the calloc of 4*(8+i) >= 1000 (i >= 242) and the others past
     * the size are eligible; from=1 fails exactly those */
    unsigned char set[COUNT + 1];
    failures("min-size=1000,from=1", set);
    for (int i = 1; i <= COUNT; i++) {
        size_t size = (i % 4 == 1) ? 16u + (unsigned)i
                    : (i % 4 == 2) ? 4u * (8u + (unsigned)i)
                    : (i % 4 == 3) ? 32u + (unsigned)i : 100u + (unsigned)i;
        if (set[i] != (size >= 1000))
            fail_msg("allocation %d of %zu bytes: failed=%d", i, size, set[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_count_fails_nothing),
        cmocka_unit_test(test_inherited_fork_fd_is_quiet),
        cmocka_unit_test(test_nth),
        cmocka_unit_test(test_from),
        cmocka_unit_test(test_range),
        cmocka_unit_test(test_every),
        cmocka_unit_test(test_random_repeats_with_its_seed),
        cmocka_unit_test(test_min_size),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
