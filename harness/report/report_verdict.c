/* report_verdict.c: walks two cells' trials (sorted by mode, point) side
 * by side. Different builds allocate differently, so point N is not the
 * same call in both: the verdicts say where along start-up or the scenario
 * the behaviour changed, not which call. */
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

struct pf_vpoint *pf_verdicts(const struct pf_results *r, int s, struct pf_vpair p, size_t *n)
{
    *n = 0;
    int cb = pf_results_cell(r, s, p.base), co = pf_results_cell(r, s, p.other);
    if (cb < 0 || co < 0)
        return NULL;
    const struct pf_rcell *b = &r->cells[cb], *o = &r->cells[co];
    struct pf_vpoint *out = malloc((b->n + o->n + 1) * sizeof *out);
    if (!out)
        return NULL;
    size_t i = 0, j = 0;
    while (i < b->n || j < o->n) {
        long bi = i < b->n ? (long)r->order[b->first + i] : -1;
        long oi = j < o->n ? (long)r->order[o->first + j] : -1;
        const struct pf_rtrial *bt = bi >= 0 ? &r->trials[bi] : NULL;
        const struct pf_rtrial *ot = oi >= 0 ? &r->trials[oi] : NULL;
        int c = !bt ? 1 : !ot ? -1 : strcmp(bt->mode, ot->mode);
        if (c == 0)
            c = bt->point < ot->point ? -1 : bt->point > ot->point;
        if (c < 0) {
            ot = NULL;
            oi = -1;
            i++;
        } else if (c > 0) {
            bt = NULL;
            bi = -1;
            j++;
        } else {
            i++;
            j++;
        }
        int bf = bt && pf_class_fails(bt->cls), of = ot && pf_class_fails(ot->cls);
        enum pf_verdict_kind v;
        if (bf && of)
            v = PF_V_STILL;
        else if (bf && ot)
            v = PF_V_FIXED;
        else if (of)
            v = cell_shows(r, b, ot) ? PF_V_REGRESSED : PF_V_NEW;
        else
            continue; /* neither fails, or vanilla fails where the other did not run */
        const struct pf_rtrial *t = bt ? bt : ot;
        out[(*n)++] = (struct pf_vpoint){t->point, t->mode, v, bi, oi};
    }
    return out;
}
