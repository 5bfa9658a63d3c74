/* repro_gdb.h: a trial under gdb, stopped at the first injected failure. */
#ifndef PF_REPRO_GDB_H
#define PF_REPRO_GDB_H

#include "trial.h"

/* Runs gdb on T with CTX's environment, PYFAULT=SPEC and PYFAULT_CTL=CTL
 * set for the inferior only (gdb itself must not run under the shim) and
 * gdb's own LINES and COLUMNS taken back out: the trial's variables, each
 * of its length (CPython numbers and places its allocations by them).
 * Started without a shell (a shell under the shim would consume the
 * spec's allocation numbers), with a breakpoint on
 * pyfault_injected_failure. BATCH: gdb -batch, printing the backtrace
 * there and killing the target. Prints the gdb command line on stderr.
 * Returns gdb's exit status, or -1 with a message in ERR. */
int pf_repro_gdb(const struct pf_context *ctx, const struct pf_target *t, const char *spec,
                 const char *ctl, int batch, char *err, size_t errlen);

#endif
