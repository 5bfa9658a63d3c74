/*
 * test_bisect: bisect-run's options and the exit codes git bisect run
 * sees, without a repository: 0/1 by what was seen, inverted by
 * --find-fix, majority over confirming runs, 128 for bad usage.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "bisect.h"

#define ARGS(...) (int)(sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)), (char *[]){__VA_ARGS__}

static void test_parse(void **state)
{
    (void)state;
    struct pf_bisect_opts o;
    char err[256];
    assert_int_equal(pf_bisect_parse(ARGS("--want", "segfault,abort", "--signature", "gc_collect",
                                          "--find-fix", "--inject", "from=5", "--timeout", "7.5",
                                          "--python", "/x/python", "s.py"), &o, err, sizeof err), 0);
    assert_int_equal(o.want, (1u << PF_SEGFAULT) | (1u << PF_ABORT));
    assert_string_equal(o.signature, "gc_collect");
    assert_true(o.find_fix);
    assert_string_equal(o.inject, "from=5");
    assert_true(o.timeout_s == 7.5);
    assert_string_equal(o.python, "/x/python");
    assert_string_equal(o.scenario, "s.py");
    assert_null(o.command);

    assert_int_equal(pf_bisect_parse(ARGS("--build", "make -C src", "--", "./app", "--flag"), &o, err, sizeof err), 0);
    assert_string_equal(o.build, "make -C src");
    assert_int_equal(o.ncommand, 2);
    assert_string_equal(o.command[1], "--flag");
    assert_int_equal(o.want, PF_BISECT_DEFAULT_WANT);
    assert_false(o.want & (1u << PF_OK));
    assert_false(o.want & (1u << PF_ERROR));
}

static void test_parse_errors(void **state)
{
    (void)state;
    struct pf_bisect_opts o;
    char err[256];
    static const struct {
        char *argv[4];
        int argc;
        const char *says;
    } bad[] = {
        {{"--want", "crash", "s.py"}, 3, "--want: unknown class 'crash'"},
        {{"--want", "harness-error", "s.py"}, 3, "harness-error"},
        {{"--inject", "nth=zero", "s.py"}, 3, "--inject"},
        {{"--timeout", "0", "s.py"}, 3, "--timeout"},
        {{"--bogus", "s.py"}, 2, "unknown option '--bogus'"},
        {{"a.py", "b.py"}, 2, "one scenario only"},
        {{"s.py", "--", "./app"}, 3, "not both"},
        {{"--find-fix"}, 1, "no target"},
        {{"--build"}, 1, "--build needs a value"},
        {{"--"}, 1, "no command after '--'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err[0] = '\0';
        assert_int_equal(pf_bisect_parse(bad[i].argc, (char **)bad[i].argv, &o, err, sizeof err), -1);
        if (!strstr(err, bad[i].says))
            fail_msg("case %zu: '%s' does not say '%s'", i, err, bad[i].says);
    }
}

static void test_hit(void **state)
{
    (void)state;
    struct pf_bisect_opts o;
    char err[256];
    assert_int_equal(pf_bisect_parse(ARGS("--want", "segfault", "--signature", "handle_weakrefs", "s.py"),
                                     &o, err, sizeof err), 0);
    assert_true(pf_bisect_hit(&o, PF_SEGFAULT, "segfault: handle_weakrefs < gc_collect_main"));
    assert_false(pf_bisect_hit(&o, PF_SEGFAULT, "segfault: other < gc_collect_main"));
    assert_false(pf_bisect_hit(&o, PF_ABORT, "abort: handle_weakrefs"));
    o.signature = NULL;
    assert_true(pf_bisect_hit(&o, PF_SEGFAULT, "segfault: other"));
    assert_false(pf_bisect_hit(&o, PF_OK, "ok"));
}

static void test_verdicts(void **state)
{
    (void)state;
    /* git bisect run: 0 good (old), 1 bad (new) */
    assert_int_equal(pf_bisect_verdict(0, 1, 0), PF_BISECT_GOOD);
    assert_int_equal(pf_bisect_verdict(2, 2, 0), PF_BISECT_BAD);
    assert_int_equal(pf_bisect_verdict(0, 1, 1), PF_BISECT_BAD);   /* gone: fixed = new */
    assert_int_equal(pf_bisect_verdict(2, 2, 1), PF_BISECT_GOOD);  /* still there: old */
    assert_int_equal(pf_bisect_verdict(1, 3, 0), PF_BISECT_GOOD);  /* majority */
    assert_int_equal(pf_bisect_verdict(2, 3, 0), PF_BISECT_BAD);
    assert_int_equal(pf_bisect_verdict(1, 2, 0), PF_BISECT_BAD);   /* a tie counts as seen */
    assert_int_equal(PF_BISECT_SKIP, 125);
    assert_int_equal(PF_BISECT_BROKEN, 128);
    assert_string_equal(pf_bisect_status_name(PF_BISECT_SKIP), "skip");
}

static void test_confirm(void **state)
{
    (void)state;
    assert_true(pf_bisect_needs_confirm(1, PF_SEGFAULT));
    assert_true(pf_bisect_needs_confirm(0, PF_HANG));
    assert_true(pf_bisect_needs_confirm(0, PF_SIGNAL));
    assert_true(pf_bisect_needs_confirm(0, PF_HARNESS_ERROR));
    assert_false(pf_bisect_needs_confirm(0, PF_OK));
    assert_false(pf_bisect_needs_confirm(0, PF_ERROR));
    assert_false(pf_bisect_needs_confirm(0, PF_SEGFAULT)); /* not wanted: no need */
}

static void test_usage_shows_both_ways(void **state)
{
    (void)state;
    char *u = pf_bisect_help();
    assert_non_null(u);
    assert_non_null(strstr(u, "--find-fix"));
    assert_non_null(strstr(u, "git bisect start --term-old=broken --term-new=fixed"));
    assert_non_null(strstr(u, "125"));
    assert_non_null(strstr(u, "128"));
    free(u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_hit),
        cmocka_unit_test(test_verdicts),
        cmocka_unit_test(test_confirm),
        cmocka_unit_test(test_usage_shows_both_ways),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
