/* gate_junit.c: the gate's verdict as JUnit XML, so a CI test reporter
 * lists a new finding or a broken expectation as a failed test by name. */
#include "gate.h"

#include "report_cell.h"
#include "report_text.h"

static int is_in(const size_t *v, size_t n, size_t x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x)
            return 1;
    return 0;
}

/* G's verdict on cell I, or NULL when it is not violated. */
static const struct pf_gate_cell *bad_cell(const struct pf_gate *g, size_t i)
{
    for (size_t k = 0; k < g->n_bad; k++)
        if (g->bad_cells[k].cell == i)
            return &g->bad_cells[k];
    return NULL;
}

static void put_complete(FILE *f, const struct pf_results *r, const struct pf_gate *g)
{
    fputs("    <testcase classname=\"pyfault.gate.run\" name=\"complete\"", f);
    if (!g->incomplete) {
        fputs(r->complete ? "/>\n" : ">\n      <skipped message=\"incomplete run allowed\"/>\n    </testcase>\n", f);
        return;
    }
    fputs(">\n      <failure type=\"incomplete\" message=\"the run is incomplete (&quot;complete&quot;: "
          "false): a sweep stopped early, or a merge with a shard missing or interrupted\"/>\n"
          "    </testcase>\n", f);
}

static void put_cell(FILE *f, const struct pf_results *r, const struct pf_gate *g, size_t i)
{
    const struct pf_rcell *c = &r->cells[i];
    fputs("    <testcase classname=\"pyfault.gate.expectation\" name=\"", f);
    pf_put_xml(f, r->scenarios[c->scenario].id);
    fputs(" on ", f);
    pf_put_xml(f, r->interps[c->interp].id);
    fprintf(f, "\" time=\"%.3f\"", pf_cell_seconds(r, c));
    const struct pf_gate_cell *bc = bad_cell(g, i);
    if (!bc) {
        fputs("/>\n", f);
        return;
    }
    fputs(">\n      <failure type=\"expectation\" message=\"", f);
    if (c->error) {
        fputs("could not run: ", f);
        pf_put_xml(f, c->error);
    } else {
        fprintf(f, "%ld of %ld trials have a class the scenario does not expect here and the "
                   "baseline does not know", bc->unaccepted, c->trials);
    }
    fputs("\"/>\n    </testcase>\n", f);
}

static void put_finding(FILE *f, const struct pf_results *r, const struct pf_gate *g, size_t i)
{
    const struct pf_rfinding *fd = &r->findings[i];
    fprintf(f, "    <testcase classname=\"pyfault.gate.finding.%s\" name=\"", pf_class_name(fd->cls));
    pf_put_xml(f, fd->signature);
    fputc('"', f);
    if (!is_in(g->new_findings, g->n_new, i)) {
        fputs("/>\n", f);
        return;
    }
    fprintf(f, ">\n      <failure type=\"%s\" message=\"new finding (not in the baseline): ",
            pf_class_name(fd->cls));
    pf_put_xml(f, fd->signature);
    fprintf(f, "\">%ld trials\n", fd->count);
    for (size_t k = 0; k < fd->n_frames && k < 8; k++) {
        fputs("  at ", f);
        pf_put_xml(f, fd->frames[k]);
        fputc('\n', f);
    }
    fputs("repro: ", f);
    pf_put_xml(f, fd->repro);
    fputs("\n</failure>\n    </testcase>\n", f);
}

void pf_gate_junit(FILE *f, const struct pf_results *r, const struct pf_gate *g)
{
    size_t shown = 0;
    for (size_t i = 0; i < r->n_findings; i++)
        shown += r->findings[i].cls != PF_OK;
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"pyfault gate\">\n", f);
    fprintf(f, "  <testsuite name=\"pyfault.gate\" tests=\"%zu\" failures=\"%zu\" errors=\"0\"%s>\n",
            1 + r->n_cells + shown, (size_t)g->incomplete + g->n_bad + g->n_new,
            !r->complete && !g->incomplete ? " skipped=\"1\"" : "");
    put_complete(f, r, g);
    for (size_t i = 0; i < r->n_cells; i++)
        put_cell(f, r, g, i);
    for (size_t i = 0; i < r->n_findings; i++)
        if (r->findings[i].cls != PF_OK)
            put_finding(f, r, g, i);
    fputs("  </testsuite>\n</testsuites>\n", f);
}
