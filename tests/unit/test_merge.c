/*
 * test_merge: shards of a run, split as --shard I/N splits a sweep (points
 * number I, I+N, ... of each cell), merge back into exactly the unsharded
 * run; shards of different runs are refused; a "cwd" all shards share is
 * kept, differing ones are left out; shards whose target or scenario read
 * another version of an input file (its sha256 in "files") are refused, and
 * the merged file carries every shard's "files", also past an older shard
 * without them.
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
    json_t *m = pf_merge(s, names, (size_t)n, err, sizeof err);
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
    json_t *m = pf_merge(s, names, 2, err, sizeof err);
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
    json_t *m = pf_merge(s, names, 2, err, sizeof err);
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
    json_t *m = pf_merge(s, names, 2, err, sizeof err);
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
    json_t *m = pf_merge(s, names, 2, err, sizeof err);
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
 * SHAS[k])) for N = strlen(SHAS); NULL with ERR when refused. */
static json_t *merge_inputs(int target, const char *shas, char *err, size_t errlen)
{
    struct pf_results s[4];
    const char *names[] = {"a.json", "b.json", "c.json", "d.json"};
    int n = (int)strlen(shas);
    assert_true(n >= 1 && n <= 4);
    memset(s, 0, sizeof s);
    for (int k = 0; k < n; k++)
        load(&s[k], with_input(report_fixture(k + 1, n), target, "s.py", shas[k] == '-' ? 0 : shas[k]));
    json_t *m = pf_merge(s, names, (size_t)n, err, errlen);
    for (int k = 0; k < n; k++)
        pf_results_free(&s[k]);
    return m;
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
                 "aaaaaaaaaaaa... in a.json)", target ? "target 0" : "scenario gh134163-except-past-256");
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

static void test_write_is_atomic_and_readable(void **state)
{
    (void)state;
    char dir[] = "/tmp/pf-merge-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/out.json", dir);
    json_t *j = report_fixture(0, 0);
    char err[512];
    assert_int_equal(pf_merge_write(path, j, err, sizeof err), 0);
    json_error_t je;
    json_t *back = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    assert_non_null(back);
    assert_true(json_equal(back, j));
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
    assert_int_equal(pf_merge_write(bad, j, err, sizeof err), -1);
    assert_non_null(strstr(err, "/no/such/dir/out.json: No such file or directory"));
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
        cmocka_unit_test(test_write_is_atomic_and_readable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
