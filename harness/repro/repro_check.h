/* repro_check.h: that a replay runs what the trial ran: in the folder the
 * trials ran in, with the very interpreter binary. */
#ifndef PF_REPRO_CHECK_H
#define PF_REPRO_CHECK_H

#include <stddef.h>

#include "report_model.h"

/* Changes into R's "cwd" (the trials' scenario paths are relative to it).
 * Returns 0 when there, 1 when the file does not record one (an older
 * results.json: nothing changed), or -1 with a one-line message in ERR
 * when it cannot be entered (removed, not a folder). */
int pf_repro_enter_cwd(const struct pf_results *r, char *err, size_t errlen);

/* Hashes the binary at IN's path (nothing is run) and compares it with
 * its recorded sha256. Returns 0 when the same, 1 when it changed, or -1
 * when it cannot be hashed (gone); 1 and -1 with a one-line message in ERR. */
int pf_repro_same_binary(const struct pf_rinterp *in, char *err, size_t errlen);

/* Hashes each file of FILES (results.json's "files": {"path", "sha256"}
 * objects, paths from the current folder; NULL: an older file, nothing to
 * check) and compares. Returns 0 when all are as recorded, 1 when one
 * changed ("PATH changed since the sweep: sha256 NOW, was THEN"), -1 when
 * one is gone or unreadable ("PATH: No such file or directory (the trial
 * ran it)") or FILES is malformed (before any change is told); 1 and -1
 * with a one-line message in ERR. */
int pf_repro_same_inputs(const json_t *files, char *err, size_t errlen);

/* REPRO (a trial's repro line) as run from DIR into OUT: "cd DIR && "
 * before it; REPRO itself when DIR is "" or it is not a command line (the
 * too-long comment), or when the whole would not fit (never a cut line). */
void pf_repro_line_in(const char *dir, const char *repro, char *out, size_t outlen);

#endif
