/* tmpdir.h: the harness's private scratch directory. */
#ifndef PF_TMPDIR_H
#define PF_TMPDIR_H

#include <stddef.h>

#include "janitor.h"

/* The length of every scratch directory's absolute path whose TMPDIR is
 * at most PF_TMPDIR_WIDTH - 15 characters long (its name is padded).
 * Its path is in the targets' environments (PYFAULT's log=, PYFAULT_CTL),
 * and CPython lays out os.environ's objects by their text: a repro under
 * another TMPDIR, on another machine, sees the trial's footprint. */
#define PF_TMPDIR_WIDTH 96

/* Creates a fresh directory under $TMPDIR (or /tmp) into OUT, absolute,
 * PF_TMPDIR_WIDTH long where TMPDIR leaves room. Returns 0, or -1 with a
 * one-line message in OUT. */
int pf_tmpdir_create(char *out, size_t outlen);
/* Removes DIR and the plain files in it. */
void pf_tmpdir_remove(const char *dir);
/* pf_tmpdir_create(), plus DIR's janitor (janitor.h: should this process
 * die without pf_tmpdir_release(), SIGKILL included, it kills whatever
 * carries DIR in its environment and removes DIR). For the harness's
 * commands, before any thread starts. Returns 0, or -1 with a one-line
 * message in OUT. */
int pf_tmpdir_create_guarded(char *out, size_t outlen, struct pf_janitor *j);
/* pf_tmpdir_remove(DIR), then retires J (waits for its last round). */
void pf_tmpdir_release(const char *dir, struct pf_janitor *j);

#endif
