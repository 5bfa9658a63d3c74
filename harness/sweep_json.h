/* sweep_json.h: a sweep's results.json. */
#ifndef PF_SWEEP_JSON_H
#define PF_SWEEP_JSON_H

#include <stddef.h>

#include "sweep.h"

/* Writes PATH (atomically): settings, targets (NT of them), counts per
 * class, the deduplicated findings with counts and first repro, and every
 * trial with its point, mode, class and signature; "complete" is false
 * when the sweep was interrupted or cut short. Trials are streamed one per
 * line. Returns 0, or -1 with a one-line message in ERR. */
int pf_sweep_json_write(const char *path, const struct pf_sweep *sw,
                        const struct pf_sweep_target *targets, unsigned nt, int complete,
                        char *err, size_t errlen);

#endif
