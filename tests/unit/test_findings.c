/*
 * test_findings: a sweep's findings table (harness/sweep/findings.c):
 * trials of one signature are one finding, counted, whose example is the
 * lowest (target, point, mode) whatever order the trials finish in; the
 * sort orders findings by their examples, reports where each moved, and
 * a signature added after the sort still finds its own finding. Many
 * signatures, so that the table grows past its first size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "findings.h"

static long add(struct pf_findings *f, const char *sig, uint64_t point, unsigned mode)
{
    char repro[64];
    snprintf(repro, sizeof repro, "repro %llu %u", (unsigned long long)point, mode);
    long k = pf_findings_add(f, sig, 1, 0, repro, "tail", 0, point, mode);
    assert_true(k >= 0);
    return k;
}

static void test_one_finding_per_signature(void **state)
{
    (void)state;
    struct pf_findings f;
    pf_findings_init(&f);
    long a = add(&f, "segfault: a < b", 40, 1);
    long b = add(&f, "fatal: x", 10, 0);
    assert_int_equal(add(&f, "segfault: a < b", 7, 1), a);
    assert_int_equal(add(&f, "segfault: a < b", 7, 0), a);
    assert_int_equal(add(&f, "segfault: a < b", 90, 0), a);
    assert_int_equal(f.n, 2);
    assert_int_equal(f.v[a].count, 4);
    assert_int_equal(f.v[b].count, 1);
    /* the lowest (point, mode) is the example, not the first to finish */
    assert_int_equal(f.v[a].point, 7);
    assert_int_equal(f.v[a].mode, 0);
    assert_string_equal(f.v[a].repro, "repro 7 0");
    assert_string_equal(f.v[a].signature, "segfault: a < b");
    pf_findings_free(&f);
}

static void test_sort_and_add_again(void **state)
{
    (void)state;
    struct pf_findings f;
    pf_findings_init(&f);
    enum { N = 300 };
    char sig[N][32];
    /* added in descending point order: the sort reverses them */
    for (int i = 0; i < N; i++) {
        snprintf(sig[i], sizeof sig[i], "error: sig %d", i);
        assert_int_equal(add(&f, sig[i], (uint64_t)(N - i), 0), i);
    }
    int32_t moved[N];
    assert_int_equal(pf_findings_sort(&f, moved), 0);
    for (int i = 0; i < N; i++) {
        assert_int_equal(moved[i], N - 1 - i);
        assert_string_equal(f.v[moved[i]].signature, sig[i]);
        assert_int_equal(f.v[moved[i]].point, (uint64_t)(N - i));
    }
    /* the index still names each signature's finding */
    for (int i = 0; i < N; i++)
        assert_int_equal(add(&f, sig[i], 1000, 1), moved[i]);
    assert_int_equal(f.n, N);
    assert_int_equal(add(&f, "abort: new", 5, 0), N);
    assert_int_equal(f.v[moved[3]].count, 2);
    pf_findings_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_finding_per_signature),
        cmocka_unit_test(test_sort_and_add_again),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
