/* tmpdir.h: the harness's private scratch directory. */
#ifndef PF_TMPDIR_H
#define PF_TMPDIR_H

#include <stddef.h>

/* Creates a fresh directory under $TMPDIR (or /tmp) into OUT. Returns 0,
 * or -1 with a one-line message in OUT. */
int pf_tmpdir_create(char *out, size_t outlen);
/* Removes DIR and the plain files in it. */
void pf_tmpdir_remove(const char *dir);

#endif
