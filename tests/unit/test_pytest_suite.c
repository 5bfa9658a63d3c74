/*
 * test_pytest_suite: the pyfault_pytest plugin's reports read and judged
 * (harness/pytest/pytest_suite.c): a test swept when both counting runs
 * passed with the same count; flaky when outcome or count differ; not
 * passing; no points; a test in one run only; malformed reports refused,
 * and one made without regions; why no test was swept, reason by reason;
 * the statuses of a stopped run; and the pytest words refused
 * (harness/pytest/pytest_command.c): the plugin's options, unloading it,
 * the options with which no test runs.
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

#include "pytest_command.h"
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
    assert_string_equal(pf_pytest_status_name(PF_PYTEST_NOT_REACHED), "not-reached");
    assert_string_equal(pf_pytest_status_name(PF_PYTEST_INTERRUPTED), "interrupted");
    /* one swept: pf_pytest_suite_why_none is not asked; asked, it counts */
    char why[512];
    pf_pytest_suite_why_none(&s, why, sizeof why);
    assert_string_equal(why, "of 6 tests run without injection: 1 failed, 3 flaky, 1 made no "
                             "eligible allocation in its call (no points)");
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
    /* made without regions (--pyfault-no-region from pytest's addopts) */
    FILE *f = fopen(path[0], "w");
    assert_non_null(f);
    fprintf(f, "{\"version\": 1, \"region\": false, \"tests\": [{\"nodeid\": \"t::x\", "
               "\"outcome\": \"passed\", \"first\": 1, \"last\": 0}]}\n");
    assert_int_equal(fclose(f), 0);
    assert_int_equal(pf_pytest_suite_read(&s, path[0], 0, err, sizeof err), -1);
    assert_non_null(strstr(err, "made without regions"));
    pf_pytest_suite_free(&s);
    unlink(path[0]);
}

/* Why nothing was swept: no test at all; failed (in the call or its
 * set-up), skipped (marked or in set-up), other outcomes. */
static void test_why_none(void **state)
{
    (void)state;
    struct pf_pytest_suite s = {0};
    char why[512], err[512];
    pf_pytest_suite_why_none(&s, why, sizeof why);
    assert_string_equal(why, "pytest ran no test");
    write_report(0, "{\"nodeid\": \"t::a\", \"outcome\": \"failed\", \"first\": 1, \"last\": 3},"
                    "{\"nodeid\": \"t::b\", \"outcome\": \"setup-failed\", \"first\": 0, \"last\": 0},"
                    "{\"nodeid\": \"t::c\", \"outcome\": \"setup-skipped\", \"first\": 0, \"last\": 0},"
                    "{\"nodeid\": \"t::d\", \"outcome\": \"skipped\", \"first\": 4, \"last\": 5}");
    assert_int_equal(pf_pytest_suite_read(&s, path[0], 0, err, sizeof err), 0);
    assert_int_equal(pf_pytest_suite_read(&s, path[0], 1, err, sizeof err), 0);
    pf_pytest_suite_judge(&s);
    pf_pytest_suite_why_none(&s, why, sizeof why);
    assert_string_equal(why, "of 4 tests run without injection: 2 failed, 2 skipped");
    pf_pytest_suite_free(&s);
    unlink(path[0]);
}

/* The pytest words refused, and those let through. */
static void test_args_check(void **state)
{
    (void)state;
    char err[512];
    const char *const refused[][3] = {
        {"--collect-only"}, {"--co"}, {"--setup-only"}, {"--setup-plan"}, {"--fixtures"},
        {"--fixtures-per-test"}, {"--funcargs"}, {"--markers"}, {"--version"}, {"--help"},
        {"-h"}, {"-V"}, {"-vh"}, {"--pyfault-no-region"}, {"--pyfault-report=x"},
        {"--pyfault-select", "t::a"}, {"-p", "no:pyfault_pytest"}, {"-pno:pyfault_pytest"},
        {"-p=no:pyfault_pytest"}, {"-qp", "no:pyfault_pytest"}, {"-p", "no:pyfault-session"},
        {"t.py", "--co"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        int n = refused[i][1] ? 2 : 1;
        err[0] = '\0';
        if (pf_pytest_args_check(n, (char *const *)refused[i], err, sizeof err) != -1)
            fail_msg("case %zu (%s) let through", i, refused[i][0]);
        assert_non_null(strstr(err, "among the pytest words"));
        assert_null(strchr(err, '\n'));
    }
    const char *const allowed[][4] = {
        {"t.py", "-k", "help"}, {"-p", "xdist"}, {"-p", "no:cacheprovider"}, {"-x", "t.py"},
        {"-kh", "t.py"}, {"-rA", "t.py"}, {"--", "--co"}, {"-p", "-h"}, {"--setup-show"},
        {"--collect-in-virtualenv"}, {"--deselect", "t.py::test_a"}, {"-"},
    };
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
        int n = 0;
        while (n < 4 && allowed[i][n])
            n++;
        if (pf_pytest_args_check(n, (char *const *)allowed[i], err, sizeof err) != 0)
            fail_msg("case %zu (%s) refused: %s", i, allowed[i][0], err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_judge),
        cmocka_unit_test(test_bad_reports),
        cmocka_unit_test(test_why_none),
        cmocka_unit_test(test_args_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
