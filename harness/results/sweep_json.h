/* sweep_json.h: a sweep's results.json. */
#ifndef PF_SWEEP_JSON_H
#define PF_SWEEP_JSON_H

#include <stddef.h>

#include "interp.h"
#include "sweep.h"

/* What the results call the sweep's interpreter and each target. */
struct pf_sweep_names {
    const struct pf_interp *interp;
    char **scenario;             /* per target: a unique id (owned) */
    char **path;                 /* per target: file or command line (owned) */
};

/* Writes PATH (atomically) in results schema v1 (reports/results.schema.json:
 * one interpreter, one scenario and cell per target, and "cwd", the folder
 * the trials ran in: this process's), plus the sweep's own
 * keys: settings, targets (NT of them), counts per
 * class, the deduplicated findings with counts and first repro, and every
 * trial with its point, mode, class and signature; "complete" is false
 * when the sweep was interrupted or cut short. Trials are streamed one per
 * line. Returns 0, or -1 with a one-line message in ERR. */
int pf_sweep_json_write(const char *path, const struct pf_sweep *sw,
                        const struct pf_sweep_target *targets, unsigned nt, int complete,
                        const struct pf_sweep_names *names, char *err, size_t errlen);

#endif
