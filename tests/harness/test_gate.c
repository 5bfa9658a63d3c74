/*
 * test_gate: pyfault gate on results of real matrix runs (Debian's
 * python3.11): a run against itself passes, a known crash passes, a new
 * crash fails naming it with its repro, a violated expectation fails, a
 * missing baseline or a bad file is exit 2 with one line; the baseline
 * and junit.xml are written whole (JUnit valid against reports/junit.xsd).
 * And on a real command sweep of a small C target whose segfaults are
 * outside its --accept: --update-baseline, then gate, passes; the same
 * results marked incomplete fail with their own line unless
 * --allow-incomplete. An output (--junit, --update-baseline's BASE) that
 * is an input, by name or by inode, is refused and the input kept; one
 * gate cannot write is the only line it prints, no verdict before it.
 * That sweep's results.json edited to contradict itself is refused by
 * gate and report alike, in one line naming it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness_cli.h"

#define SYSTEM "system=/usr/bin/python3.11"
#define KNOWN "scenarios/contextvar/gh132002_str_subclass_name.py"  /* segfault, expected */
#define NEW "tests/harness/data/gate_new_crash.py"                  /* segfault, expected */
#define WRONG "tests/harness/data/wrong_expectation.py"             /* ok, expects segfault */

#define UNCHECKED "build/targets/gate_unchecked_malloc"              /* segfaults under nth=1..8 */

static char known_dir[600], new_dir[600], wrong_dir[600], sweep_dir[600], accepted_dir[600], work[600];

static const char *in(const char *dir, const char *name)
{
    static char buf[4][700];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

/* pyfault matrix on the system interpreter, no start-up sweep. */
static void matrix(char *dir, const char *s1, const char *s2, int want_status)
{
    snprintf(dir, 600, "%s", harness_tmpdir());
    const char *args[] = {"matrix", "-q", "--interp", SYSTEM, "--startup-stride", "0", "--out", dir,
                          s1, s2, NULL};
    struct proc_result r;
    harness_cli(args, &r, NULL);
    if (!r.exited || r.exit_code != want_status)
        fail_msg("matrix %s %s: status %d, want %d: %s%s", s1, s2 ? s2 : "", r.exit_code, want_status,
                 r.out, r.err);
    proc_result_free(&r);
}

/* pyfault sweep --accept ACCEPT of UNCHECKED into DIR. */
static void sweep(char *dir, const char *accept, int want_status)
{
    snprintf(dir, 600, "%s", harness_tmpdir());
    const char *args[] = {"sweep", "-q", "--mode", "oneshot", "--accept", accept, "--out", dir,
                          "--", UNCHECKED, NULL};
    struct proc_result r;
    harness_cli(args, &r, NULL);
    if (!r.exited || r.exit_code != want_status)
        fail_msg("sweep --accept %s " UNCHECKED ": status %d, want %d: %s%s", accept, r.exit_code,
                 want_status, r.out, r.err);
    proc_result_free(&r);
}

static int setup(void **state)
{
    (void)state;
    matrix(known_dir, KNOWN, NULL, 0);
    matrix(new_dir, KNOWN, NEW, 0);
    matrix(wrong_dir, WRONG, NULL, 1);
    /* a command sweep whose segfaults its --accept leaves out, and one
     * that accepts them */
    sweep(sweep_dir, "ok,error", 1);
    sweep(accepted_dir, "ok,error,segfault", 0);
    snprintf(work, sizeof work, "%s", harness_tmpdir());
    return 0;
}

static void gate(const char **extra, struct proc_result *r)
{
    const char *args[16] = {"gate"};
    int n = 1;
    for (int i = 0; extra[i]; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    harness_cli(args, r, NULL);
}

static void test_against_itself(void **state)
{
    (void)state;
    const char *res = in(known_dir, "results.json");
    struct proc_result r;
    gate((const char *[]){"--baseline", res, res, NULL}, &r);
    if (r.exit_code != 0)
        fail_msg("gate against itself: %d: %s%s", r.exit_code, r.out, r.err);
    assert_non_null(strstr(r.out, "gate: PASS: 0 new findings, 0 violated expectations"));
    proc_result_free(&r);
}

/* An output gate cannot write (--junit in a folder that is not there,
 * --update-baseline's BASE there too) is the last and only line, exit 2:
 * the verdict was printed first, "gate: PASS", and then the error. */
static void test_unwritable_output_no_verdict(void **state)
{
    (void)state;
    const char *res = in(known_dir, "results.json");
    char missing[700];
    snprintf(missing, sizeof missing, "%s/not-there/x.xml", work);
    const char *cases[][6] = {
        {"--baseline", res, res, "--junit", missing, NULL},
        {"--baseline", missing, res, "--update-baseline", NULL, NULL},
    };
    for (size_t i = 0; i < 2; i++) {
        struct proc_result r;
        gate(cases[i], &r);
        if (r.exit_code != 2 || r.out[0] || !harness_one_line(r.err) ||
            !strstr(r.err, "not-there/x.xml"))
            fail_msg("case %zu: %d: out '%s' err '%s'", i, r.exit_code, r.out, r.err);
        proc_result_free(&r);
    }
}

static void test_update_then_known_crash(void **state)
{
    (void)state;
    const char *base = in(work, "baseline.json");
    unlink(base);
    struct proc_result r;
    /* a first --update-baseline creates the file: the crash is new now */
    gate((const char *[]){"--baseline", base, "--update-baseline", in(known_dir, "results.json"), NULL}, &r);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.out, "NEW segfault: "));
    assert_non_null(strstr(r.out, "written: "));
    proc_result_free(&r);
    json_error_t je;
    json_t *j = json_load_file(base, 0, &je);
    if (!j)
        fail_msg("%s: %s", base, je.text);
    assert_string_equal(harness_str(j, "schema"), "pyfault-baseline");
    json_t *f0 = json_array_get(json_object_get(j, "findings"), 0);
    assert_string_equal(harness_str(f0, "class"), "segfault");
    json_decref(j);
    assert_int_equal(harness_count_files(work), 1); /* no temp file left */
    /* the same crash again: known */
    gate((const char *[]){"--baseline", base, in(known_dir, "results.json"), NULL}, &r);
    if (r.exit_code != 0)
        fail_msg("known crash: %d: %s%s", r.exit_code, r.out, r.err);
    assert_null(strstr(r.out, "NEW "));
    proc_result_free(&r);
}

static void test_new_crash(void **state)
{
    (void)state;
    const char *junit = in(work, "junit.xml");
    struct proc_result r;
    gate((const char *[]){"--baseline", in(known_dir, "results.json"), "--junit", junit,
                          in(new_dir, "results.json"), NULL}, &r);
    if (r.exit_code != 1)
        fail_msg("new crash: %d: %s%s", r.exit_code, r.out, r.err);
    /* exactly one new finding, named with its class, signature and repro */
    const char *p = strstr(r.out, "NEW segfault: ");
    assert_non_null(p);
    assert_null(strstr(p + 1, "NEW "));
    assert_non_null(strstr(p, "gate-new-crash"));
    assert_non_null(strstr(p, "repro: "));
    assert_non_null(strstr(p, "gate_new_crash.py"));
    assert_non_null(strstr(r.out, "gate: FAIL: 1 new finding, 0 violated expectations"));
    proc_result_free(&r);
    char cmd[1600];
    snprintf(cmd, sizeof cmd, "xmllint --noout --schema reports/junit.xsd '%s' 2>&1", junit);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "grep -c '<failure type=\"segfault\"' '%s' | grep -qx 1", junit);
    assert_int_equal(system(cmd), 0);
}

static void test_violated_expectation(void **state)
{
    (void)state;
    const char *res = in(wrong_dir, "results.json");
    struct proc_result r;
    gate((const char *[]){"--baseline", res, res, NULL}, &r);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.out, "UNEXPECTED deliberately-wrong-expectation on system: 1 of 1 trial outside segfault (ok 1)"));
    proc_result_free(&r);
}

/* A known crash of a command sweep is accepted like a matrix's: the
 * cell's segfaults are outside --accept, but the baseline knows them. */
static void test_sweep_update_then_gate(void **state)
{
    (void)state;
    const char *res = in(sweep_dir, "results.json");
    const char *base = in(work, "sweep-baseline.json");
    unlink(base);
    struct proc_result r;
    gate((const char *[]){"--baseline", base, "--update-baseline", res, NULL}, &r);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.out, "NEW segfault: "));
    assert_non_null(strstr(r.out, "UNEXPECTED " UNCHECKED " on "));
    assert_non_null(strstr(r.out, "written: 1 findings"));
    proc_result_free(&r);
    const char *junit = in(work, "sweep-junit.xml");
    gate((const char *[]){"--baseline", base, "--junit", junit, res, NULL}, &r);
    if (r.exit_code != 0)
        fail_msg("gate after --update-baseline: %d: %s%s", r.exit_code, r.out, r.err);
    assert_non_null(strstr(r.out, "gate: PASS: 0 new findings, 0 violated expectations"));
    assert_non_null(strstr(r.out, "8 unexpected trials known to the baseline"));
    assert_null(strstr(r.out, "UNEXPECTED "));
    proc_result_free(&r);
    char cmd[1600];
    snprintf(cmd, sizeof cmd, "xmllint --noout --schema reports/junit.xsd '%s' 2>&1 && ! grep -q '<failure' '%s'",
             junit, junit);
    assert_int_equal(system(cmd), 0);
    /* any results.json is a baseline too */
    gate((const char *[]){"--baseline", res, res, NULL}, &r);
    if (r.exit_code != 0)
        fail_msg("gate against itself: %d: %s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);
}

/* A sweep's results with every class accepted and "complete": false, as
 * Ctrl-C leaves them. */
static const char *incomplete_results(void)
{
    const char *path = in(work, "incomplete.json");
    json_error_t je;
    json_t *j = json_load_file(in(accepted_dir, "results.json"), 0, &je);
    if (!j)
        fail_msg("%s", je.text);
    json_object_set_new(j, "complete", json_false());
    assert_int_equal(json_dump_file(j, path, JSON_INDENT(1)), 0);
    json_decref(j);
    return path;
}

/* A results.json whose strings carry ESC, BEL and C1 (a crafted file, or
 * one from before signatures were scrubbed): gate's NEW lines and repro's
 * header print each as '?', never to the terminal or a CI log raw. */
static void test_control_characters_not_printed(void **state)
{
    (void)state;
    const char *path = in(work, "controls.json");
    json_error_t je;
    json_t *j = json_load_file(in(sweep_dir, "results.json"), 0, &je);
    if (!j)
        fail_msg("%s", je.text);
    const char *poison = "seg \x1b]0;PWNED\x07 \x1b[2J \xc2\x9b" "31m";
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(j, "findings"), i, v) {
        json_object_set_new(v, "signature", json_string(poison));
        json_object_set_new(v, "repro", json_string(poison));
    }
    json_array_foreach(json_object_get(j, "trials"), i, v)
        json_object_set_new(v, "signature", json_string(poison));
    assert_int_equal(json_dump_file(j, path, 0), 0);
    json_decref(j);
    const char *empty = in(work, "empty-baseline.json");
    FILE *f = fopen(empty, "w");
    assert_non_null(f);
    fputs("{\"schema\": \"pyfault-baseline\", \"version\": 1, \"findings\": []}\n", f);
    fclose(f);
    struct proc_result r;
    gate((const char *[]){"--baseline", empty, path, NULL}, &r);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.out, "NEW segfault: seg ?]0;PWNED? ?[2J ?31m"));
    assert_null(strpbrk(r.out, "\x1b\x07"));
    assert_null(strstr(r.out, "\xc2\x9b"));
    proc_result_free(&r);
    harness_cli((const char *[]){"repro", path, "0", NULL}, &r, NULL);
    assert_non_null(strstr(r.out, "(seg ?]0;PWNED? ?[2J ?31m)"));
    assert_null(strpbrk(r.out, "\x1b\x07"));
    proc_result_free(&r);
}

static void test_incomplete_run(void **state)
{
    (void)state;
    const char *res = incomplete_results();
    const char *junit = in(work, "incomplete-junit.xml");
    struct proc_result r;
    /* every finding known and accepted: the incompleteness alone fails it */
    gate((const char *[]){"--baseline", res, "--junit", junit, res, NULL}, &r);
    if (r.exit_code != 1)
        fail_msg("incomplete run: %d, want 1: %s%s", r.exit_code, r.out, r.err);
    const char *line = strstr(r.out, "INCOMPLETE run (\"complete\": false): ");
    assert_non_null(line);
    assert_true(line == r.out || line[-1] == '\n');
    assert_non_null(strstr(line, "(--allow-incomplete passes it)\n"));
    assert_non_null(strstr(r.out, "gate: FAIL: 0 new findings, 0 violated expectations"));
    assert_non_null(strstr(r.out, "the run is INCOMPLETE\n"));
    proc_result_free(&r);
    char cmd[1600];
    snprintf(cmd, sizeof cmd, "xmllint --noout --schema reports/junit.xsd '%s' 2>&1 && "
             "grep -c '<failure type=\"incomplete\"' '%s' | grep -qx 1", junit, junit);
    assert_int_equal(system(cmd), 0);
    gate((const char *[]){"--baseline", res, "--allow-incomplete", res, NULL}, &r);
    if (r.exit_code != 0)
        fail_msg("--allow-incomplete: %d, want 0: %s%s", r.exit_code, r.out, r.err);
    assert_null(strstr(r.out, "INCOMPLETE run"));
    assert_non_null(strstr(r.out, "gate: PASS: "));
    assert_non_null(strstr(r.out, "the run is INCOMPLETE (allowed)"));
    proc_result_free(&r);
    /* --allow-incomplete excuses nothing else: a new finding still fails */
    const char *empty = in(work, "empty-baseline.json");
    FILE *f = fopen(empty, "w");
    fputs("{\"schema\": \"pyfault-baseline\", \"version\": 1, \"findings\": []}\n", f);
    fclose(f);
    gate((const char *[]){"--baseline", empty, "--allow-incomplete", res, NULL}, &r);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.out, "NEW segfault: "));
    proc_result_free(&r);
}

static void test_bad_input(void **state)
{
    (void)state;
    /* its own copy: in()'s buffers are reused by the fifth call */
    char res[700];
    snprintf(res, sizeof res, "%s", in(known_dir, "results.json"));
    const char *garbage = in(work, "garbage.json");
    FILE *f = fopen(garbage, "w");
    fputs("{\"schema\": \"pyfault-results\", \"version\": 1", f);
    fclose(f);
    const char *cases[][6] = {
        {"--baseline", in(work, "missing.json"), res, NULL},
        {"--baseline", garbage, res, NULL},
        {"--baseline", res, garbage, NULL},
        {"--baseline", res, NULL},
        {res, NULL},
        {"--baseline", res, res, "--bogus", NULL},
        {"--baseline", res, res, "--allow-incomplete=yes", NULL},
        {"--baseline", res, "--junit", "/nonexistent/dir/j.xml", res, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct proc_result r;
        gate(cases[i], &r);
        if (r.exit_code != 2 || !harness_one_line(r.err))
            fail_msg("case %zu: status %d, stderr '%s'", i, r.exit_code, r.err);
        proc_result_free(&r);
    }
    struct proc_result r;
    gate((const char *[]){"--baseline", in(work, "missing.json"), res, NULL}, &r);
    assert_non_null(strstr(r.err, "missing.json: no such baseline file"));
    proc_result_free(&r);
    /* a directory or FIFO as BASE: the real cause, at once, even with
     * --update-baseline (which looks whether BASE exists) */
    const char *base = in(work, "base.json");
    assert_int_equal(mkdir(base, 0700), 0);
    const char *isdir[] = {"gate", "--baseline", base, res, NULL};
    harness_expect_usage_error(isdir, "base.json: Is a directory");
    assert_int_equal(rmdir(base), 0);
    assert_int_equal(mkfifo(base, 0600), 0);
    const char *fifo[] = {"gate", "--baseline", base, res, "--update-baseline", NULL};
    harness_expect_usage_error_within(fifo, "base.json: not a regular file", 20);
    assert_int_equal(unlink(base), 0);
}

/* Adds N to integer member KEY of O (0 when absent). */
static void bump(json_t *o, const char *key, json_int_t n)
{
    json_object_set_new(o, key, json_integer(json_integer_value(json_object_get(o, key)) + n));
}

/* pyfault ARGS exits 2 with one line on stderr (and nothing on stdout)
 * that holds WANT, and WHY after it. */
static void refused(const char *const *args, const char *want, const char *why)
{
    struct proc_result r;
    harness_cli(args, &r, NULL);
    const char *at = strstr(r.err, want);
    if (r.exit_code != 2 || !harness_one_line(r.err) || !at || !strstr(at, why) || r.out_len)
        fail_msg("%s: status %d, stderr '%s' (wanted one line with '%s' then '%s')", args[0], r.exit_code,
                 r.err, want, why);
    proc_result_free(&r);
}

/* trials[0] once more, every total raised to match: only its id repeats. */
static void twice(json_t *j)
{
    json_t *t = json_array_get(json_object_get(j, "trials"), 0);
    json_t *sum = json_object_get(j, "summary"), *cell = json_array_get(json_object_get(j, "cells"), 0);
    const char *cls = harness_str(t, "class");
    json_int_t unexpected = !json_is_true(json_object_get(t, "expected"));
    json_array_append_new(json_object_get(j, "trials"), json_deep_copy(t));
    bump(json_object_get(j, "counts"), cls, 1);
    bump(json_object_get(sum, "counts"), cls, 1);
    bump(json_object_get(json_object_get(sum, "by_interpreter"), harness_str(t, "interpreter")), cls, 1);
    bump(json_object_get(cell, "counts"), cls, 1);
    bump(sum, "trials", 1);
    bump(cell, "trials", 1);
    bump(sum, "unexpected", unexpected);
    bump(cell, "unexpected", unexpected);
    bump(json_array_get(json_object_get(j, "findings"), (size_t)json_integer_value(json_object_get(t, "finding"))),
         "count", 1);
    bump(j, "done", 1);
    bump(j, "planned", 1);
}

/* A results.json that contradicts itself (each derived from a real sweep's
 * by one edit) is refused by report and gate alike: exit 2, one line
 * naming the file, never a report or a PASS (found by a black-box review:
 * both took them, only merge checked the totals), as RESULTS and as the
 * baseline, named by its full path. The file unedited still
 * passes. */
static void test_inconsistent_results_refused(void **state)
{
    (void)state;
    const char *res = in(sweep_dir, "results.json");
    struct proc_result r;
    gate((const char *[]){"--baseline", res, res, NULL}, &r);
    if (r.exit_code != 0)
        fail_msg("gate of the real sweep: %d: %s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);
    harness_cli((const char *[]){"report", sweep_dir, NULL}, &r, NULL);
    if (r.exit_code != 0)
        fail_msg("report of the real sweep: %d: %s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);
    struct {
        const char *name, *json_path; /* a member set to VALUE (NULL: twice()) */
        const char *value, *why;
    } cases[] = {
        {"ok-everywhere", NULL, NULL, "trials 10, counts sum to 100008"}, /* counts.ok, summary's, the cell's: 100000 */
        {"no-trials", "trials", "[]", "0 trials listed"},
        {"twice", NULL, NULL, "one trial twice"},
        {"target", "trials[0].target", "999", "trials[0].target: 999 is past the 1 targets"},
        {"finding-0", "findings[0].count", "0", "finding 0 (segfault: main): count 0"},
        {"summary", "summary.trials", "1", "summary: 1 trials"},
        {"done-past-planned", "planned", "9", "done: 10, more than the 9 planned"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        json_error_t je;
        json_t *j = json_load_file(res, 0, &je);
        if (!j)
            fail_msg("%s", je.text);
        json_t *v = cases[i].value ? json_loads(cases[i].value, JSON_DECODE_ANY, &je) : NULL;
        if (i == 0) {
            json_t *sum = json_object_get(j, "summary");
            json_object_set_new(json_object_get(j, "counts"), "ok", json_integer(100000));
            json_object_set_new(json_object_get(sum, "counts"), "ok", json_integer(100000));
            json_object_set_new(json_object_get(json_array_get(json_object_get(j, "cells"), 0), "counts"), "ok",
                                json_integer(100000));
        } else if (!v) {
            twice(j);
        } else if (strncmp(cases[i].json_path, "trials[0].", 10) == 0) {
            json_object_set_new(json_array_get(json_object_get(j, "trials"), 0), cases[i].json_path + 10, v);
        } else if (strncmp(cases[i].json_path, "findings[0].", 12) == 0) {
            json_object_set_new(json_array_get(json_object_get(j, "findings"), 0), cases[i].json_path + 12, v);
        } else if (strncmp(cases[i].json_path, "summary.", 8) == 0) {
            json_object_set_new(json_object_get(j, "summary"), cases[i].json_path + 8, v);
        } else {
            json_object_set_new(j, cases[i].json_path, v);
        }
        char dir[700], path[760], want[1000];
        snprintf(dir, sizeof dir, "%s/%s", work, cases[i].name);
        snprintf(path, sizeof path, "%s/results.json", dir);
        assert_int_equal(mkdir(dir, 0700), 0);
        assert_int_equal(json_dump_file(j, path, JSON_INDENT(1)), 0);
        json_decref(j);
        snprintf(want, sizeof want, "%s: inconsistent totals: ", path);
        refused((const char *[]){"report", dir, NULL}, want, cases[i].why);
        refused((const char *[]){"gate", "--baseline", res, path, NULL}, want, cases[i].why);
        /* as the baseline: the same check, the same full path */
        refused((const char *[]){"gate", "--baseline", path, res, NULL}, want, cases[i].why);
    }
}

/* PATH's bytes (malloc'd, NUL-terminated), failing the test when unreadable. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("%s: cannot read", path);
    char *buf = NULL;
    size_t len = 0, cap = 0, n;
    do {
        if (len + 4096 + 1 > cap)
            buf = realloc(buf, cap = (cap + 4096) * 2);
        assert_non_null(buf);
        n = fread(buf + len, 1, 4096, f);
        len += n;
    } while (n > 0);
    fclose(f);
    buf[len] = '\0';
    return buf;
}

/* gate --junit R.json or --update-baseline over RESULTS R.json (by another
 * name for it too: "DIR/./R.json", a link) is refused as merge refuses
 * its output among its inputs: one line, exit 2, R.json as it was. */
static void test_output_is_an_input(void **state)
{
    (void)state;
    char dir[600];
    snprintf(dir, sizeof dir, "%s", harness_tmpdir());
    char *orig = slurp(in(known_dir, "results.json"));
    char r[700], alias[700], link[700], b[700];
    snprintf(r, sizeof r, "%s/R.json", dir);
    snprintf(alias, sizeof alias, "%s/./R.json", dir);
    snprintf(link, sizeof link, "%s/L.json", dir);
    snprintf(b, sizeof b, "%s/B.json", dir);
    FILE *f = fopen(r, "w");
    assert_non_null(f);
    fputs(orig, f);
    assert_int_equal(fclose(f), 0);
    f = fopen(b, "w");
    assert_non_null(f);
    fputs(orig, f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(symlink("R.json", link), 0);
    int files = harness_count_files(dir);
    struct {
        const char *args[8];
        const char *want;
    } cases[] = {
        {{"gate", "--baseline", r, r, "--junit", r, NULL}, "R.json is both an input and the output"},
        {{"gate", "--baseline", b, r, "--junit", alias, NULL}, "R.json is both an input and the output"},
        {{"gate", "--baseline", b, r, "--junit", link, NULL}, "L.json is both an input and the output"},
        {{"gate", "--baseline", b, r, "--junit", b, NULL}, "B.json is both an input and the output"},
        {{"gate", "--baseline", r, r, "--update-baseline", NULL},
         "R.json is both RESULTS.json and the baseline --update-baseline writes"},
        {{"gate", "--baseline", alias, r, "--update-baseline", NULL},
         "R.json is both RESULTS.json and the baseline --update-baseline writes"},
        {{"gate", "--baseline", link, r, "--update-baseline", NULL},
         "L.json is both RESULTS.json and the baseline --update-baseline writes"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        harness_expect_usage_error(cases[i].args, cases[i].want);
        char *now = slurp(r);
        if (strcmp(now, orig) != 0)
            fail_msg("case %zu rewrote R.json", i);
        free(now);
        now = slurp(b);
        if (strcmp(now, orig) != 0)
            fail_msg("case %zu rewrote B.json", i);
        free(now);
        struct stat st;
        assert_int_equal(lstat(link, &st), 0);
        assert_true(S_ISLNK(st.st_mode));
        assert_int_equal(harness_count_files(dir), files);
    }
    free(orig);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_itself),
        cmocka_unit_test(test_update_then_known_crash),
        cmocka_unit_test(test_new_crash),
        cmocka_unit_test(test_violated_expectation),
        cmocka_unit_test(test_sweep_update_then_gate),
        cmocka_unit_test(test_incomplete_run),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_inconsistent_results_refused),
        cmocka_unit_test(test_output_is_an_input),
        cmocka_unit_test(test_unwritable_output_no_verdict),
        cmocka_unit_test(test_control_characters_not_printed),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
