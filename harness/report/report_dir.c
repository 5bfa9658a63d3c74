/* report_dir.c: one load, three writers, three atomic files. */
#include "report_dir.h"

#include <stdio.h>

#include "atomic_file.h"
#include "report_html.h"
#include "report_junit.h"
#include "report_md.h"
#include "report_model.h"

enum { W_JUNIT, W_MD, W_HTML, W_N };

static const char *const names[W_N] = {"junit.xml", "summary.md", "index.html"};

static void render(int which, FILE *f, const struct pf_results *r, const struct pf_results *base)
{
    if (which == W_JUNIT)
        pf_report_junit(f, r);
    else if (which == W_MD)
        pf_report_md(f, r, base);
    else
        pf_report_html(f, r, base);
}

int pf_report_dir_until(const char *dir, const char *baseline, const volatile sig_atomic_t *stop,
                        char *err, size_t errlen)
{
    char path[4096], out[W_N][4096];
    if (snprintf(path, sizeof path, "%s/results.json", dir) >= (int)sizeof path) {
        snprintf(err, errlen, "%.200s...: path too long", dir);
        return -1;
    }
    /* every report's name checked before any is written: a directory or a
     * device at index.html must not leave a new junit.xml beside the old
     * index.html */
    for (int i = 0; i < W_N; i++) {
        if (snprintf(out[i], sizeof out[i], "%s/%s", dir, names[i]) >= (int)sizeof out[i]) {
            snprintf(err, errlen, "%.200s...: path too long", dir);
            return -1;
        }
        /* what a SIGKILLed report left: ours to remove, the folder being
         * locked (every caller holds it) */
        pf_atomic_remove_stale(out[i]);
        if (pf_atomic_check(out[i], err, errlen) < 0)
            return -1;
    }
    struct pf_results r, base;
    if (pf_results_load(&r, path, err, errlen) < 0)
        return -1;
    int have_base = 0;
    if (baseline) {
        if (pf_results_load(&base, baseline, err, errlen) < 0) {
            pf_results_free(&r);
            return -1;
        }
        have_base = 1;
    }
    const struct pf_results *b = have_base ? &base : NULL;
    /* all three rendered and finished (flushed, fsync'ed, every write
     * checked) before any is renamed: a full disk or a stop meets the old
     * set whole (a write's ENOSPC may show only at the last flush) */
    struct pf_atomic_file af[W_N];
    int opened = 0, rc = -1;
    for (; opened < W_N; opened++) {
        if (stop && *stop)
            goto stopped;
        if (pf_atomic_open(&af[opened], out[opened], err, errlen) < 0)
            goto done;
        render(opened, af[opened].f, &r, b);
    }
    for (int i = 0; i < W_N; i++)
        if (pf_atomic_finish(&af[i], err, errlen) < 0)
            goto done;
    if (stop && *stop)
        goto stopped;
    for (int i = 0; i < W_N; i++)
        if (pf_atomic_commit(&af[i], err, errlen) < 0)
            goto done;
    rc = 0;
    goto done;
stopped:
    snprintf(err, errlen, "interrupted: no report written");
done:
    /* the temp files not renamed (a no-op for those that were) */
    for (int i = 0; i < opened; i++)
        pf_atomic_abort(&af[i]);
    pf_results_free(&r);
    if (have_base)
        pf_results_free(&base);
    return rc;
}

int pf_report_dir(const char *dir, const char *baseline, char *err, size_t errlen)
{
    return pf_report_dir_until(dir, baseline, NULL, err, errlen);
}
