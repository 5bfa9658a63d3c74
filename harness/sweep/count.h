/* count.h: the counting run that starts every sweep: one run with no
 * failure planned, for the number of eligible allocations (M) and the
 * target's pace, which sets the trials' verdict limits (pace.h). */
#ifndef PF_COUNT_H
#define PF_COUNT_H

#include <stddef.h>
#include <stdint.h>

#include "options.h"
#include "trial.h"

struct pf_sweep_target;

/* Runs T once under INJECT (filters only) with TIMEOUT_S and no stall
 * verdict (CTX's pace is cleared). Returns 0 with *ELIGIBLE, *PACE and
 * *LAYER (the counting layer) set, or -1 with a one-line message in ERR
 * when the run did not end by itself, could not run, or counted nothing. */
int pf_count_run(struct pf_context *ctx, const char *dir, const struct pf_target *t,
                 const char *inject, double timeout_s, uint64_t *eligible,
                 struct pf_pace *pace, unsigned *layer, char *err, size_t errlen);

/* Counts ST->t as a sweep with options O does (its filters, and for --plan
 * sites the call-site table DIR/sites.INDEX), with COUNT_TIMEOUT_S unless
 * O has a timeout, and fills ST's allocations, pace, layer, site points
 * and plan. Returns 0, or -1 with a one-line message in ERR. */
int pf_count_target(const struct pf_options *o, struct pf_context *ctx, const char *dir,
                    unsigned index, double count_timeout_s, struct pf_sweep_target *st,
                    char *err, size_t errlen);

#endif
