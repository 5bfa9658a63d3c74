/*
 * test_bisect: real `git bisect run pyfault bisect-run` on a small C
 * program of our own (tests/support/gate_bisect_repo.sh: eight commits,
 * c2 drops a malloc NULL check, c3 breaks the build, c5 restores the
 * check): the regressing commit the ordinary way, the fixing commit with
 * --find-fix (with and without --term-old/--term-new), and every exit
 * code git can get: 0, 1, 125, 128, never a signal status.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "gate_git.h"
#include "harness_cli.h"

#define OPTS "--want segfault --inject from=1 -- ./app"
#define RUN "bisect-run " OPTS

static char repo[700];

static void sh(const char *script, char *const *env, struct proc_result *r)
{
    gate_git_sh(repo, script, env, r);
}

static const char *hash_of(const char *name)
{
    return gate_git_hash(repo, name);
}

static int setup(void **state)
{
    (void)state;
    snprintf(repo, sizeof repo, "%s/repo", harness_tmpdir());
    char *argv[] = {(char *)project_path("tests/support/gate_bisect_repo.sh"), repo, NULL};
    struct proc_result r;
    if (proc_run(argv, NULL, &r) < 0 || !r.exited || r.exit_code != 0)
        fail_msg("gate_bisect_repo.sh failed: %s", r.err);
    proc_result_free(&r);
    return 0;
}

static char *bisect(const char *start, const char *args)
{
    return gate_git_bisect(repo, "master", start, args, NULL);
}

static void expect_first(const char *out, const char *name, const char *term)
{
    gate_git_expect_first(repo, out, name, term);
}

static void test_finds_the_regression(void **state)
{
    (void)state;
    char start[256];
    snprintf(start, sizeof start, "git bisect start %s %s", hash_of("c4"), hash_of("c0"));
    char *out = bisect(start, RUN);
    expect_first(out, "c2", "bad");
    /* one line per step: commit, build time, classes, verdict */
    assert_non_null(strstr(out, "bisect-run: "));
    assert_non_null(strstr(out, " | build "));
    free(out);
}

static void test_find_fix(void **state)
{
    (void)state;
    char start[256];
    snprintf(start, sizeof start, "git bisect start %s %s", hash_of("c7"), hash_of("c2"));
    char *out = bisect(start, "bisect-run --find-fix " OPTS);
    expect_first(out, "c5", "bad");
    free(out);
}

static void test_find_fix_with_terms(void **state)
{
    (void)state;
    char start[512];
    snprintf(start, sizeof start,
             "git bisect start --term-old=broken --term-new=fixed && git bisect fixed %s && git bisect broken %s",
             hash_of("c7"), hash_of("c2"));
    char *out = bisect(start, "bisect-run --find-fix " OPTS);
    expect_first(out, "c5", "fixed");
    assert_non_null(strstr(out, "= still broken"));
    free(out);
}

/* bisect-run alone at commit NAME: its status and output. */
static void step(const char *name, const char *args, char *const *env, struct proc_result *r)
{
    char script[2048];
    snprintf(script, sizeof script, "git checkout -q %s && '%s' %s", hash_of(name),
             harness_bin(), args);
    sh(script, env, r);
}

static void test_exit_codes(void **state)
{
    (void)state;
    struct proc_result r;
    step("c0", RUN, NULL, &r);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "| error | good (exit 0)"));
    proc_result_free(&r);

    /* the target dies of SIGSEGV (139 in a shell): git gets 1 */
    step("c2", RUN, NULL, &r);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.out, "| segfault, segfault | bad (exit 1)"));
    proc_result_free(&r);

    step("c2", "bisect-run --want segfault --signature no_such_frame --inject from=1 -- ./app", NULL, &r);
    assert_int_equal(r.exit_code, 0);
    proc_result_free(&r);

    step("c3", RUN, NULL, &r);
    assert_int_equal(r.exit_code, 125);
    assert_non_null(strstr(r.out, "skip (exit 125): does not build"));
    assert_non_null(strstr(r.err, "build failed: make"));
    assert_non_null(strstr(r.err, "  | ")); /* the log's tail */
    proc_result_free(&r);

    step("c2", "bisect-run --build false " "--want segfault -- ./app", NULL, &r);
    assert_int_equal(r.exit_code, 125);
    proc_result_free(&r);

    step("c2", "bisect-run --want segfault -- ./no-such-program", NULL, &r);
    assert_int_equal(r.exit_code, 125);
    proc_result_free(&r);

    char *env[] = {"PYFAULT_SHIM=/nonexistent/libpyfault.so", NULL};
    step("c2", RUN, env, &r);
    assert_int_equal(r.exit_code, 128);
    proc_result_free(&r);

    step("c2", "bisect-run --want crash -- ./app", NULL, &r);
    assert_int_equal(r.exit_code, 128);
    assert_true(harness_one_line(r.err));
    proc_result_free(&r);

    sh("git checkout -q master", NULL, &r);
    proc_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_finds_the_regression),
        cmocka_unit_test(test_find_fix),
        cmocka_unit_test(test_find_fix_with_terms),
        cmocka_unit_test(test_exit_codes),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
