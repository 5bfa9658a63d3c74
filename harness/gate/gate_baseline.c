/* gate_baseline.c: baseline files. The gate compares findings by class +
 * signature only, so that is all a baseline must hold; repro and where a
 * finding occurs are kept for the person reviewing a baseline change. */
#include "gate_baseline.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "array.h"
#include "result_json.h"

static int entry_cmp(const void *a, const void *b)
{
    const struct pf_bentry *x = a, *y = b;
    if (x->cls != y->cls)
        return x->cls < y->cls ? -1 : 1;
    return strcmp(x->signature, y->signature);
}

/* Sorts B and drops duplicates. */
static void normalize(struct pf_baseline *b)
{
    if (b->n == 0)
        return;
    qsort(b->v, b->n, sizeof *b->v, entry_cmp);
    size_t w = 1;
    for (size_t i = 1; i < b->n; i++) {
        if (entry_cmp(&b->v[i], &b->v[w - 1]) == 0) {
            free(b->v[i].signature);
            continue;
        }
        b->v[w++] = b->v[i];
    }
    b->n = w;
}

static int add(struct pf_baseline *b, size_t *cap, enum pf_class cls, const char *sig)
{
    if (pf_array_reserve(b->v, *cap, b->n + 1, 16) < 0)
        return -1;
    char *s = strdup(sig);
    if (!s)
        return -1;
    b->v[b->n].cls = cls;
    b->v[b->n].signature = s;
    b->n++;
    return 0;
}

int pf_baseline_from_results(struct pf_baseline *b, const struct pf_results *r)
{
    size_t cap = 0;
    memset(b, 0, sizeof *b);
    for (size_t i = 0; i < r->n_findings; i++) {
        const struct pf_rfinding *f = &r->findings[i];
        if (f->cls == PF_OK)
            continue;
        if (add(b, &cap, f->cls, f->signature) < 0) {
            pf_baseline_free(b);
            return -1;
        }
    }
    normalize(b);
    return 0;
}

/* A "pyfault-baseline" document into B. */
static int from_baseline_json(struct pf_baseline *b, json_t *root, const char *path,
                              char *err, size_t errlen)
{
    size_t cap = 0;
    json_t *ver = json_object_get(root, "version");
    json_t *list = json_object_get(root, "findings");
    if (!json_is_integer(ver) || json_integer_value(ver) != 1) {
        snprintf(err, errlen, "%s: version: expected 1", path);
        return -1;
    }
    if (!json_is_array(list)) {
        snprintf(err, errlen, "%s: findings: expected an array", path);
        return -1;
    }
    size_t i;
    json_t *e;
    json_array_foreach(list, i, e) {
        const char *cls = json_string_value(json_object_get(e, "class"));
        const char *sig = json_string_value(json_object_get(e, "signature"));
        int c = cls ? pf_class_from_name(cls) : -1;
        if (c < 0 || !sig) {
            snprintf(err, errlen, "%s: findings[%zu]: needs a known \"class\" and a \"signature\" string",
                     path, i);
            pf_baseline_free(b);
            return -1;
        }
        if (add(b, &cap, (enum pf_class)c, sig) < 0) {
            snprintf(err, errlen, "%s: out of memory", path);
            pf_baseline_free(b);
            return -1;
        }
    }
    normalize(b);
    return 0;
}

int pf_baseline_load(struct pf_baseline *b, const char *path, char *err, size_t errlen)
{
    memset(b, 0, sizeof *b);
    /* a results.json's trials left as text, as pf_results_load leaves them */
    struct pf_json_lazy *z = malloc(sizeof *z);
    if (!z) {
        snprintf(err, errlen, "%s: out of memory", path);
        return -1;
    }
    if (pf_json_lazy_load(z, path, "trials", 0, err, errlen) < 0) {
        free(z);
        return -1;
    }
    const char *schema = json_string_value(json_object_get(z->root, "schema"));
    int rc = -1;
    if (schema && strcmp(schema, "pyfault-results") == 0) {
        struct pf_results r;
        if (pf_results_from_lazy(&r, z, path, err, errlen) == 0) {
            rc = pf_baseline_from_results(b, &r);
            if (rc < 0)
                snprintf(err, errlen, "%s: out of memory", path);
            pf_results_free(&r);
        }
        return rc;
    }
    if (schema && strcmp(schema, "pyfault-baseline") == 0)
        rc = from_baseline_json(b, z->root, path, err, errlen);
    else
        snprintf(err, errlen, "%s: schema: expected \"pyfault-baseline\" or \"pyfault-results\"", path);
    pf_json_lazy_free(z);
    free(z);
    return rc;
}

int pf_baseline_has(const struct pf_baseline *b, enum pf_class cls, const char *sig)
{
    struct pf_bentry key = {cls, (char *)sig};
    return b->n && bsearch(&key, b->v, b->n, sizeof *b->v, entry_cmp) != NULL;
}

static json_t *str_array(const char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < n; i++)
        json_array_append_new(a, pf_json_text(v[i]));
    return a;
}

/* Findings of R (ok left out), indexes sorted like a baseline. */
static const struct pf_results *sort_r;
static int finding_cmp(const void *a, const void *b)
{
    const struct pf_rfinding *x = &sort_r->findings[*(const size_t *)a];
    const struct pf_rfinding *y = &sort_r->findings[*(const size_t *)b];
    if (x->cls != y->cls)
        return x->cls < y->cls ? -1 : 1;
    return strcmp(x->signature, y->signature);
}

int pf_baseline_write(const char *path, const struct pf_results *r, char *err, size_t errlen)
{
    size_t *idx = malloc((r->n_findings + 1) * sizeof *idx), n = 0;
    json_t *root = json_object(), *list = json_array();
    int rc = -1;
    if (!idx || !root || !list) {
        snprintf(err, errlen, "out of memory");
        json_decref(list);
        goto out;
    }
    for (size_t i = 0; i < r->n_findings; i++)
        if (r->findings[i].cls != PF_OK)
            idx[n++] = i;
    sort_r = r; /* single-threaded command code */
    qsort(idx, n, sizeof *idx, finding_cmp);
    for (size_t k = 0; k < n; k++) {
        const struct pf_rfinding *f = &r->findings[idx[k]];
        json_t *e = json_object();
        json_object_set_new(e, "class", json_string(pf_class_name(f->cls)));
        json_object_set_new(e, "signature", pf_json_text(f->signature));
        json_object_set_new(e, "repro", pf_json_text(f->repro));
        json_object_set_new(e, "interpreters", str_array(f->interps, f->n_interps));
        json_object_set_new(e, "scenarios", str_array(f->scenarios, f->n_scenarios));
        json_array_append_new(list, e);
    }
    char created[32];
    time_t now = time(NULL);
    struct tm tm;
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    json_object_set_new(root, "schema", json_string("pyfault-baseline"));
    json_object_set_new(root, "version", json_integer(1));
    json_object_set_new(root, "created", json_string(created));
    json_object_set_new(root, "findings", list);
    rc = pf_json_write_atomic(path, root, err, errlen);
out:
    json_decref(root);
    free(idx);
    return rc;
}

void pf_baseline_free(struct pf_baseline *b)
{
    for (size_t i = 0; i < b->n; i++)
        free(b->v[i].signature);
    free(b->v);
    memset(b, 0, sizeof *b);
}
