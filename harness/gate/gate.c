/* gate.c: judging a run against its baseline, and saying why it failed
 * in words a CI log reader can act on (the repro line first of all). */
#include "gate.h"

#include <stdlib.h>
#include <string.h>

#include "report_text.h"

/* Cell I of R against B into OUT: its unexpected trials split into those
 * B knows (class + signature of their finding) and the rest. A cell's
 * "unexpected" count is the truth when it lists fewer trials than it
 * counts: the unlisted ones are not known. */
static void judge_cell(const struct pf_baseline *b, const struct pf_results *r, size_t i,
                       struct pf_gate_cell *out, long *known)
{
    const struct pf_rcell *c = &r->cells[i];
    long listed = 0, in_base = 0;
    memset(out, 0, sizeof *out);
    out->cell = i;
    for (size_t j = c->first; j < c->first + c->n; j++) {
        const struct pf_rtrial *t = &r->trials[r->order[j]];
        const struct pf_rfinding *f = &r->findings[t->finding];
        if (t->expected)
            continue;
        /* ok is never a finding a baseline holds: a crash that went away
         * where one was expected stays a violation */
        if (f->cls != PF_OK && pf_baseline_has(b, f->cls, f->signature)) {
            in_base++;
            continue;
        }
        out->counts[t->cls]++;
        listed++;
    }
    out->unaccepted = c->unexpected - in_base > listed ? c->unexpected - in_base : listed;
    *known = in_base;
}

int pf_gate_judge(const struct pf_baseline *b, const struct pf_results *r, int allow_incomplete,
                  struct pf_gate *g)
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
    for (size_t i = 0; i < r->n_cells; i++) {
        struct pf_gate_cell *bc = &g->bad_cells[g->n_bad];
        long known;
        judge_cell(b, r, i, bc, &known);
        g->known += known;
        if (bc->unaccepted > 0 || r->cells[i].error)
            g->n_bad++;
    }
    g->incomplete = !r->complete && !allow_incomplete;
    return 0;
}

int pf_gate_passed(const struct pf_gate *g)
{
    return g->n_new == 0 && g->n_bad == 0 && !g->incomplete;
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
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ", " : "", f);
        pf_put_plain(f, v[i]);
    }
}

void pf_gate_print(FILE *f, const struct pf_results *r, const struct pf_gate *g,
                   const char *baseline_name, size_t baseline_n)
{
    for (size_t k = 0; k < g->n_new; k++) {
        const struct pf_rfinding *fd = &r->findings[g->new_findings[k]];
        fprintf(f, "NEW %s: ", pf_class_name(fd->cls));
        pf_put_plain(f, fd->signature);
        fputc('\n', f);
        fprintf(f, "  %ld trial%s on ", fd->count, fd->count == 1 ? "" : "s");
        put_names(f, fd->interps, fd->n_interps);
        fputs(" in ", f);
        put_names(f, fd->scenarios, fd->n_scenarios);
        fputc('\n', f);
        if (fd->detail[0]) {
            fputs("  detail: ", f);
            pf_put_plain(f, fd->detail);
            fputc('\n', f);
        }
        fputs("  repro: ", f);
        pf_put_plain(f, fd->repro);
        fputc('\n', f);
    }
    for (size_t k = 0; k < g->n_bad; k++) {
        const struct pf_gate_cell *bc = &g->bad_cells[k];
        const struct pf_rcell *c = &r->cells[bc->cell];
        fputs("UNEXPECTED ", f);
        pf_put_plain(f, r->scenarios[c->scenario].id);
        fputs(" on ", f);
        pf_put_plain(f, r->interps[c->interp].id);
        fputs(": ", f);
        if (c->error) {
            fputs("could not run: ", f);
            pf_put_plain(f, c->error);
            fputc('\n', f);
            continue;
        }
        fprintf(f, "%ld of %ld trial%s outside ", bc->unaccepted, c->trials, c->trials == 1 ? "" : "s");
        put_class_list(f, c->expected);
        fputs(" (", f);
        long listed = 0;
        for (int cl = 0; cl < PF_CLASS_COUNT; cl++)
            if (bc->counts[cl]) {
                fprintf(f, "%s%s %ld", listed ? ", " : "", pf_class_name(cl), bc->counts[cl]);
                listed += bc->counts[cl];
            }
        if (listed < bc->unaccepted)
            fprintf(f, "%sunlisted %ld", listed ? ", " : "", bc->unaccepted - listed);
        fputs(")\n", f);
    }
    if (g->incomplete)
        fputs("INCOMPLETE run (\"complete\": false): a sweep stopped before its last point, or a merge "
              "with a shard missing or interrupted; what was not swept is not judged "
              "(--allow-incomplete passes it)\n", f);
    fprintf(f, "gate: %s: %zu new finding%s, %zu violated expectation%s (run: %zu findings; baseline %s: %zu)",
            pf_gate_passed(g) ? "PASS" : "FAIL", g->n_new, g->n_new == 1 ? "" : "s", g->n_bad,
            g->n_bad == 1 ? "" : "s", r->n_findings, baseline_name, baseline_n);
    if (g->known)
        fprintf(f, "; %ld unexpected trial%s known to the baseline", g->known, g->known == 1 ? "" : "s");
    if (!r->complete)
        fputs(g->incomplete ? "; the run is INCOMPLETE" : "; the run is INCOMPLETE (allowed)", f);
    fputc('\n', f);
}
void pf_gate_free(struct pf_gate *g)
{
    free(g->new_findings);
    free(g->bad_cells);
    memset(g, 0, sizeof *g);
}
