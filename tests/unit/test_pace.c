/*
 * test_pace: the verdict limits a counting run's pace sets (pace.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "pace.h"

static void test_not_measured(void **state)
{
    (void)state;
    struct pf_pace p = {0};
    assert_int_equal(pf_pace_loop_window_ms(&p), 50);
    assert_int_equal(pf_pace_stall_ms(&p), 0); /* never a stall verdict */
    assert_true(pf_pace_timeout_s(&p) == 3.0);
    assert_int_equal(pf_pace_loop_window_ms(NULL), 50);
    assert_int_equal(pf_pace_stall_ms(NULL), 0);
}

static void test_loop_window_follows_rate(void **state)
{
    (void)state;
    /* python3.11 -c pass: ~19,000 allocations in ~30 ms: the floor */
    struct pf_pace fast = {.wall_ms = 30, .allocations = 19000};
    assert_int_equal(pf_pace_loop_window_ms(&fast), 10);
    /* 40,000 allocations in 1 s: 4,000 take 100 ms */
    struct pf_pace slow = {.wall_ms = 1000, .allocations = 40000};
    assert_int_equal(pf_pace_loop_window_ms(&slow), 100);
    /* a few allocations: the ceiling */
    struct pf_pace few = {.wall_ms = 0, .allocations = 10};
    assert_int_equal(pf_pace_loop_window_ms(&few), 200);
}

static void test_stall_follows_gaps(void **state)
{
    (void)state;
    struct pf_pace tight = {.wall_ms = 50, .allocations = 100, .max_gap_ms = 3};
    assert_int_equal(pf_pace_stall_ms(&tight), 200); /* the floor */
    struct pf_pace quiet = {.wall_ms = 700, .allocations = 10, .max_gap_ms = 600};
    assert_int_equal(pf_pace_stall_ms(&quiet), 2400);
    struct pf_pace huge = {.wall_ms = 1, .allocations = 1, .max_gap_ms = UINT64_MAX / 8};
    assert_int_equal(pf_pace_stall_ms(&huge), 3600u * 1000u);
}

static void test_timeout_follows_wall(void **state)
{
    (void)state;
    struct pf_pace quick = {.wall_ms = 20, .allocations = 5};
    assert_true(pf_pace_timeout_s(&quick) == 3.0);
    struct pf_pace long_run = {.wall_ms = 2000, .allocations = 5};
    assert_true(pf_pace_timeout_s(&long_run) == 21.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_not_measured),
        cmocka_unit_test(test_loop_window_follows_rate),
        cmocka_unit_test(test_stall_follows_gaps),
        cmocka_unit_test(test_timeout_follows_wall),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
