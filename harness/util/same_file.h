/* same_file.h: whether two names lead to one file, so a command never
 * writes its output over one of its inputs. */
#ifndef PF_SAME_FILE_H
#define PF_SAME_FILE_H

#include <stddef.h>

/* Are A and B one file: one name, or (both there) one device and inode,
 * whatever names lead to it (./R.json, DIR/../R.json, a link)? */
int pf_same_file(const char *a, const char *b);
/* The first of INPUTS[0..N) that is one file with OUTPUT (pf_same_file),
 * or NULL: what a command must not write over. */
const char *pf_same_file_any(const char *output, const char *const *inputs, size_t n);

#endif
