/*
 * fdeventfd.c: a forked trial's own eventfd counters.
 *
 * An eventfd's counter lives in its one open description, which a fork
 * shares: what one trial wrote or read would reach the server and every
 * later trial, where an exec'd trial has a counter of its own. The
 * server notes each counter's value and semaphore mode at a stop from
 * /proc/self/fdinfo, and a trial makes a new eventfd holding that value
 * at the same numbers (with their status and close-on-exec flags),
 * before its epoll sets are rebuilt (fdepoll.c), so that a set watches
 * the trial's own. The value is read at the stop, before the fork: the
 * server may write on after it without a trial seeing it.
 *
 * A kernel whose fdinfo does not say the semaphore mode (before 6.4),
 * or more counters than the table holds, leave the stop unsafe (the
 * point is exec'd); a counter a trial cannot be given is noted
 * (fdplace.c), and the trial exec'd. Nothing here allocates (called
 * inside the allocation hook).
 */
#include "internal.h"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* Counters one stop can note; one more makes it unsafe. */
#define PF_EVENTFDS_MAX 16

struct counter {
    int fd, cloexec, status; /* its number, FD_CLOEXEC, O_NONBLOCK */
    int same_as;             /* an earlier counter with the same description, or -1 */
    bool semaphore;
    uint64_t value;
};

static struct counter counters[PF_EVENTFDS_MAX];
static int ncounters;

void pf_eventfds_reset(void)
{
    ncounters = 0;
}

bool pf_is_eventfd(int fd)
{
    return pf_fd_link_starts(fd, "anon_inode:[eventfd]");
}

/* Reads eventfd FD's value and mode from its fdinfo into C. */
static bool read_counter(int fd, struct counter *c)
{
    char text[512];
    ssize_t n = pf_fdinfo_read(fd, text, sizeof text);
    unsigned long long value, semaphore;
    /* the count is printed in hex without a 0x, padded with spaces */
    if (n < 0 || !pf_fdinfo_field(text, text + n, "eventfd-count:", 16, &value) ||
        !pf_fdinfo_field(text, text + n, "eventfd-semaphore:", 10, &semaphore))
        return false;
    c->value = value;
    c->semaphore = semaphore != 0;
    return true;
}

bool pf_eventfd_note(int fd, int cloexec)
{
    if (ncounters == PF_EVENTFDS_MAX)
        return false;
    int status = fcntl(fd, F_GETFL);
    if (status < 0)
        return false;
    struct counter *c = &counters[ncounters];
    *c = (struct counter){fd, cloexec, status & O_NONBLOCK, -1, false, 0};
    for (int i = 0; i < ncounters; i++)
        if (counters[i].same_as < 0 && pf_fd_one_description(fd, pf_pid(), counters[i].fd)) {
            c->same_as = i;
            ncounters++;
            return true;
        }
    if (!read_counter(fd, c))
        return false;
    ncounters++;
    return true;
}

void pf_eventfds_privatise(void)
{
    for (int i = 0; i < ncounters; i++) {
        const struct counter *c = &counters[i];
        if (c->same_as >= 0) {
            pf_fd_put(counters[c->same_as].fd, c->fd, c->cloexec, "an eventfd counter");
            continue;
        }
        int fresh = eventfd(0, EFD_CLOEXEC | (c->semaphore ? EFD_SEMAPHORE : 0) |
                                   (c->status ? EFD_NONBLOCK : 0));
        /* eventfd() takes 32 bits; a write adds up to 2^64 - 2, and on a
         * counter at 0 it never blocks (nor comes up short: 8 or none) */
        if (fresh >= 0 && c->value != 0 && write(fresh, &c->value, sizeof c->value) < 0) {
            pf_place_failed("an eventfd counter's value", c->fd);
            close(fresh);
            continue;
        }
        pf_fd_place(fresh, c->fd, c->cloexec, "an eventfd counter");
    }
}
