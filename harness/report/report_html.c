/* report_html.c: index.html. Rendered whole on the C side so the page
 * needs no data island and no script to show anything; the script only
 * sorts, filters and copies. */
#include "report_html.h"

#include <stdlib.h>
#include <string.h>

#include "report_assets.h"
#include "report_rank.h"
#include "report_strip.h"
#include "report_text.h"
#include "report_verdict.h"

#define MAX_PAIRS 16
#define MAX_VERDICT_ROWS 400 /* per pair and scenario */

static int light(enum pf_class c)
{
    return c == PF_OK || c == PF_ERROR || c == PF_FATAL || c == PF_ABORT || c == PF_HARNESS_ERROR;
}

static void pill(FILE *f, enum pf_class c)
{
    fprintf(f, "<span class=\"pill%s\" style=\"background:%s\">%s</span>", light(c) ? " light" : "",
            pf_class_color(c), pf_class_name(c));
}

static void legend(FILE *f)
{
    fputs("<div class=\"legend\">", f);
    for (int k = 0; k < PF_CLASS_COUNT; k++)
        fprintf(f, "<span><i class=\"sw\" style=\"background:%s\"></i>%s</span>", pf_class_color(k),
                pf_class_name(k));
    fputs("<span><i class=\"sw\" style=\"background:#d62728;height:4px;vertical-align:2px\"></i>"
          "unexpected (underlined)</span></div>\n",
          f);
}

static void head(FILE *f, const struct pf_results *r)
{
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n",
          f);
    fprintf(f, "<title>pyfault report: %ld trials, %ld unexpected</title>\n<style>\n%s</style></head>\n<body>\n",
            r->total_trials, r->total_unexpected, pf_report_css);
    fprintf(f, "<h1>pyfault report: %ld trials, <span class=\"%s\">%ld unexpected</span></h1>\n", r->total_trials,
            r->total_unexpected ? "bad" : "", r->total_unexpected);
    fprintf(f, "<p class=\"meta\">%zu scenarios &times; %zu interpreters, ", r->n_scenarios, r->n_interps);
    pf_put_xml(f, r->created);
    if (r->shard_count)
        fprintf(f, ", shard %d of %d", r->shard_index, r->shard_count);
    if (r->duration_ms)
        fprintf(f, ", %.1f s", (double)r->duration_ms / 1000.0);
    fputs(r->complete ? "</p>\n"
                      : ", <span class=\"bad\">incomplete: the run was interrupted or cut short "
                        "by a harness error</span></p>\n",
          f);
    fputs("<nav><a href=\"#interpreters\">Interpreters</a><a href=\"#strips\">Outcome strips</a>"
          "<a href=\"#verdicts\">Patched vs vanilla</a><a href=\"#findings\">Findings</a></nav>\n",
          f);
}

static void interpreters(FILE *f, const struct pf_results *r)
{
    fputs("<h2 id=\"interpreters\">Interpreters</h2>\n<table class=\"grid sortable\"><thead><tr>"
          "<th>interpreter</th><th>version</th><th class=\"n\">trials</th>",
          f);
    for (int k = 0; k < PF_CLASS_COUNT; k++)
        if (r->counts[k])
            fprintf(f, "<th class=\"n\"><i class=\"sw\" style=\"background:%s\"></i>%s</th>", pf_class_color(k),
                    pf_class_name(k));
    fputs("<th class=\"n\">unexpected</th><th>binary</th></tr></thead><tbody>\n", f);
    for (size_t i = 0; i < r->n_interps; i++) {
        long per[PF_CLASS_COUNT] = {0}, trials = 0, unexpected = 0;
        for (size_t c = 0; c < r->n_cells; c++)
            if (r->cells[c].interp == (int)i) {
                trials += r->cells[c].trials;
                unexpected += r->cells[c].unexpected;
                for (int k = 0; k < PF_CLASS_COUNT; k++)
                    per[k] += r->cells[c].counts[k];
            }
        const struct pf_rinterp *ip = &r->interps[i];
        fputs("<tr><td>", f);
        pf_put_xml(f, ip->id);
        fputs("</td><td>", f);
        pf_put_xml(f, ip->version);
        fprintf(f, "</td><td class=\"n\">%ld</td>", trials);
        for (int k = 0; k < PF_CLASS_COUNT; k++)
            if (r->counts[k])
                fprintf(f, "<td class=\"n\">%ld</td>", per[k]);
        fprintf(f, "<td class=\"n%s\">%ld</td><td class=\"sig\" title=\"sha256 ", unexpected ? " bad" : "", unexpected);
        pf_put_xml(f, ip->sha256);
        fputs("\">", f);
        pf_put_xml(f, ip->path);
        fputs(" <small>", f);
        fprintf(f, "%.12s", ip->sha256);
        fputs("</small></td></tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

static void cell_note(FILE *f, const struct pf_rcell *c)
{
    fputs("<td class=\"c\">", f);
    if (c->error) {
        fputs("<span class=\"bad\" title=\"", f);
        pf_put_xml(f, c->error);
        fputs("\">could not run</span>", f);
    } else {
        fprintf(f, "%ld trial%s", c->trials, c->trials == 1 ? "" : "s");
        if (c->unexpected)
            fprintf(f, ", <span class=\"bad\">%ld unexpected</span>", c->unexpected);
    }
    fputs("</td>", f);
}

/* The modes of C's sweep trials (point >= 1), in order, at most 4. */
static size_t cell_modes(const struct pf_results *r, const struct pf_rcell *c, const char **out)
{
    size_t n = 0;
    for (size_t j = c->first; j < c->first + c->n; j++) {
        const struct pf_rtrial *t = &r->trials[r->order[j]];
        if (t->point < 1 || (n && strcmp(out[n - 1], t->mode) == 0))
            continue;
        if (n < 4)
            out[n++] = t->mode;
    }
    return n;
}

static void single_runs(FILE *f, const struct pf_results *r, const struct pf_rcell *c)
{
    fputs("<td class=\"s\">", f);
    for (size_t j = c->first; j < c->first + c->n; j++) {
        const struct pf_rtrial *t = &r->trials[r->order[j]];
        if (t->point >= 1)
            continue;
        fprintf(f, "<span class=\"one%s\" title=\"", t->expected ? "" : " unexp");
        pf_put_xml(f, t->signature);
        fprintf(f, "\"><i style=\"background:%s\"></i>%s%s</span> ", pf_class_color(t->cls), pf_class_name(t->cls),
                t->expected ? "" : " <span class=\"bad\">unexpected</span>");
    }
    fputs("</td>", f);
}

/* Scenarios with single runs only, as one table: a row per scenario, a
 * column per interpreter, a chip per run. */
static void single_matrix(FILE *f, const struct pf_results *r)
{
    size_t n = 0;
    for (size_t s = 0; s < r->n_scenarios; s++)
        n += pf_strip_span(r, (int)s) == 0;
    if (!n)
        return;
    fputs("<h3>Single runs</h3>\n<table class=\"grid sortable single\"><thead><tr><th>scenario</th>", f);
    for (size_t i = 0; i < r->n_interps; i++) {
        fputs("<th>", f);
        pf_put_xml(f, r->interps[i].id);
        fputs("</th>", f);
    }
    fputs("</tr></thead><tbody>\n", f);
    for (size_t s = 0; s < r->n_scenarios; s++) {
        if (pf_strip_span(r, (int)s) != 0)
            continue;
        const struct pf_rscenario *sc = &r->scenarios[s];
        fputs("<tr><td title=\"", f);
        pf_put_xml(f, sc->path);
        fputs("\">", f);
        pf_put_xml(f, sc->id);
        fputs("<br><small class=\"meta\">", f);
        pf_put_xml(f, sc->issue);
        fputs("</small></td>", f);
        for (size_t i = 0; i < r->n_interps; i++) {
            int c = pf_results_cell(r, (int)s, (int)i);
            if (c < 0) {
                fputs("<td></td>", f);
                continue;
            }
            const struct pf_rcell *cl = &r->cells[c];
            if (cl->error) {
                fputs("<td><span class=\"bad\" title=\"", f);
                pf_put_xml(f, cl->error);
                fputs("\">could not run</span></td>", f);
                continue;
            }
            single_runs(f, r, cl);
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

static void strips(FILE *f, const struct pf_results *r)
{
    fputs("<h2 id=\"strips\">Outcome strips</h2>\n<p class=\"meta\">One strip per scenario &times; interpreter "
          "over the allocation index: point N is a run whose Nth allocation (and, persistent, every later one) "
          "failed. Hover a band for its points and signature.</p>\n",
          f);
    legend(f);
    for (size_t s = 0; s < r->n_scenarios; s++) {
        const struct pf_rscenario *sc = &r->scenarios[s];
        long span = pf_strip_span(r, (int)s);
        if (span == 0)
            continue; /* single runs only: in the table below */
        fputs("<section class=\"scn\"><h3>", f);
        pf_put_xml(f, sc->id);
        fputs(" <small>", f);
        pf_put_xml(f, sc->plan);
        if (sc->stride)
            fprintf(f, ", stride %ld", sc->stride);
        if (sc->inject[0]) {
            fputs(", inject ", f);
            pf_put_xml(f, sc->inject);
        }
        if (sc->issue[0]) {
            fputs(", ", f);
            pf_put_xml(f, sc->issue);
        }
        fputs("</small></h3>\n<table class=\"strips\">\n", f);
        for (size_t c = 0; c < r->n_cells; c++) {
            const struct pf_rcell *cl = &r->cells[c];
            if (cl->scenario != (int)s)
                continue;
            const char *modes[4];
            size_t nm = cell_modes(r, cl, modes);
            for (size_t m = 0; m < nm; m++) {
                fputs("<tr><th>", f);
                pf_put_xml(f, r->interps[cl->interp].id);
                if (nm > 1)
                    fprintf(f, " <small>%s</small>", modes[m]);
                fputs("</th><td class=\"s\">", f);
                pf_strip_cell(f, r, cl, modes[m], span);
                fputs("</td>", f);
                cell_note(f, cl);
                fputs("</tr>\n", f);
            }
            if ((size_t)cl->n > 0 && r->trials[r->order[cl->first]].point < 1) {
                fputs("<tr><th>", f);
                pf_put_xml(f, r->interps[cl->interp].id);
                fputs("</th>", f);
                single_runs(f, r, cl);
                cell_note(f, cl);
                fputs("</tr>\n", f);
            } else if (nm == 0) {
                fputs("<tr><th>", f);
                pf_put_xml(f, r->interps[cl->interp].id);
                fputs("</th><td class=\"s\"></td>", f);
                cell_note(f, cl);
                fputs("</tr>\n", f);
            }
        }
        if (span > 0) {
            fputs("<tr><th></th><td>", f);
            pf_strip_axis(f, span);
            fputs("</td><td></td></tr>\n", f);
        }
        fputs("</table></section>\n", f);
    }
    single_matrix(f, r);
}

static void verdict_side(FILE *f, const struct pf_results *r, long t)
{
    fputs("<td>", f);
    if (t < 0) {
        fputs("<small>not run</small></td>", f);
        return;
    }
    pill(f, r->trials[t].cls);
    fputs(" <span class=\"sig\">", f);
    pf_put_xml(f, r->trials[t].signature);
    fputs("</span></td>", f);
}

/* Rows of equal verdict and classes on both sides collapse into one range. */
static size_t verdict_rows(FILE *f, const struct pf_results *r, int s, const struct pf_vpoint *vs, size_t n,
                           size_t budget)
{
    size_t rows = 0;
    for (size_t i = 0; i < n && rows < budget;) {
        size_t j = i + 1;
        while (j < n && vs[j].verdict == vs[i].verdict && strcmp(vs[j].mode, vs[i].mode) == 0 &&
               (vs[j].base_trial < 0) == (vs[i].base_trial < 0) && (vs[j].other_trial < 0) == (vs[i].other_trial < 0) &&
               (vs[i].base_trial < 0 || r->trials[vs[j].base_trial].cls == r->trials[vs[i].base_trial].cls) &&
               (vs[i].other_trial < 0 || r->trials[vs[j].other_trial].cls == r->trials[vs[i].other_trial].cls))
            j++;
        fprintf(f, "<tr data-k=\"%s\"><td>", pf_verdict_name(vs[i].verdict));
        pf_put_xml(f, r->scenarios[s].id);
        fputs("</td>", f);
        if (vs[i].point < 1)
            fputs("<td class=\"n\" data-v=\"0\">single run</td>", f);
        else if (j - i == 1)
            fprintf(f, "<td class=\"n\" data-v=\"%ld\">%ld</td>", vs[i].point, vs[i].point);
        else
            fprintf(f, "<td class=\"n\" data-v=\"%ld\">%ld&ndash;%ld <small>(%zu)</small></td>", vs[i].point,
                    vs[i].point, vs[j - 1].point, j - i);
        fprintf(f, "<td><span class=\"pill\" style=\"background:%s\">%s</span></td>", pf_verdict_color(vs[i].verdict),
                pf_verdict_name(vs[i].verdict));
        verdict_side(f, r, vs[i].base_trial);
        verdict_side(f, r, vs[i].other_trial);
        fputs("</tr>\n", f);
        rows++;
        i = j;
    }
    return rows;
}

static void verdicts(FILE *f, const struct pf_results *r)
{
    struct pf_vpair pairs[MAX_PAIRS];
    size_t np = pf_verdict_pairs(r, pairs, MAX_PAIRS);
    if (np > MAX_PAIRS)
        np = MAX_PAIRS;
    fputs("<h2 id=\"verdicts\">Patched vs vanilla</h2>\n<p class=\"meta\">Per point where either build fails "
          "(abort, segfault, stack-overflow, unwind-loop, hang, signal): <b>fixed</b> vanilla fails, the other "
          "does not; <b>still failing</b> both fail; <b>regressed</b> only the other fails, as vanilla does "
          "elsewhere; <b>new</b> only the other fails, in a way vanilla never does. Builds allocate "
          "differently, so points are matched by site key (the failing call and the Python line), "
          "N breaking ties; N is vanilla's.</p>\n",
          f);
    if (!np) {
        fputs("<p>No x.y-patched or x.y-regress interpreter with its x.y-vanilla in this run.</p>\n", f);
        return;
    }
    for (size_t p = 0; p < np; p++) {
        const char *bid = r->interps[pairs[p].base].id, *oid = r->interps[pairs[p].other].id;
        fputs("<h3>", f);
        pf_put_xml(f, oid);
        fputs(" vs ", f);
        pf_put_xml(f, bid);
        fputs("</h3>\n<table class=\"strips\">\n", f);
        char tid[32];
        snprintf(tid, sizeof tid, "verdicts-%zu", p);
        size_t ns = r->n_scenarios;
        struct pf_vpoint **all = calloc(ns ? ns : 1, sizeof *all);
        size_t *alln = calloc(ns ? ns : 1, sizeof *alln);
        if (!all || !alln)
            ns = 0; /* out of memory: the section stays empty */
        for (size_t s = 0; s < ns; s++) {
            all[s] = pf_verdicts(r, (int)s, pairs[p], &alln[s]);
            if (!alln[s])
                continue;
            long cnt[PF_V_COUNT] = {0};
            for (size_t i = 0; i < alln[s]; i++)
                cnt[all[s][i].verdict]++;
            fputs("<tr><th>", f);
            pf_put_xml(f, r->scenarios[s].id);
            fputs("</th><td class=\"s\">", f);
            long span = pf_strip_span(r, (int)s);
            if (span > 0)
                pf_strip_verdicts(f, r, all[s], alln[s], span);
            fputs("<div class=\"vsum\">", f);
            for (int v = 0; v < PF_V_COUNT; v++)
                if (cnt[v])
                    fprintf(f, "<span><i class=\"sw\" style=\"background:%s\"></i>%s %ld</span>", pf_verdict_color(v),
                            pf_verdict_name(v), cnt[v]);
            fputs("</div></td><td class=\"c\"></td></tr>\n", f);
        }
        fputs("</table>\n<details><summary>every range of points, with both sides' outcome</summary>\n", f);
        fprintf(f, "<div class=\"filters\" data-table=\"%s\"><select><option value=\"\">every verdict</option>", tid);
        for (int v = 0; v < PF_V_COUNT; v++)
            fprintf(f, "<option>%s</option>", pf_verdict_name(v));
        fputs("</select><input type=\"search\" placeholder=\"filter: signature, class, scenario\">"
              "<span class=\"shown meta\"></span></div>\n",
              f);
        fprintf(f, "<table class=\"grid sortable\" id=\"%s\"><thead><tr><th>scenario</th><th class=\"n\">points</th>"
                   "<th>verdict</th><th>",
                tid);
        pf_put_xml(f, bid);
        fputs("</th><th>", f);
        pf_put_xml(f, oid);
        fputs("</th></tr></thead><tbody>\n", f);
        size_t budget = MAX_VERDICT_ROWS;
        for (size_t s = 0; s < ns; s++) {
            if (alln[s])
                budget -= verdict_rows(f, r, (int)s, all[s], alln[s], budget);
            free(all[s]);
        }
        free(all);
        free(alln);
        fputs("</tbody></table>\n", f);
        if (!budget)
            fprintf(f, "<p class=\"meta\">Only the first %d ranges are listed.</p>\n", MAX_VERDICT_ROWS);
        fputs("</details>\n", f);
    }
}

static int is_new(const struct pf_results *base, const struct pf_rfinding *fd)
{
    return base && fd->cls != PF_OK && pf_results_finding(base, fd->cls, fd->signature) < 0;
}

static void joined(FILE *f, const char **items, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        fputs(i ? ", " : "", f);
        pf_put_xml(f, items[i]);
    }
}

static void findings(FILE *f, const struct pf_results *r, const struct pf_results *base)
{
    fprintf(f, "<h2 id=\"findings\">Findings (%zu)</h2>\n", r->n_findings);
    fputs("<div class=\"filters\" data-table=\"findings-table\"><input type=\"search\" placeholder=\"filter: "
          "signature, frame, interpreter, scenario\"><select><option value=\"\">every class</option>",
          f);
    for (int k = 0; k < PF_CLASS_COUNT; k++)
        fprintf(f, "<option>%s</option>", pf_class_name(k));
    fputs("</select><label><input type=\"checkbox\"> unexpected only</label><span class=\"shown meta\"></span></div>\n",
          f);
    fputs("<table class=\"grid sortable\" id=\"findings-table\"><thead><tr><th class=\"n\">#</th><th>class</th>"
          "<th>signature</th><th>frames</th><th class=\"n\">count</th><th>interpreters</th><th>scenarios</th>"
          "<th>repro</th></tr></thead><tbody>\n",
          f);
    size_t n;
    size_t *idx = pf_findings_ranked(r, 1, &n);
    for (size_t i = 0; idx && i < n; i++) {
        const struct pf_rfinding *fd = &r->findings[idx[i]];
        fprintf(f, "<tr data-k=\"%s\"%s><td class=\"n\">%ld</td><td data-v=\"%d\">", pf_class_name(fd->cls),
                fd->unexpected ? " class=\"unexp\"" : "", fd->id, pf_class_fails(fd->cls) * 100 + (int)fd->cls);
        pill(f, fd->cls);
        if (fd->unexpected)
            fputs(" <small class=\"bad\">unexpected</small>", f);
        if (fd->subkind[0]) {
            fputs(" <small>", f);
            pf_put_xml(f, fd->subkind);
            fputs("</small>", f);
        }
        fputs("</td><td class=\"sig\">", f);
        pf_put_xml(f, fd->signature);
        if (is_new(base, fd))
            fputs("<span class=\"new\">new</span>", f);
        if (fd->detail[0] && !strstr(fd->signature, fd->detail)) {
            fputs("<br><small>", f);
            pf_put_xml(f, fd->detail);
            fputs("</small>", f);
        }
        fputs("</td><td class=\"sig\">", f);
        if (fd->n_frames) {
            fprintf(f, "<details><summary>%zu frame%s</summary><ol class=\"frames\">", fd->n_frames,
                    fd->n_frames == 1 ? "" : "s");
            for (size_t k = 0; k < fd->n_frames; k++) {
                fputs("<li>", f);
                pf_put_xml(f, fd->frames[k]);
                if (k < fd->n_sources && fd->sources[k][0]) {
                    fputs(" <small>", f);
                    pf_put_xml(f, fd->sources[k]);
                    fputs("</small>", f);
                }
                fputs("</li>", f);
            }
            fputs("</ol></details>", f);
        }
        fprintf(f, "</td><td class=\"n\">%ld</td><td>", fd->count);
        joined(f, fd->interps, fd->n_interps);
        fputs("</td><td>", f);
        joined(f, fd->scenarios, fd->n_scenarios);
        fputs("</td><td><div class=\"repro\"><code>", f);
        pf_put_xml(f, fd->repro);
        fputs("</code><button class=\"copy\" type=\"button\">copy</button></div></td></tr>\n", f);
    }
    free(idx);
    fputs("</tbody></table>\n", f);
}

void pf_report_html(FILE *f, const struct pf_results *r, const struct pf_results *base)
{
    head(f, r);
    interpreters(f, r);
    strips(f, r);
    verdicts(f, r);
    findings(f, r, base);
    fprintf(f, "<script>\n%s</script>\n</body></html>\n", pf_report_js);
}
