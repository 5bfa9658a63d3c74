/*
 * fdepoll.c: a forked trial's own epoll sets.
 *
 * An epoll set's registrations live in its one description, which a
 * fork shares: a file a trial registered would be in the server's set
 * and every later trial's, where an exec'd trial builds its own. The
 * server notes each set's registrations at a stop from
 * /proc/self/fdinfo (number, events, data), and a trial builds a new set
 * of them at the same number, after its pipes and socket pairs are its
 * own (fdchannel.c), so that they are what it registers.
 *
 * Level-triggered registrations only (asyncio's selector, select.epoll's
 * default): an edge-triggered or one-shot one carries what was already
 * reported, which a new set cannot. That, a registration whose number no
 * longer holds its file, a set inside a set, or more than the tables
 * hold leave the stop unsafe (the point is exec'd); a set a trial cannot
 * build is noted (fdplace.c), and the trial exec'd.
 * Nothing here allocates (called inside the allocation hook).
 */
#include "internal.h"

#include <fcntl.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Sets and registrations one stop can note; one more makes it unsafe. */
#define PF_EPOLLS_MAX 8
#define PF_EPOLL_REGS_MAX 256
/* An fdinfo larger than this is not read whole: unsafe. */
#define PF_EPOLL_INFO_MAX 16384

struct registration {
    int fd;
    struct epoll_event event;
};

struct epoll_set {
    int fd, cloexec;
    int same_as; /* an earlier set with the same open description, or -1 */
    int first, count; /* its registrations in regs[] */
};

static struct epoll_set sets[PF_EPOLLS_MAX];
static int nsets;
static struct registration regs[PF_EPOLL_REGS_MAX];
static int nregs;
static char info[PF_EPOLL_INFO_MAX];

void pf_epolls_reset(void)
{
    nsets = nregs = 0;
}

bool pf_is_epoll(int fd)
{
    return pf_fd_link_starts(fd, "anon_inode:[eventpoll]");
}

/* Whether registration number FD still holds the file the set has
 * (INO, SDEV: the kernel's encoding), and is no epoll set itself. */
static bool still_registered_file(int fd, unsigned long long ino, unsigned long long sdev)
{
    struct stat st;
    if (fstat(fd, &st) < 0 || st.st_ino != ino)
        return false;
    if (major(st.st_dev) != (unsigned)(sdev >> 20) || minor(st.st_dev) != (unsigned)(sdev & 0xfffff))
        return false;
    /* only an anonymous inode (no file type) can be a set: a pipe or a
     * socket, nearly every registration, needs no readlink */
    return (st.st_mode & S_IFMT) != 0 || !pf_is_epoll(fd);
}

bool pf_epoll_note(int fd, int cloexec)
{
    if (nsets == PF_EPOLLS_MAX)
        return false;
    struct epoll_set *s = &sets[nsets];
    *s = (struct epoll_set){fd, cloexec, -1, nregs, 0};
    for (int i = 0; i < nsets; i++)
        if (sets[i].same_as < 0 && pf_fd_one_description(fd, pf_pid(), sets[i].fd)) {
            s->same_as = i;
            nsets++;
            return true;
        }
    ssize_t len = pf_fdinfo_read(fd, info, sizeof info);
    if (len < 0)
        return false;
    for (char *line = info, *end; line < info + len; line = end + 1) {
        end = memchr(line, '\n', (size_t)(info + len - line));
        if (!end)
            end = info + len;
        if (strncmp(line, "tfd:", 4) != 0)
            continue;
        unsigned long long tfd, events, data, ino, sdev;
        if (!pf_fdinfo_field(line, end, "tfd:", 10, &tfd) ||
            !pf_fdinfo_field(line, end, "events:", 16, &events) ||
            !pf_fdinfo_field(line, end, "data:", 16, &data) ||
            !pf_fdinfo_field(line, end, "ino:", 16, &ino) ||
            !pf_fdinfo_field(line, end, "sdev:", 16, &sdev))
            return false;
        if (events & (EPOLLET | EPOLLONESHOT | EPOLLEXCLUSIVE))
            return false;
        if (nregs == PF_EPOLL_REGS_MAX || !still_registered_file((int)tfd, ino, sdev))
            return false;
        regs[nregs++] = (struct registration){(int)tfd, {(uint32_t)events, {.u64 = data}}};
        s->count++;
    }
    nsets++;
    return true;
}

void pf_epolls_privatise(void)
{
    for (int i = 0; i < nsets; i++) {
        const struct epoll_set *s = &sets[i];
        if (s->same_as >= 0) {
            pf_fd_put(sets[s->same_as].fd, s->fd, s->cloexec, "an epoll set");
            continue;
        }
        int fresh = epoll_create1(EPOLL_CLOEXEC);
        for (int r = s->first; fresh >= 0 && r < s->first + s->count; r++) {
            struct epoll_event ev = regs[r].event;
            if (epoll_ctl(fresh, EPOLL_CTL_ADD, regs[r].fd, &ev) < 0)
                pf_place_failed("an epoll set's registration", regs[r].fd);
        }
        pf_fd_place(fresh, s->fd, s->cloexec, "an epoll set");
    }
}
