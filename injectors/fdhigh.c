/*
 * fdhigh.c: the shim's own descriptors, kept out of the target's way.
 *
 * A descriptor the shim keeps open (the event log, the sites file,
 * libunwind's memory-validation pipe) took the lowest free number: the
 * target's own files came out one number higher than without the shim, a
 * target at RLIMIT_NOFILE (4,4) got EMFILE, and one that dup2()ed onto
 * fd 3 received our records. Each is moved as soon as it is made to the
 * highest free number below min(RLIMIT_NOFILE soft limit, 1024), with
 * F_DUPFD_CLOEXEC (one atomic call: no window in which another thread's
 * number could be taken), and the low one closed.
 *
 * Why 1024 at most: the kernel grows a process's descriptor table to hold
 * its highest number (a soft limit of 2^20 is common in containers:
 * megabytes of table, copied by every fork), and code that still uses
 * select() handles numbers below FD_SETSIZE (1024) only. Why the top:
 * numbers are handed out from the bottom, so a target reaches ours only
 * when it holds about a thousand files at once, or dup2()s onto them on
 * purpose (then log.c notices and reopens; see pf_log_write).
 *
 * Everything here is a system call or arithmetic: no allocation, safe in
 * a signal handler.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* Numbers below this are the target's: never a destination. */
#define PF_FD_LOW 64
/* The ceiling whatever the limit (FD_SETSIZE). */
#define PF_FD_CEILING 1024
/* Numbers tried down from the top before settling for less. */
#define PF_FD_TRIES 64

int pf_fd_move_high(int fd)
{
    if (fd < 0)
        return fd;
    struct rlimit rl;
    long top = PF_FD_CEILING;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (long)rl.rlim_cur < top)
        top = (long)rl.rlim_cur;
    if (fd >= top - PF_FD_TRIES && fd < top)
        return fd; /* up there already */
    int saved = errno;
    int high = -1;
    /* F_DUPFD_CLOEXEC takes the lowest free number >= its argument:
     * starting at top-1 and stepping down finds the highest free one
     * below TOP (one at or past TOP, when the limit is higher, is put
     * back and the next lower start tried) */
    for (long min = top - 1; min >= PF_FD_LOW && min >= top - PF_FD_TRIES; min--) {
        high = fcntl(fd, F_DUPFD_CLOEXEC, (int)min);
        if (high >= 0 && high < top)
            break;
        if (high >= 0)
            close(high);
        else if (errno != EMFILE && errno != EINVAL)
            break;
        high = -1;
    }
    if (high < 0 && top > 2 * PF_FD_LOW)
        high = fcntl(fd, F_DUPFD_CLOEXEC, (int)(top / 2));
    if (high < 0) {
        /* a limit of PF_FD_LOW or less: nowhere above the target's to go */
        errno = saved;
        return fd;
    }
    close(fd);
    errno = saved;
    return high;
}

/* libunwind's text (unwind.c notes it before the first unwind): a pipe2
 * called from there is its memory-validation pipe. */
static uintptr_t unwinder_lo, unwinder_hi;

void pf_fd_note_unwinder(uintptr_t lo, uintptr_t hi)
{
    unwinder_lo = lo;
    unwinder_hi = hi;
}

bool pf_fd_from_unwinder(uintptr_t ip)
{
    return ip >= unwinder_lo && ip < unwinder_hi;
}

/* The latest pipe made for libunwind (it makes another when one fails). */
static int unwinders_pipe[2] = {-1, -1};

void pf_fd_note_unwinders_pipe(const int fds[2])
{
    __atomic_store_n(&unwinders_pipe[0], fds[0], __ATOMIC_RELAXED);
    __atomic_store_n(&unwinders_pipe[1], fds[1], __ATOMIC_RELAXED);
}

bool pf_fd_is_unwinders(int fd)
{
    return fd >= 0 && (fd == __atomic_load_n(&unwinders_pipe[0], __ATOMIC_RELAXED) ||
                       fd == __atomic_load_n(&unwinders_pipe[1], __ATOMIC_RELAXED));
}

struct pf_proc_path pf_fd_proc_path(const char *dir, int fd)
{
    struct pf_proc_path l;
    char digits[12];
    int n = 0;
    do
        digits[n++] = (char)('0' + fd % 10);
    while ((fd /= 10) > 0 && n < (int)sizeof digits);
    size_t len = strlen(dir);
    if (len > sizeof l.path - 12 - (size_t)n - 1)
        len = sizeof l.path - 12 - (size_t)n - 1;
    memcpy(l.path, "/proc/self/", 11);
    memcpy(l.path + 11, dir, len);
    l.path[11 + len] = '/';
    for (int i = 0; i < n; i++)
        l.path[12 + len + (size_t)i] = digits[n - 1 - i];
    l.path[12 + len + (size_t)n] = '\0';
    return l;
}
