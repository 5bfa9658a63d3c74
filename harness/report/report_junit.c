/* report_junit.c: junit.xml. CI systems show a failure's message in lists
 * and its text on click: the message says what broke, the text how to
 * reproduce it. */
#include "report_junit.h"

#include "report_cell.h"
#include "report_text.h"

#define MAX_NAMED 10 /* findings named per failure; the rest are counted */

static void put_counts(FILE *f, const struct pf_rcell *c)
{
    int first = 1;
    for (int k = 0; k < PF_CLASS_COUNT; k++)
        if (c->counts[k]) {
            fprintf(f, "%s%s %ld", first ? "" : ", ", pf_class_name(k), c->counts[k]);
            first = 0;
        }
    if (first)
        fputs("no trials", f);
}

static void put_failure(FILE *f, const struct pf_results *r, const struct pf_rcell *c, enum pf_class cls)
{
    long idx[MAX_NAMED], cnt[MAX_NAMED];
    size_t n = pf_cell_findings(r, c, cls, idx, cnt, MAX_NAMED);
    long trials = 0;
    for (size_t j = c->first; j < c->first + c->n; j++) {
        const struct pf_rtrial *t = &r->trials[r->order[j]];
        trials += !t->expected && t->cls == cls;
    }
    fprintf(f, "      <failure type=\"%s\" message=\"", pf_class_name(cls));
    fprintf(f, "%ld unexpected %s trial%s, %zu finding%s: ", trials, pf_class_name(cls),
            trials == 1 ? "" : "s", n, n == 1 ? "" : "s");
    if (n)
        pf_put_xml(f, r->findings[idx[0]].signature);
    fputs("\">", f);
    for (size_t i = 0; i < n && i < MAX_NAMED; i++) {
        const struct pf_rfinding *fd = &r->findings[idx[i]];
        fprintf(f, "finding %ld (%ld trial%s here, %ld in all): ", fd->id, cnt[i], cnt[i] == 1 ? "" : "s",
                fd->count);
        pf_put_xml(f, fd->signature);
        fputc('\n', f);
        if (fd->detail[0]) {
            fputs("  detail: ", f);
            pf_put_xml(f, fd->detail);
            fputc('\n', f);
        }
        for (size_t k = 0; k < fd->n_frames && k < 8; k++) {
            fputs("  at ", f);
            pf_put_xml(f, fd->frames[k]);
            fputc('\n', f);
        }
        fputs("  repro: ", f);
        pf_put_xml(f, fd->repro);
        fputs("\n\n", f);
    }
    if (n > MAX_NAMED)
        fprintf(f, "... and %zu more findings: see index.html\n", n - MAX_NAMED);
    fputs("</failure>\n", f);
}

static void put_case(FILE *f, const struct pf_results *r, const struct pf_rcell *c)
{
    const struct pf_rinterp *ip = &r->interps[c->interp];
    fputs("    <testcase classname=\"pyfault.", f);
    pf_put_xml(f, r->scenarios[c->scenario].id);
    fputs("\" name=\"", f);
    pf_put_xml(f, ip->id);
    fprintf(f, "\" time=\"%.3f\">\n", pf_cell_seconds(r, c));
    if (c->error) {
        fputs("      <error type=\"harness-error\" message=\"", f);
        pf_put_xml(f, c->error);
        fputs("\"/>\n", f);
    } else if (c->trials == 0) {
        fputs("      <skipped message=\"no trials\"/>\n", f);
    }
    unsigned bad = pf_cell_unexpected_classes(r, c);
    for (int k = 0; k < PF_CLASS_COUNT; k++)
        if (bad & (1u << k))
            put_failure(f, r, c, k);
    fputs("      <system-out>", f);
    put_counts(f, c);
    if (c->allocations >= 0)
        fprintf(f, " (M = %ld allocations)", c->allocations);
    fputs("\n", f);
    pf_put_xml(f, ip->path);
    fputs(" ", f);
    pf_put_xml(f, ip->version);
    fputs(" sha256 ", f);
    pf_put_xml(f, ip->sha256);
    fputs("</system-out>\n    </testcase>\n", f);
}

struct tally {
    long tests, failures, errors, skipped;
    double time;
};

static void tally_cell(const struct pf_results *r, const struct pf_rcell *c, struct tally *t)
{
    t->tests++;
    t->failures += pf_cell_unexpected_classes(r, c) != 0;
    t->errors += c->error != NULL;
    t->skipped += !c->error && c->trials == 0;
    t->time += pf_cell_seconds(r, c);
}

static void put_tally(FILE *f, const struct tally *t)
{
    fprintf(f, " tests=\"%ld\" failures=\"%ld\" errors=\"%ld\" skipped=\"%ld\" time=\"%.3f\"", t->tests,
            t->failures, t->errors, t->skipped, t->time);
}

static void put_property(FILE *f, const char *name, const char *value)
{
    fprintf(f, "      <property name=\"%s\" value=\"", name);
    pf_put_xml(f, value);
    fputs("\"/>\n", f);
}

void pf_report_junit(FILE *f, const struct pf_results *r)
{
    struct tally all = {0};
    for (size_t i = 0; i < r->n_cells; i++)
        tally_cell(r, &r->cells[i], &all);
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"pyfault\"", f);
    put_tally(f, &all);
    fputs(">\n", f);
    for (size_t s = 0; s < r->n_scenarios; s++) {
        const struct pf_rscenario *sc = &r->scenarios[s];
        struct tally t = {0};
        for (size_t i = 0; i < r->n_cells; i++)
            if (r->cells[i].scenario == (int)s)
                tally_cell(r, &r->cells[i], &t);
        fputs("  <testsuite name=\"pyfault.", f);
        pf_put_xml(f, sc->id);
        fputc('"', f);
        put_tally(f, &t);
        fputs(">\n    <properties>\n", f);
        put_property(f, "path", sc->path);
        put_property(f, "issue", sc->issue);
        put_property(f, "plan", sc->plan);
        put_property(f, "inject", sc->inject);
        put_property(f, "created", r->created);
        put_property(f, "complete", r->complete ? "true" : "false");
        fputs("    </properties>\n", f);
        for (size_t i = 0; i < r->n_cells; i++)
            if (r->cells[i].scenario == (int)s)
                put_case(f, r, &r->cells[i]);
        fputs("  </testsuite>\n", f);
    }
    fputs("</testsuites>\n", f);
}
