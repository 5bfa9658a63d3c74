/*
 * test_options: "pyfault run" and "pyfault sweep" option parsing, and the
 * sweep's point plan (range, stride, shard, extension), and the options
 * given with --resume against the journal's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "classify.h"
#include "options.h"
#include "pyfault.h"
#include "sweep_plan.h"

#define ARGS(...) ((char *[]){__VA_ARGS__})
#define NARGS(...) ((int)(sizeof((char *[]){__VA_ARGS__}) / sizeof(char *)))
#define PARSE(cmd, o, err, ...) \
    pf_options_parse(cmd, NARGS(__VA_ARGS__), ARGS(__VA_ARGS__), o, err, sizeof err)

static void test_run_defaults(void **state)
{
    (void)state;
    struct pf_options o;
    char err[256];
    assert_int_equal(PARSE(PF_CMD_RUN, &o, err, "s.py"), 0);
    assert_string_equal(o.python, "python3");
    assert_null(o.inject);
    assert_int_equal(o.nscenarios, 1);
    assert_string_equal(o.scenarios[0], "s.py");
    assert_int_equal(o.accept_mask, (1u << PF_OK) | (1u << PF_ERROR));
    assert_null(o.command);
}

static void test_run_options(void **state)
{
    (void)state;
    struct pf_options o;
    char err[256];
    assert_int_equal(PARSE(PF_CMD_RUN, &o, err, "--python", "/usr/bin/python3.11",
                           "--inject=nth=5,min-size=16", "--timeout", "2.5",
                           "--accept", "ok,error,fatal", "--json", "r.json", "s.py"), 0);
    assert_string_equal(o.python, "/usr/bin/python3.11");
    assert_string_equal(o.inject, "nth=5,min-size=16");
    assert_true(o.timeout_s > 2.4 && o.timeout_s < 2.6);
    assert_int_equal(o.accept_mask, (1u << PF_OK) | (1u << PF_ERROR) | (1u << PF_FATAL));
    assert_string_equal(o.json_path, "r.json");

    assert_int_equal(PARSE(PF_CMD_RUN, &o, err, "--timeout", "1", "--", "prog", "--timeout", "x"), 0);
    assert_int_equal(o.ncommand, 3);
    assert_string_equal(o.command[0], "prog");
    assert_string_equal(o.command[1], "--timeout");
    assert_int_equal(o.nscenarios, 0);

    assert_int_equal(PARSE(PF_CMD_RUN, &o, err, "--help"), 0);
    assert_true(o.help);
    /* options after the scenario, and "-" as a word */
    assert_int_equal(PARSE(PF_CMD_RUN, &o, err, "-", "-q", "--json=r.json"), 0);
    assert_string_equal(o.scenarios[0], "-");
    assert_true(o.quiet);
    assert_string_equal(o.json_path, "r.json");
    /* ... unless attached: "--json=--" names a file "--" */
    assert_int_equal(PARSE(PF_CMD_RUN, &o, err, "--json=--", "s.py"), 0);
    assert_string_equal(o.json_path, "--");
}

/* Each bad input gives -1 and a one-line message containing WANT. */
static void expect_error(enum pf_cmd cmd, int argc, char **argv, const char *want)
{
    struct pf_options o;
    char err[256] = "";
    assert_int_equal(pf_options_parse(cmd, argc, argv, &o, err, sizeof err), -1);
    if (!strstr(err, want))
        fail_msg("message '%s' lacks '%s'", err, want);
    assert_null(strchr(err, '\n'));
    assert_true(strlen(err) > 10);
}
#define EXPECT_ERROR(cmd, want, ...) expect_error(cmd, NARGS(__VA_ARGS__), ARGS(__VA_ARGS__), want)

static void test_bad_input(void **state)
{
    (void)state;
    EXPECT_ERROR(PF_CMD_RUN, "unknown option '--frobnicate'", "--frobnicate", "s.py");
    EXPECT_ERROR(PF_CMD_RUN, "unknown option '-x'", "-x", "s.py");
    EXPECT_ERROR(PF_CMD_RUN, "--inject", "--inject", "nth=zero", "s.py");
    EXPECT_ERROR(PF_CMD_RUN, "nth=zero", "--inject", "nth=zero", "s.py");
    EXPECT_ERROR(PF_CMD_RUN, "needs a value", "s.py", "--inject");
    EXPECT_ERROR(PF_CMD_RUN, "--python: the value is empty", "--python", "", "s.py");
    EXPECT_ERROR(PF_CMD_SWEEP, "--accept: the value is empty", "--accept=", "./a");
    /* "--" ends the options, so it is no option's value ... */
    EXPECT_ERROR(PF_CMD_RUN, "--json needs a value", "--json", "--", "/bin/true");
    EXPECT_ERROR(PF_CMD_SWEEP, "--out needs a value", "--out", "--", "--", "./a");
    EXPECT_ERROR(PF_CMD_SWEEP, "-j needs a value", "-j", "--", "./a");
    /* getopt_long would take "--time" for --timeout: not here */
    EXPECT_ERROR(PF_CMD_RUN, "unknown option '--time'", "--time", "5", "s.py");
    EXPECT_ERROR(PF_CMD_RUN, "--quiet takes no value", "--quiet=1", "s.py");
    EXPECT_ERROR(PF_CMD_RUN, "--timeout", "--timeout", "-1", "s.py");
    EXPECT_ERROR(PF_CMD_RUN, "--timeout", "--timeout", "soon", "s.py");
    EXPECT_ERROR(PF_CMD_RUN, "unknown class 'crash'", "--accept", "ok,crash", "s.py");
    EXPECT_ERROR(PF_CMD_RUN, "no target", "--timeout", "3");
    EXPECT_ERROR(PF_CMD_RUN, "no command after", "--");
    EXPECT_ERROR(PF_CMD_RUN, "one scenario", "a.py", "b.py");
    EXPECT_ERROR(PF_CMD_RUN, "not both", "a.py", "--", "prog");
    /* sweep-only options are unknown to run */
    EXPECT_ERROR(PF_CMD_RUN, "unknown option '--range'", "--range", "1:2", "s.py");
    EXPECT_ERROR(PF_CMD_SWEEP, "start 9 is after end 3", "--range", "9:3", "s.py");
    EXPECT_ERROR(PF_CMD_SWEEP, "--range", "--range", "0:3", "s.py");
    EXPECT_ERROR(PF_CMD_SWEEP, "--range", "--range", "x", "s.py");
    EXPECT_ERROR(PF_CMD_SWEEP, "--stride", "--stride", "0", "s.py");
    EXPECT_ERROR(PF_CMD_SWEEP, "--shard", "--shard", "0/4", "s.py");
    EXPECT_ERROR(PF_CMD_SWEEP, "--shard", "--shard", "5/4", "s.py");
    EXPECT_ERROR(PF_CMD_SWEEP, "--shard", "--shard", "1/4x", "s.py");
    EXPECT_ERROR(PF_CMD_SWEEP, "--mode", "--mode", "sometimes", "s.py");
    EXPECT_ERROR(PF_CMD_SWEEP, "-j", "-j", "0", "s.py");
    EXPECT_ERROR(PF_CMD_SWEEP, "filters only", "--inject", "nth=3", "s.py");
    EXPECT_ERROR(PF_CMD_SWEEP, "unknown option '--json'", "--json", "x", "s.py");
}

static void test_sweep_options(void **state)
{
    (void)state;
    struct pf_options o;
    char err[256];
    assert_int_equal(PARSE(PF_CMD_SWEEP, &o, err, "--mode", "both", "--range", "10:", "--stride", "3",
                           "--shard", "2/4", "-j4", "--out", "d", "--inject", "min-size=32",
                           "a.py", "b.py"), 0);
    assert_int_equal(o.modes, PF_MODE_ONESHOT | PF_MODE_PERSISTENT);
    assert_int_equal(o.range_a, 10);
    assert_int_equal(o.range_b, 0);
    assert_int_equal(o.stride, 3);
    assert_int_equal(o.shard_i, 2);
    assert_int_equal(o.shard_n, 4);
    assert_int_equal(o.jobs, 4);
    assert_string_equal(o.out_dir, "d");
    assert_int_equal(o.nscenarios, 2);
    assert_string_equal(o.scenarios[1], "b.py");
    assert_int_equal(PARSE(PF_CMD_SWEEP, &o, err, "--jobs=2", "--mode=persistent", "--", "p"), 0);
    assert_int_equal(o.jobs, 2);
    assert_int_equal(o.modes, PF_MODE_PERSISTENT);
    assert_int_equal(PARSE(PF_CMD_SWEEP, &o, err, "x.py"), 0);
    assert_int_equal(o.modes, PF_MODE_ONESHOT);
    assert_int_equal(o.stride, 1);
}

static struct pf_sweep_plan plan(const char *range, const char *stride, const char *shard, uint64_t m)
{
    struct pf_options o;
    char err[256];
    assert_int_equal(PARSE(PF_CMD_SWEEP, &o, err, "--range", (char *)range, "--stride",
                           (char *)stride, "--shard", (char *)shard, "s.py"), 0);
    struct pf_sweep_plan p;
    if (pf_sweep_plan_make(&o, m, &p, err, sizeof err) < 0)
        fail_msg("plan failed: %s", err);
    return p;
}

static void test_plan_points(void **state)
{
    (void)state;
    struct pf_sweep_plan p = plan("1:", "1", "1/1", 100);
    assert_int_equal(p.count, 100);
    assert_int_equal(pf_sweep_plan_point(&p, 0), 1);
    assert_int_equal(pf_sweep_plan_point(&p, 99), 100);
    assert_int_equal(pf_sweep_plan_point(&p, 100), 101); /* extension */

    p = plan("5:20", "5", "1/1", 100);
    assert_int_equal(p.count, 4); /* 5 10 15 20 */
    assert_int_equal(pf_sweep_plan_point(&p, 3), 20);
    assert_int_equal(pf_sweep_plan_point(&p, 4), 0); /* past the range */

    p = plan("1:", "1", "1/1", 0 + 7);
    assert_int_equal(p.count, 7);
}

static void test_shards_split_exactly(void **state)
{
    (void)state;
    enum { M = 1000, N = 7 };
    static unsigned char seen[M + 1];
    memset(seen, 0, sizeof seen);
    uint64_t total = 0;
    for (unsigned i = 1; i <= N; i++) {
        char shard[16];
        snprintf(shard, sizeof shard, "%u/%u", i, N);
        struct pf_sweep_plan p = plan("3:", "2", shard, M);
        for (uint64_t k = 0; k < p.count; k++) {
            uint64_t pt = pf_sweep_plan_point(&p, k);
            assert_true(pt >= 3 && pt <= M);
            assert_int_equal(seen[pt], 0); /* disjoint */
            seen[pt] = 1;
            total++;
        }
    }
    /* together the shards are exactly the unsharded selection */
    struct pf_sweep_plan whole = plan("3:", "2", "1/1", M);
    assert_int_equal(total, whole.count);
    for (uint64_t k = 0; k < whole.count; k++)
        assert_int_equal(seen[pf_sweep_plan_point(&whole, k)], 1);
}

/* --plan: all, sites, sites:K, sites:log; --site-depth bounds. */
static void test_plan_option(void **state)
{
    (void)state;
    struct pf_options o;
    char err[256];
    assert_int_equal(PARSE(PF_CMD_SWEEP, &o, err, "s.py"), 0);
    assert_int_equal(o.plan_sites, 0);
    assert_int_equal(o.site_depth, PYFAULT_SITES_DEPTH_DEFAULT);
    assert_int_equal(PARSE(PF_CMD_SWEEP, &o, err, "--plan", "sites", "s.py"), 0);
    assert_int_equal(o.plan_sites, 1);
    assert_false(o.plan_pow2);
    assert_int_equal(PARSE(PF_CMD_SWEEP, &o, err, "--plan=sites:7", "--site-depth=3", "s.py"), 0);
    assert_int_equal(o.plan_sites, 7);
    assert_int_equal(o.site_depth, 3);
    assert_int_equal(PARSE(PF_CMD_SWEEP, &o, err, "--plan", "sites:log", "s.py"), 0);
    assert_int_equal(o.plan_sites, 1);
    assert_true(o.plan_pow2);
    assert_int_equal(PARSE(PF_CMD_SWEEP, &o, err, "--plan", "all", "s.py"), 0);
    assert_int_equal(o.plan_sites, 0);
    static const char *const bad[] = {"sites:0", "sites:", "site", "sites:log2", "ALL", ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        assert_int_equal(PARSE(PF_CMD_SWEEP, &o, err, "--plan", (char *)bad[i], "s.py"), -1);
        assert_non_null(strstr(err, "--plan"));
    }
    assert_int_equal(PARSE(PF_CMD_SWEEP, &o, err, "--site-depth", "33", "s.py"), -1);
    assert_int_equal(PARSE(PF_CMD_SWEEP, &o, err, "--site-depth", "0", "s.py"), -1);
}

/* A site plan's sample: range keeps the points inside it, stride and
 * shard leave it as it is (the sample applied them, by call site), only
 * shard 1 extends past M, one point at a time. */
static void test_plan_from_a_list(void **state)
{
    (void)state;
    static const uint64_t list[] = {1, 5, 9, 40, 41, 77, 90, 100};
    struct pf_options o;
    char err[256];
    struct pf_sweep_plan p;
    assert_int_equal(PARSE(PF_CMD_SWEEP, &o, err, "--plan", "sites", "s.py"), 0);
    assert_int_equal(pf_sweep_plan_make_list(&o, 100, list, 8, &p, err, sizeof err), 0);
    assert_int_equal(p.count, 8);
    assert_int_equal(pf_sweep_plan_point(&p, 3), 40);
    assert_int_equal(pf_sweep_plan_point(&p, 8), 101);
    assert_int_equal(pf_sweep_plan_point(&p, 9), 102);

    assert_int_equal(PARSE(PF_CMD_SWEEP, &o, err, "--range", "5:77", "--stride", "2", "s.py"), 0);
    assert_int_equal(pf_sweep_plan_make_list(&o, 100, list, 8, &p, err, sizeof err), 0);
    assert_int_equal(p.count, 5); /* 5 9 40 41 77 */
    assert_int_equal(pf_sweep_plan_point(&p, 0), 5);
    assert_int_equal(pf_sweep_plan_point(&p, 4), 77);
    assert_int_equal(pf_sweep_plan_point(&p, 5), 0); /* the extension is past the range */

    assert_int_equal(PARSE(PF_CMD_SWEEP, &o, err, "--shard", "2/3", "s.py"), 0);
    assert_int_equal(pf_sweep_plan_make_list(&o, 100, list, 8, &p, err, sizeof err), 0);
    assert_int_equal(p.count, 8);
    assert_int_equal(pf_sweep_plan_point(&p, p.count), 0); /* shard 1 extends */

    assert_int_equal(PARSE(PF_CMD_SWEEP, &o, err, "--range", "10:39", "s.py"), 0);
    assert_int_equal(pf_sweep_plan_make_list(&o, 100, list, 8, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "site plan"));
    /* a sample that took no site: no point (and no trial, sweep.c) */
    assert_int_equal(PARSE(PF_CMD_SWEEP, &o, err, "s.py"), 0);
    assert_int_equal(pf_sweep_plan_make_list(&o, 100, list, 0, &p, err, sizeof err), 0);
    assert_int_equal(p.count, 0);
}

static void test_plan_empty(void **state)
{
    (void)state;
    struct pf_options o;
    char err[256];
    assert_int_equal(PARSE(PF_CMD_SWEEP, &o, err, "--range", "50:60", "s.py"), 0);
    struct pf_sweep_plan p;
    assert_int_equal(pf_sweep_plan_make(&o, 10, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "no point"));
    assert_int_equal(PARSE(PF_CMD_SWEEP, &o, err, "s.py"), 0);
    assert_int_equal(pf_sweep_plan_make(&o, 0, &p, err, sizeof err), -1);
    /* a shard beyond the selection's two points: a share with none, as
     * under a site plan, and no extension past M either */
    assert_int_equal(PARSE(PF_CMD_SWEEP, &o, err, "--range", "1:2", "--shard", "3/3", "s.py"), 0);
    assert_int_equal(pf_sweep_plan_make(&o, 10, &p, err, sizeof err), 0);
    assert_int_equal(p.count, 0);
    assert_int_equal(pf_sweep_plan_point(&p, 0), 0);
}

static void test_mode_spec(void **state)
{
    (void)state;
    char s[32];
    pf_sweep_mode_spec(PF_MODE_ONESHOT, 17, s, sizeof s);
    assert_string_equal(s, "nth=17");
    pf_sweep_mode_spec(PF_MODE_PERSISTENT, 17, s, sizeof s);
    assert_string_equal(s, "from=17");
    assert_string_equal(pf_sweep_mode_name(PF_MODE_PERSISTENT), "persistent");
}

/* --resume with other options: those given must be the journal's. */
static void test_resume_conflicts(void **state)
{
    (void)state;
    struct pf_options rec, given;
    char err[256];
    assert_int_equal(PARSE(PF_CMD_SWEEP, &rec, err, "--mode", "both", "--range", "5:50", "-j",
                           "4", "--out", "o", "--", "prog", "x"), 0);
    /* --resume alone needs no target */
    assert_int_equal(PARSE(PF_CMD_SWEEP, &given, err, "--resume", "o"), 0);
    assert_string_equal(given.resume_dir, "o");
    assert_int_equal(pf_options_conflict(&given, &rec, err, sizeof err), 0);
    /* the same options again, another -j, -q: no conflict */
    assert_int_equal(PARSE(PF_CMD_SWEEP, &given, err, "--resume", "o", "-q", "-j", "1",
                           "--range=5:50", "--mode", "both", "--", "prog", "x"), 0);
    assert_int_equal(pf_options_conflict(&given, &rec, err, sizeof err), 0);
    /* one that differs, even one left at its default in REC */
    assert_int_equal(PARSE(PF_CMD_SWEEP, &given, err, "--resume", "o", "--range", "5:51"), 0);
    assert_int_equal(pf_options_conflict(&given, &rec, err, sizeof err), -1);
    assert_string_equal(err, "--resume o: --range differs from the sweep's own");
    assert_int_equal(PARSE(PF_CMD_SWEEP, &given, err, "--resume", "o", "--stride", "1"), 0);
    assert_int_equal(pf_options_conflict(&given, &rec, err, sizeof err), 0);
    assert_int_equal(PARSE(PF_CMD_SWEEP, &given, err, "--resume", "o", "--engine", "fork"), 0);
    assert_int_equal(pf_options_conflict(&given, &rec, err, sizeof err), -1);
    assert_string_equal(err, "--resume o: --engine differs from the sweep's own");
    /* another target */
    assert_int_equal(PARSE(PF_CMD_SWEEP, &given, err, "--resume", "o", "--", "prog", "y"), 0);
    assert_int_equal(pf_options_conflict(&given, &rec, err, sizeof err), -1);
    assert_string_equal(err, "--resume o: the target differs from the sweep's own");
    assert_int_equal(PARSE(PF_CMD_SWEEP, &given, err, "--resume", "o", "s.py"), 0);
    assert_int_equal(pf_options_conflict(&given, &rec, err, sizeof err), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_defaults),
        cmocka_unit_test(test_run_options),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_sweep_options),
        cmocka_unit_test(test_plan_points),
        cmocka_unit_test(test_shards_split_exactly),
        cmocka_unit_test(test_plan_empty),
        cmocka_unit_test(test_plan_option),
        cmocka_unit_test(test_plan_from_a_list),
        cmocka_unit_test(test_mode_spec),
        cmocka_unit_test(test_resume_conflicts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
