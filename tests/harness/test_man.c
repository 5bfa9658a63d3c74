/*
 * test_man: the man pages cannot drift from the program. Every option of
 * every subcommand's --help is in pyfault(1) and every option there is in
 * --help, the commands are the ones `pyfault --help` lists, and the spec
 * tokens of pyfault-spec(7) are those of pyfault.h's grammar
 * (support/man_check.py); a copy with one option dropped, one added or a
 * spec token dropped is caught. The built pages are the current sources
 * rendered, and man(1) formats them without a warning.
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

#include "harness_cli.h"

#define CHECK "/usr/bin/python3.11 tests/support/man_check.py build/pyfault"
#define MAN1 "man/pyfault.1.scd"
#define MAN7 "man/pyfault-spec.7.scd"
#define HEADER "injectors/pyfault.h"

static void sh(const char *script, struct proc_result *r)
{
    char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
    if (proc_run(argv, NULL, r) < 0)
        fail_msg("cannot run /bin/sh");
}

static void test_pages_match_help(void **state)
{
    (void)state;
    struct proc_result r;
    sh(CHECK " " MAN1 " " MAN7 " " HEADER, &r);
    if (r.exit_code != 0)
        fail_msg("man pages and --help differ:\n%s%s", r.out, r.err);
    assert_string_equal(r.out, "");
    proc_result_free(&r);
}

/* The check run on a copy of the pages edited by SED (on PAGE, 1 or 7)
 * exits 1 and says exactly SAYS. */
static void doctored(int page, const char *sed, const char *says)
{
    const char *dir = harness_tmpdir();
    char script[2400];
    snprintf(script, sizeof script,
             "cp " MAN1 " %s/1.scd && cp " MAN7 " %s/7.scd && sed -i '%s' %s/%d.scd && "
             CHECK " %s/1.scd %s/7.scd " HEADER, dir, dir, sed, dir, page, dir, dir);
    struct proc_result r;
    sh(script, &r);
    if (r.exit_code != 1 || strcmp(r.out, says) != 0)
        fail_msg("'%s' gave %d:\n%s%s\nwanted:\n%s", sed, r.exit_code, r.out, r.err, says);
    proc_result_free(&r);
}

static void test_drift_is_caught(void **state)
{
    (void)state;
    /* the first --engine entry only: sweep's (pytest has one too) */
    doctored(1, "0,/^\\*--engine\\* _ENGINE_/{//d}",
             "pyfault sweep: --engine is in --help but not in the man page\n");
    doctored(1, "s/^\\*--gdb-batch\\*/*--gdb-batch*, *--core*/",
             "pyfault repro: --core is in the man page but not in --help\n");
    doctored(1, "s/^## pyfault paths/## pyfault where/",
             "commands: pyfault paths is in --help but not in the man page\n"
             "commands: pyfault where is in the man page but not in --help\n");
    doctored(1, "/^\\*--version\\*/d",
             "pyfault: --version is in --help but not in the man page\n");
    doctored(7, "/^\\*sites-pow2\\*/d",
             "spec tokens: sites-pow2 is in pyfault.h but not in the man page\n");
}

static void test_built_pages_are_current(void **state)
{
    (void)state;
    const char *pages[] = {"pyfault.1", "pyfault-spec.7"};
    for (size_t i = 0; i < 2; i++) {
        char script[600];
        snprintf(script, sizeof script,
                 "tools/man-page.sh man/%s.scd | cmp - build/man/%s && "
                 "MANWIDTH=80 man --warnings -l build/man/%s", pages[i], pages[i], pages[i]);
        struct proc_result r;
        sh(script, &r);
        if (r.exit_code != 0 || r.err[0])
            fail_msg("%s: %d\n%s", pages[i], r.exit_code, r.err);
        assert_non_null(strstr(r.out, "SEE ALSO"));
        proc_result_free(&r);
    }
}

/* A page is dated by its source, not by the day it is built: a build from
 * before midnight still matches its source after it. Outside git, the
 * source's mtime dates it. */
static void test_page_dated_by_source(void **state)
{
    (void)state;
    const char *dir = harness_tmpdir();
    char script[1800];
    snprintf(script, sizeof script,
             "cp man/pyfault.1.scd %s/p.scd && touch -d 2001-02-03T12:00:00Z %s/p.scd && "
             "tools/man-page.sh %s/p.scd | grep '^\\.TH'", dir, dir, dir);
    struct proc_result r;
    sh(script, &r);
    if (r.exit_code != 0)
        fail_msg("man-page.sh: %d\n%s", r.exit_code, r.err);
    assert_non_null(strstr(r.out, "\"2001-02-03\""));
    proc_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pages_match_help),
        cmocka_unit_test(test_drift_is_caught),
        cmocka_unit_test(test_built_pages_are_current),
        cmocka_unit_test(test_page_dated_by_source),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
