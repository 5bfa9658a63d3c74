/* report_rank.h: the order people read findings in. */
#ifndef PF_REPORT_RANK_H
#define PF_REPORT_RANK_H

#include <stddef.h>

#include "report_model.h"

/* A malloc'ed array of the indexes of R's findings, unexpected first, then
 * interpreter bugs (pf_class_fails), then by count (largest first), then
 * by index; ok findings are left out unless WITH_OK. *N gets its length.
 * NULL when out of memory. */
size_t *pf_findings_ranked(const struct pf_results *r, int with_ok, size_t *n);

#endif
