/*
 * fdident.c: what a descriptor is, for the fork server's noting
 * (fdprivate.c, fdchannel.c, fdeventfd.c, fdepoll.c): whether two
 * descriptors are one open file description, the thing a fork shares (an
 * offset, a pipe's end, an epoll set), what kind of file its /proc link
 * names (a pipe, an epoll set, an eventfd), and what its
 * /proc/self/fdinfo says (a set's registrations, a counter). Two
 * numbers can name one file through two descriptions, which a trial must
 * keep apart, or one description, which it must keep as one.
 * System calls: no allocation.
 */
#include "internal.h"

#include <fcntl.h>
#include <linux/kcmp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

bool pf_fd_one_description(int fd, pid_t other, int other_fd)
{
    return syscall(SYS_kcmp, (long)pf_pid(), (long)other, (long)KCMP_FILE, (long)fd,
                   (long)other_fd) == 0;
}

bool pf_fd_link_starts(int fd, const char *prefix)
{
    /* the kinds asked after ("pipe:", "anon_inode:[eventpoll]") are
     * short: a longer link is cut here, and its start is what counts */
    char name[64];
    size_t len = strlen(prefix);
    ssize_t n = readlink(pf_fd_proc_path("fd", fd).path, name, sizeof name);
    return n >= (ssize_t)len && memcmp(name, prefix, len) == 0;
}

ssize_t pf_fdinfo_read(int fd, char *buf, size_t size)
{
    int f = open(pf_fd_proc_path("fdinfo", fd).path, O_RDONLY | O_CLOEXEC);
    if (f < 0)
        return -1;
    ssize_t len = 0, got = 0;
    while (len < (ssize_t)size - 1 && (got = read(f, buf + len, size - 1 - (size_t)len)) > 0)
        len += got;
    bool whole = len < (ssize_t)size - 1 && got == 0;
    close(f);
    if (!whole)
        return -1;
    buf[len] = '\0';
    return len;
}

bool pf_fdinfo_field(const char *text, const char *end, const char *key, int base,
                     unsigned long long *out)
{
    const char *at = text;
    size_t klen = strlen(key);
    for (; at + klen <= end; at++)
        if (memcmp(at, key, klen) == 0)
            break;
    if (at + klen > end)
        return false;
    char *stop;
    *out = strtoull(at + klen, &stop, base);
    return stop != at + klen && stop <= end;
}
