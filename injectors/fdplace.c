/*
 * fdplace.c: a forked trial's own descriptions put at the numbers where
 * the server's were, and the first that could not be.
 *
 * A trial left with the server's description where it was to have its
 * own shares an offset, a queue, a counter or a set with the server and
 * every later trial: a wrong answer, not a slower one. So a failure is
 * not passed over: the first is noted (what, at which number, errno),
 * and the trial reports it and exits before its target runs on
 * (forksrv.c); the supervisor execs the point instead.
 * System calls only: no allocation (called inside the allocation hook).
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

static struct pf_place_failure first;

void pf_place_reset(void)
{
    first = (struct pf_place_failure){NULL, -1, 0};
}

bool pf_place_failed(const char *what, int fd)
{
    if (!first.what)
        first = (struct pf_place_failure){what, fd, errno};
    return false;
}

const struct pf_place_failure *pf_place_failure(void)
{
    return first.what ? &first : NULL;
}

bool pf_fd_put(int from, int fd, bool cloexec, const char *what)
{
    if (dup3(from, fd, cloexec ? O_CLOEXEC : 0) < 0)
        return pf_place_failed(what, fd);
    return true;
}

bool pf_fd_place(int fresh, int fd, bool cloexec, const char *what)
{
    if (fresh < 0)
        return pf_place_failed(what, fd);
    bool put = pf_fd_put(fresh, fd, cloexec, what);
    close(fresh);
    return put;
}
