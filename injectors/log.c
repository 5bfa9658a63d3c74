/*
 * log.c: the heap-free event writer.
 *
 * Records are built in a caller's stack buffer and written with one
 * write(2) on an O_APPEND descriptor, so lines from several processes and
 * threads never interleave, and the failure and crash paths stay free of
 * malloc and stdio.
 *
 * The log is a held file (heldfile.c): a target that closes or replaces
 * its descriptor gets it reopened by name, not our records in its file.
 */
#include "internal.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* reopened with O_CREAT: the spec's log may be made by the shim */
static struct pf_held_file log_file = {.fd = -1, .reopen_flags = O_CREAT};

void pf_log_open(void)
{
    if (!pf_spec.log_path[0])
        return;
    int fd = pf_open_for_append(pf_spec.log_path, O_CREAT);
    if (fd < 0 || !pf_held_install(&log_file, fd, pf_spec.log_path)) {
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
    int old = __atomic_load_n(&log_file.fd, __ATOMIC_ACQUIRE);
    if (!pf_held_install(&log_file, fd, NULL)) {
        close(fd);
        return;
    }
    if (old >= 0)
        close(old);
}

int pf_log_fd(void)
{
    return pf_held_current(&log_file);
}

bool pf_log_enabled(void)
{
    return __atomic_load_n(&log_file.fd, __ATOMIC_ACQUIRE) >= 0;
}

void pf_log_write(struct pf_buf *b)
{
    int fd = pf_held_current(&log_file);
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
