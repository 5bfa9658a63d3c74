/* shellquote.h: command lines a user can paste back into a shell. */
#ifndef PF_SHELLQUOTE_H
#define PF_SHELLQUOTE_H

#include <stddef.h>

/* Appends WORD to OUT (at *USED, capacity OUTLEN), preceded by a space
 * unless OUT is empty, single-quoted when it holds anything but
 * [A-Za-z0-9_./:=,+-@%]. Pure. When it does not fit, *USED becomes OUTLEN
 * (and stays so through further calls) and OUT is a cut line, still
 * NUL-terminated: a caller checks *USED < OUTLEN before showing it, as a
 * prefix of a command line may run something else. */
void pf_shell_append(char *out, size_t outlen, size_t *used, const char *word);

#endif
