/* first_line.h: what a short command prints first. */
#ifndef PF_FIRST_LINE_H
#define PF_FIRST_LINE_H

#include <stddef.h>

/* Runs ARGV (ARGV[0] a path) on a lifeline, without LD_PRELOAD, stdin from
 * and stderr to /dev/null, and reads the first line it prints into OUT ("" when
 * nothing). Returns 0 when it exited 0 and printed something, else -1. */
int pf_first_line(char *const argv[], char *out, size_t outlen);

#endif
