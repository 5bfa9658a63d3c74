/* replay.h: a target for one interpreter and one scenario, set up the way
 * pyfault matrix sets up a cell (start-up "-c pass", pty scenarios, C
 * extensions the scenario needs), for commands that re-run one case. */
#ifndef PF_REPLAY_H
#define PF_REPLAY_H

#include <stddef.h>

#include "scenario.h"
#include "target.h"
#include "trial.h"

/* Builds T for PYTHON running SCENARIO: "-c CODE" runs that code; a file
 * with a scenario header gets its pty input and has the extensions it
 * needs built by tools/build-ext.sh into SCRATCH, which is put on
 * CTX's PYTHONPATH. SC gets the header (zeroed when the file has none).
 * Returns 0, or -1 with a one-line message in ERR. */
int pf_replay_target(struct pf_context *ctx, const char *python, const char *scenario,
                     const char *scratch, struct pf_target *t, struct pf_scenario *sc,
                     char *err, size_t errlen);
/* Builds scenarios/ext/NAME.c for PYTHON into OUTDIR with
 * tools/build-ext.sh (cached there). Returns 0, or -1 with ERR. */
int pf_build_ext(const char *python, const char *name, const char *outdir,
                 char *err, size_t errlen);
/* The project's top directory (above scenarios/lib) into OUT. 0 or -1. */
int pf_project_root(char *out, size_t outlen);

#endif
