/* count.h: the counting run that starts every sweep: one run with no
 * failure planned, for the number of eligible allocations (M) and the
 * target's pace, which sets the trials' verdict limits (pace.h). */
#ifndef PF_COUNT_H
#define PF_COUNT_H

#include <stddef.h>
#include <stdint.h>

#include "trial.h"

/* Runs T once under INJECT (filters only) with TIMEOUT_S and no stall
 * verdict (CTX's pace is cleared). Returns 0 with *ELIGIBLE, *PACE and
 * *LAYER (the counting layer) set, or -1 with a one-line message in ERR
 * when the run did not end by itself, could not run, or counted nothing. */
int pf_count_run(struct pf_context *ctx, const char *dir, const struct pf_target *t,
                 const char *inject, double timeout_s, uint64_t *eligible,
                 struct pf_pace *pace, unsigned *layer, char *err, size_t errlen);

#endif
