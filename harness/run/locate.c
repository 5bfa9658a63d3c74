/* locate.c: locate the shim, the Python module, the data files and the
 * command itself, so pyfault runs from its build tree (anywhere) or from
 * an installed prefix (moved anywhere too), with no path compiled in. */
#include "locate.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The installed layout, relative to the directory of bin/pyfault: the
 * same relations mk/install.mk installs with (pkglibdir, pkgdatadir). */
#define REL_SHIM "../lib/pyfault/libpyfault.so"
#define REL_PYLIB "../share/pyfault/python"
#define REL_DATA "../share/pyfault"

/* The directory of /proc/self/exe. */
static int self_dir(char *out, size_t outlen)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (!slash)
        return -1;
    *slash = '\0';
    if (snprintf(out, outlen, "%s", buf) >= (int)outlen)
        return -1;
    return 0;
}

/* Is CAND a directory (IS_DIR) or a regular file? Writes its real path
 * into OUT when it is. */
static int found(const char *cand, int is_dir, char *out, size_t outlen)
{
    struct stat st;
    if (stat(cand, &st) != 0 || !(is_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode)))
        return -1;
    char real[PATH_MAX];
    if (!realpath(cand, real))
        return -1;
    return snprintf(out, outlen, "%s", real) < (int)outlen ? 0 : -1;
}

/* Looks for REL in the installed layout around the binary. */
static int find_installed(const char *rel, int is_dir, char *out, size_t outlen)
{
    char dir[PATH_MAX], cand[PATH_MAX + 64];
    if (self_dir(dir, sizeof dir) < 0)
        return -1;
    snprintf(cand, sizeof cand, "%s/%s", dir, rel);
    return found(cand, is_dir, out, outlen);
}

/* Looks for REL under the binary's directory and up to DEPTH parents (the
 * build tree); IS_DIR selects directories, else regular files. */
static int find_up(const char *rel, int depth, int is_dir, char *out, size_t outlen)
{
    char dir[PATH_MAX];
    if (self_dir(dir, sizeof dir) < 0)
        return -1;
    for (int i = 0; i <= depth; i++) {
        char cand[PATH_MAX + 64];
        snprintf(cand, sizeof cand, "%s/%s", dir, rel);
        if (found(cand, is_dir, out, outlen) == 0)
            return 0;
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir)
            return -1;
        *slash = '\0';
    }
    return -1;
}

enum pf_found pf_locate_shim(char *out, size_t outlen)
{
    const char *env = getenv("PYFAULT_SHIM");
    if (env && env[0]) {
        if (access(env, R_OK) != 0) {
            snprintf(out, outlen, "PYFAULT_SHIM=%s: not a readable file", env);
            return PF_FOUND_NONE;
        }
        snprintf(out, outlen, "%s", env);
        return PF_FOUND_ENV;
    }
    if (find_installed(REL_SHIM, 0, out, outlen) == 0)
        return PF_FOUND_INSTALLED;
    if (find_up("libpyfault.so", 3, 0, out, outlen) == 0)
        return PF_FOUND_TREE;
    snprintf(out, outlen, "libpyfault.so not found next to the pyfault binary "
             "(run 'make build/libpyfault.so' or set PYFAULT_SHIM)");
    return PF_FOUND_NONE;
}

int pf_find_shim(char *out, size_t outlen)
{
    return pf_locate_shim(out, outlen) == PF_FOUND_NONE ? -1 : 0;
}

enum pf_found pf_locate_pylib(char *out, size_t outlen)
{
    if (find_installed(REL_PYLIB, 1, out, outlen) == 0)
        return PF_FOUND_INSTALLED;
    if (find_up("scenarios/lib", 4, 1, out, outlen) == 0)
        return PF_FOUND_TREE;
    return PF_FOUND_NONE;
}

int pf_find_scenario_lib(char *out, size_t outlen)
{
    return pf_locate_pylib(out, outlen) == PF_FOUND_NONE ? -1 : 0;
}

enum pf_found pf_locate_skip_list(char *out, size_t outlen)
{
    if (find_installed(REL_DATA "/skip-frames.txt", 0, out, outlen) == 0)
        return PF_FOUND_INSTALLED;
    if (find_up("harness/classify/skip-frames.txt", 4, 0, out, outlen) == 0)
        return PF_FOUND_TREE;
    return PF_FOUND_NONE;
}

const char *pf_found_name(enum pf_found how)
{
    switch (how) {
    case PF_FOUND_ENV: return "environment";
    case PF_FOUND_INSTALLED: return "installed";
    case PF_FOUND_TREE: return "build tree";
    default: return "not found";
    }
}

void pf_find_pyfault(char *out, size_t outlen)
{
    char buf[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n > 0) {
        buf[n] = '\0';
        const char *base = strrchr(buf, '/');
        if (base && strcmp(base + 1, "pyfault") == 0) {
            snprintf(out, outlen, "%s", buf);
            return;
        }
    }
    if (find_up("pyfault", 3, 0, out, outlen) == 0)
        return;
    snprintf(out, outlen, "pyfault");
}

int pf_resolve_exec(const char *name, char *out, size_t outlen)
{
    if (!name || !name[0])
        return -1;
    if (strchr(name, '/')) {
        snprintf(out, outlen, "%s", name);
        struct stat st;
        return (stat(name, &st) == 0 && S_ISREG(st.st_mode) &&
                access(name, X_OK) == 0) ? 0 : -1;
    }
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        size_t len = strcspn(path, ":");
        char cand[PATH_MAX];
        if (snprintf(cand, sizeof cand, "%.*s/%s", (int)len, len ? path : ".", name) < (int)sizeof cand) {
            struct stat st;
            if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0) {
                snprintf(out, outlen, "%s", cand);
                return 0;
            }
        }
        path += len;
        if (*path == ':')
            path++;
    }
    return -1;
}
