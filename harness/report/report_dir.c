/* report_dir.c: one load, three writers, three atomic files. */
#include "report_dir.h"

#include <stdio.h>

#include "atomic_file.h"
#include "report_html.h"
#include "report_junit.h"
#include "report_md.h"
#include "report_model.h"

enum { W_JUNIT, W_MD, W_HTML };

static int write_one(const char *dir, const char *name, int which, const struct pf_results *r,
                     const struct pf_results *base, char *err, size_t errlen)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path) {
        snprintf(err, errlen, "%.200s...: path too long", dir);
        return -1;
    }
    struct pf_atomic_file af;
    if (pf_atomic_open(&af, path, err, errlen) < 0)
        return -1;
    if (which == W_JUNIT)
        pf_report_junit(af.f, r);
    else if (which == W_MD)
        pf_report_md(af.f, r, base);
    else
        pf_report_html(af.f, r, base);
    return pf_atomic_commit(&af, err, errlen);
}

int pf_report_dir(const char *dir, const char *baseline, char *err, size_t errlen)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/results.json", dir) >= (int)sizeof path) {
        snprintf(err, errlen, "%.200s...: path too long", dir);
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
    int rc = 0;
    if (write_one(dir, "junit.xml", W_JUNIT, &r, b, err, errlen) < 0 ||
        write_one(dir, "summary.md", W_MD, &r, b, err, errlen) < 0 ||
        write_one(dir, "index.html", W_HTML, &r, b, err, errlen) < 0)
        rc = -1;
    pf_results_free(&r);
    if (have_base)
        pf_results_free(&base);
    return rc;
}
