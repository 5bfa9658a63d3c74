/* report_cell.h: what the writers ask of one cell (scenario x
 * interpreter): its unexpected classes and the findings behind them. */
#ifndef PF_REPORT_CELL_H
#define PF_REPORT_CELL_H

#include <stddef.h>

#include "report_model.h"

/* Bit (1u << class) for each class that has an unexpected trial in C. */
unsigned pf_cell_unexpected_classes(const struct pf_results *r, const struct pf_rcell *c);
/* The distinct findings of C's unexpected trials of class CLS, first seen
 * first, with how many of C's trials each covers. Writes at most MAX into
 * IDX/COUNT; returns how many there are (0 when out of memory). */
size_t pf_cell_findings(const struct pf_results *r, const struct pf_rcell *c, enum pf_class cls,
                        long *idx, long *count, size_t max);
/* Sum of C's trial durations, in seconds. */
double pf_cell_seconds(const struct pf_results *r, const struct pf_rcell *c);
/* Is class CLS one C's expectations allow (or C has none)? */
int pf_cell_allows(const struct pf_rcell *c, enum pf_class cls);

#endif
