/*
 * test_completion: completion/pyfault.bash driven the way bash drives it
 * (COMP_WORDS, COMP_CWORD, then _pyfault) with build/pyfault as the
 * command: subcommands, each subcommand's options (taken from that
 * binary's --help), classes in comma lists, modes, engines, plans,
 * --shard auto, --interp names and paths, spec tokens, and files.
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

/* The completions (one per line, sorted, duplicates dropped) of the
 * command line WORDS (the words before the cursor's, space-separated; no
 * quoting) with the cursor's word CUR. Heap string. */
static char *complete(const char *words, const char *cur)
{
    char script[2048];
    snprintf(script, sizeof script,
             "source completion/pyfault.bash && COMP_WORDS=(build/pyfault %s '%s') && "
             "COMP_CWORD=$((${#COMP_WORDS[@]} - 1)) && _pyfault && "
             "{ [ ${#COMPREPLY[@]} -eq 0 ] || printf '%%s\\n' \"${COMPREPLY[@]}\" | LC_ALL=C sort -u; }",
             words, cur);
    char *argv[] = {"/bin/bash", "-c", script, NULL};
    struct proc_result r;
    if (proc_run(argv, NULL, &r) < 0)
        fail_msg("cannot run bash");
    if (r.exit_code != 0 || r.err[0])
        fail_msg("completion of '%s' '%s': %d %s", words, cur, r.exit_code, r.err);
    char *out = strdup(r.out);
    proc_result_free(&r);
    return out;
}

/* The completions of WORDS + CUR are exactly WANT ("a\nb\n", sorted). */
static void expect(const char *words, const char *cur, const char *want)
{
    char *got = complete(words, cur);
    if (strcmp(got, want) != 0)
        fail_msg("'%s' '%s': got\n%swanted\n%s", words, cur, got, want);
    free(got);
}

static void test_commands(void **state)
{
    (void)state;
    expect("", "", "--help\n--version\nbisect-run\ngate\nmatrix\nmerge\npaths\npytest\n"
                   "report\nrepro\nrun\nsweep\n");
    expect("", "sw", "sweep\n");
    expect("", "re", "report\nrepro\n");
    char *argv[] = {"/bin/bash", "-c", "source completion/pyfault.bash && complete -p pyfault", NULL};
    struct proc_result r;
    assert_int_equal(proc_run(argv, NULL, &r), 0);
    assert_string_equal(r.out, "complete -F _pyfault pyfault\n");
    proc_result_free(&r);
}

static void test_options(void **state)
{
    (void)state;
    expect("gate", "--", "--allow-incomplete\n--baseline\n--help\n--junit\n--update-baseline\n");
    expect("run", "--", "--accept\n--help\n--inject\n--json\n--python\n--quiet\n--timeout\n");
    expect("sweep", "--sh", "--shard\n");
    expect("sweep", "--s", "--shard\n--site-depth\n--stride\n");
    expect("-q sweep", "--e", "--engine\n");
    expect("repro x.json 3", "--gdb", "--gdb\n--gdb-batch\n");
    expect("matrix", "--st", "--startup-stride\n");
    expect("paths", "--", "--help\n");
}

static void test_values(void **state)
{
    (void)state;
    expect("sweep --shard", "", "auto\n");
    expect("matrix --shard", "a", "auto\n");
    expect("sweep --mode", "", "both\noneshot\npersistent\n");
    expect("sweep --engine", "f", "fork\n");
    expect("sweep --plan", "sites:", "sites:\nsites:log\n");
    expect("run --accept", "ok,se", "ok,segfault\n");
    expect("sweep --accept", "", "abort\nerror\nfatal\nhang\nharness-error\nok\nsegfault\n"
                                 "signal\nstack-overflow\nunwind-loop\n");
    expect("bisect-run --want", "segfault,un", "segfault,unwind-loop\n");
    expect("sweep --inject", "min-size=8,re", "min-size=8,region\n");
    expect("run --inject", "layer=", "layer=all\nlayer=libc\nlayer=pymem\n");
}

static void test_interp(void **state)
{
    (void)state;
    expect("matrix --interp", "3.11-", "3.11-patched=\n3.11-regress=\n3.11-vanilla=\n");
    expect("matrix -q --interp", "sys", "system=\n");
    expect("matrix --interp", "mine=/usr/bin/python3.11-db",
           "mine=/usr/bin/python3.11-dbg\nmine=/usr/bin/python3.11-dbg-config\n");
}

static void test_files(void **state)
{
    (void)state;
    expect("report", "harness/cl", "harness/classify\nharness/cli\n");
    expect("sweep", "tests/support/man_ch", "tests/support/man_check.py\n");
    expect("sweep --", "/usr/bin/python3.11-dbg-c", "/usr/bin/python3.11-dbg-config\n");
    expect("sweep --json", "completion/pyf", "completion/pyfault.bash\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_commands),
        cmocka_unit_test(test_options),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_interp),
        cmocka_unit_test(test_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
