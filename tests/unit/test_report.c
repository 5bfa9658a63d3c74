/*
 * test_report: results.json loading and checking, the verdicts, and what
 * junit.xml, summary.md and index.html say about a realistic run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "report_fixture.h"
#include "report_html.h"
#include "report_junit.h"
#include "report_md.h"
#include "report_model.h"
#include "report_text.h"
#include "report_rank.h"
#include "report_verdict.h"
#include "utf8.h"

static void load(struct pf_results *r, json_t *j)
{
    char err[512];
    if (pf_results_from_json(r, j, err, sizeof err) < 0)
        fail_msg("%s", err);
    json_decref(j);
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

enum { JUNIT, MD, HTML };

/* Renders R (with BASE) by one writer into a heap string. */
static char *render(int which, const struct pf_results *r, const struct pf_results *base)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    if (which == JUNIT)
        pf_report_junit(f, r);
    else if (which == MD)
        pf_report_md(f, r, base);
    else
        pf_report_html(f, r, base);
    long len = ftell(f);
    char *buf = malloc((size_t)len + 1);
    assert_non_null(buf);
    rewind(f);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    buf[len] = '\0';
    fclose(f);
    return buf;
}

static void test_fixture_loads_and_adds_up(void **state)
{
    (void)state;
    struct pf_results r;
    load(&r, report_fixture(0, 0));
    char err[512] = "";
    assert_int_equal(pf_results_check_totals(&r, err, sizeof err), 0);
    assert_int_equal(r.n_interps, 6);
    assert_int_equal(r.n_scenarios, 4);
    assert_int_equal(r.n_cells, 24);
    int s = pf_results_scenario(&r, "startup"), v = pf_results_interp(&r, "3.11-vanilla");
    int p = pf_results_interp(&r, "3.11-patched");
    const struct pf_rcell *cv = &r.cells[pf_results_cell(&r, s, v)];
    const struct pf_rcell *cp = &r.cells[pf_results_cell(&r, s, p)];
    /* the band: hundreds of unwind-loops on vanilla, none patched */
    assert_true(cv->counts[PF_UNWIND_LOOP] > 400);
    assert_int_equal(cp->counts[PF_UNWIND_LOOP], 0);
    assert_int_equal(cv->allocations, 23350);
    /* its trials are sorted by point */
    long last = 0;
    for (size_t j = cv->first; j < cv->first + cv->n; j++) {
        assert_true(r.trials[r.order[j]].point > last);
        last = r.trials[r.order[j]].point;
    }
    assert_int_equal(last, 23351);
    pf_results_free(&r);
}

/* Loads FIXTURE after EDIT has spoiled it; expects an error naming WHERE. */
static void expect_bad(const char *edit_path, json_t *value, const char *where)
{
    json_t *j = report_fixture(0, 0);
    char path[128];
    snprintf(path, sizeof path, "%s", edit_path);
    /* edit_path: "section/index/key" or "key" */
    char *a = strtok(path, "/"), *b = strtok(NULL, "/"), *c = strtok(NULL, "/");
    json_t *o = j;
    if (b) {
        o = json_array_get(json_object_get(j, a), (size_t)atoi(b));
        a = c;
    }
    if (value)
        json_object_set_new(o, a, value);
    else
        json_object_del(o, a);
    struct pf_results r;
    char err[512] = "";
    assert_int_equal(pf_results_from_json(&r, j, err, sizeof err), -1);
    if (!strstr(err, where) || strchr(err, '\n'))
        fail_msg("for %s: wanted \"%s\" in one line, got \"%s\"", edit_path, where, err);
    assert_null(r.root);
    json_decref(j);
}

static void test_bad_files_named_by_path(void **state)
{
    (void)state;
    expect_bad("schema", json_string("pyfault-sweep"), "$.schema");
    expect_bad("version", json_integer(2), "version 1 only");
    expect_bad("complete", NULL, "$.complete: missing");
    expect_bad("interpreters/2/sha256", json_string("abc"), "interpreters[2].sha256");
    expect_bad("interpreters/1/id", json_string("3.11-vanilla"), "appears twice");
    expect_bad("scenarios/0/plan", json_string("sometimes"), "scenarios[0].plan");
    expect_bad("cells/3/interpreter", json_string("3.12-vanilla"), "cells[3].interpreter");
    expect_bad("cells/0/counts", json_pack("{s:i}", "crash", 1), "unknown class \"crash\"");
    expect_bad("trials/7/class", json_string("boom"), "trials[7].class");
    expect_bad("trials/7/point", json_integer(0), "trials[7].point");
    expect_bad("trials/7/finding", json_integer(100000), "past the");
    expect_bad("trials/7/mode", json_string("sideways"), "trials[7].mode");
    expect_bad("findings/0/frames", json_string("main"), "findings[0].frames");
    expect_bad("summary", NULL, "$.summary");
}

/* A "files" array of one {arg, path, sha256} entry with SHA. */
static json_t *one_file(json_int_t arg, const char *path, const char *sha)
{
    return json_pack("[{s:I, s:s, s:s}]", "arg", arg, "path", path, "sha256", sha);
}

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"

/* The input files of scenarios and a sweep's targets are loaded (merge
 * compares them) and checked as the interpreters' sha256 is. */
static void test_input_files(void **state)
{
    (void)state;
    json_t *j = report_fixture(0, 0);
    json_object_set_new(json_array_get(json_object_get(j, "scenarios"), 1), "files", one_file(1, "s.py", SHA_A));
    json_object_set_new(j, "targets", json_pack("[{s:o}, {}]", "files", json_pack("[{s:s, s:s}]", "path", "t.py",
                                                                                   "sha256", SHA_A)));
    struct pf_results r;
    load(&r, j);
    assert_null(r.scenarios[0].files);
    assert_int_equal(r.scenarios[1].n_files, 1);
    assert_int_equal(r.scenarios[1].files[0].arg, 1);
    assert_string_equal(r.scenarios[1].files[0].path, "s.py");
    assert_string_equal(r.scenarios[1].files[0].sha256, SHA_A);
    assert_int_equal(r.n_targets, 2);
    assert_int_equal(r.targets[0].files[0].arg, -1); /* "arg" is optional */
    assert_string_equal(r.targets[0].files[0].path, "t.py");
    assert_null(r.targets[1].files);
    pf_results_free(&r);

    expect_bad("scenarios/1/files", json_string("s.py"), "scenarios[1].files: not an array");
    expect_bad("scenarios/1/files", json_pack("[i]", 3), "scenarios[1].files[0]: not an object");
    expect_bad("scenarios/1/files", one_file(1, "s.py", "ABC"), "scenarios[1].files[0].sha256: not 64 lowercase hex");
    char upper[65];
    memset(upper, 'A', 64);
    upper[64] = 0;
    expect_bad("scenarios/1/files", one_file(1, "s.py", upper), "files[0].sha256: not 64 lowercase hex");
    expect_bad("scenarios/1/files", one_file(1, "s.py", SHA_A "a"), "files[0].sha256: not 64 lowercase hex");
    expect_bad("scenarios/1/files", one_file(-1, "s.py", SHA_A), "scenarios[1].files[0].arg: not an integer");
    expect_bad("scenarios/1/files", json_pack("[{s:s}]", "sha256", SHA_A), "scenarios[1].files[0].path: missing");
    expect_bad("targets", json_pack("[{s:i}]", "files", 5), "targets[0].files: not an array");
    expect_bad("targets", json_pack("[i]", 5), "targets[0]: not an object");
}

/* A sweep target's counting-run account, what merge compares and
 * rebuilds: loaded where present (-1, "" or NULL where absent: an older
 * file), a bad member named by its JSON path. */
static void test_target_account(void **state)
{
    (void)state;
    json_t *j = report_fixture(0, 0);
    json_object_set_new(j, "targets",
                        json_pack("[{s:i, s:i, s:i, s:i, s:s, s:{s:s, s:i, s:i, s:i}}, {}]", "allocations", 24012,
                                  "first_point", 1, "step", 3000, "points_within_m", 9, "layer", "pymem", "plan",
                                  "kind", "sites", "sites", 40, "chosen", 60, "sampled", 21));
    struct pf_results r;
    load(&r, j);
    const struct pf_rtarget *t = &r.targets[0], *old = &r.targets[1];
    assert_int_equal(t->allocations, 24012);
    assert_int_equal(t->first_point, 1);
    assert_int_equal(t->step, 3000);
    assert_int_equal(t->points_within_m, 9);
    assert_string_equal(t->layer, "pymem");
    assert_string_equal(t->plan_kind, "sites");
    assert_int_equal(t->plan_sites, 40);
    assert_int_equal(t->plan_chosen, 60);
    assert_int_equal(t->plan_sampled, 21);
    assert_int_equal(old->allocations, -1);
    assert_int_equal(old->step, -1);
    assert_null(old->layer);
    assert_string_equal(old->plan_kind, "");
    assert_int_equal(old->plan_sites, -1);
    pf_results_free(&r);

    expect_bad("targets", json_pack("[{s:i}]", "allocations", -1), "targets[0].allocations: not an integer");
    expect_bad("targets", json_pack("[{s:s}]", "step", "3"), "targets[0].step: not an integer");
    expect_bad("targets", json_pack("[{s:i}]", "plan", 3), "targets[0].plan: not an object");
    expect_bad("targets", json_pack("[{s:{}}]", "plan"), "targets[0].plan.kind: missing");
    expect_bad("targets", json_pack("[{s:{s:s, s:b}}]", "plan", "kind", "all", "sampled", 1),
               "targets[0].plan.sampled: not an integer");
}

static void test_totals_disagreeing_are_caught(void **state)
{
    (void)state;
    json_t *j = report_fixture(0, 0);
    json_t *cell = json_array_get(json_object_get(j, "cells"), 0);
    json_object_set_new(json_object_get(cell, "counts"), "fatal", json_integer(1));
    struct pf_results r;
    load(&r, j);
    char err[512] = "";
    assert_int_equal(pf_results_check_totals(&r, err, sizeof err), -1);
    assert_non_null(strstr(err, "cell startup x 3.11-vanilla"));
    pf_results_free(&r);

    j = report_fixture(0, 0);
    json_object_set_new(json_array_get(json_object_get(j, "findings"), 2), "count", json_integer(99999));
    load(&r, j);
    assert_int_equal(pf_results_check_totals(&r, err, sizeof err), -1);
    assert_non_null(strstr(err, "finding 2"));
    pf_results_free(&r);
}

static void test_verdicts(void **state)
{
    (void)state;
    struct pf_results r;
    load(&r, report_fixture(0, 0));
    struct pf_vpair pairs[8];
    assert_int_equal(pf_verdict_pairs(&r, pairs, 8), 3);
    int s = pf_results_scenario(&r, "startup");
    long cnt[3][PF_V_COUNT] = {{0}};
    for (int p = 0; p < 3; p++) {
        size_t n;
        struct pf_vpoint *v = pf_verdicts(&r, s, pairs[p], &n);
        for (size_t i = 0; i < n; i++) {
            cnt[p][v[i].verdict]++;
            /* every verdict point has a failing side */
            const struct pf_rtrial *b = v[i].base_trial >= 0 ? &r.trials[v[i].base_trial] : NULL;
            const struct pf_rtrial *o = v[i].other_trial >= 0 ? &r.trials[v[i].other_trial] : NULL;
            assert_true((b && pf_class_fails(b->cls)) || (o && pf_class_fails(o->cls)));
            if (v[i].verdict == PF_V_FIXED)
                assert_true(b && o && pf_class_fails(b->cls) && !pf_class_fails(o->cls));
        }
        free(v);
    }
    /* 3.11-patched vs 3.11-vanilla: the band is fixed, the segfault stays */
    assert_string_equal(r.interps[pairs[0].other].id, "3.11-patched");
    assert_string_equal(r.interps[pairs[0].base].id, "3.11-vanilla");
    assert_true(cnt[0][PF_V_FIXED] > 400);
    assert_int_equal(cnt[0][PF_V_STILL], 1);
    assert_int_equal(cnt[0][PF_V_REGRESSED] + cnt[0][PF_V_NEW], 0);
    /* 3.13-patched vs 3.13-vanilla */
    assert_string_equal(r.interps[pairs[1].other].id, "3.13-patched");
    assert_true(cnt[1][PF_V_FIXED] > 50);
    /* 3.11-regress: loops where vanilla has none (regressed), a crash vanilla never has (new) */
    assert_string_equal(r.interps[pairs[2].other].id, "3.11-regress");
    assert_true(cnt[2][PF_V_REGRESSED] >= 25);
    assert_true(cnt[2][PF_V_NEW] >= 15);
    assert_int_equal(cnt[2][PF_V_STILL], 1);
    pf_results_free(&r);
}

/* Counts the verdicts of the 3.11-patched vs 3.11-vanilla start-up pair. */
static void verdict_counts(struct pf_results *r, long cnt[PF_V_COUNT])
{
    struct pf_vpair pairs[8];
    assert_int_equal(pf_verdict_pairs(r, pairs, 8), 3);
    assert_string_equal(r->interps[pairs[0].other].id, "3.11-patched");
    size_t n;
    struct pf_vpoint *v = pf_verdicts(r, pf_results_scenario(r, "startup"), pairs[0], &n);
    memset(cnt, 0, PF_V_COUNT * sizeof cnt[0]);
    for (size_t i = 0; i < n; i++)
        cnt[v[i].verdict]++;
    free(v);
}

/* The fixture's start-up trials given site keys ("k" + vanilla's N), the
 * 3.11-patched ones moved to N+1 (one allocation more early on) when
 * SHIFT; without KEYS the keys are left out. */
static json_t *shifted_fixture(int shift, int keys)
{
    json_t *j = report_fixture(0, 0);
    json_t *trials = json_object_get(j, "trials");
    for (size_t i = 0; i < json_array_size(trials); i++) {
        json_t *t = json_array_get(trials, i);
        const char *in = json_string_value(json_object_get(t, "interpreter"));
        if (strcmp(json_string_value(json_object_get(t, "scenario")), "startup") != 0 ||
            strncmp(in, "3.11-", 5) != 0)
            continue;
        json_int_t n = json_integer_value(json_object_get(t, "point"));
        char key[64];
        snprintf(key, sizeof key, "_PyLong_New+0x4a @ Lib/k%lld.py:1", (long long)n);
        if (keys)
            json_object_set_new(t, "site_key", json_string(key));
        if (shift && strcmp(in, "3.11-patched") == 0)
            json_object_set_new(t, "point", json_integer(n + 1));
    }
    return j;
}

static void test_verdicts_by_site_key(void **state)
{
    (void)state;
    struct pf_results r;
    long plain[PF_V_COUNT], keyed[PF_V_COUNT], scrambled[PF_V_COUNT];
    load(&r, report_fixture(0, 0));
    verdict_counts(&r, plain);
    pf_results_free(&r);
    /* a patch that allocates once more early: matched by key, the same verdicts */
    load(&r, shifted_fixture(1, 1));
    verdict_counts(&r, keyed);
    pf_results_free(&r);
    for (int v = 0; v < PF_V_COUNT; v++)
        assert_int_equal(keyed[v], plain[v]);
    /* matched by N alone, nothing meets: the band turns into nothing fixed */
    load(&r, shifted_fixture(1, 0));
    verdict_counts(&r, scrambled);
    pf_results_free(&r);
    assert_int_equal(scrambled[PF_V_FIXED], 0);
    assert_int_equal(scrambled[PF_V_STILL], 0);
    assert_true(scrambled[PF_V_REGRESSED] + scrambled[PF_V_NEW] >= 1);
}

/* Two keyed trials at one N with different keys are two calls: never a
 * pair; the k-th trial of a key pairs with the k-th. */
static void test_verdicts_key_rules(void **state)
{
    (void)state;
    json_t *j = report_fixture(0, 0);
    json_t *trials = json_object_get(j, "trials");
    for (size_t i = 0; i < json_array_size(trials); i++) {
        json_t *t = json_array_get(trials, i);
        const char *in = json_string_value(json_object_get(t, "interpreter"));
        if (strcmp(json_string_value(json_object_get(t, "scenario")), "startup") != 0 ||
            strncmp(in, "3.11-", 5) != 0)
            continue;
        /* vanilla's keys "A", patched's "B": no point is the same call */
        json_object_set_new(t, "site_key", json_string(strcmp(in, "3.11-vanilla") == 0 ? "A" : "B"));
    }
    struct pf_results r;
    load(&r, j);
    long cnt[PF_V_COUNT];
    verdict_counts(&r, cnt);
    assert_int_equal(cnt[PF_V_FIXED] + cnt[PF_V_STILL], 0);
    pf_results_free(&r);

    /* one key everywhere: the k-th with the k-th, which at equal strides is equal N */
    j = report_fixture(0, 0);
    trials = json_object_get(j, "trials");
    for (size_t i = 0; i < json_array_size(trials); i++)
        json_object_set_new(json_array_get(trials, i), "site_key", json_string("same"));
    load(&r, j);
    struct pf_vpair pairs[8];
    pf_verdict_pairs(&r, pairs, 8);
    size_t n;
    struct pf_vpoint *v = pf_verdicts(&r, pf_results_scenario(&r, "startup"), pairs[0], &n);
    assert_true(n > 400);
    for (size_t i = 0; i < n; i++)
        if (v[i].base_trial >= 0 && v[i].other_trial >= 0)
            assert_int_equal(r.trials[v[i].base_trial].point, r.trials[v[i].other_trial].point);
    free(v);
    pf_results_free(&r);
}

static void test_junit(void **state)
{
    (void)state;
    struct pf_results r;
    load(&r, report_fixture(0, 0));
    char *x = render(JUNIT, &r, NULL);
    assert_int_equal(count_of(x, "<testcase "), 24);
    assert_int_equal(count_of(x, "<testsuite "), 4);
    assert_non_null(strstr(x, "<testsuites name=\"pyfault\" tests=\"24\" failures=\"6\" errors=\"0\""));
    /* vanilla's start-up cell fails with its unwind-loop finding and the repro of its lowest point */
    const char *v = strstr(x, "classname=\"pyfault.startup\" name=\"3.11-vanilla\"");
    assert_non_null(v);
    const char *end = strstr(v, "</testcase>");
    const char *fl = strstr(v, "<failure type=\"unwind-loop\"");
    assert_true(fl && fl < end);
    assert_non_null(strstr(fl, "unwind-loop: PyLong_FromLong &lt; _PyEval_EvalFrameDefault"));
    assert_non_null(strstr(fl, "repro: /work/main/build/pyfault run --timeout 3 --inject from=6751 -- "));
    assert_true(strstr(v, "<failure type=\"segfault\"") < end);
    /* the patched build's start-up cell has no unwind-loop, only the segfault */
    v = strstr(x, "classname=\"pyfault.startup\" name=\"3.11-patched\"");
    assert_non_null(v);
    end = strstr(v, "</testcase>");
    assert_true(strstr(v, "<failure type=\"unwind-loop\"") > end);
    assert_true(strstr(v, "<failure type=\"segfault\"") < end);
    /* 3.13-patched's start-up passes */
    v = strstr(x, "classname=\"pyfault.startup\" name=\"3.13-patched\"");
    assert_non_null(v);
    assert_true(strstr(v, "<failure") > strstr(v, "</testcase>"));
    /* data is escaped */
    assert_null(strstr(x, "<script>"));
    assert_non_null(strstr(x, "&lt;script&gt;"));
    free(x);
    pf_results_free(&r);
}

static void test_markdown(void **state)
{
    (void)state;
    struct pf_results r, base;
    json_t *now = report_fixture(0, 0);
    /* the baseline lacked the regress build's new crash and had one more */
    json_t *old = report_fixture(0, 0);
    json_t *fs = json_object_get(old, "findings");
    for (size_t i = 0; i < json_array_size(fs); i++) {
        json_t *f = json_array_get(fs, i);
        if (strstr(json_string_value(json_object_get(f, "signature")), "_PyFrame_ClearExceptCode"))
            json_object_set_new(f, "signature", json_string("hang: take_gil < PyEval_RestoreThread"));
    }
    load(&r, now);
    load(&base, old);
    char *md = render(MD, &r, &base);
    assert_true(strlen(md) < 20000);
    assert_non_null(strstr(md, "| 3.11-vanilla | "));
    assert_non_null(strstr(md, "## New findings since the baseline (1)"));
    assert_non_null(strstr(md, ": `segfault: _PyFrame_ClearExceptCode < frame_dealloc"));
    assert_non_null(strstr(md, "## Fixed since the baseline (1)"));
    assert_non_null(strstr(md, "take_gil"));
    assert_non_null(strstr(md, "```sh\n/work/main/build/pyfault run --timeout 3 --inject from="));
    /* first the unexpected unwind-loop band */
    const char *f1 = strstr(md, "1. unexpected **unwind-loop**");
    assert_non_null(f1);
    free(md);
    md = render(MD, &r, NULL);
    assert_null(strstr(md, "since the baseline"));
    free(md);
    pf_results_free(&r);
    pf_results_free(&base);
}

/* A crafted results.json of huge strings (1 MiB signatures, repro lines
 * and sources on every finding, a 1 MiB creation time) still makes a
 * summary.md under 20 KB: each string cut at a character's start with
 * "\xe2\x80\xa6", the repro lines saying so, the findings past the budget left
 * to index.html. */
static void test_markdown_bounded(void **state)
{
    (void)state;
    size_t big = (size_t)1 << 20;
    char *s = malloc(big + 1);
    assert_non_null(s);
    s[0] = 'a'; /* then two-byte characters: a cut at an even length splits one */
    for (size_t k = 1; k + 1 < big; k += 2)
        memcpy(s + k, "\xc3\xa9", 2);
    s[big - (big % 2 ? 0 : 1)] = '\0';
    json_t *j = report_fixture(0, 0);
    json_t *fs = json_object_get(j, "findings");
    for (size_t i = 0; i < json_array_size(fs); i++) {
        json_t *f = json_array_get(fs, i);
        json_object_set_new(f, "signature", json_string(s));
        json_object_set_new(f, "repro", json_string(s));
        json_t *src = json_object_get(f, "sources");
        for (size_t k = 0; json_is_array(src) && k < json_array_size(src); k++)
            json_array_set_new(src, k, json_string(s));
    }
    json_object_set_new(j, "created", json_string(s));
    free(s);
    struct pf_results r;
    load(&r, j);
    char *md = render(MD, &r, NULL);
    if (strlen(md) >= 20000)
        fail_msg("summary.md of %zu bytes", strlen(md));
    assert_true(pf_utf8_valid(md));
    assert_non_null(strstr(md, "\xe2\x80\xa6"));
    assert_non_null(strstr(md, "(the first 2000 bytes of the command: all of it is in index.html)"));
    assert_non_null(strstr(md, "more findings, with frames and repro commands, in index.html."));
    free(md);
    pf_results_free(&r);
}

static void test_html(void **state)
{
    (void)state;
    struct pf_results r;
    load(&r, report_fixture(0, 0));
    char *h = render(HTML, &r, NULL);
    assert_non_null(strstr(h, "<title>pyfault report: "));
    /* a strip per sweep cell, a verdict strip per pair */
    assert_int_equal(count_of(h, "<svg class=\"strip\""), 6 + 3);
    assert_int_equal(count_of(h, "<script>"), 1);
    assert_non_null(strstr(h, "&lt;script&gt;"));
    assert_int_equal(count_of(h, "<button class=\"copy\""), r.n_findings);
    /* no network: nothing loaded from anywhere */
    assert_null(strstr(h, "src=\""));
    assert_null(strstr(h, "href=\"http"));
    assert_null(strstr(h, "@import"));
    /* vanilla's strip holds the band, patched's does not */
    const char *v = strstr(h, "aria-label=\"startup on 3.11-vanilla, persistent\"");
    const char *p = strstr(h, "aria-label=\"startup on 3.11-patched, persistent\"");
    assert_true(v && p && v < p);
    char *pend = strstr(p, "</svg>");
    assert_true(strstr(v, "#1f4e9c") < p);   /* unwind-loop colour */
    *pend = '\0';
    assert_null(strstr(p, "#1f4e9c"));
    free(h);
    pf_results_free(&r);
}

/* A finding's optional sources (file:line per frame) show beside its
 * frames in index.html and under its line in summary.md; a file without
 * them (older harness, matrix findings) still loads. */
static void test_frame_sources(void **state)
{
    (void)state;
    /* the finding summary.md lists first */
    struct pf_results r;
    load(&r, report_fixture(0, 0));
    size_t nranked;
    size_t *idx = pf_findings_ranked(&r, 0, &nranked);
    assert_true(idx && nranked > 0);
    size_t first = idx[0];
    free(idx);
    pf_results_free(&r);

    json_t *j = report_fixture(0, 0);
    json_t *f0 = json_array_get(json_object_get(j, "findings"), first);
    size_t nf = json_array_size(json_object_get(f0, "frames"));
    assert_true(nf >= 1);
    json_t *src = json_array();
    json_array_append_new(src, json_string("Objects/object.c:1014"));
    for (size_t k = 1; k < nf; k++)
        json_array_append_new(src, json_string(""));
    json_object_set_new(f0, "sources", src);
    load(&r, j);
    assert_int_equal(r.findings[first].n_sources, nf);
    assert_int_equal(r.findings[first ? 0 : 1].n_sources, 0);
    char *h = render(HTML, &r, NULL);
    assert_int_equal(count_of(h, " <small>Objects/object.c:1014</small></li>"), 1);
    free(h);
    char *md = render(MD, &r, NULL);
    assert_int_equal(count_of(md, "   at `Objects/object.c:1014` < `?`"), 1);
    assert_int_equal(count_of(md, "   at "), 1);
    free(md);
    pf_results_free(&r);
    /* not an array of strings: named like any other field */
    expect_bad("findings/0/sources", json_string("a.c:1"), "findings[0].sources");
}

static char *put(void (*fn)(FILE *, const char *), const char *s)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    fn(f, s);
    long len = ftell(f);
    char *buf = calloc(1, (size_t)len + 1);
    rewind(f);
    assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    return buf;
}

static void test_escaping(void **state)
{
    (void)state;
    char *x = put(pf_put_xml, "a<b>&\"c'\x01\x1b\xff\xc3\xa9\t");
    assert_string_equal(x, "a&lt;b&gt;&amp;&quot;c&#39;???\xc3\xa9\t");
    free(x);
    x = put(pf_put_md, "f|g `x` *y* a_b\nnext <b>");
    assert_string_equal(x, "f\\|g \\`x\\` \\*y\\* a\\_b next &lt;b&gt;");
    free(x);
    x = put(pf_put_md_code, "echo ```");
    assert_string_equal(x, "````sh\necho ```\n````\n");
    free(x);
}

static void test_xml_outside_char_range(void **state)
{
    (void)state;
    /* U+FFFF, U+FFFE out; U+FFFD, U+10000, U+10FFFF, U+E000, U+D7FF in */
    char *x = put(pf_put_xml, "bad\xef\xbf\xbf\xef\xbf\xbe: \xef\xbf\xbd \xf0\x90\x80\x80 "
                              "\xf4\x8f\xbf\xbf \xee\x80\x80 \xed\x9f\xbf");
    assert_string_equal(x, "bad??: \xef\xbf\xbd \xf0\x90\x80\x80 \xf4\x8f\xbf\xbf \xee\x80\x80 \xed\x9f\xbf");
    assert_null(strstr(x, "\xef\xbf\xbe"));
    assert_null(strstr(x, "\xef\xbf\xbf"));
    free(x);
    /* no valid UTF-8, so no XML: a surrogate, overlong forms, past U+10FFFF */
    x = put(pf_put_xml, "\xed\xa0\x80|\xc0\xaf|\xe0\x80\xaf|\xf4\x90\x80\x80|\xc2");
    assert_string_equal(x, "???|??|???|????|?");
    free(x);
    /* controls, DEL among them, each one '?'; C1 is XML, but XML
     * discourages it and a terminal that shows the file acts on it */
    x = put(pf_put_xml, "\x1b]0;t\x07\x7f\r\n\xc2\x85\xc2\x9b");
    assert_string_equal(x, "?]0;t??\r\n??");
    free(x);
}

/* A right-to-left override, an isolate and a mark in each writer: one '?'
 * each, so no report or log shows "evil" reordered; the letters around
 * them, and a joiner (U+200D), stay. */
static void test_bidi_controls(void **state)
{
    (void)state;
    const char *evil = "a\xe2\x80\xaelive\xe2\x81\xa6" "b\xe2\x80\x8f\xe2\x81\xa9 \xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9";
    const char *kept = "a?live?b?? \xf0\x9f\x91\xa8\xe2\x80\x8d\xf0\x9f\x91\xa9";
    char *x = put(pf_put_xml, evil);
    assert_string_equal(x, kept);
    free(x);
    x = put(pf_put_md, evil);
    assert_string_equal(x, kept);
    free(x);
    x = put(pf_put_plain, evil);
    assert_string_equal(x, kept);
    free(x);
    x = put(pf_put_md_span, evil);
    assert_non_null(strstr(x, kept));
    assert_null(strstr(x, "\xe2\x80\xae"));
    free(x);
    x = put(pf_put_md_code, evil);
    assert_non_null(strstr(x, kept));
    free(x);
}

static void test_markdown_controls(void **state)
{
    (void)state;
    const char *evil = "\x1b]0;PWNED\x07" "evil\x1b[2J: msg\x1b[31m red\xc2\x9b" "1m\x7f\tz\r\n";
    char *x = put(pf_put_md_span, evil);
    assert_string_equal(x, "`?]0;PWNED?evil?[2J: msg?[31m red?1m? z  `");
    free(x);
    x = put(pf_put_md, evil);
    assert_string_equal(x, "?\\]0;PWNED?evil?\\[2J: msg?\\[31m red?1m? z  ");
    free(x);
    /* a code block keeps its lines and tabs */
    x = put(pf_put_md_code, "a\x1b[2J\tb\nc\xc2\x9b\r");
    assert_string_equal(x, "```sh\na?[2J\tb\nc??\n```\n");
    free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixture_loads_and_adds_up),
        cmocka_unit_test(test_bad_files_named_by_path),
        cmocka_unit_test(test_input_files),
        cmocka_unit_test(test_target_account),
        cmocka_unit_test(test_totals_disagreeing_are_caught),
        cmocka_unit_test(test_verdicts),
        cmocka_unit_test(test_junit),
        cmocka_unit_test(test_verdicts_by_site_key),
        cmocka_unit_test(test_verdicts_key_rules),
        cmocka_unit_test(test_markdown),
        cmocka_unit_test(test_markdown_bounded),
        cmocka_unit_test(test_html),
        cmocka_unit_test(test_frame_sources),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_xml_outside_char_range),
        cmocka_unit_test(test_markdown_controls),
        cmocka_unit_test(test_bidi_controls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
