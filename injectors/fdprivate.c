/*
 * fdprivate.c: a forked trial's own file offsets.
 *
 * fork(2) shares open file descriptions: a trial reading the script that
 * the fork server was still parsing would move the server's offset, and
 * every other trial's. The server then parsed a truncated file and ran
 * out before the next point (all later points fell back to exec), and
 * two trials in flight read each other's pieces. An exec'd trial opens
 * its files itself, so a forked one gets its own description of every
 * regular file and directory it holds, at the offset noted when the
 * server stopped (pf_fds_note), before the server could read on.
 * Pipes, sockets and devices stay shared: they have no offset to keep.
 * Nothing here allocates (called inside the allocation hook).
 */
#include "internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Regular files and directories noted at one stop; a target holding
 * more keeps the rest shared. */
#define PF_FDS_MAX 1024

/* Flags of an open file that a new description must carry again. */
#define PF_FDS_KEPT_FLAGS (O_ACCMODE | O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME | O_SYNC | \
                           O_DSYNC | O_LARGEFILE)

struct noted {
    int fd, flags, cloexec;
    off_t pos;
    dev_t dev;
    ino_t ino;
};

/* The server's, copied into each trial by the fork. */
static struct noted noted[PF_FDS_MAX];
static int nnoted;

/* Notes FD when it is a regular file or a directory with an offset. */
static void note(int fd)
{
    struct stat st;
    if (nnoted == PF_FDS_MAX || fstat(fd, &st) < 0 ||
        !(S_ISREG(st.st_mode) || S_ISDIR(st.st_mode)))
        return;
    int fl = fcntl(fd, F_GETFL), fdfl = fcntl(fd, F_GETFD);
    off_t pos = lseek(fd, 0, SEEK_CUR);
    if (fl < 0 || fdfl < 0 || pos < 0 || (fl & O_PATH))
        return;
    struct noted *e = &noted[nnoted++];
    e->fd = fd;
    e->flags = S_ISDIR(st.st_mode) ? O_RDONLY | O_DIRECTORY : (fl & PF_FDS_KEPT_FLAGS);
    e->cloexec = fdfl & FD_CLOEXEC;
    e->pos = pos;
    e->dev = st.st_dev;
    e->ino = st.st_ino;
}

void pf_fds_note(void)
{
    nnoted = 0;
    int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0)
        return;
    char buf[4096];
    long got;
    while ((got = syscall(SYS_getdents64, dir, buf, sizeof buf)) > 0) {
        for (long off = 0; off < got;) {
            struct dirent64 *d = (struct dirent64 *)(buf + off);
            off += d->d_reclen;
            if (d->d_name[0] < '0' || d->d_name[0] > '9')
                continue;
            int fd = 0;
            for (const char *p = d->d_name; *p >= '0' && *p <= '9'; p++)
                fd = fd * 10 + (*p - '0');
            if (fd != dir)
                note(fd);
        }
    }
    close(dir);
}

void pf_fds_privatise(void)
{
    for (int i = 0; i < nnoted; i++) {
        const struct noted *e = &noted[i];
        struct stat st;
        /* still the file noted (the trial's own descriptors came later) */
        if (fstat(e->fd, &st) < 0 || st.st_dev != e->dev || st.st_ino != e->ino)
            continue;
        struct pf_buf link;
        link.len = 0;
        pf_buf_str(&link, "/proc/self/fd/");
        pf_buf_u64(&link, (uint64_t)e->fd);
        link.data[link.len] = '\0'; /* pf_buf keeps a byte spare */
        /* the magic link opens the same inode anew, even when unlinked */
        int fresh = open(link.data, e->flags | O_CLOEXEC | O_NOCTTY);
        if (fresh < 0)
            continue;
        /* the offset noted at the stop: the server may have read on since */
        if (lseek(fresh, e->pos, SEEK_SET) == e->pos)
            dup3(fresh, e->fd, e->cloexec ? O_CLOEXEC : 0);
        close(fresh);
    }
}
