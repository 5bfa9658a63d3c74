/*
 * test_matrix: a reduced end-to-end `pyfault matrix` on Debian's
 * /usr/bin/python3.11: real scenarios from scenarios/ (a runtime
 * set_nomemory case, the PEP 651 stack overflow, the bpo-38006 shape with
 * its C extension built against the interpreter), a start-up sweep, the
 * results.json they give, and the matrix's judgement; and the same, reduced
 * further, on a CPython 3.14 build when there is one (skipped, with the
 * reason, when there is none); shards that merge to the whole;
 * --engine fork, trial for trial as the exec engine classifies;
 * --plan sites, sampled by call site, sharded and merged; scenarios
 * results.json could not name, refused before they run; and, on the ASan
 * build's pyfault, the cells' allocation failing after the scenario array
 * was grown (and moved) for the start-up sweep: one line, exit 2, no
 * double free of the array's old pointer.
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
#include <dirent.h>
#include <jansson.h>

#include "harness_cli.h"
#include "interp.h"
#include "matrix.h"
#include "proc.h"
#include "scenario.h"
#include "skipping.h"

#define SYSTEM "system=/usr/bin/python3.11"

static int strcmp_ptr(const char **a, const char **b)
{
    return strcmp(*a, *b);
}

static json_t *cell(json_t *results, const char *scenario)
{
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(results, "cells"), i, c)
        if (strcmp(harness_str(c, "scenario"), scenario) == 0)
            return c;
    fail_msg("no cell for %s", scenario);
    return NULL;
}

static long long count_of(json_t *c, const char *cls)
{
    return json_integer_value(json_object_get(json_object_get(c, "counts"), cls));
}

static void test_reduced_matrix(void **state)
{
    (void)state;
    const char *out = harness_tmpdir();
    const char *args[] = {"matrix", "-q", "--interp", SYSTEM, "--startup-stride", "1500",
                          "--out", out,
                          "scenarios/set_nomemory/except_past_256.py",
                          "scenarios/exception_unwind/pep651_add_recursion.py",
                          "scenarios/weakref_finalization/bpo38006_nogc_container.py",
                          NULL};
    struct proc_result r;
    double wall;
    harness_cli(args, &r, &wall);
    if (r.exit_code != 0)
        fail_msg("matrix exited %d: %s%s", r.exit_code, r.out, r.err);
    /* the table names every scenario and the interpreter; nothing marked */
    assert_non_null(strstr(r.out, "gh134163-except-past-256"));
    assert_non_null(strstr(r.out, "stack-overflow"));
    assert_non_null(strstr(r.out, "0 cell(s) differ"));
    proc_result_free(&r);

    json_t *j = harness_results(out);
    assert_string_equal(harness_str(j, "schema"), "pyfault-results");
    assert_true(json_is_true(json_object_get(j, "complete")));
    json_t *interp = json_array_get(json_object_get(j, "interpreters"), 0);
    assert_string_equal(harness_str(interp, "id"), "system");
    assert_string_equal(harness_str(interp, "version"), "3.11.2");
    assert_int_equal(strlen(harness_str(interp, "sha256")), 64);

    assert_int_equal(count_of(cell(j, "gh134163-except-past-256"), "unwind-loop"), 1);
    assert_int_equal(count_of(cell(j, "pep651-add-recursion"), "stack-overflow"), 1);
    assert_int_equal(count_of(cell(j, "bpo38006-trash-weakref"), "ok"), 1);
    json_t *startup = cell(j, "startup");
    /* Debian's 3.11.2 start-up sweep meets the gh-134163 loop */
    assert_true(count_of(startup, "unwind-loop") > 0);
    assert_int_equal(json_integer_value(json_object_get(startup, "unexpected")), 0);
    /* the human reports were written beside it */
    char path[4200];
    snprintf(path, sizeof path, "%s/index.html", out);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    fclose(f);
    json_decref(j);
}

/* The 3.14 interpreter under test: $PYFAULT_TEST_PY314 (to run this test
 * on another build), else the first of build/cpython/3.14-vanilla and
 * 3.14t-vanilla that exists; NULL if none. */
static const char *py314(void)
{
    static const char *const builds[] = {"build/cpython/3.14-vanilla/python",
                                         "build/cpython/3.14t-vanilla/python"};
    const char *env = getenv("PYFAULT_TEST_PY314");
    if (env && env[0])
        return env;
    for (size_t k = 0; k < sizeof builds / sizeof builds[0]; k++)
        if (access(builds[k], X_OK) == 0)
            return builds[k];
    return NULL;
}

/* gh-134163 on 3.14: the except body past offset 256 ends (the lasti of
 * a handler is a tagged int there since gh-132508, nothing to allocate),
 * and a start-up sweep gives no harness-error. */
static void test_reduced_matrix_on_314(void **state)
{
    (void)state;
    const char *py = py314();
    if (!py)
        skip_because("no CPython 3.14 build (PYFAULT_VARIANTS=3.14-vanilla make cpython)");
    char interp[4200];
    snprintf(interp, sizeof interp, "py314=%s", py);
    const char *out = harness_tmpdir();
    const char *args[] = {"matrix", "-q", "--interp", interp, "--startup-stride", "1500",
                          "--out", out, "scenarios/set_nomemory/except_past_256.py", NULL};
    struct proc_result r;
    harness_cli(args, &r, NULL);
    if (r.exit_code != 0)
        fail_msg("matrix exited %d: %s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);

    json_t *j = harness_results(out);
    assert_true(json_is_true(json_object_get(j, "complete")));
    /* the version the matrix recorded is the one the interpreter gives */
    char *vargv[] = {(char *)py, "-c", "import sys; print(sys.version.split()[0], end='')", NULL};
    proc_run(vargv, NULL, &r);
    json_t *interp0 = json_array_get(json_object_get(j, "interpreters"), 0);
    assert_string_equal(harness_str(interp0, "version"), r.out);
    proc_result_free(&r);
    json_t *c = cell(j, "gh134163-except-past-256");
    assert_int_equal(count_of(c, "unwind-loop"), 0);
    assert_int_equal(count_of(c, "error") + count_of(c, "fatal"), 1);
    json_t *startup = cell(j, "startup");
    assert_true(json_integer_value(json_object_get(startup, "trials")) > 0);
    assert_int_equal(count_of(startup, "harness-error"), 0);
    json_decref(j);
}

static void test_violated_expectation_exits_1(void **state)
{
    (void)state;
    const char *args[] = {"matrix", "-q", "--interp", SYSTEM, "--startup-stride", "0",
                          "tests/harness/data/wrong_expectation.py", NULL};
    struct proc_result r;
    harness_cli(args, &r, NULL);
    assert_int_equal(r.exit_code, 1);
    /* the cell is marked: "ok!" */
    assert_non_null(strstr(r.out, "ok!"));
    assert_non_null(strstr(r.out, "1 cell(s) differ"));
    proc_result_free(&r);
}

static void test_bad_input_exits_2(void **state)
{
    (void)state;
    static const char *const cases[][8] = {
        {"matrix", "--interp", SYSTEM, "tests/harness/data/broken_header.py", NULL},
        {"matrix", "--interp", "nopath", NULL},
        {"matrix", "--interp", "x=/nonexistent/python", NULL},
        {"matrix", "--interp", SYSTEM, "--interp", SYSTEM, NULL},
        {"matrix", "--startup-stride", "many", NULL},
        {"matrix", "--frobnicate", NULL},
        {"matrix", "--interp", SYSTEM, "/nonexistent/scenario.py", NULL},
    };
    static const char *const want[] = {
        "broken_header.py:3: plan: want none, oneshot, persistent, both or runtime",
        "want NAME=PATH", "no executable at /nonexistent/python", "given twice",
        "--startup-stride 'many'", "unknown option '--frobnicate'", "scenario.py: No such file or directory",
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++)
        harness_expect_usage_error(cases[k], want[k]);
    /* not a Python: what the program says on stderr about "-c import sys"
     * does not leak before pyfault's one line */
    static const char *const not_python[] = {"t=/usr/bin/perl", "t=/bin/sh"};
    for (size_t k = 0; k < 2; k++) {
        if (access(not_python[k] + 2, X_OK) != 0)
            continue;
        const char *args[] = {"matrix", "--interp", not_python[k], NULL};
        harness_expect_usage_error(args, "does not run as a Python");
    }
}

/* Writes a plan-none scenario with header id ID to DIR/NAME; returns its
 * path (static storage, overwritten by the next call). */
static const char *scenario_file(const char *dir, const char *name, const char *id)
{
    static char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "# pyfault-scenario: %s\n# issue: u\n# plan: none\n# timeout: 10\n"
               "# expect: *=ok\nprint('fine')\n", id);
    assert_int_equal(fclose(f), 0);
    return path;
}

/* Scenarios results.json could not name (one id twice, an id or a path
 * that is not UTF-8) are refused before anything runs: status 2, one
 * line, and no results.json, not one the reader refuses or that lacks
 * them after the whole matrix has run. */
static void test_unnameable_scenarios_refused(void **state)
{
    (void)state;
    char dir[4096], a[4096], b[4096], out[4200], results[4300];
    snprintf(dir, sizeof dir, "%s", harness_tmpdir());
    snprintf(a, sizeof a, "%s", scenario_file(dir, "a.py", "x"));
    snprintf(b, sizeof b, "%s", scenario_file(dir, "b.py", "x"));
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(results, sizeof results, "%s/results.json", out);
    char bad_id[4096], bad_path[4096];
    snprintf(bad_id, sizeof bad_id, "%s", scenario_file(dir, "c.py", "x\xff\xfe"));
    snprintf(bad_path, sizeof bad_path, "%s", scenario_file(dir, "p\xff.py", "y"));
    static const char *const head[] = {"matrix", "-q", "-j", "1", "--interp", SYSTEM,
                                       "--startup-stride", "0", "--out"};
    const struct {
        const char *scen[2];
        const char *want;
    } cases[] = {
        {{a, a}, "a.py: scenario given twice"},
        {{a, b}, "a.py and "},
        {{bad_path, NULL}, ".py: the path is not UTF-8"},
        {{bad_id, NULL}, "c.py:1: pyfault-scenario: not UTF-8"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *args[16];
        size_t n = 0;
        for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
            args[n++] = head[i];
        args[n++] = out;
        for (size_t i = 0; i < 2 && cases[k].scen[i]; i++)
            args[n++] = cases[k].scen[i];
        args[n] = NULL;
        harness_expect_usage_error(args, cases[k].want);
        if (access(results, F_OK) == 0)
            fail_msg("case %zu left %s behind", k, results);
    }
    /* the same scenario id as the start-up sweep's */
    const char *startup = scenario_file(dir, "s.py", "startup");
    const char *clash[] = {"matrix", "-q", "--interp", SYSTEM, "--out", out, startup, NULL};
    harness_expect_usage_error(clash, "scenario id 'startup' is the start-up sweep's");
    assert_int_not_equal(access(results, F_OK), 0);
}

/* Sorted "scenario point mode class" lines of a results file's trials. */
static char *trial_lines(const char *path)
{
    json_t *j = json_load_file(path, 0, NULL);
    if (!j)
        fail_msg("%s does not parse", path);
    size_t n = json_array_size(json_object_get(j, "trials"));
    char **lines = calloc(n + 1, sizeof *lines);
    size_t total = 1;
    for (size_t i = 0; i < n; i++) {
        json_t *t = json_array_get(json_object_get(j, "trials"), i);
        if (asprintf(&lines[i], "%s %lld %s %s\n", harness_str(t, "scenario"),
                     (long long)json_integer_value(json_object_get(t, "point")),
                     harness_str(t, "mode"), harness_str(t, "class")) < 0)
            fail_msg("out of memory");
        total += strlen(lines[i]);
    }
    qsort(lines, n, sizeof *lines, (int (*)(const void *, const void *))strcmp_ptr);
    char *all = calloc(total, 1);
    for (size_t i = 0; i < n; i++) {
        strcat(all, lines[i]);
        free(lines[i]);
    }
    free(lines);
    json_decref(j);
    return all;
}

/* Three shards of a matrix, merged, are the unsharded matrix: the same
 * trials with the same classes, and the same findings with their counts. */
static void test_shards_merge_to_the_whole(void **state)
{
    (void)state;
    char whole[4200], parts[3][4200], merged[4200];
    const char *scen = "scenarios/exception_unwind/finally_generator_close.py";
    snprintf(whole, sizeof whole, "%s", harness_tmpdir());
    const char *args[] = {"matrix", "-q", "--interp", SYSTEM, "--startup-stride", "3000",
                          "--out", whole, scen, NULL};
    struct proc_result r;
    harness_cli(args, &r, NULL);
    assert_int_equal(r.exit_code, 0);
    proc_result_free(&r);
    for (int i = 0; i < 3; i++) {
        char shard[8];
        snprintf(shard, sizeof shard, "%d/3", i + 1);
        snprintf(parts[i], sizeof parts[i], "%s", harness_tmpdir());
        const char *sargs[] = {"matrix", "-q", "--interp", SYSTEM, "--startup-stride", "3000",
                               "--shard", shard, "--out", parts[i], scen, NULL};
        harness_cli(sargs, &r, NULL);
        assert_int_equal(r.exit_code, 0);
        proc_result_free(&r);
        strcat(parts[i], "/results.json");
    }
    snprintf(merged, sizeof merged, "%s/merged.json", harness_tmpdir());
    harness_merge(merged, (const char *[]){parts[0], parts[1], parts[2], NULL});
    strcat(whole, "/results.json");
    char *a = trial_lines(whole), *b = trial_lines(merged);
    assert_string_equal(a, b);
    free(a);
    free(b);
    json_t *ja = json_load_file(whole, 0, NULL), *jb = json_load_file(merged, 0, NULL);
    assert_int_equal(json_array_size(json_object_get(ja, "findings")),
                     json_array_size(json_object_get(jb, "findings")));
    assert_true(json_equal(json_object_get(json_object_get(ja, "summary"), "counts"),
                           json_object_get(json_object_get(jb, "summary"), "counts")));
    json_decref(ja);
    json_decref(jb);
}

/* The cell of SCENARIO in the results.json at PATH (a new reference). */
static json_t *cell_at(const char *path, const char *scenario)
{
    json_t *j = json_load_file(path, 0, NULL);
    if (!j)
        fail_msg("%s does not parse", path);
    json_t *c = json_incref(cell(j, scenario));
    json_decref(j);
    return c;
}

/* --engine fork: the sweep cells' trials are forked (the cell says how
 * many), and every trial has the class the exec engine gives it. */
static void test_fork_engine_matrix(void **state)
{
    (void)state;
    char exec_out[4200], fork_out[4200];
    const char *scen = "scenarios/exception_unwind/finally_generator_close.py";
    snprintf(exec_out, sizeof exec_out, "%s", harness_tmpdir());
    snprintf(fork_out, sizeof fork_out, "%s", harness_tmpdir());
    const char *eargs[] = {"matrix", "-q", "--interp", SYSTEM, "--startup-stride", "1000",
                           "--out", exec_out, scen, NULL};
    const char *fargs[] = {"matrix", "-q", "--interp", SYSTEM, "--startup-stride", "1000",
                           "--engine", "fork", "--out", fork_out, scen, NULL};
    struct proc_result r;
    harness_cli(eargs, &r, NULL);
    assert_int_equal(r.exit_code, 0);
    proc_result_free(&r);
    harness_cli(fargs, &r, NULL);
    if (r.exit_code != 0)
        fail_msg("matrix --engine fork exited %d: %s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);
    strcat(exec_out, "/results.json");
    strcat(fork_out, "/results.json");
    char *a = trial_lines(exec_out), *b = trial_lines(fork_out);
    assert_string_equal(a, b);
    free(a);
    free(b);
    json_t *c = cell_at(fork_out, "startup");
    json_t *engine = json_object_get(c, "engine");
    assert_non_null(engine);
    json_int_t forked = json_integer_value(json_object_get(engine, "forked"));
    assert_true(forked > 0);
    assert_true(forked + json_integer_value(json_object_get(engine, "exec_other")) +
                    json_integer_value(json_object_get(engine, "exec_threads")) ==
                json_integer_value(json_object_get(c, "trials")));
    json_decref(c);
    c = cell_at(exec_out, "startup");
    assert_null(json_object_get(c, "engine"));
    json_decref(c);
}

/* Runs "pyfault matrix ARGS... --out DIR" (a new scratch folder) and
 * returns DIR/results.json's path (static until the next call). */
static const char *matrix_to(const char *const *args)
{
    static char path[4200];
    const char *full[32];
    size_t n = 0;
    full[n++] = "matrix";
    full[n++] = "-q";
    for (size_t i = 0; args[i] && n < 28; i++)
        full[n++] = args[i];
    snprintf(path, sizeof path, "%s", harness_tmpdir());
    full[n++] = "--out";
    full[n++] = path;
    full[n] = NULL;
    struct proc_result r;
    harness_cli(full, &r, NULL);
    if (r.exit_code > 1)
        fail_msg("matrix exited %d: %s", r.exit_code, r.err);
    proc_result_free(&r);
    strcat(path, "/results.json");
    return path;
}

/* --plan sites: every sweep cell plans from its counting run's call sites,
 * the header's stride and the start-up stride take one site in K (the
 * cell says how many sites, chosen and sampled), the results name the
 * site plan, and two shards merge to the unsharded matrix; merging a
 * shard of another plan is refused. */
static void test_plan_sites_matrix(void **state)
{
    (void)state;
    const char *scen = "scenarios/compiler/compile_nomemory.py"; /* stride: 11 */
    const char *args[] = {"--interp", SYSTEM, "--engine", "fork", "--plan", "sites",
                          "--startup-stride", "20", scen, NULL};
    char whole[4200];
    snprintf(whole, sizeof whole, "%s", matrix_to(args));
    json_t *j = json_load_file(whole, 0, NULL);
    assert_non_null(j);
    size_t i;
    json_t *s;
    json_array_foreach(json_object_get(j, "scenarios"), i, s)
        assert_string_equal(harness_str(s, "site_plan"), "sites/8");
    const char *names[] = {"compiler-under-allocation-failure", "startup"};
    const long strides[] = {11, 20};
    for (int k = 0; k < 2; k++) {
        json_t *c = cell(j, names[k]);
        json_t *sites = json_object_get(c, "sites");
        assert_non_null(sites);
        json_int_t chosen = json_integer_value(json_object_get(sites, "chosen"));
        json_int_t sampled = json_integer_value(json_object_get(sites, "sampled"));
        json_int_t trials = json_integer_value(json_object_get(c, "trials"));
        json_int_t allocations = json_integer_value(json_object_get(c, "allocations"));
        printf("matrix --plan sites: %s: %lld sites chosen of %lld allocations, %lld "
               "sampled, %lld trials\n", names[k], (long long)chosen, (long long)allocations,
               (long long)sampled, (long long)trials);
        assert_true(chosen > 0 && chosen < allocations);
        assert_in_range(sampled, chosen / (strides[k] * 3 / 2), chosen / (strides[k] * 2 / 3));
        /* the sample's points and at most the one extension past M */
        assert_in_range(trials, sampled, sampled + 1);
    }
    json_decref(j);

    char parts[2][4200];
    for (int k = 0; k < 2; k++) {
        char shard[8];
        snprintf(shard, sizeof shard, "%d/2", k + 1);
        const char *sargs[] = {"--interp", SYSTEM, "--engine", "fork", "--plan", "sites",
                               "--startup-stride", "20", "--shard", shard, scen, NULL};
        snprintf(parts[k], sizeof parts[k], "%s", matrix_to(sargs));
    }
    char merged[4200];
    snprintf(merged, sizeof merged, "%s/merged.json", harness_tmpdir());
    harness_merge(merged, (const char *[]){parts[0], parts[1], NULL});
    char *a = trial_lines(whole), *b = trial_lines(merged);
    assert_string_equal(a, b);
    free(a);
    free(b);

    /* a shard of a matrix over every point does not merge with these */
    const char *oargs[] = {"--interp", SYSTEM, "--engine", "fork", "--startup-stride", "20",
                           "--shard", "2/2", scen, NULL};
    const char *other = matrix_to(oargs);
    const char *bad[] = {"merge", parts[0], other, "-o", merged, NULL};
    struct proc_result r;
    harness_cli(bad, &r, NULL);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "site plan"));
    assert_true(harness_one_line(r.err));
    proc_result_free(&r);
}

/* Does the program at PATH load AddressSanitizer's runtime? */
static int asan_built(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    static const char needle[] = "libasan.so";
    char buf[65536 + sizeof needle];
    size_t keep = 0, n;
    int found = 0;
    while (!found && (n = fread(buf + keep, 1, sizeof buf - keep, f)) > 0) {
        n += keep;
        found = memmem(buf, n, needle, sizeof needle - 1) != NULL;
        keep = sizeof needle - 1 < n ? sizeof needle - 1 : n;
        memmove(buf, buf + n - keep, keep);
    }
    fclose(f);
    return found;
}

/* pf_matrix_init grows the scenario array (realloc: under ASan always to
 * a new block) for the start-up sweep, then allocates the cells. With
 * ASan's allocator told to return NULL for blocks over 1 MiB, enough
 * interpreters and scenarios make the cells (and nothing before them)
 * that big: the matrix must say "out of memory" in one line, exit 2, and
 * free the array once, not its old pointer again (a double free ASan
 * reports). Needs the ASan build's pyfault (PYFAULT_TEST_BIN, as
 * run-all.sh sets it for build/san-address/tests); skipped otherwise. */
static void test_out_of_memory_after_growing_scenarios(void **state)
{
    (void)state;
    const char *bin = harness_bin();
    if (!asan_built(bin))
        skip_because("needs the ASan build's pyfault (PYFAULT_TEST_BIN=build/san-address/pyfault)");
    if (access("/usr/bin/python3.11", X_OK) != 0)
        skip_because("no /usr/bin/python3.11");
    const size_t limit = 1 << 20, ninterps = 48;
    /* the fewest scenarios whose cells are half as big again as the limit */
    size_t nscen = (limit * 3 / 2) / (ninterps * sizeof(struct pf_mcell));
    size_t cells = (nscen + 1) * ninterps * sizeof(struct pf_mcell);
    size_t grown = 2 * nscen * sizeof(struct pf_scenario);
    if (nscen + 1 > PF_MATRIX_MAX_SCENARIOS || grown > limit * 3 / 4 ||
        ninterps * sizeof(struct pf_interp) > limit / 2)
        fail_msg("%zu scenarios x %zu interpreters: the grown array (%zu bytes) or the "
                 "interpreters' no longer fit under %zu bytes where the cells (%zu) do not",
                 nscen, ninterps, grown, limit, cells);
    char dir[4096];
    snprintf(dir, sizeof dir, "%s", harness_tmpdir());
    char *argv[8 + 2 * 48 + PF_MATRIX_MAX_SCENARIOS];
    size_t n = 0;
    argv[n++] = (char *)bin;
    argv[n++] = "matrix";
    argv[n++] = "-q";
    char interp[48][64], name[16], id[16];
    for (size_t i = 0; i < ninterps; i++) {
        snprintf(interp[i], sizeof interp[i], "i%zu=/usr/bin/python3.11", i);
        argv[n++] = "--interp";
        argv[n++] = interp[i];
    }
    for (size_t k = 0; k < nscen; k++) {
        snprintf(name, sizeof name, "s%zu.py", k);
        snprintf(id, sizeof id, "s%zu", k);
        argv[n++] = strdup(scenario_file(dir, name, id));
    }
    argv[n] = NULL;
    char asan[4200];
    snprintf(asan, sizeof asan,
             "ASAN_OPTIONS=allocator_may_return_null=1:max_allocation_size_mb=%zu:"
             "log_path=%s/asan", limit >> 20, dir);
    char *env[] = {asan, NULL};
    struct proc_result r;
    if (proc_run(argv, env, &r) < 0)
        fail_msg("cannot start %s", bin);
    /* ASan's own lines went to DIR/asan.PID */
    char *log = NULL;
    DIR *d = opendir(dir);
    assert_non_null(d);
    struct dirent *e;
    while (!log && (e = readdir(d)))
        if (strncmp(e->d_name, "asan.", 5) == 0) {
            char path[4400];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            FILE *f = fopen(path, "r");
            assert_non_null(f);
            log = calloc(1, 1 << 16);
            assert_non_null(log);
            size_t got = fread(log, 1, (1 << 16) - 1, f);
            log[got] = '\0';
            fclose(f);
        }
    closedir(d);
    if (r.exit_code != 2 || strcmp(r.err, "pyfault matrix: out of memory\n") != 0 ||
        !log || strstr(log, "ERROR"))
        fail_msg("status %d, stderr '%s' (wanted 2 and 'pyfault matrix: out of memory'); "
                 "ASan: %s", r.exit_code, r.err, log ? log : "(nothing)");
    /* and it was the cells that failed */
    char want[80];
    snprintf(want, sizeof want, "failed to allocate 0x%zx bytes", cells);
    if (!strstr(log, want))
        fail_msg("ASan did not refuse the cells (%zu bytes): %s", cells, log);
    free(log);
    proc_result_free(&r);
    for (size_t k = 3 + 2 * ninterps; k < n; k++)
        free(argv[k]);
    char cmd[4200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reduced_matrix),
        cmocka_unit_test(test_reduced_matrix_on_314),
        cmocka_unit_test(test_violated_expectation_exits_1),
        cmocka_unit_test(test_bad_input_exits_2),
        cmocka_unit_test(test_unnameable_scenarios_refused),
        cmocka_unit_test(test_shards_merge_to_the_whole),
        cmocka_unit_test(test_fork_engine_matrix),
        cmocka_unit_test(test_plan_sites_matrix),
        cmocka_unit_test(test_out_of_memory_after_growing_scenarios),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
