/* report_cell.c: per-cell questions, answered from the trials so the
 * report agrees with them even when the file's own flags were derived. */
#include "report_cell.h"

#include <stdlib.h>

unsigned pf_cell_unexpected_classes(const struct pf_results *r, const struct pf_rcell *c)
{
    unsigned m = 0;
    for (size_t j = c->first; j < c->first + c->n; j++) {
        const struct pf_rtrial *t = &r->trials[r->order[j]];
        if (!t->expected)
            m |= 1u << t->cls;
    }
    return m;
}

size_t pf_cell_findings(const struct pf_results *r, const struct pf_rcell *c, enum pf_class cls,
                        long *idx, long *count, size_t max)
{
    /* a finding is new to this cell when no earlier trial of it had CLS */
    char *seen = calloc(r->n_findings ? r->n_findings : 1, 1);
    size_t n = 0;
    for (size_t j = c->first; seen && j < c->first + c->n; j++) {
        const struct pf_rtrial *t = &r->trials[r->order[j]];
        if (t->expected || t->cls != cls)
            continue;
        if (!seen[t->finding]) {
            seen[t->finding] = 1;
            if (n < max) {
                idx[n] = t->finding;
                count[n] = 0;
            }
            n++;
        }
        for (size_t k = 0; k < n && k < max; k++)
            if (idx[k] == t->finding)
                count[k]++;
    }
    free(seen);
    return n;
}

double pf_cell_seconds(const struct pf_results *r, const struct pf_rcell *c)
{
    long ms = 0;
    for (size_t j = c->first; j < c->first + c->n; j++)
        ms += r->trials[r->order[j]].duration_ms;
    return (double)ms / 1000.0;
}

int pf_cell_allows(const struct pf_rcell *c, enum pf_class cls)
{
    return c->expected == 0 || (c->expected & (1u << cls)) != 0;
}
