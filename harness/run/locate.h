/* locate.h: files the harness finds relative to its own binary, in the
 * installed layout (PREFIX/bin/pyfault beside PREFIX/lib/pyfault/ and
 * PREFIX/share/pyfault/) or in the build tree. */
#ifndef PF_LOCATE_H
#define PF_LOCATE_H

#include <stddef.h>

/* Where a part was found. */
enum pf_found {
    PF_FOUND_NONE,       /* nowhere */
    PF_FOUND_ENV,        /* named by an environment variable */
    PF_FOUND_INSTALLED,  /* in the install prefix around bin/pyfault */
    PF_FOUND_TREE,       /* in the build tree around build/pyfault */
};

/* Writes the shim's path into OUT: $PYFAULT_SHIM when set, else
 * ../lib/pyfault/libpyfault.so from the binary's directory (installed),
 * else the first libpyfault.so found in the binary's directory or up to
 * three parents (build/pyfault, build/san-x/pyfault,
 * build/tests/x/test_y). Returns how, or PF_FOUND_NONE with a one-line
 * message in OUT. */
enum pf_found pf_locate_shim(char *out, size_t outlen);
/* pf_locate_shim as 0, or -1 with the message in OUT. */
int pf_find_shim(char *out, size_t outlen);
/* Writes the directory of the pyfault Python module into OUT:
 * ../share/pyfault/python (installed), else scenarios/lib in the
 * binary's directory's ancestors. Returns how it was found. */
enum pf_found pf_locate_pylib(char *out, size_t outlen);
/* pf_locate_pylib as 0, or -1 when there is none. */
int pf_find_scenario_lib(char *out, size_t outlen);
/* Writes the path of the skip list's text file into OUT (the harness
 * uses its compiled-in copy; this is the one shipped beside it). Returns
 * how it was found. */
enum pf_found pf_locate_skip_list(char *out, size_t outlen);
/* "environment", "installed", "build tree" or "not found". */
const char *pf_found_name(enum pf_found how);
/* Writes the path of the pyfault command (for repro lines) into OUT:
 * this binary when it is pyfault, else a build/pyfault found above it,
 * else "pyfault". */
void pf_find_pyfault(char *out, size_t outlen);
/* Resolves NAME like execvp would (a name with a '/' is taken as is);
 * writes the path into OUT. Returns 0 when it names an executable file. */
int pf_resolve_exec(const char *name, char *out, size_t outlen);

#endif
