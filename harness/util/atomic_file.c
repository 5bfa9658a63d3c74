/* atomic_file.c: an O_EXCL temp file in the same directory, every write(2)
 * checked (a stdio stream over our own write function keeps the first
 * errno), fsync, then rename(2): a reader, a Ctrl-C or a full disk never sees
 * half a report, and a failed write leaves the previous file as it was.
 * Finish (flush, fsync, close) and rename are two steps, so a set of files
 * can all be finished before any is renamed. A destination that is not a
 * regular file (a device node, a FIFO, a link to one) is refused before
 * anything is written: the rename would replace it. */
#include "atomic_file.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "private_file.h"

#define TMP_SUFFIX ".tmp.XXXXXX"

int pf_atomic_check(const char *path, char *err, size_t errlen)
{
    /* stat, not lstat: a link to a regular file is replaced as that file
     * would be, but a link to a device or a FIFO (/dev/stdout) is refused
     * with the device itself; a name that cannot be stat'ed (nothing
     * there, a dangling link) is left to the writer */
    struct stat st;
    if (stat(path, &st) < 0)
        return 0;
    int e = pf_regular_errno(&st);
    /* a link into /proc (/dev/stdout, /dev/fd/N) names an open stream,
     * even one redirected to a regular file: the rename would put a file
     * in place of the system's link */
    char target[16];
    ssize_t n = e == 0 ? readlink(path, target, sizeof target) : -1;
    if (n >= 6 && memcmp(target, "/proc/", 6) == 0)
        e = EINVAL;
    if (e == 0)
        return 0;
    snprintf(err, errlen, "%.900s: %s", path,
             e == EISDIR ? strerror(EISDIR) : "not a regular file");
    return -1;
}

static void say(const struct pf_atomic_file *af, int e, char *err, size_t errlen)
{
    snprintf(err, errlen, "%.900s: %s", af->path, strerror(e ? e : EIO));
}

/* The stream's write function: all of BUF, or -1 with the errno kept. */
static ssize_t cookie_write(void *cookie, const char *buf, size_t len)
{
    struct pf_atomic_file *af = cookie;
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(af->fd, buf + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (!af->error)
                af->error = n < 0 ? errno : ENOSPC;
            return done ? (ssize_t)done : -1;
        }
        done += (size_t)n;
    }
    return (ssize_t)done;
}

/* The stream's close function: close(2)'s own failure counts too. */
static int cookie_close(void *cookie)
{
    struct pf_atomic_file *af = cookie;
    int rc = close(af->fd);
    if (rc < 0 && !af->error)
        af->error = errno;
    af->fd = -1;
    return rc;
}

int pf_atomic_open(struct pf_atomic_file *af, const char *path, char *err, size_t errlen)
{
    af->f = NULL;
    af->fd = -1;
    af->error = 0;
    af->tmp[0] = '\0';
    if (snprintf(af->path, sizeof af->path, "%s", path) >= (int)sizeof af->path) {
        snprintf(err, errlen, "%.200s...: path too long", path);
        return -1;
    }
    if (pf_atomic_check(path, err, errlen) < 0)
        return -1;
    snprintf(af->tmp, sizeof af->tmp, "%s" TMP_SUFFIX, path);
    af->fd = pf_private_temp(af->tmp, 0);
    if (af->fd < 0) {
        say(af, errno, err, errlen);
        af->tmp[0] = '\0';
        return -1;
    }
    /* mkostemp's 0600 would make results.json private: give it the mode
     * an ordinary open would have */
    fchmod(af->fd, 0666 & ~pf_private_umask());
    cookie_io_functions_t io = {.write = cookie_write, .close = cookie_close};
    af->f = fopencookie(af, "w", io);
    if (!af->f) {
        int e = errno;
        pf_atomic_abort(af);
        say(af, e, err, errlen);
        return -1;
    }
    return 0;
}

int pf_atomic_finish(struct pf_atomic_file *af, char *err, size_t errlen)
{
    int bad = ferror(af->f) || fflush(af->f) != 0;
    /* on the disk before the rename: a crash leaves the old file or the
     * new one, never an empty one */
    if (!bad && fsync(af->fd) != 0 && errno != EINVAL) {
        bad = 1;
        if (!af->error)
            af->error = errno;
    }
    bad |= fclose(af->f) != 0;
    af->f = NULL;
    bad |= af->error != 0;
    if (bad) {
        say(af, af->error, err, errlen);
        unlink(af->tmp);
        af->tmp[0] = '\0';
        return -1;
    }
    return 0;
}

int pf_atomic_commit(struct pf_atomic_file *af, char *err, size_t errlen)
{
    if (af->f && pf_atomic_finish(af, err, errlen) < 0)
        return -1;
    /* again just before the rename: a node put there since the open */
    if (pf_atomic_check(af->path, err, errlen) < 0) {
        unlink(af->tmp);
        af->tmp[0] = '\0';
        return -1;
    }
    if (rename(af->tmp, af->path) != 0) {
        say(af, errno, err, errlen);
        unlink(af->tmp);
        af->tmp[0] = '\0';
        return -1;
    }
    af->tmp[0] = '\0';
    return 0;
}

int pf_atomic_fail(struct pf_atomic_file *af, char *err, size_t errlen)
{
    if (af->f)
        fflush(af->f); /* a write buffered so far may be what fails */
    int e = af->error;
    pf_atomic_abort(af);
    say(af, e, err, errlen);
    return -1;
}

void pf_atomic_abort(struct pf_atomic_file *af)
{
    if (af->f)
        fclose(af->f);
    else if (af->fd >= 0)
        close(af->fd);
    af->f = NULL;
    af->fd = -1;
    if (af->tmp[0])
        unlink(af->tmp);
    af->tmp[0] = '\0';
}

/* Is NAME BASE.tmp. and mkstemp's six letters or digits? */
static int stale_name(const char *name, const char *base, size_t blen)
{
    static const char mid[] = ".tmp.";
    if (strncmp(name, base, blen) != 0 || strncmp(name + blen, mid, sizeof mid - 1) != 0)
        return 0;
    const char *x = name + blen + sizeof mid - 1;
    int n = 0;
    for (; x[n]; n++)
        if (!((x[n] >= 'a' && x[n] <= 'z') || (x[n] >= 'A' && x[n] <= 'Z') ||
              (x[n] >= '0' && x[n] <= '9')))
            return 0;
    return n == 6;
}

int pf_atomic_remove_stale(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path) >=
             (int)sizeof dir)
        return 0;
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = dfd < 0 ? NULL : fdopendir(dfd);
    if (!d) {
        if (dfd >= 0)
            close(dfd);
        return 0;
    }
    size_t blen = strlen(base);
    int gone = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        struct stat st;
        /* lstat's view: a link of that name is left, never followed */
        if (stale_name(e->d_name, base, blen) &&
            fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
            unlinkat(dfd, e->d_name, 0) == 0)
            gone++;
    }
    closedir(d);
    return gone;
}
