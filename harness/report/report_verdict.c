/* report_verdict.c: pairs two cells' trials point by point. Different
 * builds allocate differently, so point N is not the same call in both: a
 * patch that adds one allocation early moves every later call to N+1.
 * Trials are paired by their site key first (the failing allocation's C
 * caller and Python file:line, the same in both builds), the k-th of a
 * key in N order with the k-th; trials without a key pair by N. */
#include "report_verdict.h"

#include <stdlib.h>
#include <string.h>

const char *pf_verdict_name(enum pf_verdict_kind v)
{
    static const char *const names[] = {"fixed", "still failing", "regressed", "new"};
    return (unsigned)v < PF_V_COUNT ? names[v] : "?";
}

int pf_class_fails(enum pf_class c)
{
    return c == PF_ABORT || c == PF_SEGFAULT || c == PF_STACK_OVERFLOW || c == PF_UNWIND_LOOP ||
           c == PF_HANG || c == PF_SIGNAL;
}

/* Length of the "x.y" part of a variant named "x.y-KIND", or 0. */
static size_t split_variant(const char *variant, const char *kind)
{
    const char *dash = strrchr(variant, '-');
    if (!dash || dash == variant || strcmp(dash + 1, kind) != 0)
        return 0;
    return (size_t)(dash - variant);
}

size_t pf_verdict_pairs(const struct pf_results *r, struct pf_vpair *out, size_t max)
{
    static const char *const kinds[] = {"patched", "regress"};
    size_t n = 0;
    for (size_t k = 0; k < 2; k++)
        for (size_t o = 0; o < r->n_interps; o++) {
            size_t len = split_variant(r->interps[o].variant, kinds[k]);
            if (!len)
                continue;
            for (size_t b = 0; b < r->n_interps; b++) {
                const char *bv = r->interps[b].variant;
                if (split_variant(bv, "vanilla") == len && strncmp(bv, r->interps[o].variant, len) == 0) {
                    if (n < max)
                        out[n] = (struct pf_vpair){(int)b, (int)o};
                    n++;
                    break;
                }
            }
        }
    return n;
}

static int same_finding(const struct pf_rtrial *a, const struct pf_rtrial *b)
{
    return a->cls == b->cls && strcmp(a->signature, b->signature) == 0;
}

/* Does cell C hold a failing trial with T's class and signature? */
static int cell_shows(const struct pf_results *r, const struct pf_rcell *c, const struct pf_rtrial *t)
{
    for (size_t j = c->first; j < c->first + c->n; j++) {
        const struct pf_rtrial *x = &r->trials[r->order[j]];
        if (pf_class_fails(x->cls) && same_finding(x, t))
            return 1;
    }
    return 0;
}

/* One cell's trials, in the cell's order (mode, point), and whom each
 * was matched with on the other side (-1: nobody yet). */
struct side {
    const struct pf_results *r;
    const struct pf_rcell *c;
    long *mate;
};

static const struct pf_rtrial *trial_at(const struct side *sd, size_t i)
{
    return &sd->r->trials[sd->r->order[sd->c->first + i]];
}

/* A keyed trial of one side, for sorting: (mode, key, side, point). */
struct keyed {
    const struct pf_rtrial *t;
    int side;                    /* 0 base, 1 other */
    size_t i;                    /* position in its cell */
};

static int cmp_keyed(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    int c = strcmp(x->t->mode, y->t->mode);
    if (!c)
        c = strcmp(x->t->site_key, y->t->site_key);
    if (!c)
        c = x->side - y->side;
    if (!c)
        c = (x->t->point > y->t->point) - (x->t->point < y->t->point);
    return c;
}

static int keyed(const struct pf_rtrial *t)
{
    return t->point > 0 && t->site_key && t->site_key[0];
}

/* Pass 1: trials of one mode with the same site key pair up in N order,
 * the first with the first. Returns -1 on ENOMEM. */
static int match_by_key(struct side *sd)
{
    size_t n = sd[0].c->n + sd[1].c->n, k = 0;
    struct keyed *v = malloc((n + 1) * sizeof *v);
    if (!v)
        return -1;
    for (int s = 0; s < 2; s++)
        for (size_t i = 0; i < sd[s].c->n; i++)
            if (keyed(trial_at(&sd[s], i)))
                v[k++] = (struct keyed){trial_at(&sd[s], i), s, i};
    qsort(v, k, sizeof *v, cmp_keyed);
    for (size_t g = 0; g < k;) {
        size_t e = g, ob;
        while (e < k && strcmp(v[e].t->mode, v[g].t->mode) == 0 &&
               strcmp(v[e].t->site_key, v[g].t->site_key) == 0)
            e++;
        for (ob = g; ob < e && v[ob].side == 0; ob++)
            ;
        for (size_t a = g, b = ob; a < ob && b < e; a++, b++) {
            sd[0].mate[v[a].i] = (long)v[b].i;
            sd[1].mate[v[b].i] = (long)v[a].i;
        }
        g = e;
    }
    free(v);
    return 0;
}

/* Pass 2: what is left pairs by equal mode and N, unless both sides have
 * a key (then they are two different calls that met the same N). */
static void match_by_point(struct side *sd)
{
    size_t i = 0, j = 0;
    while (i < sd[0].c->n && j < sd[1].c->n) {
        if (sd[0].mate[i] >= 0) {
            i++;
            continue;
        }
        if (sd[1].mate[j] >= 0) {
            j++;
            continue;
        }
        const struct pf_rtrial *bt = trial_at(&sd[0], i), *ot = trial_at(&sd[1], j);
        int c = strcmp(bt->mode, ot->mode);
        if (!c)
            c = (bt->point > ot->point) - (bt->point < ot->point);
        if (c < 0) {
            i++;
        } else if (c > 0) {
            j++;
        } else {
            if (!keyed(bt) || !keyed(ot)) {
                sd[0].mate[i] = (long)j;
                sd[1].mate[j] = (long)i;
            }
            i++;
            j++;
        }
    }
}

static int cmp_vpoint(const void *a, const void *b)
{
    const struct pf_vpoint *x = a, *y = b;
    int c = strcmp(x->mode, y->mode);
    if (!c)
        c = (x->point > y->point) - (x->point < y->point);
    if (!c)
        c = (x->other_point > y->other_point) - (x->other_point < y->other_point);
    return c;
}

/* The verdict of base trial BT against other trial OT (either may be
 * NULL: unmatched); 0 when there is none. */
static int judge(const struct pf_results *r, const struct pf_rcell *b, const struct pf_rtrial *bt,
                 const struct pf_rtrial *ot, enum pf_verdict_kind *v)
{
    int bf = bt && pf_class_fails(bt->cls), of = ot && pf_class_fails(ot->cls);
    if (bf && of)
        *v = PF_V_STILL;
    else if (bf && ot)
        *v = PF_V_FIXED;
    else if (of)
        *v = cell_shows(r, b, ot) ? PF_V_REGRESSED : PF_V_NEW;
    else
        return 0; /* neither fails, or vanilla fails where the other did not run */
    return 1;
}

struct pf_vpoint *pf_verdicts(const struct pf_results *r, int s, struct pf_vpair p, size_t *n)
{
    *n = 0;
    int cb = pf_results_cell(r, s, p.base), co = pf_results_cell(r, s, p.other);
    if (cb < 0 || co < 0)
        return NULL;
    const struct pf_rcell *b = &r->cells[cb], *o = &r->cells[co];
    struct pf_vpoint *out = malloc((b->n + o->n + 1) * sizeof *out);
    long *mates = malloc((b->n + o->n + 1) * sizeof *mates);
    struct side sd[2] = {{r, b, mates}, {r, o, mates + b->n}};
    if (!out || !mates || (memset(mates, 0xff, (b->n + o->n) * sizeof *mates), match_by_key(sd)) < 0) {
        free(out);
        free(mates);
        return NULL;
    }
    match_by_point(sd);
    for (int side = 0; side < 2; side++)
        for (size_t i = 0; i < sd[side].c->n; i++) {
            long m = sd[side].mate[i];
            if (side == 1 && m >= 0)
                continue; /* a pair: written from the base side */
            long bi = side == 0 ? (long)r->order[b->first + i] : -1;
            long oi = side == 1 ? (long)r->order[o->first + i]
                    : m >= 0    ? (long)r->order[o->first + (size_t)m] : -1;
            const struct pf_rtrial *bt = bi >= 0 ? &r->trials[bi] : NULL;
            const struct pf_rtrial *ot = oi >= 0 ? &r->trials[oi] : NULL;
            enum pf_verdict_kind v;
            if (!judge(r, b, bt, ot, &v))
                continue;
            const struct pf_rtrial *t = bt ? bt : ot;
            out[(*n)++] = (struct pf_vpoint){t->point, t->mode, v, bi, oi, ot ? ot->point : -1};
        }
    free(mates);
    qsort(out, *n, sizeof *out, cmp_vpoint);
    return out;
}
