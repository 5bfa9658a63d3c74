/*
 * test_fuzz_smoke: each libFuzzer target of tests/fuzz (built by `make
 * fuzzers`, which `make test` runs first) over its committed seed corpus,
 * then 2,000 mutations with a fixed seed: every crash input ever found is
 * in the corpus, so a regression fails here. Exit 0 or the test fails
 * with the fuzzer's last lines.
 */
#include <dirent.h>
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

/* The last N lines of TEXT. */
static const char *tail(const char *text, int n)
{
    const char *p = text + strlen(text);
    while (p > text && n >= 0)
        if (*--p == '\n')
            n--;
    return p;
}

static int count_inputs(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    if (!d)
        return -1;
    for (struct dirent *e; (e = readdir(d));)
        n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

static void smoke(const char *name)
{
    char bin[256], corpus[256], dict[256], fresh[700], artifacts[800];
    snprintf(bin, sizeof bin, "build/fuzz/fuzz_%s", name);
    snprintf(dict, sizeof dict, "-dict=tests/fuzz/%s.dict", name);
    snprintf(corpus, sizeof corpus, "tests/fuzz/corpus/%s", name);
    if (access(bin, X_OK) != 0)
        fail_msg("%s is missing: `make fuzzers` builds it (clang-14, libclang-rt-14-dev)", bin);
    assert_true(count_inputs(corpus) > 0);
    /* new inputs go to a scratch folder, never into the committed corpus */
    snprintf(fresh, sizeof fresh, "%s", harness_tmpdir());
    snprintf(artifacts, sizeof artifacts, "-artifact_prefix=%s/", fresh);
    char *argv[] = {bin, "-runs=2000", "-seed=1", "-timeout=10", "-max_total_time=60", dict,
                    artifacts, fresh, corpus, NULL};
    struct proc_result r;
    if (proc_run(argv, NULL, &r) < 0)
        fail_msg("cannot run %s", bin);
    if (!r.exited || r.exit_code != 0)
        fail_msg("%s: %s %d:\n%s", bin, r.exited ? "exit" : "signal", r.exited ? r.exit_code : r.signal,
                 tail(r.err, 30));
    assert_non_null(strstr(r.err, "Done 2000 runs"));
    proc_result_free(&r);
}

static void test_spec(void **state)
{
    (void)state;
    smoke("spec");
}

static void test_scenario(void **state)
{
    (void)state;
    smoke("scenario");
}

static void test_results(void **state)
{
    (void)state;
    smoke("results");
}

static void test_eventlog(void **state)
{
    (void)state;
    smoke("eventlog");
}

static void test_journal(void **state)
{
    (void)state;
    smoke("journal");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec),
        cmocka_unit_test(test_scenario),
        cmocka_unit_test(test_results),
        cmocka_unit_test(test_eventlog),
        cmocka_unit_test(test_journal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
