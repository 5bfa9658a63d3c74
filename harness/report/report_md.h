/* report_md.h: summary.md, short enough for a CI job summary or a
 * pull-request comment. */
#ifndef PF_REPORT_MD_H
#define PF_REPORT_MD_H

#include <stdio.h>

#include "report_model.h"

/* Writes R as Markdown to F: counts per class per interpreter, the cells
 * with unexpected outcomes, new and fixed findings against BASE (by class
 * and signature; BASE may be NULL) and the repro command of the top
 * findings. Stays under about 20 KB whatever the size of R. */
void pf_report_md(FILE *f, const struct pf_results *r, const struct pf_results *base);

#endif
