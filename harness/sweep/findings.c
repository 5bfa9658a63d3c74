/* findings.c: trials deduplicated by signature (an interned string
 * table whose index is the finding's), and the distinct failure points of
 * each finding (strtab.h). */
#include "findings.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "sitekey.h"

void pf_findings_init(struct pf_findings *f)
{
    memset(f, 0, sizeof *f);
}

/* Workers finish out of order: the example kept is the lowest (target,
 * point, mode), so results do not depend on -j. */
static int earlier(unsigned target, uint64_t point, unsigned mode, const struct pf_finding *x)
{
    if (target != x->target)
        return target < x->target;
    if (point != x->point)
        return point < x->point;
    return mode < x->mode;
}

/* Replaces X's example; keeps the old one when memory runs out. */
static void set_example(struct pf_finding *x, const char *repro, const char *stderr_tail,
                        unsigned target, uint64_t point, unsigned mode)
{
    char *r = strdup(repro ? repro : "");
    char *t = strdup(stderr_tail ? stderr_tail : "");
    if (!r || !t) {
        free(r);
        free(t);
        return;
    }
    free(x->repro);
    free(x->stderr_tail);
    x->repro = r;
    x->stderr_tail = t;
    x->target = target;
    x->point = point;
    x->mode = mode;
}

long pf_findings_add(struct pf_findings *f, const char *signature, int cls, int sub,
                     const char *repro, const char *stderr_tail, unsigned target,
                     uint64_t point, unsigned mode)
{
    long i = pf_strtab_find(&f->signatures, signature);
    if (i >= 0) {
        struct pf_finding *x = &f->v[i];
        x->count++;
        if (earlier(target, point, mode, x))
            set_example(x, repro, stderr_tail, target, point, mode);
        return i;
    }
    if (pf_array_reserve(f->v, f->cap, f->n + 1, 32) < 0)
        return -1;
    struct pf_finding *x = &f->v[f->n];
    memset(x, 0, sizeof *x);
    x->repro = strdup(repro ? repro : "");
    x->stderr_tail = strdup(stderr_tail ? stderr_tail : "");
    /* a signature interned is a finding that exists: the last step */
    i = x->repro && x->stderr_tail ? pf_strtab_intern(&f->signatures, signature) : -1;
    if (i < 0) {
        free(x->repro);
        free(x->stderr_tail);
        return -1;
    }
    x->signature = f->signatures.v[i];
    x->cls = cls;
    x->sub = sub;
    x->count = 1;
    x->target = target;
    x->point = point;
    x->mode = mode;
    return (long)f->n++;
}

/* How many trials of TARGET, MODE and KEY came before this one. */
static int key_rank(struct pf_points *p, unsigned target, unsigned mode, const char *key,
                    uint64_t *rank)
{
    char id[PF_SITEKEY_TEXT_MAX + 32];
    snprintf(id, sizeof id, "%u|%u|%s", target, mode, key);
    long i = pf_strtab_intern(&p->keys, id);
    if (i < 0 || pf_array_reserve(p->key_trials, p->key_trials_cap, (size_t)i + 1, 64) < 0)
        return -1;
    if ((size_t)i >= p->key_trials_n) { /* new: interning appends */
        p->key_trials[i] = 0;
        p->key_trials_n = (size_t)i + 1;
    }
    *rank = p->key_trials[i]++;
    return 0;
}

int pf_points_add(struct pf_points *p, long k, const char *site_key, unsigned target,
                  uint64_t point, unsigned mode)
{
    char id[PF_SITEKEY_TEXT_MAX + 64];
    if (site_key && site_key[0]) {
        uint64_t rank;
        if (key_rank(p, target, mode, site_key, &rank) < 0)
            return -1;
        snprintf(id, sizeof id, "%ld|%" PRIu64 "|%s", k, rank, site_key);
    } else {
        snprintf(id, sizeof id, "%ld|#%u:%" PRIu64 ":%u", k, target, point, mode);
    }
    size_t before = p->seen.n;
    if (pf_strtab_intern(&p->seen, id) < 0)
        return -1;
    return p->seen.n > before;
}

void pf_points_free(struct pf_points *p)
{
    pf_strtab_free(&p->seen);
    pf_strtab_free(&p->keys);
    free(p->key_trials);
    memset(p, 0, sizeof *p);
}

int pf_findings_point(struct pf_findings *f, long k, const char *site_key, unsigned target,
                      uint64_t point, unsigned mode)
{
    if (k < 0 || (size_t)k >= f->n)
        return 0;
    int added = pf_points_add(&f->points, k, site_key, target, point, mode);
    if (added < 0)
        return -1;
    f->v[k].points += (uint64_t)added;
    return 0;
}

int pf_findings_set_sources(struct pf_findings *f, long idx, const char *sources,
                            unsigned target, uint64_t point, unsigned mode)
{
    if (idx < 0 || (size_t)idx >= f->n)
        return 0;
    struct pf_finding *x = &f->v[idx];
    if (x->target != target || x->point != point || x->mode != mode)
        return 0;
    char *s = strdup(sources ? sources : "");
    if (!s)
        return -1;
    free(x->sources);
    x->sources = s;
    return 0;
}

static int example_cmp(const void *a, const void *b)
{
    const struct pf_finding *x = *(const struct pf_finding *const *)a;
    const struct pf_finding *y = *(const struct pf_finding *const *)b;
    if (earlier(x->target, x->point, x->mode, y))
        return -1;
    return earlier(y->target, y->point, y->mode, x);
}

int pf_findings_sort(struct pf_findings *f, int32_t *moved)
{
    if (f->n == 0)
        return 0;
    struct pf_finding **order = malloc(f->n * sizeof *order);
    struct pf_finding *v = malloc(f->n * sizeof *v);
    struct pf_strtab sigs;
    pf_strtab_init(&sigs);
    int rc = -1;
    if (!order || !v)
        goto out;
    for (size_t i = 0; i < f->n; i++)
        order[i] = &f->v[i];
    qsort(order, f->n, sizeof *order, example_cmp);
    /* the table's indices are the findings': interned again in the new
     * order, before anything moves */
    for (size_t i = 0; i < f->n; i++)
        if (pf_strtab_intern(&sigs, order[i]->signature) != (long)i)
            goto out;
    for (size_t i = 0; i < f->n; i++) {
        moved[order[i] - f->v] = (int32_t)i;
        v[i] = *order[i];
        v[i].signature = sigs.v[i];
    }
    memcpy(f->v, v, f->n * sizeof *v);
    pf_strtab_free(&f->signatures);
    f->signatures = sigs;
    pf_strtab_init(&sigs);
    rc = 0;
out:
    pf_strtab_free(&sigs);
    free(v);
    free(order);
    return rc;
}

void pf_findings_free(struct pf_findings *f)
{
    for (size_t i = 0; i < f->n; i++) {
        free(f->v[i].sources);
        free(f->v[i].repro);
        free(f->v[i].stderr_tail);
    }
    free(f->v);
    pf_strtab_free(&f->signatures);
    pf_points_free(&f->points);
    memset(f, 0, sizeof *f);
}
