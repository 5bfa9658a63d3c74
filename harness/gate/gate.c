/* gate.c: judging a run against its baseline, and saying why it failed
 * in words a CI log reader can act on (the repro line first of all). */
#include "gate.h"

#include <stdlib.h>
#include <string.h>

int pf_gate_judge(const struct pf_baseline *b, const struct pf_results *r, struct pf_gate *g)
{
    memset(g, 0, sizeof *g);
    g->new_findings = malloc((r->n_findings + 1) * sizeof *g->new_findings);
    g->bad_cells = malloc((r->n_cells + 1) * sizeof *g->bad_cells);
    if (!g->new_findings || !g->bad_cells) {
        pf_gate_free(g);
        return -1;
    }
    for (size_t i = 0; i < r->n_findings; i++) {
        const struct pf_rfinding *f = &r->findings[i];
        /* ok is the absence of a finding, whatever stack it ended on */
        if (f->cls != PF_OK && !pf_baseline_has(b, f->cls, f->signature))
            g->new_findings[g->n_new++] = i;
    }
    for (size_t i = 0; i < r->n_cells; i++)
        if (r->cells[i].unexpected > 0 || r->cells[i].error)
            g->bad_cells[g->n_bad++] = i;
    return 0;
}

int pf_gate_passed(const struct pf_gate *g)
{
    return g->n_new == 0 && g->n_bad == 0;
}

static void put_class_list(FILE *f, unsigned mask)
{
    int first = 1;
    for (int k = 0; k < PF_CLASS_COUNT; k++)
        if (mask & (1u << k)) {
            fprintf(f, "%s%s", first ? "" : "|", pf_class_name(k));
            first = 0;
        }
    if (first)
        fputs("anything", f);
}

static void put_names(FILE *f, const char *const *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%s", i ? ", " : "", v[i]);
}

void pf_gate_print(FILE *f, const struct pf_results *r, const struct pf_gate *g,
                   const char *baseline_name, size_t baseline_n)
{
    for (size_t k = 0; k < g->n_new; k++) {
        const struct pf_rfinding *fd = &r->findings[g->new_findings[k]];
        fprintf(f, "NEW %s: %s\n", pf_class_name(fd->cls), fd->signature);
        fprintf(f, "  %ld trial%s on ", fd->count, fd->count == 1 ? "" : "s");
        put_names(f, fd->interps, fd->n_interps);
        fputs(" in ", f);
        put_names(f, fd->scenarios, fd->n_scenarios);
        fputc('\n', f);
        if (fd->detail[0])
            fprintf(f, "  detail: %s\n", fd->detail);
        fprintf(f, "  repro: %s\n", fd->repro);
    }
    for (size_t k = 0; k < g->n_bad; k++) {
        const struct pf_rcell *c = &r->cells[g->bad_cells[k]];
        fprintf(f, "UNEXPECTED %s on %s: ", r->scenarios[c->scenario].id, r->interps[c->interp].id);
        if (c->error) {
            fprintf(f, "could not run: %s\n", c->error);
            continue;
        }
        fprintf(f, "%ld of %ld trial%s outside ", c->unexpected, c->trials, c->trials == 1 ? "" : "s");
        put_class_list(f, c->expected);
        fputs(" (", f);
        int first = 1;
        for (int cl = 0; cl < PF_CLASS_COUNT; cl++)
            if (c->counts[cl] && !(c->expected & (1u << cl))) {
                fprintf(f, "%s%s %ld", first ? "" : ", ", pf_class_name(cl), c->counts[cl]);
                first = 0;
            }
        fputs(")\n", f);
    }
    fprintf(f, "gate: %s: %zu new finding%s, %zu violated expectation%s (run: %zu findings; baseline %s: %zu)%s\n",
            pf_gate_passed(g) ? "PASS" : "FAIL", g->n_new, g->n_new == 1 ? "" : "s", g->n_bad,
            g->n_bad == 1 ? "" : "s", r->n_findings, baseline_name, baseline_n,
            r->complete ? "" : "; the run is INCOMPLETE");
}

void pf_gate_free(struct pf_gate *g)
{
    free(g->new_findings);
    free(g->bad_cells);
    memset(g, 0, sizeof *g);
}
