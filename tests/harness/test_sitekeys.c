/*
 * test_sitekeys: a failure point's identity beside N. A "patch" that adds
 * one allocation at start-up (build/targets/sitekey_patched against
 * sitekey_vanilla, run by `pyfault matrix` as 3.11-patched and
 * 3.11-vanilla) moves the unchecked allocation from N=6 to N=7: matched
 * by N, the verdicts would read "fixed" at 6 and "regressed" at 7; matched
 * by site key, the one point is "still failing". And on
 * /usr/bin/python3.11 a trial's site key ends with the Python file:line
 * of the failing allocation. The exec and fork engines give the same keys.
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
#include <jansson.h>

#include "harness_cli.h"
#include "proc.h"
#include "skipping.h"

/* How many times NEEDLE occurs in the file at PATH. */
static int occurrences(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot read %s", path);
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    int k = 0;
    for (const char *p = strstr(buf, needle); p; p = strstr(p + 1, needle))
        k++;
    return k;
}

/* The segfault trial of INTERP in RESULTS. */
static json_t *segfault_of(json_t *results, const char *interp)
{
    size_t i;
    json_t *t, *found = NULL;
    json_array_foreach(json_object_get(results, "trials"), i, t)
        if (strcmp(harness_str(t, "interpreter"), interp) == 0 &&
            strcmp(harness_str(t, "class"), "segfault") == 0) {
            assert_null(found); /* one unchecked allocation, one segfault */
            found = t;
        }
    assert_non_null(found);
    return found;
}

static void test_extra_allocation_keeps_verdicts(void **state)
{
    (void)state;
    const char *out = harness_tmpdir();
    char vanilla[4200], patched[4200];
    snprintf(vanilla, sizeof vanilla, "3.11-vanilla=%s", project_path("build/targets/sitekey_vanilla"));
    snprintf(patched, sizeof patched, "3.11-patched=%s", project_path("build/targets/sitekey_patched"));
    const char *args[] = {"matrix", "-q", "-j", "1", "--startup-stride", "0", "--interp", vanilla,
                          "--interp", patched, "--out", out,
                          "tests/harness/data/sitekey_extra.py", NULL};
    struct proc_result r;
    harness_cli(args, &r, NULL);
    if (r.exit_code != 0)
        fail_msg("matrix exited %d: %s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);

    char path[4200];
    snprintf(path, sizeof path, "%s/results.json", out);
    json_t *res = harness_results(out);
    /* the same call, one number further on the patched build */
    json_t *v = segfault_of(res, "3.11-vanilla"), *p = segfault_of(res, "3.11-patched");
    assert_int_equal(json_integer_value(json_object_get(v, "point")), 6);
    assert_int_equal(json_integer_value(json_object_get(p, "point")), 7);
    assert_string_equal(harness_str(v, "site_key"), harness_str(p, "site_key"));
    assert_true(strncmp(harness_str(v, "site_key"), "crash_site+0x", 13) == 0);
    /* every failing trial has a key; the run that met no failure has none */
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(res, "trials"), i, t) {
        int failed = json_is_integer(json_object_get(t, "point")) &&
                     strcmp(harness_str(t, "class"), "ok") != 0;
        assert_int_equal(harness_str(t, "site_key")[0] != '\0', failed);
    }
    /* repro replays the patched build's trial and finds it failing at the same site */
    size_t pi = 0;
    json_array_foreach(json_object_get(res, "trials"), i, t)
        if (t == p)
            pi = i;
    char id[32];
    snprintf(id, sizeof id, "%zu", pi);
    const char *rargs[] = {"repro", path, id, NULL};
    harness_cli(rargs, &r, NULL);
    if (r.exit_code != 0 || !strstr(r.out, "site: crash_site+0x") ||
        !strstr(r.out, ": 1 of 1 run failed there first"))
        fail_msg("repro exited %d: %s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);

    /* the cross-cell dedup: one segfault finding, met at one point */
    json_t *f = json_array_get(json_object_get(res, "findings"),
                               (size_t)json_integer_value(json_object_get(v, "finding")));
    assert_int_equal(json_integer_value(json_object_get(f, "count")), 2);
    assert_int_equal(json_integer_value(json_object_get(f, "points")), 1);
    json_decref(res);

    /* the report's verdict rows: one point, still failing; nothing fixed,
     * regressed or new */
    snprintf(path, sizeof path, "%s/index.html", out);
    assert_int_equal(occurrences(path, "<tr data-k=\"still failing\">"), 1);
    assert_int_equal(occurrences(path, "<tr data-k=\"fixed\">"), 0);
    assert_int_equal(occurrences(path, "<tr data-k=\"regressed\">"), 0);
    assert_int_equal(occurrences(path, "<tr data-k=\"new\">"), 0);
}

/* The points of the finding whose signature starts with SIG in PATH. */
static long long points_of(const char *path, const char *sig)
{
    json_error_t jerr;
    json_t *res = json_load_file(path, 0, &jerr);
    if (!res)
        fail_msg("%s: %s", path, jerr.text);
    size_t i;
    json_t *f;
    long long points = -1;
    json_array_foreach(json_object_get(res, "findings"), i, f)
        if (strncmp(harness_str(f, "signature"), sig, strlen(sig)) == 0)
            points = json_integer_value(json_object_get(f, "points"));
    json_decref(res);
    return points;
}

/* Two shards merged count the points as the whole run does. */
static void test_merged_points(void **state)
{
    (void)state;
    char vanilla[4200], patched[4200], shard[2][4200], res[2][4200];
    snprintf(vanilla, sizeof vanilla, "3.11-vanilla=%s", project_path("build/targets/sitekey_vanilla"));
    snprintf(patched, sizeof patched, "3.11-patched=%s", project_path("build/targets/sitekey_patched"));
    for (int k = 0; k < 2; k++) {
        snprintf(shard[k], sizeof shard[k], "%d/2", k + 1);
        const char *out = harness_tmpdir();
        snprintf(res[k], sizeof res[k], "%s/results.json", out);
        const char *args[] = {"matrix", "-q", "-j", "1", "--startup-stride", "0", "--shard", shard[k],
                              "--interp", vanilla, "--interp", patched, "--out", out,
                              "tests/harness/data/sitekey_extra.py", NULL};
        struct proc_result r;
        harness_cli(args, &r, NULL);
        if (r.exit_code != 0)
            fail_msg("matrix exited %d: %s%s", r.exit_code, r.out, r.err);
        proc_result_free(&r);
    }
    char merged[4300];
    snprintf(merged, sizeof merged, "%s/merged.json", harness_tmpdir());
    harness_merge(merged, (const char *[]){res[0], res[1], NULL});
    assert_int_equal(points_of(merged, "segfault: crash_site"), 1);
    /* row_site allocates six times a run: six points, whichever cell */
    assert_int_equal(points_of(merged, "error: row_site"), 6);
}

/* The key comes from the control page in exec'd and forked trials alike. */
static void test_fork_engine_keys(void **state)
{
    (void)state;
    char target[4200];
    snprintf(target, sizeof target, "%s", project_path("build/targets/sitekey_vanilla"));
    json_t *runs[2];
    const char *engines[2] = {"exec", "fork"};
    for (int e = 0; e < 2; e++) {
        const char *args[] = {"--engine", engines[e], "--inject", "layer=libc", "--", target, "x", NULL};
        int status;
        runs[e] = harness_sweep_json(args, &status, NULL);
    }
    json_t *a = json_object_get(runs[0], "trials"), *b = json_object_get(runs[1], "trials");
    assert_int_equal(json_array_size(a), 11);
    assert_int_equal(json_array_size(b), 11);
    for (size_t i = 0; i < 11; i++) {
        json_t *x = json_array_get(a, i), *y = json_array_get(b, i);
        assert_int_equal(json_integer_value(json_object_get(x, "point")),
                         json_integer_value(json_object_get(y, "point")));
        assert_string_equal(harness_str(x, "site_key"), harness_str(y, "site_key"));
    }
    assert_true(strncmp(harness_str(json_array_get(b, 5), "site_key"), "crash_site+0x", 13) == 0);
    json_decref(runs[0]);
    json_decref(runs[1]);
}

/* On interpreter PY: the region's first allocation, made by line 6 of the
 * script, has that file:line in its key. */
static void file_line_on(const char *py)
{
    const char *args[] = {"--python", py, "--inject", "region,nth=1",
                          "tests/harness/data/sitekey_region.py", NULL};
    int status;
    json_t *j = harness_run_json(args, &status, NULL);
    const char *key = harness_str(j, "site_key");
    const char *at = strstr(key, " @ ");
    if (!at || !strstr(at, "/tests/harness/data/sitekey_region.py:6") ||
        strcmp(key + strlen(key) - 2, ":6") != 0)
        fail_msg("%s: site key without the script's line 6: \"%s\"", py, key);
    /* a C caller before it: function+offset, or object+offset when stripped */
    assert_non_null(strstr(key, "+0x"));
    assert_true(strstr(key, "+0x") < at);
    json_decref(j);
}

static void test_python_file_line(void **state)
{
    (void)state;
    if (access("/usr/bin/python3.11", X_OK) != 0)
        skip_because("no /usr/bin/python3.11");
    file_line_on("/usr/bin/python3.11");
}

/* 3.13's frames are laid out differently (pyframe.c) */
static void test_python_file_line_313(void **state)
{
    (void)state;
    const char *py = project_path("build/cpython/3.13-vanilla/python");
    if (access(py, X_OK) != 0)
        skip_because("no build/cpython/3.13-vanilla (make cpython)");
    file_line_on(py);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_extra_allocation_keeps_verdicts),
        cmocka_unit_test(test_merged_points),
        cmocka_unit_test(test_fork_engine_keys),
        cmocka_unit_test(test_python_file_line),
        cmocka_unit_test(test_python_file_line_313),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
