/* report_rank.c: the summary and the page list findings the same way. */
#include "report_rank.h"

#include <stdlib.h>

#include "report_verdict.h"

static const struct pf_results *rank_r;

static int rank_cmp(const void *a, const void *b)
{
    const struct pf_rfinding *x = &rank_r->findings[*(const size_t *)a];
    const struct pf_rfinding *y = &rank_r->findings[*(const size_t *)b];
    if (x->unexpected != y->unexpected)
        return y->unexpected - x->unexpected;
    if (pf_class_fails(x->cls) != pf_class_fails(y->cls))
        return pf_class_fails(y->cls) - pf_class_fails(x->cls);
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

size_t *pf_findings_ranked(const struct pf_results *r, int with_ok, size_t *n)
{
    size_t *idx = malloc((r->n_findings + 1) * sizeof *idx);
    *n = 0;
    if (!idx)
        return NULL;
    for (size_t i = 0; i < r->n_findings; i++)
        if (with_ok || r->findings[i].cls != PF_OK)
            idx[(*n)++] = i;
    rank_r = r;
    qsort(idx, *n, sizeof *idx, rank_cmp);
    rank_r = NULL;
    return idx;
}
