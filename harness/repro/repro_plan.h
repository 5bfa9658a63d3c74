/* repro_plan.h: what it takes to replay trial ID of a results.json:
 * interpreter, scenario (or command), injection spec and timeout. */
#ifndef PF_REPRO_PLAN_H
#define PF_REPRO_PLAN_H

#include <stddef.h>

#include "report_model.h"

#define PF_REPRO_TIMEOUT 10.0   /* when neither the cell nor the scenario says */

struct pf_repro_plan {
    const char *python;          /* the interpreter's path (points into R) */
    const char *scenario;        /* the scenario's path, or "-c CODE" */
    const char **argv;           /* a command scenario's words (scenarios[].argv), else NULL */
    size_t argc;
    char spec[1200];             /* PYFAULT for the trial: trials[].spec, else derived */
    double timeout_s;
    enum pf_class cls;           /* what the trial gave */
    const char *signature;
    const char *site_key;        /* its first failure's site key, "" when none */
    json_t *files;               /* its input files: targets[T].files (sweep, pytest) or
                                    scenarios[S].files (matrix); NULL when not recorded */
};

/* Fills P for trial ID of R. The spec is the trial's "spec" when the file
 * has it, else nth=N (oneshot) / from=N (persistent) followed by the
 * scenario's inject; the timeout is the cell's "timeout_s", else the
 * scenario's, else the file's top-level one, else PF_REPRO_TIMEOUT; a
 * command target's words are scenarios[].argv, else targets[T].argv for
 * the trial's "target" T (pyfault sweep). Returns 0, or -1 with a one-line
 * message in ERR, also when the spec is not one to replay (pf_repro_spec_ok). P->argv is malloc'd: free it with pf_repro_plan_free. */
int pf_repro_plan(const struct pf_results *r, size_t id, struct pf_repro_plan *p,
                  char *err, size_t errlen);
void pf_repro_plan_free(struct pf_repro_plan *p);

#endif
