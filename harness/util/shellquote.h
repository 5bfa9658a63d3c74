/* shellquote.h: command lines a user can paste back into a shell. */
#ifndef PF_SHELLQUOTE_H
#define PF_SHELLQUOTE_H

#include <stddef.h>

/* Appends WORD to OUT (at *USED, capacity OUTLEN), preceded by a space
 * unless OUT is empty, single-quoted when it holds anything but
 * [A-Za-z0-9_./:=,+-@%]. Truncates safely. Pure. */
void pf_shell_append(char *out, size_t outlen, size_t *used, const char *word);

#endif
