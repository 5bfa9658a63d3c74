/* report_html.h: index.html, one self-contained page. */
#ifndef PF_REPORT_HTML_H
#define PF_REPORT_HTML_H

#include <stdio.h>

#include "report_model.h"

/* Writes R as one HTML page to F: counts per interpreter, an SVG outcome
 * strip per scenario x interpreter, patched-vs-vanilla verdicts per point,
 * and a sortable, filterable findings table with a copy button per repro.
 * BASE (may be NULL) marks findings new since that run. Inline CSS and JS
 * only; every string from R is escaped. */
void pf_report_html(FILE *f, const struct pf_results *r, const struct pf_results *base);

#endif
