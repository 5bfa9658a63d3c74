/*
 * test_json_lazy: results.json read with its trials left as text
 * (pf_results_load) says exactly what the whole tree says: the same model,
 * the same trials, the same one-line errors, however the file is laid out.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "controls.h"
#include "json_lazy.h"
#include "report_model.h"
#include "tmpdir.h"

#define CORPUS "tests/fuzz/corpus/results/"

static const char *const corpus[] = {
    "baseline-file.json", "crash-baseline-error-newline.json", "crash-count-overflow.json",
    "crash-newline-in-message.json",
    "matrix.json", "merged-incomplete.json", "merged.json", "shard-1of2.json",
    "sweep-oneshot.json", "sweep-persistent.json",
};

/* PATH loaded whole by jansson, as it used to be: rc, and in ERR the
 * message pf_results_load is to give (PATH:LINE: jansson's words; PATH:
 * the model's; PATH: inconsistent totals: the totals'). */
static int load_as_tree(struct pf_results *r, const char *path, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        if (je.line > 0)
            snprintf(err, errlen, "%s:%d: %s", path, je.line, je.text);
        else
            snprintf(err, errlen, "%s: %s", path, je.text);
        pf_scrub_controls(err); /* one line */
        return -1;
    }
    char why[400];
    int rc = pf_results_from_json(r, root, why, sizeof why);
    json_decref(root);
    if (rc < 0) {
        snprintf(err, errlen, "%s%s", path, strchr(why, ':')); /* "results.json: ..." */
        return -1;
    }
    if (pf_results_check_totals(r, why, sizeof why) < 0) {
        pf_results_free(r);
        snprintf(err, errlen, "%s: inconsistent totals: %s", path, why);
        return -1;
    }
    return 0;
}

/* The two models of one file agree, trial by trial, to the JSON. */
static void assert_same_model(const struct pf_results *a, const struct pf_results *b)
{
    assert_int_equal(a->n_trials, b->n_trials);
    assert_int_equal(a->n_cells, b->n_cells);
    assert_int_equal(a->n_findings, b->n_findings);
    assert_int_equal(a->total_trials, b->total_trials);
    for (size_t i = 0; i < a->n_trials; i++) {
        const struct pf_rtrial *x = &a->trials[i], *y = &b->trials[i];
        assert_string_equal(x->scenario_id, y->scenario_id);
        assert_string_equal(x->interp_id, y->interp_id);
        assert_string_equal(x->mode, y->mode);
        assert_string_equal(x->subkind, y->subkind);
        assert_string_equal(x->signature, y->signature);
        assert_string_equal(x->site_key, y->site_key);
        assert_int_equal(x->cls, y->cls);
        assert_int_equal(x->point, y->point);
        assert_int_equal(x->cell, y->cell);
        assert_int_equal(x->finding, y->finding);
        assert_int_equal(x->expected, y->expected);
        assert_int_equal(a->order[i], b->order[i]);
        json_t *jx = pf_results_trial_json(a, i), *jy = pf_results_trial_json(b, i);
        assert_non_null(jx);
        assert_true(json_equal(jx, jy));
        json_decref(jx);
        json_decref(jy);
    }
    assert_null(pf_results_trial_json(a, a->n_trials));
}

/* Every file of the fuzz corpus, valid or not: the lazy read and the tree
 * give the same answer, and for a valid file the same model. */
static void test_lazy_matches_tree_on_corpus(void **state)
{
    (void)state;
    size_t loaded = 0;
    for (size_t k = 0; k < sizeof corpus / sizeof *corpus; k++) {
        char path[256], lazy_err[512], tree_err[512];
        snprintf(path, sizeof path, CORPUS "%s", corpus[k]);
        struct pf_results lazy, tree;
        int lrc = pf_results_load(&lazy, path, lazy_err, sizeof lazy_err);
        int trc = load_as_tree(&tree, path, tree_err, sizeof tree_err);
        if (lrc != trc)
            fail_msg("%s: lazy %d (%s), tree %d (%s)", path, lrc, lrc ? lazy_err : "",
                     trc, trc ? tree_err : "");
        if (lrc < 0) {
            assert_string_equal(lazy_err, tree_err);
            assert_null(strchr(lazy_err, '\n'));
            continue;
        }
        assert_non_null(lazy.lazy);
        assert_int_equal(lazy.lazy->present, 1);
        assert_same_model(&lazy, &tree);
        pf_results_free(&lazy);
        pf_results_free(&tree);
        loaded++;
    }
    /* matrix, shard-1of2, sweep-oneshot and sweep-persistent are valid */
    assert_int_equal(loaded, 4);
}

/* Writes TEXT to DIR/NAME; returns the path in PATH. */
static void put(const char *dir, const char *name, const char *text, char *path, size_t len)
{
    snprintf(path, len, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* S with every "\n" made "\r\n". */
static char *crlf(const char *s)
{
    char *out = malloc(2 * strlen(s) + 1), *o = out;
    assert_non_null(out);
    for (; *s; s++) {
        if (*s == '\n')
            *o++ = '\r';
        *o++ = *s;
    }
    *o = '\0';
    return out;
}

/* The same document laid out other ways (compact, indented, keys sorted so
 * that a number ends the object, trials first, CRLF line ends) loads to
 * the same model, its trials still left as text. */
static void test_lazy_any_layout(void **state)
{
    (void)state;
    char dir[4096], path[4200], err[512];
    assert_int_equal(pf_tmpdir_create(dir, sizeof dir), 0);
    json_error_t je;
    json_t *doc = json_load_file(CORPUS "sweep-persistent.json", 0, &je);
    assert_non_null(doc);
    struct pf_results want;
    assert_int_equal(pf_results_from_json(&want, doc, err, sizeof err), 0);
    assert_true(want.n_trials > 1);
    /* trials first: a fresh object keeps the order its keys were set in */
    json_t *first = json_object();
    json_object_set(first, "trials", json_object_get(doc, "trials"));
    const char *key;
    json_t *v;
    json_object_foreach(doc, key, v)
        if (strcmp(key, "trials") != 0)
            json_object_set(first, key, v);
    char *texts[5] = {
        json_dumps(doc, JSON_COMPACT),
        json_dumps(doc, JSON_INDENT(4)),
        json_dumps(doc, JSON_INDENT(1) | JSON_SORT_KEYS),
        json_dumps(first, JSON_INDENT(2)),
        NULL,
    };
    texts[4] = crlf(texts[1]);
    for (size_t k = 0; k < 5; k++) {
        assert_non_null(texts[k]);
        put(dir, "r.json", texts[k], path, sizeof path);
        struct pf_results r;
        if (pf_results_load(&r, path, err, sizeof err) < 0)
            fail_msg("layout %zu: %s", k, err);
        assert_int_equal(r.lazy->present, 1);
        assert_same_model(&r, &want);
        pf_results_free(&r);
        free(texts[k]);
    }
    json_decref(first);
    json_decref(doc);
    pf_results_free(&want);
    pf_tmpdir_remove(dir);
}

/* A malformed file fails as json_loadf fails on it, naming the same line:
 * a broken trial, a second "trials", a "trials" that is no array, a
 * duplicate key inside a trial, text after the object, an empty file, and
 * a document that is no object. */
static void test_lazy_errors_are_the_trees(void **state)
{
    (void)state;
    char dir[4096], path[4200];
    assert_int_equal(pf_tmpdir_create(dir, sizeof dir), 0);
    static const char *const bad[] = {
        "{\n\"schema\": \"pyfault-results\",\n\"trials\": [\n{\"a\": 1},\n{\"a\" 2}\n]\n}\n",
        "{\"trials\": [], \"version\": 1,\n\"trials\": []}",
        "{\"schema\": \"pyfault-results\", \"version\": 1, \"trials\": {}}",
        "{\"trials\": [{\"a\": 1, \"a\": 2}]}",
        "{\"trials\": [{\"a\": 1}, 7, \"x\"]}",
        "{\"trials\": [{\"a\": 1}]} {",
        "{\"trials\": [{\"a\": 1},]}",
        "",
        "[{\"trials\": []}]",
        "{\"trials\": [1 2]}",
    };
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        put(dir, "r.json", bad[k], path, sizeof path);
        struct pf_results lazy, tree;
        char lazy_err[512], tree_err[512];
        assert_int_equal(pf_results_load(&lazy, path, lazy_err, sizeof lazy_err), -1);
        assert_int_equal(load_as_tree(&tree, path, tree_err, sizeof tree_err), -1);
        if (strcmp(lazy_err, tree_err) != 0)
            fail_msg("case %zu: lazy \"%s\", tree \"%s\"", k, lazy_err, tree_err);
        assert_null(strchr(lazy_err, '\n'));
    }
    pf_tmpdir_remove(dir);
}

/* The reader itself: where each element starts, and the members it kept. */
static void test_lazy_locates_elements(void **state)
{
    (void)state;
    char dir[4096], path[4200], err[512];
    assert_int_equal(pf_tmpdir_create(dir, sizeof dir), 0);
    put(dir, "x.json", " {\"n\": -12.5e3 ,\"t\" : [ {\"k\": \"a]\\\"}\"} ,[1,[2]] , 3,\"s\" ] ,\"z\":null}\n",
        path, sizeof path);
    struct pf_json_lazy z;
    assert_int_equal(pf_json_lazy_load(&z, path, "t", 0, err, sizeof err), 0);
    assert_int_equal(z.present, 1);
    assert_int_equal(z.n, 4);
    assert_null(json_object_get(z.root, "t"));
    assert_true(json_real_value(json_object_get(z.root, "n")) == -12500.0);
    assert_true(json_is_null(json_object_get(z.root, "z")));
    json_t *e0 = pf_json_lazy_element(&z, 0), *e1 = pf_json_lazy_element(&z, 1);
    json_t *e2 = pf_json_lazy_element(&z, 2), *e3 = pf_json_lazy_element(&z, 3);
    assert_string_equal(json_string_value(json_object_get(e0, "k")), "a]\"}");
    assert_int_equal(json_array_size(e1), 2);
    assert_int_equal(json_integer_value(e2), 3);
    assert_string_equal(json_string_value(e3), "s");
    assert_null(pf_json_lazy_element(&z, 4));
    json_decref(e0);
    json_decref(e1);
    json_decref(e2);
    json_decref(e3);
    pf_json_lazy_free(&z);
    /* KEY not an array: kept as a member, nothing located */
    put(dir, "y.json", "{\"t\": {\"a\": 1}}", path, sizeof path);
    assert_int_equal(pf_json_lazy_load(&z, path, "t", 0, err, sizeof err), 0);
    assert_int_equal(z.present, 0);
    assert_int_equal(z.n, 0);
    assert_true(json_is_object(json_object_get(z.root, "t")));
    pf_json_lazy_free(&z);
    pf_tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lazy_matches_tree_on_corpus),
        cmocka_unit_test(test_lazy_any_layout),
        cmocka_unit_test(test_lazy_errors_are_the_trees),
        cmocka_unit_test(test_lazy_locates_elements),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
