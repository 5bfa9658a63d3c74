/* interp.c: probing an interpreter: version and binary hash. */
#include "interp.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "first_line.h"
#include "locate.h"
#include "result_json.h"
#include "utf8.h"

const char *const pf_interp_variants[] = {"3.11-vanilla", "3.11-patched", "3.11-regress",
                                          "3.13-vanilla", "3.13-patched", "3.14-vanilla",
                                          "3.14t-vanilla", "3.15-vanilla", NULL};

int pf_interp_known_variant(const char *name)
{
    if (strcmp(name, "system") == 0)
        return 1;
    for (size_t k = 0; pf_interp_variants[k]; k++)
        if (strcmp(name, pf_interp_variants[k]) == 0)
            return 1;
    return 0;
}

/* The version the CPython at PATH says it is ("3.11.2") in OUT: the one
 * probe every check and description runs. The answer must be computed
 * (a marker, the implementation's name): a script that prints a version
 * whatever it is asked passed for a Python, and its cells judged a
 * scenario that never ran. Returns 0, or -1 when it does not run as a
 * CPython. */
static int python_version(const char *path, char *out, size_t outlen)
{
    static const char marker[] = "pyfault-probe cpython ";
    char *argv[] = {(char *)path, "-c",
                    "import sys; print('pyfault-probe', sys.implementation.name, sys.version.split()[0])",
                    NULL};
    char line[128];
    if (pf_first_line(argv, line, sizeof line) < 0 || strncmp(line, marker, sizeof marker - 1) != 0 ||
        !line[sizeof marker - 1])
        return -1;
    snprintf(out, outlen, "%s", line + sizeof marker - 1);
    return 0;
}

/* Fills I; the version is KNOWN when given (read before), else asked for
 * when ASK_VERSION. */
static int describe(struct pf_interp *i, const char *id, const char *path,
                    int ask_version, const char *known, char *err, size_t errlen)
{
    memset(i, 0, sizeof *i);
    snprintf(i->id, sizeof i->id, "%s", id);
    char resolved[PATH_MAX];
    if (pf_resolve_exec(path, resolved, sizeof resolved) != 0) {
        snprintf(err, errlen, "interpreter %s: no executable at %s", id, path);
        return -1;
    }
    if (!realpath(resolved, i->path)) {
        snprintf(err, errlen, "interpreter %s: %s: %s", id, resolved, strerror(errno));
        return -1;
    }
    if (ask_version && known)
        snprintf(i->version, sizeof i->version, "%s", known);
    else if (ask_version && python_version(i->path, i->version, sizeof i->version) < 0) {
        snprintf(err, errlen, "interpreter %s: %s does not run as a Python", id, i->path);
        return -1;
    }
    if (pf_file_sha256(i->path, i->sha256) < 0) {
        snprintf(err, errlen, "interpreter %s: cannot hash %s", id, i->path);
        return -1;
    }
    return 0;
}

int pf_interp_probe(struct pf_interp *i, const char *id, const char *path,
                    char *err, size_t errlen)
{
    return describe(i, id, path, 1, NULL, err, errlen);
}

int pf_interp_describe_known(struct pf_interp *i, const char *id, const char *path,
                             const char *version, char *err, size_t errlen)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return describe(i, id, path, strncmp(base, "python", 6) == 0, version, err, errlen);
}

int pf_interp_describe(struct pf_interp *i, const char *id, const char *path,
                       char *err, size_t errlen)
{
    return pf_interp_describe_known(i, id, path, NULL, err, errlen);
}

int pf_interp_check_python(const char *what, const char *path, char *version,
                           size_t versionlen, char *err, size_t errlen)
{
    if (python_version(path, version, versionlen) < 0) {
        snprintf(err, errlen, "%s: %s does not run as a Python", what, path);
        return -1;
    }
    return 0;
}

void pf_interp_default_id(const char *path, char *out, size_t outlen)
{
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", path);
    char *slash = strrchr(copy, '/');
    const char *base = slash ? slash + 1 : copy;
    if (slash && strcmp(base, "python") == 0) {
        *slash = '\0';
        const char *dir = strrchr(copy, '/');
        snprintf(out, outlen, "%s", dir ? dir + 1 : copy);
        if (out[0])
            return;
    }
    snprintf(out, outlen, "%s", base);
}

int pf_interp_parse_arg(const char *arg, char *id, size_t idlen,
                        char *path, size_t pathlen, char *err, size_t errlen)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1]) {
        snprintf(err, errlen, "--interp '%s': want NAME=PATH", arg);
        return -1;
    }
    size_t n = (size_t)(eq - arg);
    if (n >= idlen || strlen(eq + 1) >= pathlen) {
        snprintf(err, errlen, "--interp '%s': too long", arg);
        return -1;
    }
    for (size_t k = 0; k < n; k++)
        if (!isalnum((unsigned char)arg[k]) && !strchr(".-_", arg[k])) {
            snprintf(err, errlen, "--interp '%s': the name may hold letters, digits, '.', '-', '_'", arg);
            return -1;
        }
    /* results.json names it, and jansson takes UTF-8 only */
    if (!pf_utf8_valid(eq + 1)) {
        snprintf(err, errlen, "--interp '%s': the path is not UTF-8", arg);
        return -1;
    }
    memcpy(id, arg, n);
    id[n] = '\0';
    snprintf(path, pathlen, "%s", eq + 1);
    return 0;
}
