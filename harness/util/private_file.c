/* private_file.c: O_EXCL + O_NOFOLLOW + 0600 for every name the harness
 * creates: a symlink planted at a predictable name is never followed. */
#include "private_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int pf_private_create(const char *path, int flags)
{
    return open(path, flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
}

int pf_private_recreate(const char *path, int flags)
{
    if (unlink(path) < 0 && errno != ENOENT)
        return -1;
    return pf_private_create(path, flags);
}

int pf_regular_errno(const struct stat *st)
{
    return S_ISDIR(st->st_mode) ? EISDIR : !S_ISREG(st->st_mode) ? EINVAL : 0;
}

/* pf_open_regular, keeping the file's stat in *ST. */
static int open_regular_stat(const char *path, int flags, struct stat *st)
{
    /* O_NONBLOCK: a FIFO planted at PATH must not hold the open up */
    int fd = open(path, flags | O_NONBLOCK | O_CLOEXEC, 0600);
    if (fd < 0)
        return -1;
    int e = fstat(fd, st) < 0 ? errno : pf_regular_errno(st);
    if (e) {
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

int pf_open_regular(const char *path, int flags)
{
    struct stat st;
    return open_regular_stat(path, flags, &st);
}

FILE *pf_fopen_regular(const char *path, int flags, struct stat *st, char *err, size_t errlen)
{
    struct stat own;
    int fd = open_regular_stat(path, flags, st ? st : &own);
    FILE *f = fd < 0 ? NULL : fdopen(fd, "r");
    if (!f) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        /* a FIFO or device never ends, or not with a whole document */
        snprintf(err, errlen, "%.900s: %s", path,
                 e == EINVAL ? "not a regular file" : strerror(e));
    }
    return f;
}

int pf_private_open(const char *path, int flags)
{
    return pf_open_regular(path, flags | O_CREAT | O_NOFOLLOW);
}

int pf_private_temp(char *template, int suffixlen)
{
    return mkostemps(template, suffixlen, O_CLOEXEC);
}

unsigned pf_private_umask(void)
{
    unsigned mask = 022;
    FILE *f = fopen("/proc/self/status", "re");
    if (!f)
        return mask;
    char line[256];
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Umask: %o", &mask) == 1)
            break;
    fclose(f);
    return mask & 0777;
}
