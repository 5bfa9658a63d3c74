/* tmpdir.c: control pages and event logs live here for one command, in a
 * directory only we can enter (mkdtemp: 0700, a random name), of one
 * length under any TMPDIR that leaves room for it (tmpdir.h). */
#include "tmpdir.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int pf_tmpdir_create(char *out, size_t outlen)
{
    const char *base = getenv("TMPDIR");
    if (!base || !*base)
        base = "/tmp";
    /* absolute under a relative TMPDIR: a target that changes directory,
     * and its children, still find their control page and log */
    char abs[PATH_MAX];
    if (base[0] != '/' && realpath(base, abs))
        base = abs;
    /* "pyfault.", as many '_' as bring it to PF_TMPDIR_WIDTH, "XXXXXX" */
    int len = snprintf(out, outlen, "%s/pyfault.", base);
    size_t pad = (size_t)len + 6 < PF_TMPDIR_WIDTH ? PF_TMPDIR_WIDTH - 6 - (size_t)len : 0;
    if (len < 0 || (size_t)len + pad + 6 >= outlen) {
        snprintf(out, outlen, "TMPDIR too long");
        return -1;
    }
    memset(out + len, '_', pad);
    memcpy(out + (size_t)len + pad, "XXXXXX", 7);
    if (!mkdtemp(out)) {
        int e = errno;
        snprintf(out, outlen, "cannot create a temporary directory in %s: %s", base, strerror(e));
        return -1;
    }
    return 0;
}

int pf_tmpdir_create_guarded(char *out, size_t outlen, struct pf_janitor *j)
{
    j->pid = -1;
    j->fd = -1;
    if (pf_tmpdir_create(out, outlen) < 0)
        return -1;
    if (pf_janitor_start(j, out) < 0) {
        int e = errno;
        pf_tmpdir_remove(out);
        snprintf(out, outlen, "cannot start the scratch directory's janitor: %s", strerror(e));
        return -1;
    }
    return 0;
}

void pf_tmpdir_release(const char *dir, struct pf_janitor *j)
{
    pf_tmpdir_remove(dir);
    pf_janitor_stop(j);
}

void pf_tmpdir_remove(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}
