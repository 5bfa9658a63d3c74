/*
 * fdprivate.c: a forked trial's own descriptors.
 *
 * fork(2) shares open file descriptions: a trial reading the script that
 * the fork server was still parsing would move the server's offset, and
 * every other trial's. The server then parsed a truncated file and ran
 * out before the next point (all later points fell back to exec), and
 * two trials in flight read each other's pieces. An exec'd trial opens
 * its files itself, so a forked one gets its own description of every
 * regular file and directory it holds, at the offset noted when the
 * server stopped (pf_fds_note), before the server could read on.
 *
 * The server's stdout and stderr are the harness's pipes, and a trial
 * gets pipes of its own: wherever the target keeps the server's (fd 1
 * and 2, or a copy it made with dup(), as pytest's capture and a saved
 * stream do), the trial has its own pipe under that number, as an
 * exec'd trial has its own pipe in each copy.
 *
 * Other pipes, sockets and anonymous-inode descriptors (epoll, eventfd,
 * timerfd, signalfd, inotify) cannot be made private: their state (data
 * queued, a peer, registrations, a counter) lives in the one description
 * the server and every trial would share, where each exec'd trial makes
 * its own. pf_fds_note says when the target holds one, and the point is
 * exec'd. Such a descriptor the server was started with is no such
 * state: every exec'd trial inherits the same. Devices stay shared:
 * /dev/null and its kin keep no state.
 * Nothing here allocates (called inside the allocation hook).
 */
#include "internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Descriptors noted at one stop; a target holding more keeps the rest
 * shared. */
#define PF_FDS_MAX 1024

/* Flags of an open file that a new description must carry again. */
#define PF_FDS_KEPT_FLAGS (O_ACCMODE | O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME | O_SYNC | \
                           O_DSYNC | O_LARGEFILE)

/* What a trial does with a noted descriptor. */
enum treatment {
    REOPEN,    /* a regular file or directory: opened again at its offset */
    OWN_OUT,   /* the server's stdout pipe: the trial's stdout there */
    OWN_ERR,   /* the server's stderr pipe: the trial's stderr there */
};

struct noted {
    int fd, flags, cloexec;
    enum treatment treatment;
    off_t pos;
    dev_t dev;
    ino_t ino;
};

/* The server's, copied into each trial by the fork. */
static struct noted noted[PF_FDS_MAX];
static int nnoted;

/* The harness's stdout and stderr pipes (fds 1 and 2 when the service
 * opened, before the target could move them); ino 0: unknown. */
static struct stat server_out, server_err;

/* The other stateful descriptors the server was started with: the
 * harness passes what its own environment left open (make's jobserver
 * pipe, a CI runner's) to every exec'd trial alike, so they are no
 * state of the target's. */
#define PF_FDS_INHERITED_MAX 64
static struct inherited {
    dev_t dev;
    ino_t ino;
} inherited[PF_FDS_INHERITED_MAX];
static int ninherited;

/* The descriptors open now in FDS (PF_FDS_MAX at most); returns how
 * many. */
static int list_fds(int fds[PF_FDS_MAX])
{
    int n = 0;
    int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return 0;
    char buf[4096];
    long got;
    while ((got = syscall(SYS_getdents64, dir, buf, sizeof buf)) > 0) {
        for (long off = 0; off < got && n < PF_FDS_MAX;) {
            struct dirent64 *d = (struct dirent64 *)(buf + off);
            off += d->d_reclen;
            if (d->d_name[0] < '0' || d->d_name[0] > '9')
                continue;
            int fd = 0;
            for (const char *p = d->d_name; *p >= '0' && *p <= '9'; p++)
                fd = fd * 10 + (*p - '0');
            if (fd != dir)
                fds[n++] = fd;
        }
    }
    close(dir);
    return n;
}

/* Whether ST's description keeps state a fork would share with every
 * trial: a pipe or FIFO, a socket, or an anonymous inode (no file type:
 * epoll, eventfd, timerfd, signalfd, inotify). */
static bool holds_shared_state(const struct stat *st)
{
    return S_ISFIFO(st->st_mode) || S_ISSOCK(st->st_mode) || (st->st_mode & S_IFMT) == 0;
}

void pf_fds_note_start(int own_fd)
{
    if (fstat(1, &server_out) < 0 || !S_ISFIFO(server_out.st_mode))
        server_out.st_ino = 0;
    if (fstat(2, &server_err) < 0 || !S_ISFIFO(server_err.st_mode))
        server_err.st_ino = 0;
    int fds[PF_FDS_MAX];
    int n = list_fds(fds);
    ninherited = 0;
    for (int i = 0; i < n && ninherited < PF_FDS_INHERITED_MAX; i++) {
        struct stat st;
        if (fds[i] > 2 && fds[i] != own_fd && fstat(fds[i], &st) == 0 &&
            holds_shared_state(&st))
            inherited[ninherited++] = (struct inherited){st.st_dev, st.st_ino};
    }
}

static bool same_file(const struct stat *a, const struct stat *b)
{
    return b->st_ino != 0 && a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static bool was_inherited(const struct stat *st)
{
    for (int i = 0; i < ninherited; i++)
        if (inherited[i].dev == st->st_dev && inherited[i].ino == st->st_ino)
            return true;
    return false;
}

/* Notes FD for the trials; returns whether it is a descriptor of the
 * target's whose state no trial could have to itself. */
static bool note(int fd)
{
    struct stat st;
    if (nnoted == PF_FDS_MAX || fstat(fd, &st) < 0)
        return false;
    struct noted *e = &noted[nnoted];
    if (same_file(&st, &server_out) || same_file(&st, &server_err)) {
        int fdfl = fcntl(fd, F_GETFD);
        if (fdfl < 0)
            return false;
        e->treatment = same_file(&st, &server_out) ? OWN_OUT : OWN_ERR;
        e->cloexec = fdfl & FD_CLOEXEC;
    } else if (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)) {
        int fl = fcntl(fd, F_GETFL), fdfl = fcntl(fd, F_GETFD);
        off_t pos = lseek(fd, 0, SEEK_CUR);
        if (fl < 0 || fdfl < 0 || pos < 0 || (fl & O_PATH))
            return false;
        e->treatment = REOPEN;
        e->flags = S_ISDIR(st.st_mode) ? O_RDONLY | O_DIRECTORY : (fl & PF_FDS_KEPT_FLAGS);
        e->cloexec = fdfl & FD_CLOEXEC;
        e->pos = pos;
    } else {
        return holds_shared_state(&st) && !was_inherited(&st);
    }
    e->fd = fd;
    e->dev = st.st_dev;
    e->ino = st.st_ino;
    nnoted++;
    return false;
}

bool pf_fds_note(int own_fd)
{
    nnoted = 0;
    bool shared = false;
    int fds[PF_FDS_MAX];
    int n = list_fds(fds);
    for (int i = 0; i < n; i++) {
        /* the shim's own: the service socket, libunwind's pipe */
        if (fds[i] != own_fd && !pf_fd_is_unwinders(fds[i]) && note(fds[i]))
            shared = true;
    }
    return shared;
}

/* Opens the file noted in E anew at its noted offset, under its number. */
static void reopen(const struct noted *e)
{
    struct pf_buf link;
    link.len = 0;
    pf_buf_str(&link, "/proc/self/fd/");
    pf_buf_u64(&link, (uint64_t)e->fd);
    link.data[link.len] = '\0'; /* pf_buf keeps a byte spare */
    /* the magic link opens the same inode anew, even when unlinked */
    int fresh = open(link.data, e->flags | O_CLOEXEC | O_NOCTTY);
    if (fresh < 0)
        return;
    /* the offset noted at the stop: the server may have read on since */
    if (lseek(fresh, e->pos, SEEK_SET) == e->pos)
        dup3(fresh, e->fd, e->cloexec ? O_CLOEXEC : 0);
    close(fresh);
}

void pf_fds_privatise(int out, int err)
{
    for (int i = 0; i < nnoted; i++) {
        const struct noted *e = &noted[i];
        struct stat st;
        /* still the file noted (the trial's own descriptors came later) */
        if (fstat(e->fd, &st) < 0 || st.st_dev != e->dev || st.st_ino != e->ino)
            continue;
        int own = e->treatment == OWN_OUT ? out : e->treatment == OWN_ERR ? err : -1;
        if (e->treatment == REOPEN)
            reopen(e);
        else if (own >= 0 && own != e->fd)
            dup3(own, e->fd, e->cloexec ? O_CLOEXEC : 0);
    }
}
