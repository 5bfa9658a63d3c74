/*
 * test_pytest_suite: the pyfault_pytest plugin's reports read and judged
 * (harness/pytest/pytest_suite.c): a test swept when both counting runs
 * passed with the same count; flaky when outcome or count differ; not
 * passing; no points; a test in one run only; malformed reports refused.
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

#include "pytest_suite.h"

static char path[2][64];

static void write_report(int run, const char *tests)
{
    snprintf(path[run], sizeof path[run], "/tmp/pf_pytest_suite.%d.%d.json", (int)getpid(), run);
    FILE *f = fopen(path[run], "w");
    assert_non_null(f);
    fprintf(f, "{\"version\": 1, \"tests\": [%s]}\n", tests);
    assert_int_equal(fclose(f), 0);
}

static const struct pf_pytest_test *find(const struct pf_pytest_suite *s, const char *id)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].nodeid, id) == 0)
            return &s->v[i];
    fail_msg("no test %s", id);
    return NULL;
}

static void test_judge(void **state)
{
    (void)state;
    write_report(0, "{\"nodeid\": \"t::swept\", \"outcome\": \"passed\", \"first\": 1, \"last\": 10},"
                    "{\"nodeid\": \"t::flips\", \"outcome\": \"passed\", \"first\": 11, \"last\": 12},"
                    "{\"nodeid\": \"t::moves\", \"outcome\": \"passed\", \"first\": 13, \"last\": 15},"
                    "{\"nodeid\": \"t::fails\", \"outcome\": \"failed\", \"first\": 16, \"last\": 20},"
                    "{\"nodeid\": \"t::empty\", \"outcome\": \"passed\", \"first\": 21, \"last\": 20},"
                    "{\"nodeid\": \"t::once\", \"outcome\": \"passed\", \"first\": 21, \"last\": 22}");
    write_report(1, "{\"nodeid\": \"t::swept\", \"outcome\": \"passed\", \"first\": 1, \"last\": 10},"
                    "{\"nodeid\": \"t::flips\", \"outcome\": \"failed\", \"first\": 11, \"last\": 12},"
                    "{\"nodeid\": \"t::moves\", \"outcome\": \"passed\", \"first\": 13, \"last\": 16},"
                    "{\"nodeid\": \"t::fails\", \"outcome\": \"failed\", \"first\": 17, \"last\": 21},"
                    "{\"nodeid\": \"t::empty\", \"outcome\": \"passed\", \"first\": 22, \"last\": 21}");
    struct pf_pytest_suite s = {0};
    char err[512];
    assert_int_equal(pf_pytest_suite_read(&s, path[0], 0, err, sizeof err), 0);
    assert_int_equal(pf_pytest_suite_read(&s, path[1], 1, err, sizeof err), 0);
    pf_pytest_suite_judge(&s);
    assert_int_equal(s.n, 6);
    assert_string_equal(s.v[0].nodeid, "t::swept"); /* report order kept */
    const struct pf_pytest_test *t = find(&s, "t::swept");
    assert_int_equal(t->status, PF_PYTEST_SWEEP);
    assert_int_equal(t->count[0], 10);
    assert_string_equal(t->note, "");
    t = find(&s, "t::flips");
    assert_int_equal(t->status, PF_PYTEST_FLAKY);
    assert_non_null(strstr(t->note, "passed in the first counting run, failed in the second"));
    t = find(&s, "t::moves");
    assert_int_equal(t->status, PF_PYTEST_FLAKY);
    assert_non_null(strstr(t->note, "3 eligible allocations in the first counting run, 4"));
    assert_int_equal(find(&s, "t::fails")->status, PF_PYTEST_NOT_PASSING);
    t = find(&s, "t::empty");
    assert_int_equal(t->status, PF_PYTEST_NO_POINTS);
    assert_int_equal(t->count[0] + t->count[1], 0);
    t = find(&s, "t::once");
    assert_int_equal(t->status, PF_PYTEST_FLAKY);
    assert_string_equal(t->outcome[1], "absent");
    assert_string_equal(pf_pytest_status_name(PF_PYTEST_NO_POINTS), "no-points");
    pf_pytest_suite_free(&s);
    unlink(path[0]);
    unlink(path[1]);
}

static void test_bad_reports(void **state)
{
    (void)state;
    struct pf_pytest_suite s = {0};
    char err[512];
    assert_int_equal(pf_pytest_suite_read(&s, "/nonexistent/report.json", 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/report.json"));
    write_report(0, "{\"nodeid\": \"t::x\", \"outcome\": \"passed\", \"first\": 5, \"last\": 2}");
    assert_int_equal(pf_pytest_suite_read(&s, path[0], 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "malformed"));
    write_report(0, "{\"nodeid\": 3, \"outcome\": \"passed\", \"first\": 1, \"last\": 2}");
    assert_int_equal(pf_pytest_suite_read(&s, path[0], 0, err, sizeof err), -1);
    pf_pytest_suite_free(&s);
    unlink(path[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_judge),
        cmocka_unit_test(test_bad_reports),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
