/*
 * test_merge: shards of a run, split as --shard I/N splits a sweep (points
 * number I, I+N, ... of each cell), merge back into exactly the unsharded
 * run; shards of different runs are refused; a "cwd" all shards share is
 * kept, differing ones are left out; shards whose target or scenario read
 * another version of an input file (its sha256 in "files") are refused, and
 * the merged file carries every shard's "files", also past an older shard
 * without them; shards whose counting runs disagree (another M, layer,
 * plan kind, site plan) are refused; a sweep's merged $.targets are the
 * unsharded run's (first_point, step, points_within_m, "shard" 1/1), a
 * partial merge's those of the points merged. Every merge is checked as
 * pf_merge_write wrote it, read back.
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

#include "merge.h"
#include "report_fixture.h"
#include "report_model.h"

static void load(struct pf_results *r, json_t *j)
{
    char err[512];
    if (pf_results_from_json(r, j, err, sizeof err) < 0)
        fail_msg("%s", err);
    json_decref(j);
}

/* pf_merge of the N shards S, written by pf_merge_write and read back:
 * the merged file as a tree, or NULL with ERR when the merge is refused. */
static json_t *merged_tree(const struct pf_results *s, const char *const *names, size_t n,
                           struct pf_merge_opts *opts, char *err, size_t errlen)
{
    struct pf_merged m;
    if (pf_merge(s, names, n, opts, &m, err, errlen) < 0)
        return NULL;
    char dir[] = "/tmp/pf-merge-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/merged.json", dir);
    char werr[512];
    if (pf_merge_write(path, &m, werr, sizeof werr) < 0)
        fail_msg("%s", werr);
    pf_merged_free(&m);
    json_error_t je;
    json_t *back = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!back)
        fail_msg("%s:%d: %s", path, je.line, je.text);
    unlink(path);
    rmdir(dir);
    return back;
}

static void same(json_t *a, json_t *b, const char *key)
{
    json_t *x = json_object_get(a, key), *y = json_object_get(b, key);
    if (json_equal(x, y))
        return;
    /* name the first element that differs */
    for (size_t i = 0; i < json_array_size(x) || i < json_array_size(y); i++)
        if (!json_equal(json_array_get(x, i), json_array_get(y, i))) {
            char *l = json_dumps(json_array_get(x, i), JSON_COMPACT), *r = json_dumps(json_array_get(y, i), JSON_COMPACT);
            fail_msg("%s[%zu] differs:\n merged %s\n whole  %s", key, i, l, r);
        }
    fail_msg("%s differs", key);
}

/* Splits the run into N shards, merges them in the order ORDER (1-based
 * shard numbers), and compares with the unsharded run. */
static void check_split(int n, const int *order)
{
    struct pf_results s[8];
    const char *names[8];
    char name[8][32];
    for (int k = 0; k < n; k++) {
        snprintf(name[k], sizeof name[k], "shard-%d.json", order[k]);
        names[k] = name[k];
        load(&s[k], report_fixture(order[k], n));
    }
    char err[512] = "";
    json_t *m = merged_tree(s, names, (size_t)n, NULL, err, sizeof err);
    if (!m)
        fail_msg("merge of %d shards: %s", n, err);
    json_t *whole = report_fixture(0, 0);
    same(m, whole, "trials");
    same(m, whole, "findings");
    same(m, whole, "cells");
    same(m, whole, "interpreters");
    same(m, whole, "scenarios");
    json_t *ms = json_object_get(m, "summary"), *ws = json_object_get(whole, "summary");
    assert_true(json_equal(json_object_get(ms, "counts"), json_object_get(ws, "counts")));
    assert_true(json_equal(json_object_get(ms, "by_interpreter"), json_object_get(ws, "by_interpreter")));
    assert_int_equal(json_integer_value(json_object_get(ms, "trials")), json_integer_value(json_object_get(ws, "trials")));
    assert_int_equal(json_integer_value(json_object_get(ms, "unexpected")),
                     json_integer_value(json_object_get(ws, "unexpected")));
    assert_true(json_is_true(json_object_get(m, "complete")));
    assert_true(json_is_null(json_object_get(m, "shard")));
    /* and it is a valid, consistent results file */
    struct pf_results r;
    load(&r, m);
    assert_int_equal(pf_results_check_totals(&r, err, sizeof err), 0);
    pf_results_free(&r);
    json_decref(whole);
    for (int k = 0; k < n; k++)
        pf_results_free(&s[k]);
}

static void test_shards_merge_exactly(void **state)
{
    (void)state;
    /* the shards really are partial */
    struct pf_results one;
    load(&one, report_fixture(2, 3));
    assert_true(one.total_trials > 1500 && one.total_trials < 2000);
    assert_int_equal(one.shard_index, 2);
    pf_results_free(&one);

    check_split(2, (const int[]){1, 2});
    check_split(3, (const int[]){3, 1, 2});
    check_split(4, (const int[]){2, 4, 1, 3});
    check_split(7, (const int[]){7, 6, 5, 4, 3, 2, 1});
}

static void test_missing_shard_is_incomplete(void **state)
{
    (void)state;
    struct pf_results s[2];
    const char *names[] = {"a", "b"};
    load(&s[0], report_fixture(1, 3));
    load(&s[1], report_fixture(3, 3));
    char err[512];
    json_t *m = merged_tree(s, names, 2, NULL, err, sizeof err);
    assert_non_null(m);
    assert_true(json_is_false(json_object_get(m, "complete")));
    json_decref(m);
    pf_results_free(&s[0]);
    pf_results_free(&s[1]);
}

/* The merge of shards 1/2 and 2/2 run in folders A and B: its "cwd", or
 * NULL when it has none. */
static char *merged_cwd(const char *a, const char *b)
{
    struct pf_results s[2];
    const char *names[] = {"a", "b"};
    json_t *one = report_fixture(1, 2), *two = report_fixture(2, 2);
    json_object_set_new(one, "cwd", json_string(a));
    json_object_set_new(two, "cwd", json_string(b));
    load(&s[0], one);
    load(&s[1], two);
    char err[512];
    json_t *m = merged_tree(s, names, 2, NULL, err, sizeof err);
    if (!m)
        fail_msg("merge: %s", err);
    const char *cwd = json_string_value(json_object_get(m, "cwd"));
    char *copy = cwd ? strdup(cwd) : NULL;
    json_decref(m);
    pf_results_free(&s[0]);
    pf_results_free(&s[1]);
    return copy;
}

/* Repro goes into the folder the trials ran in: shards run in one keep
 * it, shards run in two leave none (repro then runs here and says so). */
static void test_cwd_kept_only_when_shared(void **state)
{
    (void)state;
    char *cwd = merged_cwd("/srv/run", "/srv/run");
    assert_non_null(cwd);
    assert_string_equal(cwd, "/srv/run");
    free(cwd);
    assert_null(merged_cwd("/srv/run", "/home/other"));
}

/* Merging shard 1/2 with a spoiled shard 2/2 fails with a message holding WANT. */
static void refused(json_t *second, int shard_of_first, const char *want)
{
    struct pf_results s[2];
    const char *names[] = {"a.json", "b.json"};
    load(&s[0], report_fixture(shard_of_first, shard_of_first ? 2 : 0));
    load(&s[1], second);
    char err[512] = "";
    json_t *m = merged_tree(s, names, 2, NULL, err, sizeof err);
    if (m || !strstr(err, want) || strchr(err, '\n'))
        fail_msg("wanted a refusal with \"%s\", got %s", want, m ? "a merge" : err);
    pf_results_free(&s[0]);
    pf_results_free(&s[1]);
}

static void test_refusals(void **state)
{
    (void)state;
    /* another binary for one interpreter */
    json_t *j = report_fixture(2, 2);
    json_object_set_new(json_array_get(json_object_get(j, "interpreters"), 1), "sha256",
                        json_string("0000000000000000000000000000000000000000000000000000000000000000"));
    refused(j, 1, "b.json: interpreter 3.11-patched is another binary");
    /* another scenario set */
    j = report_fixture(2, 2);
    json_array_append_new(json_object_get(j, "scenarios"),
                          json_pack("{s:s, s:s, s:s, s:s, s:s, s:f, s:{}}", "id", "extra", "path", "x.py", "issue", "",
                                    "plan", "none", "inject", "", "timeout_s", 1.0, "expect"));
    refused(j, 1, "5 scenarios");
    j = report_fixture(2, 2);
    json_object_set_new(json_array_get(json_object_get(j, "scenarios"), 0), "stride", json_integer(50));
    refused(j, 1, "scenario startup has another plan, site plan, inject or stride");
    /* a shard of another site plan (a fixture without site_plan is "") */
    j = report_fixture(2, 2);
    json_object_set_new(json_array_get(json_object_get(j, "scenarios"), 0), "site_plan",
                        json_string("sites:log/8"));
    refused(j, 1, "scenario startup has another plan, site plan, inject or stride");
    /* a shard run with another --accept: its cells count other trials
     * unexpected (the same classes listed in another order do merge) */
    j = report_fixture(2, 2);
    json_t *expected = json_object_get(json_array_get(json_object_get(j, "cells"), 0), "expected");
    assert_true(json_array_size(expected) >= 1);
    json_t *reversed = json_array();
    for (size_t i = json_array_size(expected); i-- > 0;)
        json_array_append(reversed, json_array_get(expected, i));
    json_object_set_new(json_array_get(json_object_get(j, "cells"), 0), "expected", reversed);
    struct pf_results s[2];
    const char *names[] = {"a.json", "b.json"};
    load(&s[0], report_fixture(1, 2));
    load(&s[1], j);
    char err[512] = "";
    json_t *m = merged_tree(s, names, 2, NULL, err, sizeof err);
    if (!m)
        fail_msg("the same classes in another order: %s", err);
    json_decref(m);
    pf_results_free(&s[0]);
    pf_results_free(&s[1]);
    j = report_fixture(2, 2);
    json_t *c0 = json_array_get(json_object_get(j, "cells"), 0);
    json_object_set_new(c0, "expected", json_pack("[s,s,s,s]", "hang", "ok", "fatal", "error"));
    refused(j, 1, "accepts ok,error,fatal,hang, in a.json");
    /* the same shard twice */
    refused(report_fixture(1, 2), 1, "both shard 1/2");
    /* two whole runs overlap */
    refused(report_fixture(0, 0), 0, "is in both a.json and b.json");
    /* shards of different splits */
    refused(report_fixture(2, 3), 1, "shard of 3");
    /* totals that do not add up */
    j = report_fixture(2, 2);
    json_t *cell = json_array_get(json_object_get(j, "cells"), 0);
    json_object_set_new(cell, "trials", json_integer(1));
    refused(j, 1, "b.json: inconsistent totals");
}

/* J (a fixture) with "files" [{arg 1, PATH, sha256 64 x C}] on its
 * scenario 1, or on a $.targets[0] when TARGET; without any when C is 0. */
static json_t *with_input(json_t *j, int target, const char *path, char c)
{
    char sha[65];
    memset(sha, c, 64);
    sha[64] = 0;
    json_t *files = json_pack("[{s:i, s:s, s:s}]", "arg", 1, "path", path, "sha256", sha);
    json_t *o = target ? json_object() : json_array_get(json_object_get(j, "scenarios"), 1);
    if (target)
        json_object_set_new(j, "targets", json_pack("[o]", o));
    if (c)
        json_object_set_new(o, "files", files);
    else
        json_decref(files);
    return j;
}

/* The merge of fixture shards I/N (each with_input(TARGET, "s.py",
 * SHAS[k])) for N = strlen(SHAS) under OPTS; NULL with ERR when
 * refused. */
static json_t *merge_inputs_with(int target, const char *shas, struct pf_merge_opts *opts, char *err,
                                 size_t errlen)
{
    struct pf_results s[4];
    const char *names[] = {"a.json", "b.json", "c.json", "d.json"};
    int n = (int)strlen(shas);
    assert_true(n >= 1 && n <= 4);
    memset(s, 0, sizeof s);
    for (int k = 0; k < n; k++)
        load(&s[k], with_input(report_fixture(k + 1, n), target, "s.py", shas[k] == '-' ? 0 : shas[k]));
    json_t *m = merged_tree(s, names, (size_t)n, opts, err, errlen);
    for (int k = 0; k < n; k++)
        pf_results_free(&s[k]);
    return m;
}

static json_t *merge_inputs(int target, const char *shas, char *err, size_t errlen)
{
    return merge_inputs_with(target, shas, NULL, err, errlen);
}

/* The one sha256 the merged M records for s.py, as its first character,
 * or '-' when it records no "files" (or other than one). */
static char merged_input(json_t *m, int target)
{
    json_t *o = target ? json_array_get(json_object_get(m, "targets"), 0)
                       : json_array_get(json_object_get(m, "scenarios"), 1);
    json_t *files = json_object_get(o, "files");
    if (json_array_size(files) != 1)
        return '-';
    assert_string_equal(json_string_value(json_object_get(json_array_get(files, 0), "path")), "s.py");
    return json_string_value(json_object_get(json_array_get(files, 0), "sha256"))[0];
}

/* s.py edited between two shards: refused in one line naming the shard,
 * the input, both hashes and the other shard, for a sweep's target as
 * for a matrix scenario; against every earlier shard (the first may be
 * older than "files"); the same file merges and is carried through. */
static void test_edited_inputs_refused(void **state)
{
    (void)state;
    char err[512];
    for (int target = 0; target <= 1; target++) {
        json_t *m = merge_inputs(target, "aa", err, sizeof err);
        if (!m)
            fail_msg("one s.py in both shards: %s", err);
        assert_int_equal(merged_input(m, target), 'a');
        json_decref(m);
        err[0] = 0;
        m = merge_inputs(target, "ab", err, sizeof err);
        char want[300];
        snprintf(want, sizeof want, "b.json: %s input s.py (arg 1) is another file (sha256 bbbbbbbbbbbb..., "
                 "aaaaaaaaaaaa... in a.json) (--any-input merges them)", target ? "target 0" : "scenario gh134163-except-past-256");
        if (m || strcmp(err, want) != 0)
            fail_msg("s.py edited between shards: wanted \"%s\", got %s", want, m ? "a merge" : err);
        /* shard 1 older than "files": shards 2 and 3 still compared */
        m = merge_inputs(target, "-ab", err, sizeof err);
        if (m || !strstr(err, "c.json: ") || !strstr(err, "aaaaaaaaaaaa... in b.json)"))
            fail_msg("s.py edited between shards 2 and 3 of 3: got %s", m ? "a merge" : err);
        /* an older shard merges, and the merged file keeps s.py's hash for repro */
        m = merge_inputs(target, "-a", err, sizeof err);
        if (!m)
            fail_msg("a shard without \"files\": %s", err);
        assert_int_equal(merged_input(m, target), 'a');
        json_decref(m);
        m = merge_inputs(target, "a-", err, sizeof err);
        assert_non_null(m);
        assert_int_equal(merged_input(m, target), 'a');
        json_decref(m);
        m = merge_inputs(target, "--", err, sizeof err);
        assert_non_null(m);
        assert_int_equal(merged_input(m, target), '-');
        json_decref(m);
    }
}

/* --any-input: s.py edited between shards merges; the first edit is
 * said as it would have been refused, without the hint, and the merged
 * file keeps the first shard's sha256. Nothing said when none differs. */
static void test_edited_inputs_any_input(void **state)
{
    (void)state;
    char err[512] = "";
    for (int target = 0; target <= 1; target++) {
        struct pf_merge_opts o = {.any_input = 1};
        json_t *m = merge_inputs_with(target, "abb", &o, err, sizeof err);
        if (!m)
            fail_msg("--any-input, s.py edited between shards: refused: %s", err);
        assert_int_equal(merged_input(m, target), 'a');
        json_decref(m);
        if (strncmp(o.said, "b.json: ", 8) != 0 || !strstr(o.said, "input s.py (arg 1) is another file") ||
            !strstr(o.said, "in a.json)") || strstr(o.said, "--any-input") || strchr(o.said, '\n'))
            fail_msg("--any-input said \"%s\"", o.said);
        struct pf_merge_opts same = {.any_input = 1};
        m = merge_inputs_with(target, "aa", &same, err, sizeof err);
        assert_non_null(m);
        json_decref(m);
        assert_string_equal(same.said, "");
    }
}

/* J (a fixture, shard I of N; 0 of 0: unsharded) as a sweep of one
 * target of M allocations under --stride STRIDE and --plan KIND ("all"
 * or "sites"): its $.targets[0] as sweep_json.c writes it for that
 * shard (sweep_plan.c's progression; a site plan samples 7*I points),
 * with a counting run timed and a fork engine counted per shard. */
static json_t *with_target(json_t *j, int i, int n, long m, long stride, const char *kind)
{
    long si = i ? i : 1, sn = n ? n : 1, start = 1 + (si - 1) * stride, step = stride * sn;
    long count = start <= m ? (m - start) / step + 1 : 0;
    json_t *plan = json_pack("{s:s, s:I, s:I}", "kind", kind, "chosen", (json_int_t)m, "of", (json_int_t)m);
    if (strcmp(kind, "sites") == 0) {
        json_object_set_new(plan, "k", json_integer(1));
        json_object_set_new(plan, "log", json_false());
        json_object_set_new(plan, "depth", json_integer(8));
        json_object_set_new(plan, "sites", json_integer(40));
        json_object_set_new(plan, "chosen", json_integer(60));
        json_object_set_new(plan, "sampled", json_integer(7 * si));
        start = si;
        step = 1;
        count = 7 * si;
    }
    json_object_set_new(j, "targets",
                        json_pack("[{s:[s,s], s:I, s:I, s:I, s:I, s:I, s:s, s:o, "
                                  "s:{s:s, s:I, s:I, s:I, s:I, s:I, s:n}, s:{s:I, s:I, s:I, s:I}}]",
                                  "argv", "/usr/bin/python3.11", "t.py", "allocations", (json_int_t)m,
                                  "count_ms", (json_int_t)(10 + si), "first_point", (json_int_t)start,
                                  "step", (json_int_t)step, "points_within_m", (json_int_t)count, "layer", "pymem",
                                  "plan", plan, "engine", "kind", "fork", "forked", (json_int_t)(10 * si),
                                  "exec_threads", (json_int_t)si, "exec_state", (json_int_t)(2 * si),
                                  "exec_other", (json_int_t)0, "precopied", (json_int_t)(3 * si),
                                  "error", "pace",
                                  "max_gap_ms", (json_int_t)si, "loop_window_ms", (json_int_t)10, "stall_ms",
                                  (json_int_t)200, "wall_ms", (json_int_t)(10 + si)));
    return j;
}

/* The merge of shards ORDER[0..n) of N (1-based) of a sweep target of M
 * allocations (with_target); NULL with ERR when refused. */
static json_t *merge_targets(int n, const int *order, int of, long m, long stride, const char *kind, char *err,
                             size_t errlen)
{
    struct pf_results s[8];
    const char *names[] = {"a.json", "b.json", "c.json", "d.json", "e.json", "f.json", "g.json", "h.json"};
    memset(s, 0, sizeof s); /* as merge_inputs: GCC's UBSan build warned */
    for (int k = 0; k < n; k++)
        load(&s[k], with_target(report_fixture(order[k], of), order[k], of, m, stride, kind));
    json_t *out = merged_tree(s, names, (size_t)n, NULL, err, errlen);
    for (int k = 0; k < n; k++)
        pf_results_free(&s[k]);
    return out;
}

static long target_int(json_t *m, const char *in, const char *key)
{
    json_t *t = json_array_get(json_object_get(m, "targets"), 0);
    json_t *v = json_object_get(in ? json_object_get(t, in) : t, key);
    if (!json_is_integer(v))
        fail_msg("targets[0].%s%s%s: not an integer", in ? in : "", in ? "." : "", key);
    return (long)json_integer_value(v);
}

/* Merged targets[0] has FIRST, STEP and POINTS (first_point, step,
 * points_within_m), and "shard" is 1/1 when WHOLE, else null. */
static void check_target(json_t *m, long first, long step, long points, int whole)
{
    if (target_int(m, NULL, "first_point") != first || target_int(m, NULL, "step") != step ||
        target_int(m, NULL, "points_within_m") != points)
        fail_msg("merged target: first_point %ld, step %ld, points_within_m %ld; wanted %ld, %ld, %ld",
                 target_int(m, NULL, "first_point"), target_int(m, NULL, "step"),
                 target_int(m, NULL, "points_within_m"), first, step, points);
    json_t *shard = json_object_get(m, "shard");
    if (whole) {
        json_t *one = json_pack("{s:i, s:i}", "index", 1, "count", 1);
        assert_true(json_equal(shard, one));
        json_decref(one);
    } else
        assert_true(json_is_null(shard));
}

/* A sweep's shards merge into the unsharded sweep's $.targets: its
 * first_point, step, points_within_m (and a site plan's sampled, a fork
 * engine's counts) rebuilt, "shard" 1/1, not shard 1's; a partial merge
 * counts the points it holds. */
static void test_targets_rebuilt(void **state)
{
    (void)state;
    char err[512];
    /* whole: M = 100, stride 3: points 1, 4, ... 100 */
    for (int n = 2; n <= 4; n++) {
        int order[4] = {0};
        for (int k = 0; k < n; k++)
            order[k] = n - k; /* last shard first */
        json_t *m = merge_targets(n, order, n, 100, 3, "all", err, sizeof err);
        if (!m)
            fail_msg("merge of %d shards: %s", n, err);
        json_t *whole = with_target(report_fixture(0, 0), 1, 1, 100, 3, "all");
        json_t *mt = json_array_get(json_object_get(m, "targets"), 0);
        json_t *wt = json_array_get(json_object_get(whole, "targets"), 0);
        static const char *const same_keys[] = {"argv", "allocations", "first_point", "step", "points_within_m",
                                                "layer", "plan"};
        for (size_t k = 0; k < sizeof same_keys / sizeof same_keys[0]; k++)
            if (!json_equal(json_object_get(mt, same_keys[k]), json_object_get(wt, same_keys[k])))
                fail_msg("%d shards: targets[0].%s is not the unsharded run's", n, same_keys[k]);
        check_target(m, 1, 3, 34, 1);
        assert_true(json_is_true(json_object_get(m, "complete")));
        /* the fork engine's counts are every shard's: 10*(1+...+n) */
        assert_int_equal(target_int(m, "engine", "forked"), 5 * n * (n + 1));
        assert_int_equal(target_int(m, "engine", "exec_threads"), n * (n + 1) / 2);
        assert_int_equal(target_int(m, "engine", "exec_state"), n * (n + 1));
        assert_int_equal(target_int(m, "engine", "precopied"), 3 * n * (n + 1) / 2);
        json_decref(m);
        json_decref(whole);
    }
    /* partial: shards 1 and 3 of 4 are every other point, 1, 7, 13, ... */
    json_t *m = merge_targets(2, (const int[]){3, 1}, 4, 100, 3, "all", err, sizeof err);
    assert_non_null(m);
    check_target(m, 1, 6, 9 + 8, 0);
    assert_true(json_is_false(json_object_get(m, "complete")));
    json_decref(m);
    /* shards 2 and 3 of 4 are no one progression: on 4, 7, ... every 3 */
    m = merge_targets(2, (const int[]){2, 3}, 4, 100, 3, "all", err, sizeof err);
    assert_non_null(m);
    check_target(m, 4, 3, 9 + 8, 0);
    json_decref(m);
    /* one shard, 2 of 3: its own progression, 4, 13, ... */
    m = merge_targets(1, (const int[]){2}, 3, 100, 3, "all", err, sizeof err);
    assert_non_null(m);
    check_target(m, 4, 9, 11, 0);
    json_decref(m);
    /* a shard with no point within M (M = 3: shard 2/2 starts at 4) */
    m = merge_targets(2, (const int[]){2, 1}, 2, 3, 3, "all", err, sizeof err);
    assert_non_null(m);
    check_target(m, 1, 3, 1, 1);
    json_decref(m);
    /* a site plan: one point at a time, each shard's sample summed */
    m = merge_targets(3, (const int[]){1, 2, 3}, 3, 100, 1, "sites", err, sizeof err);
    assert_non_null(m);
    check_target(m, 1, 1, 7 * 6, 1);
    assert_int_equal(target_int(m, "plan", "sampled"), 7 * 6);
    assert_int_equal(target_int(m, "plan", "chosen"), 60);
    json_decref(m);
}

/* Shard 2/2 of a sweep target (with_target, M = 24012) with KEY of
 * targets[0] (or of its IN object) set to V: refused with the one line
 * WANT, or (WANT NULL) merged with shard 1/2. */
static void target_refused(const char *in, const char *key, json_t *v, const char *want)
{
    json_t *j = with_target(report_fixture(2, 2), 2, 2, 24012, 3000, "sites");
    json_t *t = json_array_get(json_object_get(j, "targets"), 0);
    json_object_set_new(in ? json_object_get(t, in) : t, key, v);
    struct pf_results s[2];
    const char *names[] = {"a.json", "b.json"};
    load(&s[0], with_target(report_fixture(1, 2), 1, 2, 24012, 3000, "sites"));
    load(&s[1], j);
    char err[512] = "";
    json_t *m = merged_tree(s, names, 2, NULL, err, sizeof err);
    if (!want && !m)
        fail_msg("targets[0].%s differing: %s", key, err);
    if (want && (m || strcmp(err, want) != 0))
        fail_msg("wanted the refusal \"%s\", got %s", want, m ? "a merge" : err);
    json_decref(m);
    pf_results_free(&s[0]);
    pf_results_free(&s[1]);
}

/* A count one shard does not have (written by a build that did not keep
 * it) is left out of the merge, not shard 0's passed off as the sum. */
static void test_uncounted_key_left_out(void **state)
{
    (void)state;
    char err[256];
    struct pf_results s[2];
    const char *names[] = {"a.json", "b.json"};
    memset(s, 0, sizeof s);
    for (int k = 0; k < 2; k++) {
        json_t *j = with_target(report_fixture(k + 1, 2), k + 1, 2, 100, 3, "all");
        json_t *t = json_array_get(json_object_get(j, "targets"), 0);
        if (k == 1)
            json_object_del(json_object_get(t, "engine"), "precopied");
        load(&s[k], j);
    }
    json_t *m = merged_tree(s, names, 2, NULL, err, sizeof err);
    if (!m)
        fail_msg("%s", err);
    json_t *engine = json_object_get(json_array_get(json_object_get(m, "targets"), 0), "engine");
    assert_int_equal(json_integer_value(json_object_get(engine, "forked")), 10 + 20);
    assert_null(json_object_get(engine, "precopied"));
    json_decref(m);
    for (int k = 0; k < 2; k++)
        pf_results_free(&s[k]);
}

/* Shards whose counting runs disagree ("point N" another allocation in
 * each) are refused in one line naming both shards, the target and both
 * counts; so are another layer, plan kind, call-site table, number of
 * targets, and a matrix cell's M. */
static void test_target_counts_refused(void **state)
{
    (void)state;
    target_refused(NULL, "allocations", json_integer(24013),
                   "b.json: target 0 counted 24013 allocations, 24012 in a.json: not shards of one run");
    target_refused(NULL, "layer", json_string("libc"),
                   "b.json: target 0 counted in layer libc, pymem in a.json: not shards of one run");
    target_refused("plan", "kind", json_string("all"),
                   "b.json: target 0 has plan all, sites in a.json: not shards of one run");
    target_refused("plan", "sites", json_integer(41),
                   "b.json: target 0 counted 41 call sites, 40 in a.json: not shards of one run");
    target_refused("plan", "chosen", json_integer(59),
                   "b.json: target 0 counted 59 points chosen by the plan, 60 in a.json: not shards of one run");
    /* what is each shard's own merges: its counting run's timing, its
     * share, its engine's counts */
    target_refused(NULL, "count_ms", json_integer(999), NULL);
    target_refused("pace", "stall_ms", json_integer(900), NULL);
    target_refused("plan", "sampled", json_integer(1), NULL);
    target_refused("engine", "forked", json_integer(0), NULL);
    target_refused(NULL, "first_point", json_integer(5), NULL);
    /* an older shard, without allocations, is not compared */
    json_t *j = with_target(report_fixture(2, 2), 2, 2, 24012, 3000, "sites");
    json_object_del(json_array_get(json_object_get(j, "targets"), 0), "allocations");
    struct pf_results s[2];
    const char *names[] = {"a.json", "b.json"};
    char err[512];
    load(&s[0], with_target(report_fixture(1, 2), 1, 2, 24013, 3000, "sites"));
    load(&s[1], j);
    json_t *m = merged_tree(s, names, 2, NULL, err, sizeof err);
    if (!m)
        fail_msg("a shard without allocations: %s", err);
    json_decref(m);
    pf_results_free(&s[0]);
    pf_results_free(&s[1]);
    /* two targets against none: a sweep's shard and a matrix's */
    j = with_target(report_fixture(2, 2), 2, 2, 100, 3, "all");
    json_array_append_new(json_object_get(j, "targets"),
                          json_deep_copy(json_array_get(json_object_get(j, "targets"), 0)));
    refused(j, 1, "b.json: 2 targets, a.json has 0: not shards of one run");
    /* a matrix cell whose counting run counted another M */
    j = report_fixture(2, 2);
    json_t *cell = json_array_get(json_object_get(j, "cells"), 0);
    json_int_t was = json_integer_value(json_object_get(cell, "allocations"));
    assert_true(was > 0);
    json_object_set_new(cell, "allocations", json_integer(was + 1));
    char want[300];
    snprintf(want, sizeof want, "b.json: cell startup x %s counted %lld allocations, %lld in a.json",
             json_string_value(json_object_get(cell, "interpreter")), (long long)(was + 1), (long long)was);
    refused(j, 1, want);
}

static void test_write_is_atomic_and_readable(void **state)
{
    (void)state;
    char dir[] = "/tmp/pf-merge-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/out.json", dir);
    json_t *j = report_fixture(0, 0);
    struct pf_results whole;
    const char *names[] = {"whole.json"};
    load(&whole, json_incref(j));
    struct pf_merged m;
    char err[512];
    assert_int_equal(pf_merge(&whole, names, 1, NULL, &m, err, sizeof err), 0);
    assert_int_equal(pf_merge_write(path, &m, err, sizeof err), 0);
    json_error_t je;
    json_t *back = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    assert_non_null(back);
    same(back, j, "trials");
    same(back, j, "findings");
    same(back, j, "cells");
    /* a trial per line */
    FILE *f = fopen(path, "r");
    char line[4096];
    int trial_lines = 0;
    while (fgets(line, sizeof line, f))
        trial_lines += strncmp(line, "    {\"scenario\":", 16) == 0 && strstr(line, "\"point\"");
    fclose(f);
    assert_int_equal(trial_lines, (int)json_array_size(json_object_get(j, "trials")));
    /* an unwritable place: an error, and nothing left behind */
    char bad[160];
    snprintf(bad, sizeof bad, "%s/no/such/dir/out.json", dir);
    assert_int_equal(pf_merge_write(bad, &m, err, sizeof err), -1);
    assert_non_null(strstr(err, "/no/such/dir/out.json: No such file or directory"));
    pf_merged_free(&m);
    pf_results_free(&whole);
    json_decref(back);
    json_decref(j);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shards_merge_exactly),
        cmocka_unit_test(test_missing_shard_is_incomplete),
        cmocka_unit_test(test_cwd_kept_only_when_shared),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_edited_inputs_refused),
        cmocka_unit_test(test_edited_inputs_any_input),
        cmocka_unit_test(test_targets_rebuilt),
        cmocka_unit_test(test_uncounted_key_left_out),
        cmocka_unit_test(test_target_counts_refused),
        cmocka_unit_test(test_write_is_atomic_and_readable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
