/* locate.h: files the harness finds relative to its own binary. */
#ifndef PF_LOCATE_H
#define PF_LOCATE_H

#include <stddef.h>

/* Writes the shim's path into OUT: $PYFAULT_SHIM when set, else the first
 * libpyfault.so found in the binary's directory or up to three parents
 * (build/pyfault, build/san-x/pyfault, build/tests/x/test_y). Returns 0,
 * or -1 with a one-line message in OUT. */
int pf_find_shim(char *out, size_t outlen);
/* Writes the scenarios/lib directory found in the binary's directory's
 * ancestors into OUT. Returns 0, or -1 when there is none. */
int pf_find_scenario_lib(char *out, size_t outlen);
/* Writes the path of the pyfault command (for repro lines) into OUT:
 * this binary when it is pyfault, else a build/pyfault found above it,
 * else "pyfault". */
void pf_find_pyfault(char *out, size_t outlen);
/* Resolves NAME like execvp would (a name with a '/' is taken as is);
 * writes the path into OUT. Returns 0 when it names an executable file. */
int pf_resolve_exec(const char *name, char *out, size_t outlen);

#endif
