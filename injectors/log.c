/*
 * log.c: the heap-free event writer.
 *
 * Records are built in a caller's stack buffer and written with one
 * write(2) on an O_APPEND descriptor, so lines from several processes and
 * threads never interleave, and the failure and crash paths stay free of
 * malloc and stdio.
 *
 * The log's descriptor sits high (fdhigh.c), and before each record the
 * shim checks that the number still holds the file it opened (st_dev and
 * st_ino noted then): a target that closed it (os.closerange(3, ...)) or
 * dup2()ed its own file onto it gets the log reopened by its absolute path
 * instead of our records in its file, or none at all.
 */
#include "internal.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* atomic: read by every writer, replaced by the one that reopens */
static int log_fd = -1;
/* What LOG_FD held when we opened it; written before LOG_FD is
 * published (a writer that sees the new number with the old identity
 * reopens once more, and keeps whichever descriptor won). */
static dev_t log_dev;
static ino_t log_ino;
/* The log's absolute name, to reopen it by ("" = cannot). */
static char log_path[PYFAULT_PATH_MAX];

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

/* Notes what FD is (its identity and absolute name) and publishes it as
 * the log. Returns false, leaving nothing changed, when FD cannot be
 * examined. */
static bool log_install(int fd, const char *fallback_path)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return false;
    struct pf_buf link;
    link.len = 0;
    pf_buf_str(&link, "/proc/self/fd/");
    pf_buf_u64(&link, (uint64_t)fd);
    link.data[link.len] = '\0'; /* pf_buf keeps a byte spare */
    char name[sizeof log_path];
    ssize_t n = readlink(link.data, name, sizeof name - 1);
    /* an absolute name survives the target's chdir(); a relative one
     * from the spec is the best there is without /proc */
    if (n > 0 && name[0] == '/') {
        name[n] = '\0';
        memcpy(log_path, name, (size_t)n + 1);
    } else if (fallback_path) {
        strncpy(log_path, fallback_path, sizeof log_path - 1);
    } else {
        log_path[0] = '\0';
    }
    log_dev = st.st_dev;
    log_ino = st.st_ino;
    __atomic_store_n(&log_fd, fd, __ATOMIC_RELEASE);
    return true;
}

void pf_log_open(void)
{
    if (!pf_spec.log_path[0])
        return;
    int fd = pf_open_for_append(pf_spec.log_path, O_CREAT);
    if (fd < 0 || !log_install(fd, pf_spec.log_path)) {
        if (fd >= 0)
            close(fd);
        pf_stderr("pyfault: cannot open the log: ", pf_spec.log_path);
    }
}

void pf_log_adopt(int fd)
{
    if (fd < 0)
        return;
    /* received from the fork server at the lowest free number */
    fd = pf_fd_move_high(fd);
    int old = __atomic_load_n(&log_fd, __ATOMIC_ACQUIRE);
    if (!log_install(fd, NULL)) {
        close(fd);
        return;
    }
    if (old >= 0)
        close(old);
}

bool pf_log_enabled(void)
{
    return __atomic_load_n(&log_fd, __ATOMIC_ACQUIRE) >= 0;
}

/* The log's descriptor, reopened by name when the number no longer holds
 * our file; -1 when there is none. System calls only: async-signal-safe. */
static int log_current(void)
{
    int fd = __atomic_load_n(&log_fd, __ATOMIC_ACQUIRE);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) == 0 && st.st_dev == log_dev && st.st_ino == log_ino)
        return fd;
    /* closed, or the target's file now: never write there, never close it */
    if (!log_path[0])
        return -1;
    int fresh = pf_open_for_append(log_path, O_CREAT);
    if (fresh < 0)
        return -1;
    if (fstat(fresh, &st) < 0) {
        close(fresh);
        return -1;
    }
    int seen = fd;
    if (!__atomic_compare_exchange_n(&log_fd, &seen, fresh, false, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        close(fresh); /* another writer reopened it first */
        return seen;
    }
    log_dev = st.st_dev;
    log_ino = st.st_ino;
    return fresh;
}

void pf_log_write(struct pf_buf *b)
{
    int fd = log_current();
    if (fd < 0)
        return;
    if (b->len >= sizeof b->data)
        b->len = sizeof b->data - 1;
    b->data[b->len++] = '\n';
    pf_write_all(fd, b->data, b->len);
}

void pf_write_all(int fd, const char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w <= 0)
            return;
        p += w;
        len -= (size_t)w;
    }
}

void pf_stderr(const char *a, const char *b)
{
    struct pf_buf buf;
    buf.len = 0;
    pf_buf_str(&buf, a);
    pf_buf_str(&buf, b);
    pf_buf_str(&buf, "\n");
    ssize_t w = write(2, buf.data, buf.len);
    (void)w;
}

void pf_buf_str(struct pf_buf *b, const char *s)
{
    size_t n = strlen(s);
    /* keep one byte for the newline pf_log_write adds */
    if (n > sizeof b->data - 1 - b->len)
        n = sizeof b->data - 1 - b->len;
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

static void put_char(struct pf_buf *b, char c)
{
    if (b->len < sizeof b->data - 1)
        b->data[b->len++] = c;
}

void pf_buf_json_str(struct pf_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    put_char(b, '"');
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            put_char(b, '\\');
            put_char(b, (char)c);
        } else if (c < 0x20) {
            put_char(b, '\\');
            put_char(b, 'u');
            put_char(b, '0');
            put_char(b, '0');
            put_char(b, hex[c >> 4]);
            put_char(b, hex[c & 15]);
        } else {
            put_char(b, (char)c);
        }
    }
    put_char(b, '"');
}

void pf_buf_u64(struct pf_buf *b, uint64_t v)
{
    char tmp[24];
    int i = (int)sizeof tmp;
    tmp[--i] = '\0';
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    pf_buf_str(b, tmp + i);
}

void pf_buf_i64(struct pf_buf *b, int64_t v)
{
    if (v < 0) {
        put_char(b, '-');
        pf_buf_u64(b, (uint64_t)0 - (uint64_t)v);
    } else {
        pf_buf_u64(b, (uint64_t)v);
    }
}

void pf_buf_hex(struct pf_buf *b, uint64_t v)
{
    static const char hex[] = "0123456789abcdef";
    char tmp[24];
    int i = (int)sizeof tmp;
    tmp[--i] = '\0';
    do {
        tmp[--i] = hex[v & 15];
        v >>= 4;
    } while (v);
    tmp[--i] = 'x';
    tmp[--i] = '0';
    pf_buf_str(b, tmp + i);
}

void pf_buf_frames(struct pf_buf *b, const uintptr_t *ips, int n)
{
    char name[256], obj[256];
    uintptr_t off, rel;
    pf_buf_str(b, ",\"frames\":[");
    for (int i = 0; i < n; i++) {
        /* symbolize the call, not the return address after it */
        pf_symbolize(ips[i] - 1, name, sizeof name, &off, &rel, obj, sizeof obj);
        if (i)
            pf_buf_str(b, ",");
        pf_buf_str(b, "{\"ip\":\"");
        pf_buf_hex(b, ips[i]);
        pf_buf_str(b, "\",\"rel\":\"");
        pf_buf_hex(b, rel + 1);
        pf_buf_str(b, "\",\"sym\":");
        pf_buf_json_str(b, name);
        pf_buf_str(b, ",\"off\":");
        pf_buf_u64(b, off);
        pf_buf_str(b, ",\"obj\":");
        pf_buf_json_str(b, obj);
        pf_buf_str(b, "}");
        if (b->len > sizeof b->data - 600)
            break; /* leave room to close the record */
    }
    pf_buf_str(b, "]");
}
