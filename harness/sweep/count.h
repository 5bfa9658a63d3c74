/* count.h: the counting run that starts every sweep: one run with no
 * failure planned, for the number of eligible allocations (M) and the
 * wall time, which sets the trials' default timeout. */
#ifndef PF_COUNT_H
#define PF_COUNT_H

#include <stddef.h>
#include <stdint.h>

#include "trial.h"

/* Runs T once under INJECT (filters only) with TIMEOUT_S. Returns 0 with
 * *ELIGIBLE, *WALL_MS and *LAYER (the counting layer) set, or -1 with a one-line message in ERR when the
 * run did not end by itself, could not run, or counted nothing. */
int pf_count_run(struct pf_context *ctx, const char *dir, const struct pf_target *t,
                 const char *inject, double timeout_s, uint64_t *eligible,
                 uint64_t *wall_ms, unsigned *layer, char *err, size_t errlen);

/* The trial timeout a counting run of WALL_MS suggests: ample for a run
 * slowed by error paths, short enough that a hang does not stall a sweep. */
double pf_count_default_timeout(uint64_t wall_ms);

#endif
