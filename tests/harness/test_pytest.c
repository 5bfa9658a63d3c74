/*
 * test_pytest: `pyfault pytest` and the pyfault_pytest plugin on the pfdemo
 * extension's three-test suite (scenarios/ext/pfdemo.c,
 * scenarios/ext/pytest_demo/), under Debian's /usr/bin/python3.11 with
 * python3-pytest: the unchecked allocation in test_pairs is a segfault
 * naming that test and its repro line gives the segfault again; test_joined
 * only ever errors; test_constant has no points; each plan is the test's
 * in-call allocations, never the fixture's thousand; a test that takes a
 * fixture (by name, or as a keyword-only parameter) and allocates nothing
 * has no points, the plugin's call being outside; and a test that flips
 * between passing and failing is skipped with a note, not reported. And a
 * packaged extension end to end: two of markupsafe 2.1.2's own tests
 * (tests/harness/data/markupsafe/) against Debian's python3-markupsafe,
 * every 2nd point, find the segfault of escape() in _speedups
 * (scenarios/findings/ext/README.md); and findings-ext's sweep of the
 * tests a binary package ships (sweep-packaged.sh with PACKAGED=):
 * python3-regex's own test_format finds the expandf segfault.
 */
#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness_cli.h"
#include "marked.h"
#include "skipping.h"

#define PY "/usr/bin/python3.11"
#define SUITE "scenarios/ext/pytest_demo/test_pfdemo.py"
#define FLAKY "scenarios/ext/pytest_demo/test_flaky.py"
#define FIXTURE_ONLY "scenarios/ext/pytest_demo/test_fixture_only.py"
#define FIXTURE_KWONLY "scenarios/ext/pytest_demo/test_fixture_kwonly.py"
#define DATA "tests/harness/data/pytest/"
/* a test of a few points, swept beside one that would leave nothing to sweep */
#define SMALL DATA "test_small.py"
#define PAIRS SUITE "::test_pairs"
#define JOINED SUITE "::test_joined"
#define CONSTANT SUITE "::test_constant"
/* the `numbers` fixture makes this many strings in set-up */
#define FIXTURE_OBJECTS 1000

static char ext_dir[4096];

/* Builds pfdemo for PY into a fresh folder named by PFDEMO_EXT_DIR (the
 * suite's conftest.py puts it on sys.path); skips without pytest. */
static int setup(void **state)
{
    (void)state;
    if (system(PY " -c 'import pytest' 2>/dev/null") != 0)
        return 0; /* each test skips, saying why */
    snprintf(ext_dir, sizeof ext_dir, "%s", harness_tmpdir());
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "%s %s pfdemo %s", project_path("tools/build-ext.sh"), PY,
             ext_dir);
    if (system(cmd) != 0)
        return -1;
    setenv("PFDEMO_EXT_DIR", ext_dir, 1);
    return 0;
}

/* `pyfault pytest -q -j2 --out DIR [--inject EXTRA] [--stride S] -- WORDS...`
 * (at most 8 words); results.json parsed. */
static json_t *pytest_sweep_words(const char *const *words, const char *extra,
                                  const char *stride, int *status)
{
    const char *dir = harness_tmpdir();
    char out[4200];
    snprintf(out, sizeof out, "%s/out", dir);
    /* 8 words, --inject X, --stride N, --, 8 pytest words and the NULL */
    const char *args[24] = {"pytest", "--python", PY, "-q", "-j", "2", "--out", out};
    int n = 8;
    if (extra) {
        args[n++] = "--inject";
        args[n++] = extra;
    }
    if (stride) {
        args[n++] = "--stride";
        args[n++] = stride;
    }
    args[n++] = "--";
    for (int i = 0; words[i] && i < 8; i++)
        args[n++] = words[i];
    args[n] = NULL;
    struct proc_result r;
    harness_cli(args, &r, NULL);
    *status = r.exited ? r.exit_code : 128 + r.signal;
    if (*status > 1)
        fail_msg("pyfault pytest: status %d: %s", *status, r.err);
    proc_result_free(&r);
    return harness_results(out);
}

/* `pyfault pytest -q -j2 --out DIR [--inject EXTRA] [--stride S] -- FILE [-k K]` */
static json_t *pytest_sweep_k(const char *file, const char *extra, const char *k,
                              const char *stride, int *status)
{
    const char *words[] = {file, k ? "-k" : NULL, k, NULL};
    return pytest_sweep_words(words, extra, stride, status);
}

static json_t *pytest_sweep(const char *file, const char *extra, int *status)
{
    return pytest_sweep_k(file, extra, NULL, NULL, status);
}

/* The "pytest" section's entry for NODEID. */
static json_t *test_entry(json_t *results, const char *nodeid)
{
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(json_object_get(results, "pytest"), "tests"), i, t)
        if (strcmp(harness_str(t, "nodeid"), nodeid) == 0)
            return t;
    fail_msg("no test %s in the pytest section", nodeid);
    return NULL;
}

static json_int_t int_at(json_t *o, const char *key)
{
    return json_integer_value(json_object_get(o, key));
}

/* The findings of class CLS; *ONLY gets the last one. */
static int findings_of(json_t *results, const char *cls, json_t **only)
{
    int n = 0;
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(results, "findings"), i, f) {
        if (strcmp(harness_str(f, "class"), cls) == 0) {
            n++;
            *only = f;
        }
    }
    return n;
}

static void test_demo_suite(void **state)
{
    (void)state;
    if (!ext_dir[0])
        skip_because("no pytest for " PY " (python3-pytest, tools/deps.sh)");
    int status;
    json_t *j = pytest_sweep(SUITE, "dso=pfdemo*", &status);
    assert_int_equal(status, 1); /* a segfault is not accepted */
    assert_true(json_is_true(json_object_get(j, "complete")));

    /* the segfault: one signature, in pfdemo_pairs, found by test_pairs only */
    json_t *seg = NULL;
    assert_int_equal(findings_of(j, "segfault", &seg), 1);
    const char *sig = harness_str(seg, "signature");
    assert_true(strncmp(sig, "segfault: pfdemo_pairs <", 24) == 0);
    json_t *scen = json_object_get(seg, "scenarios");
    assert_int_equal(json_array_size(scen), 1);
    assert_string_equal(json_string_value(json_array_get(scen, 0)), PAIRS);

    /* each swept test's plan is its in-call allocations: the counting runs
     * agree, the test's own counting run agrees, the fixture is not in it */
    json_t *pairs = test_entry(j, PAIRS), *joined = test_entry(j, JOINED);
    for (json_t *t = pairs; t; t = t == pairs ? joined : NULL) {
        assert_string_equal(harness_str(t, "status"), "sweep");
        json_int_t points = int_at(t, "points");
        json_t *counts = json_object_get(t, "allocations");
        assert_true(points > 0 && points < FIXTURE_OBJECTS);
        assert_int_equal(points, int_at(t, "region_allocations"));
        assert_int_equal(points, json_integer_value(json_array_get(counts, 0)));
        assert_int_equal(points, json_integer_value(json_array_get(counts, 1)));
        print_message("%s: %lld points\n", harness_str(t, "nodeid"), (long long)points);
    }
    /* test_joined's failure paths are all checked: error (or ok), nothing else */
    json_t *jc = json_object_get(joined, "counts");
    assert_true(int_at(jc, "error") > 0);
    assert_int_equal(json_object_size(jc), int_at(jc, "ok") ? 2 : 1);
    /* test_constant allocates nothing in its call: not swept */
    json_t *constant = test_entry(j, CONSTANT);
    assert_string_equal(harness_str(constant, "status"), "no-points");
    assert_true(json_is_null(json_object_get(constant, "target")));

    /* the repro line reruns test_pairs alone at that point: a segfault again */
    const char *repro = harness_str(seg, "repro");
    assert_non_null(strstr(repro, "--pyfault-select=" PAIRS));
    char *argv[] = {"/bin/sh", "-c", (char *)repro, NULL};
    struct proc_result r;
    assert_int_equal(proc_run(argv, NULL, &r), 0);
    char want[512];
    snprintf(want, sizeof want, "class: segfault\nsignature: %s\n", sig);
    if (!strstr(r.out, want))
        fail_msg("repro %s gave:\n%s%s", repro, r.out, r.err);
    proc_result_free(&r);
    json_decref(j);
}

/* The plugin's own call into a test is outside the sweep: a test that
 * takes a fixture and allocates nothing has no points, where the copy of
 * its keyword arguments made three, and their MemoryErrors were blamed on
 * the test. */
static void test_plugin_call_has_no_points(void **state)
{
    (void)state;
    if (!ext_dir[0])
        skip_because("no pytest for " PY " (python3-pytest, tools/deps.sh)");
    int status;
    const char *words[] = {FIXTURE_ONLY, SMALL, NULL};
    json_t *j = pytest_sweep_words(words, NULL, NULL, &status);
    assert_int_equal(status, 0);
    json_t *t = test_entry(j, FIXTURE_ONLY "::test_takes_a_fixture");
    assert_string_equal(harness_str(t, "status"), "no-points");
    assert_true(json_is_null(json_object_get(t, "target")));
    assert_string_equal(harness_str(test_entry(j, SMALL "::test_small"), "status"), "sweep");
    assert_int_equal(json_array_size(json_object_get(j, "targets")), 1);
    json_decref(j);
}

/* The same for a fixture that can only come as a keyword (a keyword-only
 * parameter): the plugin prepares the call, keyword included, before the
 * region, where `function(**kwargs)` inside it made two points (the dict's
 * copy and its unpacking into an array), both blamed on the test. */
static void test_plugin_keyword_call_has_no_points(void **state)
{
    (void)state;
    if (!ext_dir[0])
        skip_because("no pytest for " PY " (python3-pytest, tools/deps.sh)");
    int status;
    const char *words[] = {FIXTURE_KWONLY, SMALL, NULL};
    json_t *j = pytest_sweep_words(words, NULL, NULL, &status);
    assert_int_equal(status, 0);
    json_t *t = test_entry(j, FIXTURE_KWONLY "::test_takes_a_keyword_only_fixture");
    assert_string_equal(harness_str(t, "status"), "no-points");
    assert_true(json_is_null(json_object_get(t, "target")));
    assert_string_equal(harness_str(test_entry(j, SMALL "::test_small"), "status"), "sweep");
    json_decref(j);
}

static void test_flaky_is_skipped(void **state)
{
    (void)state;
    if (!ext_dir[0])
        skip_because("no pytest for " PY " (python3-pytest, tools/deps.sh)");
    char flip[4200];
    snprintf(flip, sizeof flip, "%s/flip", harness_tmpdir());
    setenv("PFDEMO_FLIP_FILE", flip, 1);
    int status;
    const char *words[] = {FLAKY, SMALL, NULL};
    json_t *j = pytest_sweep_words(words, NULL, NULL, &status);
    unsetenv("PFDEMO_FLIP_FILE");
    assert_int_equal(status, 0);
    json_t *t = test_entry(j, FLAKY "::test_flips");
    assert_string_equal(harness_str(t, "status"), "flaky");
    assert_non_null(strstr(harness_str(t, "note"), "flaky without injection"));
    json_t *outcomes = json_object_get(t, "outcomes");
    assert_string_not_equal(json_string_value(json_array_get(outcomes, 0)),
                            json_string_value(json_array_get(outcomes, 1)));
    /* no trial and no finding is the flaky test's: the one target is test_small */
    assert_true(json_is_null(json_object_get(t, "target")));
    assert_int_equal(json_array_size(json_object_get(j, "targets")), 1);
    size_t i;
    json_t *f, *id;
    json_array_foreach(json_object_get(j, "findings"), i, f) {
        size_t k;
        json_array_foreach(json_object_get(f, "scenarios"), k, id)
            assert_string_equal(json_string_value(id), SMALL "::test_small");
    }
    json_decref(j);
}

static void test_packaged_markupsafe(void **state)
{
    (void)state;
    if (!ext_dir[0])
        skip_because("no pytest for " PY " (python3-pytest, tools/deps.sh)");
    if (system(PY " -c 'import markupsafe._speedups' 2>/dev/null") != 0)
        skip_because("no python3-markupsafe with _speedups (mk/findings-ext.mk)");
    int status;
    json_t *j = pytest_sweep_k("tests/harness/data/markupsafe/test_escape.py", "dso=_speedups*",
                               "_speedups and abcd", "2", &status);
    assert_int_equal(status, 1);
    json_t *tests = json_object_get(json_object_get(j, "pytest"), "tests");
    assert_int_equal(json_array_size(tests), 2);
    json_t *seg = NULL;
    assert_true(findings_of(j, "segfault", &seg) >= 1);
    size_t i;
    json_t *id;
    json_array_foreach(json_object_get(seg, "scenarios"), i, id)
        assert_non_null(strstr(json_string_value(id), "test_escape.py::test_escape[markupsafe._speedups-abcd"));
    print_message("markupsafe: %s in %s\n", harness_str(seg, "signature"),
                  json_string_value(json_array_get(json_object_get(seg, "scenarios"), 0)));
    json_decref(j);
}

/* sweep-packaged.sh with PACKAGED=: the tests python3-regex ships, one
 * of them, swept one point per call site; its result line says where
 * the tests came from, and the expandf segfault is among the findings. */
static void test_packaged_tests_of_a_binary(void **state)
{
    (void)state;
    if (!ext_dir[0])
        skip_because("no pytest for " PY " (python3-pytest, tools/deps.sh)");
    if (access("/usr/lib/python3/dist-packages/regex/test_regex.py", R_OK) != 0)
        skip_because("no python3-regex (mk/findings-ext.mk)");
    char script[1200];
    const char *out = harness_tmpdir();
    snprintf(script, sizeof script,
             "PACKAGED=regex/test_regex.py PLAN=sites %s '%s' regex python-regex "
             "python3-regex '_regex*' - -k test_format",
             project_path("scenarios/findings/ext/sweep-packaged.sh"), out);
    char *argv[] = {"/bin/sh", "-c", script, NULL};
    struct proc_result r;
    if (proc_run(argv, NULL, &r) < 0)
        fail_msg("cannot run sweep-packaged.sh");
    if (r.exit_code != 0)
        fail_msg("sweep-packaged.sh exited %d: %s%s", r.exit_code, r.out, r.err);
    assert_non_null(strstr(r.out, "the tests python3-regex"));
    assert_non_null(strstr(r.out, "ships (regex/test_regex.py)"));
    assert_non_null(strstr(r.out, "segfault: tupleitem < PySequence_GetItem < output_markup"));
    print_message("%s", r.out);
    proc_result_free(&r);
}

/* The pyfault_pytest plugin's own options, unloading it, and the pytest
 * options with which no test runs are refused among the pytest words in
 * one line, exit 2, before pytest runs; where --collect-only made "0
 * tests, 0 trials", exit 0, a complete results.json and a passing gate,
 * and --pyfault-no-region every test "no points". After a "--" of the
 * user's, pytest takes every word as a path: not refused. */
static void test_refused_words(void **state)
{
    (void)state;
    const struct {
        const char *words[4];
        const char *want;
    } cases[] = {
        {{"--collect-only", SMALL}, "'--collect-only' among the pytest words: pytest would run no test"},
        {{"--co", SMALL}, "'--co' among the pytest words"},
        {{"--setup-plan", SMALL}, "'--setup-plan' among the pytest words"},
        {{"--fixtures", SMALL}, "'--fixtures' among the pytest words"},
        {{"-h"}, "'-h' among the pytest words"},
        {{"-qV"}, "pytest would run no test (-V)"},
        {{"--pyfault-no-region", SMALL}, "'--pyfault-no-region' among the pytest words: the "
                                         "pyfault_pytest plugin's own option"},
        {{"--pyfault-select=" SMALL "::test_small", SMALL}, "plugin's own option"},
        {{"-p", "no:pyfault_pytest", SMALL}, "'-p no:pyfault_pytest' among the pytest words"},
        {{"-qpno:pyfault_pytest", SMALL}, "'-p no:pyfault_pytest' among the pytest words"},
        {{"-p=no:pyfault_pytest", SMALL}, "needs its plugin, pyfault_pytest, loaded"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *args[12] = {"pytest", "-q", "--python", PY, "--"};
        int n = 5;
        for (int w = 0; cases[i].words[w]; w++)
            args[n++] = cases[i].words[w];
        args[n] = NULL;
        harness_expect_usage_error_within(args, cases[i].want, 60);
    }
    /* -k's value and the words after "--" are not options */
    if (!ext_dir[0])
        skip_because("no pytest for " PY " (python3-pytest, tools/deps.sh)");
    const char *after[] = {"pytest", "-q", "--python", PY, "--", SMALL, "--", "--co", NULL};
    harness_expect_usage_error_within(after, "exited 4: ERROR: file or directory not found: --co",
                                      120);
}

/* `pyfault pytest -q --python PY --out DIR -- WORDS...` must fail with
 * exit 2 and one line holding WANT, writing no results.json in DIR. */
static void expect_no_sweep(const char *const *words, const char *want)
{
    const char *dir = harness_tmpdir();
    char out[4200], results[4300];
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(results, sizeof results, "%s/results.json", out);
    const char *args[16] = {"pytest", "-q", "--python", PY, "--out", out, "--"};
    int n = 7;
    for (int w = 0; words[w] && n < 15; w++)
        args[n++] = words[w];
    args[n] = NULL;
    harness_expect_usage_error_within(args, want, 300);
    assert_int_not_equal(access(results, F_OK), 0);
}

/* A run that sweeps no test is no clean pass: exit 2, "no test was
 * swept" and why, no results.json (the gate has nothing to pass), as
 * when -k selects nothing; where a suite of one failing and one skipped
 * test exited 0 with a complete results.json. */
static void test_nothing_swept(void **state)
{
    (void)state;
    if (!ext_dir[0])
        skip_because("no pytest for " PY " (python3-pytest, tools/deps.sh)");
    const char *fails[] = {DATA "test_fails_and_skips.py", NULL};
    expect_no_sweep(fails, "no test was swept: of 2 tests run without injection: 1 failed, "
                           "1 skipped");
    const char *none[] = {FIXTURE_ONLY, NULL};
    expect_no_sweep(none, "no test was swept: of 1 test run without injection: 1 made no "
                          "eligible allocation in its call (no points)");
    const char *nomatch[] = {SMALL, "-k", "nomatch", NULL};
    expect_no_sweep(nomatch, "no test was swept: pytest ran no test (exit 5: none collected");
    /* pytest's addopts (here through -o) are not among the words checked:
     * --collect-only there runs no test, and that is said */
    const char *addopts[] = {"-o", "addopts=--collect-only", SMALL, NULL};
    expect_no_sweep(addopts, "no test was swept: pytest ran no test (exit 0)");
    /* and --pyfault-no-region there is refused from the plugin's report */
    const char *noregion[] = {"-o", "addopts=--pyfault-no-region", SMALL, NULL};
    expect_no_sweep(noregion, "made without regions");
}

/* A counting run that dies stops the run with one line saying how, in
 * which test and how to leave it out; where a segfault said only "ended
 * as segfault (exit -1)" and an os._exit(0) or a Python without pytest
 * only that the plugin's report was missing. Then --deselect as told
 * sweeps the rest. */
static void test_counting_run_dies(void **state)
{
    (void)state;
    if (!ext_dir[0])
        skip_because("no pytest for " PY " (python3-pytest, tools/deps.sh)");
    const char *crash[] = {DATA "test_crash.py", NULL};
    expect_no_sweep(crash, "counting run 1 of pytest died of signal 11 (Segmentation fault) in "
                           "test " DATA "test_crash.py::test_segfault; to sweep the rest, leave "
                           "it out with --deselect " DATA "test_crash.py::test_segfault");
    const char *exits[] = {DATA "test_exits.py", NULL};
    expect_no_sweep(exits, "counting run 1 of pytest exited 0 without the plugin's report in test "
                           DATA "test_exits.py::test_exits; to sweep the rest, leave it out with "
                           "--deselect " DATA "test_exits.py::test_exits");
    /* pytest's own error: a usage error, its line on stderr */
    const char *usage[] = {SMALL, "--no-such-option", NULL};
    expect_no_sweep(usage, "counting run 1 of pytest exited 4: __main__.py: error: unrecognized "
                           "arguments: --no-such-option");

    /* deselected as told, the other test is swept */
    int status;
    const char *rest[] = {DATA "test_crash.py", "--deselect", DATA "test_crash.py::test_segfault",
                          NULL};
    json_t *j = pytest_sweep_words(rest, NULL, NULL, &status);
    assert_true(json_is_true(json_object_get(j, "complete")));
    assert_string_equal(harness_str(test_entry(j, DATA "test_crash.py::test_ok"), "status"),
                        "sweep");
    json_decref(j);

    /* a Python without pytest (a venv of PY without its packages): its
     * stderr's "No module named pytest" and status 1 */
    char venv[4200], python[4300], cmd[8800];
    snprintf(venv, sizeof venv, "%s/venv", harness_tmpdir());
    snprintf(cmd, sizeof cmd, PY " -m venv --without-pip %s", venv);
    if (system(cmd) != 0)
        skip_because("no venv module for " PY " (python3.11-venv)");
    snprintf(python, sizeof python, "%s/bin/python", venv);
    const char *args[] = {"pytest", "-q", "--python", python, "--", SMALL, NULL};
    struct proc_result r;
    harness_cli(args, &r, NULL);
    if (r.exit_code != 2 || !harness_one_line(r.err) ||
        !strstr(r.err, "counting run 1 of pytest exited 1 without the plugin's report: ") ||
        !strstr(r.err, "No module named pytest"))
        fail_msg("a Python without pytest: status %d, stderr '%s'", r.exit_code, r.err);
    proc_result_free(&r);
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Ctrl-C in the first of three tests' sweeps: exit 130, results.json
 * incomplete, the first test "interrupted", the two never swept
 * "not-reached" with no plan and no trial; where all three said "sweep". */
static void test_interrupted_not_reached(void **state)
{
    (void)state;
    if (!ext_dir[0])
        skip_because("no pytest for " PY " (python3-pytest, tools/deps.sh)");
    char out[4200], mark[4300];
    const char *dir = harness_tmpdir();
    snprintf(out, sizeof out, "%s/out", dir);
    /* pytest's temporary folders inside this test's own */
    snprintf(mark, sizeof mark, "--basetemp=%s/basetemp", dir);
    const char *args[] = {"pytest", "-q", "--python", PY, "-j", "2", "--out", out, "--",
                          DATA "test_three.py", mark, NULL};
    pid_t pid = harness_start(args, NULL);
    /* the counting runs done and test_first's own (--pyfault-select) begun */
    int seen = 0;
    for (int i = 0; i < 1200 && !seen; i++) {
        sleep_ms(50);
        /* only this test selects test_first of test_three.py */
        seen = marked_processes("--pyfault-select=" DATA "test_three.py::test_first", NULL, 0) > 0;
    }
    if (!seen) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        fail_msg("test_first's sweep did not begin within 60 s");
    }
    /* past its counting run, into its ~1,300 trials (some 90 s) */
    sleep_ms(3000);
    assert_int_equal(kill(pid, SIGINT), 0);
    int ws = 0;
    pid_t got = 0;
    for (int i = 0; i < 600 && got == 0; i++) {
        got = waitpid(pid, &ws, WNOHANG);
        if (got == 0)
            sleep_ms(50);
    }
    if (got == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &ws, 0);
        fail_msg("pyfault pytest did not stop within 30 s of SIGINT");
    }
    assert_true(WIFEXITED(ws));
    assert_int_equal(WEXITSTATUS(ws), 130);
    json_t *j = harness_results(out);
    assert_true(json_is_false(json_object_get(j, "complete")));
    json_t *first = test_entry(j, DATA "test_three.py::test_first");
    assert_string_equal(harness_str(first, "status"), "interrupted");
    assert_non_null(strstr(harness_str(first, "note"), "the run was interrupted"));
    assert_true(int_at(first, "trials") > 0);
    assert_true(int_at(first, "trials") < 2 * int_at(first, "points"));
    const char *rest[] = {DATA "test_three.py::test_second", DATA "test_three.py::test_third"};
    for (int k = 0; k < 2; k++) {
        json_t *t = test_entry(j, rest[k]);
        assert_string_equal(harness_str(t, "status"), "not-reached");
        assert_string_equal(harness_str(t, "note"), "not reached: the run was interrupted "
                                                    "before its sweep");
        assert_int_equal(int_at(t, "trials"), 0);
        assert_null(json_object_get(t, "points"));
    }
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo_suite),
        cmocka_unit_test(test_plugin_call_has_no_points),
        cmocka_unit_test(test_plugin_keyword_call_has_no_points),
        cmocka_unit_test(test_flaky_is_skipped),
        cmocka_unit_test(test_refused_words),
        cmocka_unit_test(test_nothing_swept),
        cmocka_unit_test(test_counting_run_dies),
        cmocka_unit_test(test_interrupted_not_reached),
        cmocka_unit_test(test_packaged_markupsafe),
        cmocka_unit_test(test_packaged_tests_of_a_binary),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
