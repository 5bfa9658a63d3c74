/* inherited_fds.c: what the harness's own environment left open (make's
 * jobserver pipe, a CI runner's descriptor, socket activation) is given
 * to every target, exec'd or served by the fork server alike; what the
 * harness opened since is not. Libraries open without O_CLOEXEC (libdw
 * opening an interpreter and its debug file to name frames), and exec'd
 * trials held those at fds 7-15 depending on which trials had been
 * symbolized before them: the target's descriptors, and so its
 * behaviour near RLIMIT_NOFILE, depended on trial order. */
#include "inherited_fds.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PF_INHERITED_MAX 256

static int noted[PF_INHERITED_MAX]; /* ascending */
static int nnoted;
static int overflow; /* more than PF_INHERITED_MAX: close nothing */

void pf_inherited_fds_note(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d) {
        overflow = 1; /* cannot tell: close nothing */
        return;
    }
    int own = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char *end;
        long fd = strtol(e->d_name, &end, 10);
        if (*end || end == e->d_name || fd <= 2 || fd == own)
            continue;
        if (nnoted == PF_INHERITED_MAX) {
            overflow = 1;
            break;
        }
        /* insertion keeps them ascending: few, once */
        int i = nnoted++;
        for (; i > 0 && noted[i - 1] > fd; i--)
            noted[i] = noted[i - 1];
        noted[i] = (int)fd;
    }
    closedir(d);
}

/* Closes LO..HI (both included), when LO <= HI. */
static void close_span(unsigned lo, unsigned hi)
{
    if (lo <= hi)
        syscall(SYS_close_range, lo, hi, 0u);
}

void pf_inherited_fds_close_others(int keep)
{
    if (overflow)
        return;
    unsigned next = 3; /* the lowest number not yet dealt with */
    int k = keep > 2 ? keep : -1;
    for (int i = 0; i <= nnoted; i++) {
        int fd = i < nnoted ? noted[i] : -1;
        /* KEEP in its place among the noted */
        if (k >= 0 && (fd < 0 || k < fd)) {
            close_span(next, (unsigned)k - 1);
            next = (unsigned)k + 1;
            k = -1;
        }
        if (fd < 0)
            break;
        if ((unsigned)fd >= next) {
            close_span(next, (unsigned)fd - 1);
            next = (unsigned)fd + 1;
        }
    }
    close_span(next, ~0u);
}
