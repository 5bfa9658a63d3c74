/* report_strip.h: SVG outcome strips: one band over the allocation index,
 * each trial point coloured by its class. */
#ifndef PF_REPORT_STRIP_H
#define PF_REPORT_STRIP_H

#include <stdio.h>

#include "report_model.h"
#include "report_verdict.h"

/* The colour of class C ("#rrggbb"), the same in every report. */
const char *pf_class_color(enum pf_class c);
/* The colour of verdict V. */
const char *pf_verdict_color(enum pf_verdict_kind v);
/* The x extent shared by the strips of scenario S: past the highest point
 * and every cell's allocation count, so strips of one scenario line up.
 * 0 when S has single runs only (point null). */
long pf_strip_span(const struct pf_results *r, int s);
/* Writes an inline SVG strip of C's trials of mode MODE over 1..SPAN:
 * runs of equal class and finding as rects with a hover title, and a red
 * underline below unexpected ones. */
void pf_strip_cell(FILE *f, const struct pf_results *r, const struct pf_rcell *c, const char *mode, long span);
/* Writes an SVG strip of verdicts VS (N of them) over 1..SPAN. */
void pf_strip_verdicts(FILE *f, const struct pf_results *r, const struct pf_vpoint *vs, size_t n, long span);
/* Writes the tick labels (1, quarters, SPAN) under a scenario's strips. */
void pf_strip_axis(FILE *f, long span);

#endif
