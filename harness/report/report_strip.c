/* report_strip.c: strips are run-length encoded (a 20,000-point sweep is
 * a few hundred rects), drawn in a 1000-wide viewBox that stretches to the
 * page, so a band of unwind-loops is visible at a glance. */
#include "report_strip.h"

#include <string.h>

#include "report_text.h"

#define VIEW_W 1000.0

const char *pf_class_color(enum pf_class c)
{
    static const char *const colors[PF_CLASS_COUNT] = {
        [PF_OK] = "#59a14f",          [PF_ERROR] = "#a0cbe8",    [PF_FATAL] = "#f1ce63",
        [PF_ABORT] = "#ff9d9a",       [PF_SEGFAULT] = "#c0392b", [PF_STACK_OVERFLOW] = "#8e44ad",
        [PF_UNWIND_LOOP] = "#1f4e9c", [PF_HANG] = "#f28e2b",     [PF_SIGNAL] = "#d37295",
        [PF_HARNESS_ERROR] = "#9d9d9d",
    };
    return (unsigned)c < PF_CLASS_COUNT ? colors[c] : "#000000";
}

const char *pf_verdict_color(enum pf_verdict_kind v)
{
    static const char *const colors[PF_V_COUNT] = {"#2e9e44", "#f28e2b", "#c0392b", "#8e44ad"};
    return (unsigned)v < PF_V_COUNT ? colors[v] : "#000000";
}

/* The step after each point: the gap to the next one, or the stride. */
static long step_of(const struct pf_results *r, const struct pf_rcell *c)
{
    long s = r->scenarios[c->scenario].stride;
    return s > 0 ? s : 1;
}

long pf_strip_span(const struct pf_results *r, int s)
{
    long span = 0, alloc = 0;
    for (size_t i = 0; i < r->n_cells; i++) {
        const struct pf_rcell *c = &r->cells[i];
        if (c->scenario != s)
            continue;
        if (c->allocations > alloc)
            alloc = c->allocations;
        for (size_t j = c->first; j < c->first + c->n; j++) {
            long p = r->trials[r->order[j]].point;
            if (p > 0 && p + step_of(r, c) - 1 > span)
                span = p + step_of(r, c) - 1;
        }
    }
    /* single runs only: no strip, whatever the counting run found */
    return span > 0 && alloc > span ? alloc : span;
}

static double x_of(long point, long span)
{
    return (double)(point - 1) * VIEW_W / (double)span;
}

static void open_svg(FILE *f, const char *label)
{
    fprintf(f, "<svg class=\"strip\" viewBox=\"0 0 %.0f 20\" preserveAspectRatio=\"none\" shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"",
            VIEW_W);
    pf_put_xml(f, label);
    fputs("\">", f);
}

static void put_run(FILE *f, const struct pf_results *r, const struct pf_rtrial *t, long a, long b, long end,
                    long n, long span)
{
    double x0 = x_of(a, span), x1 = x_of(end, span);
    double w = x1 - x0 < 0.6 ? 0.6 : x1 - x0; /* a lone point stays visible */
    fprintf(f, "<rect x=\"%.2f\" y=\"0\" width=\"%.2f\" height=\"15\" fill=\"%s\"><title>", x0, w,
            pf_class_color(t->cls));
    if (a == b)
        fprintf(f, "point %ld", a);
    else
        fprintf(f, "points %ld-%ld (%ld trials)", a, b, n);
    fprintf(f, ": %s%s", pf_class_name(t->cls), t->expected ? "" : " (unexpected)");
    fputs("\n", f);
    pf_put_xml(f, t->signature);
    (void)r;
    fputs("</title></rect>", f);
    if (!t->expected)
        fprintf(f, "<rect class=\"unexp\" x=\"%.2f\" y=\"16\" width=\"%.2f\" height=\"4\" fill=\"#d62728\"/>", x0, w);
}

void pf_strip_cell(FILE *f, const struct pf_results *r, const struct pf_rcell *c, const char *mode, long span)
{
    char label[256];
    snprintf(label, sizeof label, "%s on %s, %s", r->scenarios[c->scenario].id, r->interps[c->interp].id, mode);
    open_svg(f, label);
    long step = step_of(r, c);
    const struct pf_rtrial *run = NULL;
    long a = 0, b = 0, n = 0;
    for (size_t j = c->first; j <= c->first + c->n; j++) {
        const struct pf_rtrial *t = j < c->first + c->n ? &r->trials[r->order[j]] : NULL;
        if (t && (t->point < 1 || strcmp(t->mode, mode) != 0))
            continue;
        if (run && t && t->cls == run->cls && t->finding == run->finding && t->expected == run->expected) {
            b = t->point;
            n++;
            continue;
        }
        if (run)
            put_run(f, r, run, a, b, t ? t->point : b + step, n, span);
        run = t;
        if (t) {
            a = b = t->point;
            n = 1;
        }
    }
    fputs("</svg>", f);
}

void pf_strip_verdicts(FILE *f, const struct pf_results *r, const struct pf_vpoint *vs, size_t n, long span)
{
    open_svg(f, "verdicts");
    for (size_t i = 0; i < n; i++) {
        if (vs[i].point < 1)
            continue;
        const struct pf_rtrial *t = &r->trials[vs[i].other_trial >= 0 ? vs[i].other_trial : vs[i].base_trial];
        long step = step_of(r, &r->cells[t->cell]);
        double x0 = x_of(vs[i].point, span), w = (double)step * VIEW_W / (double)span;
        fprintf(f, "<rect x=\"%.2f\" y=\"0\" width=\"%.2f\" height=\"20\" fill=\"%s\"><title>point %ld: %s</title></rect>",
                x0, w < 0.6 ? 0.6 : w, pf_verdict_color(vs[i].verdict), vs[i].point, pf_verdict_name(vs[i].verdict));
    }
    fputs("</svg>", f);
}

void pf_strip_axis(FILE *f, long span)
{
    fputs("<div class=\"axis\">", f);
    for (int q = 0; q <= 4; q++) {
        long p = q == 0 ? 1 : span * q / 4;
        fprintf(f, "<span style=\"left:%d%%\">%ld</span>", q * 25, p);
    }
    fputs("</div>", f);
}
