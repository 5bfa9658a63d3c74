/* atomic_file.h: files that appear whole or not at all. */
#ifndef PF_ATOMIC_FILE_H
#define PF_ATOMIC_FILE_H

#include <stddef.h>
#include <stdio.h>

struct pf_atomic_file {
    FILE *f;            /* write here */
    char path[4096];    /* the final name */
    char tmp[4200];     /* PATH.tmp.PID, renamed over PATH on commit */
};

/* Opens PATH.tmp.PID for writing. Returns 0, or -1 with a one-line
 * message in ERR. */
int pf_atomic_open(struct pf_atomic_file *af, const char *path, char *err, size_t errlen);
/* Flushes, fsyncs and renames the temp file over PATH. Returns 0, or -1
 * with ERR set (the temp file is removed). */
int pf_atomic_commit(struct pf_atomic_file *af, char *err, size_t errlen);
/* Gives up: closes and removes the temp file. */
void pf_atomic_abort(struct pf_atomic_file *af);

#endif
