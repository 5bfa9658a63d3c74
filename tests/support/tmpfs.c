/*
 * tmpfs.c: a 64 KiB disk that fills up, a folder that turns read-only.
 */
#include "tmpfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

int tmpfs_mount(char *dir, size_t dirlen, unsigned size_kb)
{
    const char *base = getenv("TMPDIR");
    snprintf(dir, dirlen, "%s/pyfault-tmpfs.XXXXXX", base && *base ? base : "/tmp");
    if (!mkdtemp(dir)) {
        snprintf(dir, dirlen, "mkdtemp: %s", strerror(errno));
        return -1;
    }
    char opts[64];
    snprintf(opts, sizeof opts, "size=%uk,mode=0755", size_kb);
    if (mount("tmpfs", dir, "tmpfs", 0, opts) < 0) {
        int e = errno;
        rmdir(dir);
        snprintf(dir, dirlen, "cannot mount a tmpfs (root needed): %s", strerror(e));
        return -1;
    }
    return 0;
}

int tmpfs_remount_ro(const char *dir)
{
    return mount(NULL, dir, NULL, MS_REMOUNT | MS_RDONLY, NULL);
}

int tmpfs_resize(const char *dir, unsigned size_kb)
{
    char opts[64];
    snprintf(opts, sizeof opts, "size=%uk", size_kb);
    return mount(NULL, dir, NULL, MS_REMOUNT, opts);
}

int tmpfs_fill(const char *dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/fill", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        return -1;
    static const char block[4096];
    int rc = 0;
    /* halving chunks: the last partial block fills too */
    for (size_t chunk = sizeof block; chunk > 0 && rc == 0; chunk /= 2)
        for (;;) {
            if (write(fd, block, chunk) >= 0)
                continue;
            rc = errno == ENOSPC ? 0 : -1;
            break;
        }
    close(fd);
    return rc;
}

void tmpfs_unmount(const char *dir)
{
    umount2(dir, MNT_DETACH);
    rmdir(dir);
}

int tmpfs_setup(void **state)
{
    char *dir = calloc(1, TMPFS_DIRLEN);
    *state = dir;
    return dir ? 0 : -1;
}

int tmpfs_teardown(void **state)
{
    char *dir = *state;
    /* a path when mounted; a reason (or nothing) when skipped */
    if (dir && dir[0] == '/')
        tmpfs_unmount(dir);
    free(dir);
    *state = NULL;
    return 0;
}

char *tmpfs_slurp(const char *path)
{
    FILE *f = fopen(path, "re");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len < 2) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
    }
    fclose(f);
    if (buf)
        buf[len] = '\0';
    return buf;
}
