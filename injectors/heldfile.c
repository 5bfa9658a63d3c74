/*
 * heldfile.c: a file the shim appends to for the whole run (the event
 * log, the call-site record), kept its own against the target.
 *
 * Its descriptor sits high (fdhigh.c), and before each write the shim
 * checks that the number still holds the file it opened (st_dev and
 * st_ino noted then): a target that closed it (os.closerange(3, ...)) or
 * dup2()ed its own file onto it gets the file reopened by its absolute
 * name instead of our records in its file, or none at all.
 * System calls only: async-signal-safe, and nothing allocates.
 */
#include "internal.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int pf_open_for_append(const char *path, int flags)
{
    /* a FIFO with no reader must not hold the target up at start-up: it
     * fails (ENXIO) instead of waiting; writes then block as usual */
    int fd = open(path, flags | O_WRONLY | O_APPEND | O_CLOEXEC | O_NONBLOCK, 0644);
    if (fd >= 0) {
        int fl = fcntl(fd, F_GETFL);
        if (fl >= 0)
            fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
        /* out of the target's numbering (fdhigh.c) */
        fd = pf_fd_move_high(fd);
    }
    return fd;
}

bool pf_held_install(struct pf_held_file *h, int fd, const char *fallback_path)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return false;
    char name[sizeof h->path];
    ssize_t n = readlink(pf_fd_proc_path("fd", fd).path, name, sizeof name - 1);
    /* an absolute name survives the target's chdir(); a relative one
     * from the spec is the best there is without /proc */
    if (n > 0 && name[0] == '/') {
        name[n] = '\0';
        memcpy(h->path, name, (size_t)n + 1);
    } else if (fallback_path) {
        strncpy(h->path, fallback_path, sizeof h->path - 1);
    } else {
        h->path[0] = '\0';
    }
    h->dev = st.st_dev;
    h->ino = st.st_ino;
    __atomic_store_n(&h->fd, fd, __ATOMIC_RELEASE);
    return true;
}

int pf_held_current(struct pf_held_file *h)
{
    int fd = __atomic_load_n(&h->fd, __ATOMIC_ACQUIRE);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) == 0 && st.st_dev == h->dev && st.st_ino == h->ino)
        return fd;
    /* closed, or the target's file now: never write there, never close it */
    if (!h->path[0])
        return -1;
    int fresh = pf_open_for_append(h->path, h->reopen_flags);
    if (fresh < 0)
        return -1;
    if (fstat(fresh, &st) < 0) {
        close(fresh);
        return -1;
    }
    int seen = fd;
    if (!__atomic_compare_exchange_n(&h->fd, &seen, fresh, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        close(fresh); /* another writer reopened it first */
        return seen;
    }
    h->dev = st.st_dev;
    h->ino = st.st_ino;
    return fresh;
}
