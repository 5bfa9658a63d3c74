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
 * A file with no name left (a memfd, an O_TMPFILE, a temporary file
 * unlinked once made: Python's TemporaryFile, pytest's capture) is one an
 * exec'd trial makes for itself, contents and all: a forked trial gets a
 * copy of it as it was at the stop (beside it, else in a memfd), so that
 * no trial writes into the server's or reads another trial's bytes. The
 * copy is made at the trial's start, and the server waits for it before
 * it runs on (forksrv.c), so that it holds nothing written after the
 * stop.
 *
 * The server's stdout and stderr are the harness's pipes, and a trial
 * gets pipes of its own: wherever the target keeps the server's (fd 1
 * and 2, or a copy it made with dup(), as pytest's capture and a saved
 * stream do), the trial has its own pipe under that number, as an
 * exec'd trial has its own pipe in each copy.
 *
 * Pipes, socket pairs, eventfd counters and epoll sets of the target's
 * are given anew (fdchannel.c, fdeventfd.c, fdepoll.c). Other sockets,
 * terminals and anonymous-inode descriptors (timerfd, signalfd,
 * inotify) cannot be made private: their state (data queued, a peer, a
 * timer) lives in the one description the server and every trial would
 * share, where each exec'd trial makes its own. pf_fds_note says when the target holds one, and
 * the point is exec'd. What the server was started with is
 * left alone, shared with the server as every exec'd trial shares it
 * with the harness, lock and offset included (an anonymous inode, which
 * shares its one inode with all others, told by its description: the
 * harness's own at that number, by kcmp). Memory devices (/dev/null,
 * /dev/urandom, ...) keep no state.
 *
 * What a trial cannot be given of its own at its start (a file it
 * cannot open again, a copy with no room) is not left shared: the first
 * is noted (fdplace.c), and the trial is exec'd instead (forksrv.c).
 * Nothing here allocates (called inside the allocation hook).
 */
#include "internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Descriptors noted at one stop; one more to note makes the point
 * unsafe. */
#define PF_FDS_MAX 1024
/* Nameless files' bytes past this at one stop are not copied: the point
 * is exec'd (a copy is made at each trial's start, inside its time). */
#define PF_FDS_COPY_MAX (16L << 20)

/* Flags of an open file that a new description must carry again. */
#define PF_FDS_KEPT_FLAGS (O_ACCMODE | O_APPEND | O_NONBLOCK | O_DIRECT | O_NOATIME | O_SYNC | \
                           O_DSYNC | O_LARGEFILE)

/* What a trial does with a noted descriptor. */
enum treatment {
    REOPEN,    /* a regular file or directory: opened again at its offset */
    COPY,      /* a file with no name: a copy of its own, at its offset */
    OWN_OUT,   /* the server's stdout pipe: the trial's stdout there */
    OWN_ERR,   /* the server's stderr pipe: the trial's stderr there */
};

struct noted {
    int fd, flags, cloexec;
    enum treatment treatment;
    int same_as;   /* an earlier entry with the same open description, or -1 */
    int copy_of;   /* COPY: an earlier entry of the same file (another description), or -1 */
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

/* What the server was started with above fd 2: the harness passes what
 * its own environment left open (make's jobserver pipe, a CI runner's
 * descriptor, the lock file of `flock FILE make test`) to every exec'd
 * trial alike, so none is state of the target's: a forked trial shares
 * it with the server as exec'd trials share it with the harness. One
 * past the last fits none: it counts as the target's (exec'd, never
 * wrongly forked). */
#define PF_FDS_INHERITED_MAX 256
static struct inherited {
    int fd;
    bool anonymous; /* told by its description (anonymous_inherited) */
    dev_t dev;
    ino_t ino;
} inherited[PF_FDS_INHERITED_MAX];
static int ninherited;
/* The server's parent when it started: the harness. */
static pid_t inherited_from;

/* Calls FN(FD, ARG) for each descriptor open now, however many. */
static void each_fd(void (*fn)(int fd, void *arg), void *arg)
{
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
                fn(fd, arg);
        }
    }
    close(dir);
}

static struct pf_proc_path fd_link(int fd)
{
    return pf_fd_proc_path("fd", fd);
}

/* An anonymous inode: no file type (epoll, eventfd, timerfd, signalfd,
 * inotify), and one inode for all of them. */
static bool anonymous(const struct stat *st)
{
    return (st->st_mode & S_IFMT) == 0;
}

/* Whether ST's description keeps state a fork would share with every
 * trial: a pipe or FIFO, a socket, an anonymous inode, or a character
 * device other than a memory device (major 1: null, zero, full,
 * random, urandom), such as a terminal. */
static bool holds_shared_state(const struct stat *st)
{
    return S_ISFIFO(st->st_mode) || S_ISSOCK(st->st_mode) || anonymous(st) ||
           (S_ISCHR(st->st_mode) && major(st->st_rdev) != 1);
}

/* Whether anonymous-inode FD is the description that an inherited
 * anonymous inode is, under any number: one inode serves them all, so
 * the description is compared, with the harness's own (the server's
 * parent holds what it passed at the same numbers). kcmp(2) failing, or
 * the harness gone, answers no: exec'd, never wrongly forked. */
static bool anonymous_inherited(int fd)
{
    pid_t harness = pf_ppid();
    if (harness != inherited_from)
        return false;
    for (int i = 0; i < ninherited; i++)
        if (inherited[i].anonymous && pf_fd_one_description(fd, harness, inherited[i].fd))
            return true;
    return false;
}

/* Whether ST (open at FD) is a file the server was started with, under
 * any number (ANY_NUMBER), or under FD itself. */
static bool was_inherited(int fd, const struct stat *st, bool any_number)
{
    if (anonymous(st))
        return anonymous_inherited(fd);
    for (int i = 0; i < ninherited; i++)
        if (inherited[i].dev == st->st_dev && inherited[i].ino == st->st_ino &&
            (any_number || inherited[i].fd == fd))
            return true;
    return false;
}

/* At the start: notes FD (OWN_FD: the fork socket, in ARG). */
static void note_inherited(int fd, void *arg)
{
    struct stat st;
    if (fd <= 2 || fd == *(const int *)arg || fstat(fd, &st) < 0 ||
        ninherited == PF_FDS_INHERITED_MAX)
        return;
    inherited[ninherited++] = (struct inherited){fd, anonymous(&st), st.st_dev, st.st_ino};
}

void pf_fds_note_start(int own_fd)
{
    if (fstat(1, &server_out) < 0 || !S_ISFIFO(server_out.st_mode))
        server_out.st_ino = 0;
    if (fstat(2, &server_err) < 0 || !S_ISFIFO(server_err.st_mode))
        server_err.st_ino = 0;
    ninherited = 0;
    inherited_from = pf_ppid();
    each_fd(note_inherited, &own_fd);
}

static bool same_file(const struct stat *a, const struct stat *b)
{
    return b->st_ino != 0 && a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* The earlier noted entry whose open description FD (of ST) shares (a
 * dup(): an exec'd trial has one description at both numbers too); -1
 * when none, or when kcmp(2) cannot tell. */
static int same_description(int fd, const struct stat *st)
{
    for (int i = 0; i < nnoted; i++) {
        const struct noted *o = &noted[i];
        if (o->treatment != OWN_OUT && o->treatment != OWN_ERR && o->dev == st->st_dev &&
            o->ino == st->st_ino && pf_fd_one_description(fd, pf_pid(), o->fd))
            return i;
    }
    return -1;
}

/* Whether a lock is held on FD's file (flock, lockf, fcntl: fdinfo's
 * "lock:" lines). A trial's own description would not hold the server's
 * flock, and a fork inherits no POSIX lock: the trial's next lock would
 * conflict with the server's, where an exec'd trial takes its own. */
static bool locked(int fd)
{
    int info = open(pf_fd_proc_path("fdinfo", fd).path, O_RDONLY | O_CLOEXEC);
    if (info < 0)
        return false;
    char buf[1024];
    ssize_t n = read(info, buf, sizeof buf - 1);
    close(info);
    if (n <= 0)
        return false;
    buf[n] = '\0';
    return strstr(buf, "\nlock:") != NULL;
}

/* The earlier COPY entry of the same nameless file as ST (another
 * description of it: opened again through /proc): its copy is the one
 * to open again; -1 when none. */
static int copy_of(const struct stat *st)
{
    for (int i = 0; i < nnoted; i++)
        if (noted[i].treatment == COPY && noted[i].dev == st->st_dev && noted[i].ino == st->st_ino)
            return i;
    return -1;
}

/* Whether the target's own stateful FD (of ST) is a pipe, socket pair,
 * eventfd or epoll set that each trial can be given a new one of
 * (noted). */
static bool channel_or_set(int fd, const struct stat *st)
{
    int fdfl = fcntl(fd, F_GETFD);
    if (fdfl < 0)
        return false;
    if (S_ISFIFO(st->st_mode) || S_ISSOCK(st->st_mode))
        return pf_channel_note(fd, st, fdfl & FD_CLOEXEC);
    if (!anonymous(st))
        return false;
    if (pf_is_eventfd(fd))
        return pf_eventfd_note(fd, fdfl & FD_CLOEXEC);
    return pf_is_epoll(fd) && pf_epoll_note(fd, fdfl & FD_CLOEXEC);
}

/* Bytes the trials would copy at this stop, and of how many files. */
static off_t copy_bytes;
static int copy_files;

/* Notes FD for the trials; returns the PYFAULT_FORK_UNSAFE_* reason a
 * trial could not have it to itself (LOCK: a locked file; DESCRIPTOR:
 * the target's own stateful descriptor, nameless files too large to
 * copy, one past what the table holds), or 0. */
static int64_t note(int fd)
{
    struct stat st;
    if (fstat(fd, &st) < 0 || was_inherited(fd, &st, false))
        return 0; /* shared with the server, as exec'd trials share it */
    bool file = S_ISREG(st.st_mode) || S_ISDIR(st.st_mode);
    bool own = same_file(&st, &server_out) || same_file(&st, &server_err);
    if (!file && !own)
        return holds_shared_state(&st) && !was_inherited(fd, &st, true) &&
                       !channel_or_set(fd, &st)
                   ? PYFAULT_FORK_UNSAFE_DESCRIPTOR
                   : 0;
    if (nnoted == PF_FDS_MAX)
        return PYFAULT_FORK_UNSAFE_DESCRIPTOR;
    struct noted *e = &noted[nnoted];
    int fl = fcntl(fd, F_GETFL), fdfl = fcntl(fd, F_GETFD);
    if (fl < 0 || fdfl < 0)
        return 0;
    e->cloexec = fdfl & FD_CLOEXEC;
    if (own) {
        e->treatment = same_file(&st, &server_out) ? OWN_OUT : OWN_ERR;
    } else {
        off_t pos = lseek(fd, 0, SEEK_CUR);
        if (pos < 0 || (fl & O_PATH))
            return 0;
        if (locked(fd))
            return PYFAULT_FORK_UNSAFE_LOCK;
        bool nameless = S_ISREG(st.st_mode) && st.st_nlink == 0;
        e->treatment = nameless ? COPY : REOPEN;
        e->flags = S_ISDIR(st.st_mode) ? O_RDONLY | O_DIRECTORY : (fl & PF_FDS_KEPT_FLAGS);
        e->pos = pos;
    }
    e->same_as = own ? -1 : same_description(fd, &st);
    e->copy_of = e->treatment == COPY && e->same_as < 0 ? copy_of(&st) : -1;
    if (e->treatment == COPY && e->same_as < 0 && e->copy_of < 0) {
        /* the allocated bytes, not the holes, are copied */
        copy_bytes += (off_t)st.st_blocks * 512;
        copy_files++;
        if (copy_bytes > PF_FDS_COPY_MAX)
            return PYFAULT_FORK_UNSAFE_DESCRIPTOR;
    }
    e->fd = fd;
    e->dev = st.st_dev;
    e->ino = st.st_ino;
    nnoted++;
    return 0;
}

struct note_pass {
    int own_fd;
    int64_t unsafe;
    long open;
};

static void note_one(int fd, void *arg)
{
    struct note_pass *p = arg;
    p->open++;
    /* the shim's own: the service socket, libunwind's pipe */
    if (fd != p->own_fd && !pf_fd_is_unwinders(fd))
        p->unsafe |= note(fd);
}

/* Descriptors a trial needs free at its start: the four the server
 * receives for it (page, stdout, stderr, log), three to make a file its
 * own (the file read, the copy, the copy opened as the original) and the
 * pipe that tells the server its copies are made. */
#define PF_FDS_NEEDED 10

int64_t pf_fds_note(int own_fd)
{
    nnoted = 0;
    copy_bytes = 0;
    copy_files = 0;
    pf_channels_reset();
    pf_eventfds_reset();
    pf_epolls_reset();
    struct note_pass p = {own_fd, 0, 0};
    each_fd(note_one, &p);
    if (!pf_channels_complete())
        p.unsafe |= PYFAULT_FORK_UNSAFE_DESCRIPTOR;
    /* near the limit a trial could not open what it must (it would be
     * exec'd) and the server could not take its descriptors */
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
        (long)rl.rlim_cur - p.open < PF_FDS_NEEDED)
        p.unsafe |= PYFAULT_FORK_UNSAFE_DESCRIPTOR;
    return p.unsafe;
}

/* Opens the file FROM holds anew, with E's flags at E's offset, as E's
 * number. */
static void reopen_as(int from, const struct noted *e)
{
    /* the magic link opens the same inode anew, even when unlinked */
    int fresh = open(fd_link(from).path, e->flags | O_CLOEXEC | O_NOCTTY);
    /* the offset noted at the stop: the server may have read on since */
    if (fresh >= 0 && lseek(fresh, e->pos, SEEK_SET) != e->pos) {
        pf_place_failed("a file's offset", e->fd);
        close(fresh);
        return;
    }
    pf_fd_place(fresh, e->fd, e->cloexec, "a file opened again");
}

/* A new nameless file for a copy of E's: beside it (its name, as the
 * link shows it, with " (deleted)" after it), else a memfd (a memfd's
 * copy is one, under its name). -1 when neither can be made. */
static int nameless_beside(const struct noted *e)
{
    char name[PYFAULT_PATH_MAX];
    ssize_t n = readlink(fd_link(e->fd).path, name, sizeof name - 1);
    if (n <= 0)
        return -1;
    name[n] = '\0';
    char *deleted = strstr(name, " (deleted)");
    if (deleted)
        *deleted = '\0';
    if (strncmp(name, "/memfd:", 7) == 0)
        return memfd_create(name + 7, MFD_CLOEXEC | MFD_ALLOW_SEALING);
    char *slash = strrchr(name, '/');
    int fd = -1;
    if (slash && slash != name) {
        *slash = '\0';
        fd = open(name, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    }
    return fd >= 0 ? fd : memfd_create("pyfault-copy", MFD_CLOEXEC);
}

/* Copies FROM into TO: its size, the data between its holes, and its
 * seals (a memfd's; F_SEAL_SEAL alone when it takes none). False when it
 * could not. */
static bool copy_all(int from, int to)
{
    struct stat st;
    if (fstat(from, &st) < 0 || ftruncate(to, st.st_size) < 0)
        return false;
    char buf[16384];
    for (off_t at = 0; at < st.st_size;) {
        off_t data = lseek(from, at, SEEK_DATA);
        if (data < 0)
            break; /* no data past AT: holes to the end */
        off_t hole = lseek(from, data, SEEK_HOLE);
        if (hole < 0)
            hole = st.st_size;
        for (at = data; at < hole;) {
            size_t want = (size_t)(hole - at) < sizeof buf ? (size_t)(hole - at) : sizeof buf;
            ssize_t got = pread(from, buf, want, at);
            if (got <= 0)
                return got == 0;
            for (ssize_t put = 0; put < got;) {
                ssize_t w = pwrite(to, buf + put, (size_t)(got - put), at + put);
                if (w <= 0)
                    return false;
                put += w;
            }
            at += got;
        }
    }
    int seals = fcntl(from, F_GET_SEALS);
    return seals <= 0 || fcntl(to, F_ADD_SEALS, seals) == 0;
}

/* E's nameless file copied whole, then opened as E was (a failure
 * noted). */
static void copy_as(const struct noted *e)
{
    int from = open(fd_link(e->fd).path, O_RDONLY | O_CLOEXEC);
    int to = from >= 0 ? nameless_beside(e) : -1;
    if (to >= 0 && copy_all(from, to))
        reopen_as(to, e);
    else
        pf_place_failed("a nameless file's copy", e->fd);
    if (from >= 0)
        close(from);
    if (to >= 0)
        close(to);
}

bool pf_fds_copying(void)
{
    return copy_files > 0 || pf_channels_noted();
}


const struct pf_place_failure *pf_fds_privatise(int out, int err)
{
    pf_place_reset();
    for (int i = 0; i < nnoted; i++) {
        const struct noted *e = &noted[i];
        struct stat st;
        /* still the file noted (the trial's own descriptors came later) */
        if (fstat(e->fd, &st) < 0 || st.st_dev != e->dev || st.st_ino != e->ino)
            continue;
        int own = e->treatment == OWN_OUT ? out : e->treatment == OWN_ERR ? err : -1;
        if (e->same_as >= 0)
            /* one description at both numbers, the trial's own */
            pf_fd_put(noted[e->same_as].fd, e->fd, e->cloexec, "a file");
        else if (e->copy_of >= 0)
            /* another description of the one copy */
            reopen_as(noted[e->copy_of].fd, e);
        else if (e->treatment == REOPEN)
            reopen_as(e->fd, e);
        else if (e->treatment == COPY)
            copy_as(e);
        else if (own >= 0 && own != e->fd)
            pf_fd_put(own, e->fd, e->cloexec, "the harness's pipe");
    }
    /* a set registers what is at its numbers: the new channels and
     * counters */
    pf_channels_privatise();
    pf_eventfds_privatise();
    pf_epolls_privatise();
    return pf_place_failure();
}
