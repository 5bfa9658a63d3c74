/*
 * test_sweep: "pyfault sweep" over a target with a known number of
 * allocations (build/targets/h_alloc_loop N): points, modes, the one-point
 * extension past M, range, stride, shards, dedup, exit status; and the
 * site plan over build/targets/sites, and its stride over Debian's
 * python3.11 in two environments; no core dumps from a sweep's trials
 * (build/targets/h_core_limit).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/resource.h>
#include <cmocka.h>

#include "harness_cli.h"
#include "skipping.h"

/* Runs "pyfault sweep ARGS... -- h_alloc_loop 40", returns results.json;
 * *STATUS gets the exit status, *WALL_S (may be NULL) the wall time. */
static json_t *timed_sweep(const char *const *args, int *status, double *wall_s)
{
    const char *full[40];
    int n = 0;
    for (int i = 0; args[i]; i++)
        full[n++] = args[i];
    full[n++] = "--";
    full[n++] = project_path("build/targets/h_alloc_loop");
    full[n++] = "40";
    full[n] = NULL;
    return harness_sweep_json(full, status, wall_s);
}

/* timed_sweep, untimed. */
static json_t *sweep(const char *const *args, int *status)
{
    return timed_sweep(args, status, NULL);
}

#define SYSTEM_PY "/usr/bin/python3.11"

static json_int_t trial_point(json_t *j, size_t i)
{
    return json_integer_value(json_object_get(json_array_get(json_object_get(j, "trials"), i), "point"));
}

static void test_every_point_both_modes(void **state)
{
    (void)state;
    const char *args[] = {"--mode", "both", NULL};
    int status;
    double wall_s;
    json_t *j = timed_sweep(args, &status, &wall_s);
    assert_int_equal(status, 0);
    assert_true(json_is_true(json_object_get(j, "complete")));
    /* the summary's wall time: no trial longer, no more than we waited */
    json_int_t swept_ms = json_integer_value(json_object_get(json_object_get(j, "summary"),
                                                             "duration_ms"));
    for (size_t i = 0; i < json_array_size(json_object_get(j, "trials")); i++) {
        json_t *t = json_array_get(json_object_get(j, "trials"), i);
        assert_true(json_integer_value(json_object_get(t, "duration_ms")) <= swept_ms);
    }
    assert_true(swept_ms > 0 && swept_ms <= wall_s * 1000);
    json_t *t0 = json_array_get(json_object_get(j, "targets"), 0);
    assert_int_equal(json_integer_value(json_object_get(t0, "allocations")), 40);
    /* 40 points x 2 modes, then one point past M that fails nothing */
    json_t *trials = json_object_get(j, "trials");
    assert_int_equal(json_array_size(trials), 82);
    for (size_t i = 0; i < 82; i++) {
        json_t *t = json_array_get(trials, i);
        assert_int_equal(json_integer_value(json_object_get(t, "point")), (json_int_t)(i / 2 + 1));
        assert_string_equal(harness_str(t, "mode"), i % 2 ? "persistent" : "oneshot");
        assert_string_equal(harness_str(t, "class"), i < 80 ? "error" : "ok");
    }
    json_t *counts = json_object_get(j, "counts");
    assert_int_equal(json_integer_value(json_object_get(counts, "error")), 80);
    assert_int_equal(json_integer_value(json_object_get(counts, "ok")), 2);
    /* deduplicated: one finding per signature, with its count */
    json_t *findings = json_object_get(j, "findings");
    assert_int_equal(json_array_size(findings), 2);
    json_t *f = json_array_get(findings, 0);
    assert_string_equal(harness_str(f, "signature"), "error: main");
    assert_int_equal(json_integer_value(json_object_get(f, "count")), 80);
    assert_non_null(strstr(harness_str(json_object_get(f, "first"), "repro"), "--inject nth=1"));
    json_decref(j);
}

static void test_range_and_stride(void **state)
{
    (void)state;
    const char *args[] = {"--range", "5:21", "--stride", "4", NULL};
    int status;
    json_t *j = sweep(args, &status);
    json_t *trials = json_object_get(j, "trials");
    /* 5 9 13 17 21; the range end also ends the sweep */
    assert_int_equal(json_array_size(trials), 5);
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(trial_point(j, i), (json_int_t)(5 + 4 * i));
    json_decref(j);
    /* an open range past M: 38 39 40, then 41 which fails nothing */
    const char *open[] = {"--range", "38:", NULL};
    j = sweep(open, &status);
    assert_int_equal(json_array_size(json_object_get(j, "trials")), 4);
    assert_int_equal(trial_point(j, 3), 41);
    json_decref(j);
}

static void test_shards_split_exactly(void **state)
{
    (void)state;
    unsigned char seen[31] = {0};
    int total = 0;
    char dir[4096], files[3][4200];
    snprintf(dir, sizeof dir, "%s", harness_tmpdir());
    for (int i = 1; i <= 3; i++) {
        char shard[16];
        snprintf(shard, sizeof shard, "%d/3", i);
        const char *args[] = {"--range", "1:30", "--shard", shard, NULL};
        int status;
        json_t *j = sweep(args, &status);
        json_t *trials = json_object_get(j, "trials");
        for (size_t k = 0; k < json_array_size(trials); k++) {
            json_int_t p = trial_point(j, k);
            assert_true(p >= 1 && p <= 30);
            assert_int_equal(seen[p], 0);
            seen[p] = 1;
            total++;
        }
        json_t *sh = json_object_get(j, "shard");
        assert_int_equal(json_integer_value(json_object_get(sh, "index")), i);
        assert_int_equal(json_integer_value(json_object_get(sh, "count")), 3);
        snprintf(files[i - 1], sizeof files[i - 1], "%s/shard-%d.json", dir, i);
        assert_int_equal(json_dump_file(j, files[i - 1], 0), 0);
        json_decref(j);
    }
    assert_int_equal(total, 30);
    /* merged, the shards count what the unsharded sweep counts, at the top
     * and in the summary */
    char merged[4200];
    snprintf(merged, sizeof merged, "%s/merged.json", dir);
    const char *margs[] = {"merge", files[0], files[1], files[2], "-o", merged, NULL};
    struct proc_result r;
    harness_cli(margs, &r, NULL);
    assert_int_equal(r.exit_code, 0);
    proc_result_free(&r);
    json_t *m = json_load_file(merged, 0, NULL);
    assert_non_null(m);
    const char *args[] = {"--range", "1:30", NULL};
    int status;
    json_t *whole = sweep(args, &status);
    assert_true(json_equal(json_object_get(m, "counts"), json_object_get(whole, "counts")));
    assert_true(json_equal(json_object_get(json_object_get(m, "summary"), "counts"),
                           json_object_get(whole, "counts")));
    json_decref(m);
    json_decref(whole);
    /* a shard judged by another --accept does not merge with these: its
     * cells' unexpected counts follow another list */
    const char *aargs[] = {"--range", "1:30", "--shard", "2/3", "--accept", "fatal,error,ok", NULL};
    json_t *other = sweep(aargs, &status);
    char accepted[4200];
    snprintf(accepted, sizeof accepted, "%s/shard-2-accept.json", dir);
    assert_int_equal(json_dump_file(other, accepted, 0), 0);
    json_decref(other);
    const char *bad[] = {"merge", files[0], accepted, files[2], "-o", merged, NULL};
    harness_expect_usage_error(bad, "accepts ok,error,fatal, in ");
}

/* Runs "pyfault sweep --inject layer=libc,site=sites_work ARGS... --
 * build/targets/sites": 100 allocations at one call site, then 20 at
 * another. Returns results.json. */
static json_t *sweep_sites(const char *const *args, int *status)
{
    const char *full[40] = {"--inject", "layer=libc,site=sites_work"};
    int n = 2;
    for (int i = 0; args[i]; i++)
        full[n++] = args[i];
    full[n++] = "--";
    full[n++] = project_path("build/targets/sites");
    full[n] = NULL;
    return harness_sweep_json(full, status, NULL);
}

static void expect_trial_points(json_t *j, const json_int_t *want, size_t n)
{
    json_t *trials = json_object_get(j, "trials");
    if (json_array_size(trials) != n)
        fail_msg("%zu trials, expected %zu", json_array_size(trials), n);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(trial_point(j, i), want[i]);
}

/* --plan sites sweeps the first allocation of each call site (and then
 * the one point past M), and results.json says what it chose out of what. */
static void test_plan_sites(void **state)
{
    (void)state;
    int status;
    json_t *j = sweep_sites((const char *[]){"--plan", "sites", NULL}, &status);
    assert_int_equal(status, 0);
    expect_trial_points(j, (json_int_t[]){1, 101, 121}, 3);
    json_t *plan = json_object_get(json_array_get(json_object_get(j, "targets"), 0), "plan");
    assert_string_equal(harness_str(plan, "kind"), "sites");
    assert_int_equal(json_integer_value(json_object_get(plan, "sites")), 2);
    assert_int_equal(json_integer_value(json_object_get(plan, "chosen")), 2);
    assert_int_equal(json_integer_value(json_object_get(plan, "of")), 120);
    assert_int_equal(json_integer_value(json_object_get(plan, "depth")), 8);
    json_decref(j);

    /* the 1st, 2nd, 4th, ... of each; one frame deep both are one site */
    j = sweep_sites((const char *[]){"--plan", "sites:log", NULL}, &status);
    expect_trial_points(j, (json_int_t[]){1, 2, 4, 8, 16, 32, 64, 101, 102, 104, 108, 116, 121}, 13);
    json_decref(j);
    j = sweep_sites((const char *[]){"--plan", "sites:2", "--site-depth", "1", NULL}, &status);
    expect_trial_points(j, (json_int_t[]){1, 2, 121}, 3);
    plan = json_object_get(json_array_get(json_object_get(j, "targets"), 0), "plan");
    assert_int_equal(json_integer_value(json_object_get(plan, "sites")), 1);
    json_decref(j);

    /* a stride that takes none of the two sites (hashes: 2 in 10^9 that it
     * takes one) is a sweep with no trial, not an error */
    j = sweep_sites((const char *[]){"--plan", "sites", "--stride", "1000000000", NULL}, &status);
    assert_int_equal(status, 0);
    assert_int_equal(json_array_size(json_object_get(j, "trials")), 0);
    assert_true(json_is_true(json_object_get(j, "complete")));
    plan = json_object_get(json_array_get(json_object_get(j, "targets"), 0), "plan");
    assert_int_equal(json_integer_value(json_object_get(plan, "sampled")), 0);
    json_decref(j);

    /* --plan all records itself too */
    j = sweep_sites((const char *[]){"--range", "1:3", NULL}, &status);
    plan = json_object_get(json_array_get(json_object_get(j, "targets"), 0), "plan");
    assert_string_equal(harness_str(plan, "kind"), "all");
    assert_int_equal(json_integer_value(json_object_get(plan, "chosen")), 120);
    json_decref(j);
}

/* Lines of sorted, newline-separated A not in B plus those of B not in A
 * (as multisets). */
static size_t lines_apart(const char *a, const char *b)
{
    size_t apart = 0;
    while (*a || *b) {
        size_t la = strcspn(a, "\n"), lb = strcspn(b, "\n");
        int c = !*a ? 1 : !*b ? -1 : strncmp(a, b, la < lb ? la : lb);
        if (c == 0 && la != lb)
            c = la < lb ? -1 : 1;
        if (c <= 0)
            a += la + (a[la] == '\n');
        if (c >= 0)
            b += lb + (b[lb] == '\n');
        apart += c != 0;
    }
    return apart;
}

/* --plan sites with --stride samples by call site, not by a site's place
 * in the run: with 3,000 bytes more environment, which moves CPython's
 * allocation numbers and the order in which sites first allocate, the
 * same sites are swept with the same outcomes (a stride over the plan's
 * indices, as before, changed 75 of 195 trials). */
static void test_site_sample_ignores_environment(void **state)
{
    (void)state;
    if (access(SYSTEM_PY, X_OK) != 0)
        skip_because(SYSTEM_PY " is not installed");
    const char *args[] = {"--engine", "fork", "--plan", "sites", "--stride", "20", "--",
                          SYSTEM_PY, "-c", "pass", NULL};
    const char *none[] = {NULL};
    json_t *a = harness_sweep_with(args, none);
    char pad[3001];
    memset(pad, 'x', sizeof pad - 1);
    pad[sizeof pad - 1] = '\0';
    setenv("PYFAULT_TEST_PADDING", pad, 1);
    json_t *b = harness_sweep_with(args, none);
    unsetenv("PYFAULT_TEST_PADDING");
    json_t *pa = json_object_get(json_array_get(json_object_get(a, "targets"), 0), "plan");
    json_t *pb = json_object_get(json_array_get(json_object_get(b, "targets"), 0), "plan");
    /* the environment did move the numbers */
    assert_int_not_equal(json_integer_value(json_object_get(pa, "of")),
                         json_integer_value(json_object_get(pb, "of")));
    json_int_t sampled = json_integer_value(json_object_get(pa, "sampled"));
    json_int_t chosen = json_integer_value(json_object_get(pa, "chosen"));
    assert_in_range(sampled, chosen / 30, chosen / 12); /* about 1 in 20 */
    char *ta = harness_trial_lines(a, 0), *tb = harness_trial_lines(b, 0);
    assert_true(json_array_size(json_object_get(a, "trials")) >= (size_t)sampled);
    /* the sites both environments have are sampled alike; a site one of
     * them alone has (3,000 bytes of one variable make posix's environ
     * bytes object too big for pymalloc: one raw allocation site more)
     * is sampled or not by its own key, one trial more or less each. An
     * index stride moved about 75 of 190 trials here. */
    json_int_t sites_a = json_integer_value(json_object_get(pa, "sites"));
    json_int_t sites_b = json_integer_value(json_object_get(pb, "sites"));
    size_t new_sites = (size_t)(sites_a > sites_b ? sites_a - sites_b : sites_b - sites_a);
    size_t apart = lines_apart(ta, tb);
    if (apart > new_sites)
        fail_msg("%zu trial lines differ, %zu sites are one environment's alone:\n%s\n--\n%s",
                 apart, new_sites, ta, tb);
    free(ta);
    free(tb);
    json_decref(a);
    json_decref(b);
}

static void test_accept_decides_status(void **state)
{
    (void)state;
    const char *args[] = {"--range", "1:3", "--accept", "ok", NULL};
    int status;
    json_t *j = sweep(args, &status);
    assert_int_equal(status, 1); /* error trials are not accepted */
    json_decref(j);
}

/* With the core limit raised, a sweep's trials still dump no core (each
 * sees a soft RLIMIT_CORE of 0: class ok, not exit 3), while `pyfault run`
 * leaves the user's limit to its trial. */
static void test_no_core_dumps(void **state)
{
    (void)state;
    struct rlimit lim, saved;
    getrlimit(RLIMIT_CORE, &saved);
    if (saved.rlim_max == 0)
        skip_because("the hard core-file limit is 0 here: nothing to lower");
    lim = saved;
    lim.rlim_cur = saved.rlim_max;
    assert_int_equal(setrlimit(RLIMIT_CORE, &lim), 0);
    const char *target = project_path("build/targets/h_core_limit");
    const char *args[] = {"--mode", "both", "--", target, NULL};
    int status;
    json_t *j = harness_sweep_json(args, &status, NULL);
    json_t *trials = json_object_get(j, "trials");
    assert_true(json_array_size(trials) >= 2);
    for (size_t i = 0; i < json_array_size(trials); i++)
        assert_string_equal(harness_str(json_array_get(trials, i), "class"), "ok");
    json_decref(j);
    const char *run[] = {"--", target, NULL};
    j = harness_run_json(run, &status, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "exit_code")), 3);
    json_decref(j);
    setrlimit(RLIMIT_CORE, &saved);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_point_both_modes),
        cmocka_unit_test(test_range_and_stride),
        cmocka_unit_test(test_shards_split_exactly),
        cmocka_unit_test(test_accept_decides_status),
        cmocka_unit_test(test_plan_sites),
        cmocka_unit_test(test_site_sample_ignores_environment),
        cmocka_unit_test(test_no_core_dumps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
