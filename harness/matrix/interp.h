/* interp.h: an interpreter under test: its name (the variant), where it
 * is, which version it says it is, and a hash of its binary. */
#ifndef PF_INTERP_H
#define PF_INTERP_H

#include <limits.h>
#include <stddef.h>

struct pf_interp {
    char id[64];            /* variant name: 3.11-vanilla, system, ... */
    char path[PATH_MAX];    /* absolute */
    char version[64];       /* "3.11.2" */
    char sha256[65];        /* of the binary */
};

/* Fills I for the interpreter at PATH named ID: runs it once for its
 * version and hashes the binary. Returns 0, or -1 with a one-line message
 * naming the interpreter in ERR. */
int pf_interp_probe(struct pf_interp *i, const char *id, const char *path,
                    char *err, size_t errlen);

/* Describes a program that may not be a Python (a sweep's command): its
 * version is asked for only when its name starts with "python"; "" else.
 * Returns 0, or -1 with a message in ERR. */
int pf_interp_describe(struct pf_interp *i, const char *id, const char *path,
                       char *err, size_t errlen);
/* As pf_interp_describe, but the version, where one is asked for, is
 * VERSION (what pf_interp_check_python read of PATH): the program is not
 * run again. VERSION NULL: asked as pf_interp_describe asks. */
int pf_interp_describe_known(struct pf_interp *i, const char *id, const char *path,
                             const char *version, char *err, size_t errlen);
/* Runs the interpreter at PATH (a resolved path) once as pf_interp_probe
 * does, to see it is a Python (a scenario's --python), and puts the
 * version it says in VERSION. Returns 0, or -1 with "WHAT: PATH does not
 * run as a Python" in ERR. */
int pf_interp_check_python(const char *what, const char *path, char *version,
                           size_t versionlen, char *err, size_t errlen);
/* A variant name for the interpreter at PATH: the build directory's name
 * for ".../3.11-vanilla/python", else the file's name. */
void pf_interp_default_id(const char *path, char *out, size_t outlen);

/* The variant names the project builds (mk/cpython.mk's, in its order),
 * NULL-terminated: the default matrix's interpreters beside "system". */
extern const char *const pf_interp_variants[];
/* Is NAME "system" or one of pf_interp_variants? Pure. */
int pf_interp_known_variant(const char *name);

/* Parses "NAME=PATH" (a --interp argument) into ID and PATH. Returns 0,
 * or -1 with a message in ERR. Pure. */
int pf_interp_parse_arg(const char *arg, char *id, size_t idlen,
                        char *path, size_t pathlen, char *err, size_t errlen);

#endif
