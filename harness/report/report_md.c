/* report_md.c: summary.md. GitHub's job summary and PR comments cap the
 * size, and a person reads the first screen only: totals first, then what
 * is wrong, then how to reproduce it; everything else is in index.html. */
#include "report_md.h"

#include <stdlib.h>
#include <string.h>

#include "report_rank.h"
#include "report_text.h"
#include "report_verdict.h"

#define MAX_CELLS 30     /* unexpected cells listed */
#define MAX_FINDINGS 12  /* findings listed with their repro */
#define MAX_DIFF 20      /* new / fixed findings listed */
#define MAX_NAMES 8      /* interpreters or scenarios named per finding */
#define MAX_TEXT 300     /* bytes of a signature, source, id or message */
#define MAX_REPRO 2000   /* bytes of a repro command */
/* Past this many bytes the lists stop and point to index.html: the file
 * stays under 20 KB whatever results.json holds (a crafted one, a repro
 * line with a 16 KiB argument). */
#define BUDGET 16384

/* S cut to at most MAX bytes at a character's start, with "…" after a
 * cut, into BUF (MAX + 4 bytes); BUF. */
static const char *clip(const char *s, size_t max, char *buf)
{
    size_t n = strlen(s);
    if (n <= max)
        return s;
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
        n--;
    memcpy(buf, s, n);
    memcpy(buf + n, "\xe2\x80\xa6", 4); /* U+2026 and the NUL */
    return buf;
}

/* pf_put_md of S, at most MAX_TEXT bytes of it. */
static void put_text(FILE *f, const char *s)
{
    char buf[MAX_TEXT + 4];
    pf_put_md(f, clip(s, MAX_TEXT, buf));
}

/* pf_put_md_span of S, at most MAX_TEXT bytes of it. */
static void put_span(FILE *f, const char *s)
{
    char buf[MAX_TEXT + 4];
    pf_put_md_span(f, clip(s, MAX_TEXT, buf));
}

/* Has F grown past the budget? */
static int over_budget(FILE *f)
{
    return ftell(f) > BUDGET;
}

static void put_list(FILE *f, const char **items, size_t n)
{
    for (size_t i = 0; i < n && i < MAX_NAMES; i++) {
        fputs(i ? ", " : "", f);
        put_text(f, items[i]);
    }
    if (n > MAX_NAMES)
        fprintf(f, " and %zu more", n - MAX_NAMES);
}

static void put_counts_table(FILE *f, const struct pf_results *r)
{
    unsigned used = 0;
    long per[PF_CLASS_COUNT];
    for (int k = 0; k < PF_CLASS_COUNT; k++)
        if (r->counts[k])
            used |= 1u << k;
    fputs("| interpreter | trials |", f);
    for (int k = 0; k < PF_CLASS_COUNT; k++)
        if (used & (1u << k))
            fprintf(f, " %s |", pf_class_name(k));
    fputs(" unexpected |\n|---|--:|", f);
    for (int k = 0; k < PF_CLASS_COUNT; k++)
        if (used & (1u << k))
            fputs("--:|", f);
    fputs("--:|\n", f);
    for (size_t i = 0; i < r->n_interps; i++) {
        long trials = 0, unexpected = 0;
        memset(per, 0, sizeof per);
        for (size_t c = 0; c < r->n_cells; c++) {
            if (r->cells[c].interp != (int)i)
                continue;
            trials += r->cells[c].trials;
            unexpected += r->cells[c].unexpected;
            for (int k = 0; k < PF_CLASS_COUNT; k++)
                per[k] += r->cells[c].counts[k];
        }
        fputs("| ", f);
        put_text(f, r->interps[i].id);
        fprintf(f, " | %ld |", trials);
        for (int k = 0; k < PF_CLASS_COUNT; k++)
            if (used & (1u << k))
                fprintf(f, " %ld |", per[k]);
        fprintf(f, unexpected ? " **%ld** |\n" : " %ld |\n", unexpected);
    }
}

static void put_unexpected_cells(FILE *f, const struct pf_results *r)
{
    size_t shown = 0, total = 0;
    for (size_t c = 0; c < r->n_cells; c++)
        total += r->cells[c].unexpected > 0 || r->cells[c].error;
    if (!total)
        return;
    fprintf(f, "\n## Unexpected outcomes (%zu of %zu cells)\n\n", total, r->n_cells);
    fputs("| scenario | interpreter | unexpected | expected | got |\n|---|---|--:|---|---|\n", f);
    for (size_t c = 0; c < r->n_cells && shown < MAX_CELLS && !over_budget(f); c++) {
        const struct pf_rcell *cl = &r->cells[c];
        if (!cl->unexpected && !cl->error)
            continue;
        shown++;
        fputs("| ", f);
        put_text(f, r->scenarios[cl->scenario].id);
        fputs(" | ", f);
        put_text(f, r->interps[cl->interp].id);
        fprintf(f, " | %ld of %ld | ", cl->unexpected, cl->trials);
        int first = 1;
        for (int k = 0; k < PF_CLASS_COUNT; k++)
            if (cl->expected & (1u << k)) {
                fprintf(f, "%s%s", first ? "" : " ", pf_class_name(k));
                first = 0;
            }
        fputs(first ? "(any) | " : " | ", f);
        first = 0;
        if (cl->error) {
            fputs("harness error: ", f);
            put_text(f, cl->error);
            first = 1;
        }
        for (int k = 0; k < PF_CLASS_COUNT; k++)
            if (cl->counts[k])
                fprintf(f, "%s%s %ld", first++ ? ", " : "", pf_class_name(k), cl->counts[k]);
        fputs(" |\n", f);
    }
    if (total > shown)
        fprintf(f, "\n%zu more in index.html.\n", total - shown);
}

/* "  \n   at a.c:1 < b.c:2": where the signature's frames are, when known. */
static void put_sources(FILE *f, const struct pf_rfinding *fd)
{
    size_t known = 0;
    for (size_t k = 0; k < fd->n_sources; k++)
        known += fd->sources[k][0] != '\0';
    if (!known)
        return;
    fputs("  \n   at ", f);
    for (size_t k = 0; k < fd->n_sources && k < MAX_NAMES; k++) {
        if (k)
            fputs(" < ", f);
        put_span(f, fd->sources[k][0] ? fd->sources[k] : "?");
    }
}

static void put_finding_line(FILE *f, const struct pf_rfinding *fd)
{
    fprintf(f, "- **%s** x %ld: ", pf_class_name(fd->cls), fd->count);
    put_span(f, fd->signature);
    fputs(" (", f);
    put_list(f, fd->interps, fd->n_interps);
    fputs(")\n", f);
}

/* Findings of A (not of class ok) that B lacks. */
static void put_diff(FILE *f, const char *title, const struct pf_results *a, const struct pf_results *b)
{
    size_t n = 0;
    for (size_t i = 0; i < a->n_findings; i++)
        n += a->findings[i].cls != PF_OK && pf_results_finding(b, a->findings[i].cls, a->findings[i].signature) < 0;
    fprintf(f, "\n## %s (%zu)\n\n", title, n);
    if (!n) {
        fputs("None.\n", f);
        return;
    }
    size_t shown = 0;
    for (size_t i = 0; i < a->n_findings && shown < MAX_DIFF && !over_budget(f); i++)
        if (a->findings[i].cls != PF_OK && pf_results_finding(b, a->findings[i].cls, a->findings[i].signature) < 0) {
            put_finding_line(f, &a->findings[i]);
            shown++;
        }
    if (n > shown)
        fprintf(f, "- ... %zu more\n", n - shown);
}

static void put_findings(FILE *f, const struct pf_results *r)
{
    size_t n;
    size_t *idx = pf_findings_ranked(r, 0, &n);
    if (!idx)
        return;
    fprintf(f, "\n## Findings (%zu besides ok", n);
    fputs("; unexpected first)\n\n", f);
    size_t shown = 0;
    for (; shown < n && shown < MAX_FINDINGS && !over_budget(f); shown++) {
        const struct pf_rfinding *fd = &r->findings[idx[shown]];
        fprintf(f, "%zu. %s**%s** x %ld: ", shown + 1, fd->unexpected ? "unexpected " : "",
                pf_class_name(fd->cls), fd->count);
        put_span(f, fd->signature);
        put_sources(f, fd);
        fputs("  \n   on ", f);
        put_list(f, fd->interps, fd->n_interps);
        fputs(" in ", f);
        put_list(f, fd->scenarios, fd->n_scenarios);
        fputs("\n\n", f);
        char repro[MAX_REPRO + 4];
        pf_put_md_code(f, clip(fd->repro, MAX_REPRO, repro));
        if (strlen(fd->repro) > MAX_REPRO)
            fprintf(f, "(the first %d bytes of the command: all of it is in index.html)\n", MAX_REPRO);
        fputc('\n', f);
    }
    if (n > shown)
        fprintf(f, "%zu more findings, with frames and repro commands, in index.html.\n", n - shown);
    free(idx);
}

void pf_report_md(FILE *f, const struct pf_results *r, const struct pf_results *base)
{
    fprintf(f, "# pyfault: %ld trials, %ld unexpected\n\n", r->total_trials, r->total_unexpected);
    fprintf(f, "%zu scenarios x %zu interpreters, ", r->n_scenarios, r->n_interps);
    put_text(f, r->created);
    if (r->shard_count)
        fprintf(f, ", shard %d of %d", r->shard_index, r->shard_count);
    fputs(r->complete ? ".\n\n"
                      : ". **Incomplete: the run was interrupted or cut short by a harness "
                        "error.**\n\n",
          f);
    put_counts_table(f, r);
    put_unexpected_cells(f, r);
    if (base) {
        put_diff(f, "New findings since the baseline", r, base);
        put_diff(f, "Fixed since the baseline", base, r);
    }
    put_findings(f, r);
}
