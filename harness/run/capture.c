/* capture.c: head + ring-buffer tail, so neither a chatty child nor a
 * long-running one grows the harness. */
#include "capture.h"

#include <stdio.h>
#include <string.h>

void pf_capture_reset(struct pf_capture *c)
{
    c->head_len = c->tail_pos = c->tail_len = c->total = 0;
}

/* memcpy that writes each NUL byte of SRC as '?': the kept text is read as
 * a C string (the Py_FatalError line search, the tails, the reports), and
 * a NUL in a target's output cut it off there. '?' is what the JSON
 * writer puts for a byte that is not UTF-8, and keeps the lengths. */
static void copy_visible(char *dst, const char *src, size_t n)
{
    memcpy(dst, src, n);
    for (char *p = dst, *end = dst + n; (p = memchr(p, '\0', (size_t)(end - p))) != NULL;)
        *p++ = '?';
}

void pf_capture_add(struct pf_capture *c, const char *buf, size_t len)
{
    c->total += len;
    if (c->head_len < PF_CAPTURE_HEAD) {
        size_t n = PF_CAPTURE_HEAD - c->head_len;
        if (n > len)
            n = len;
        copy_visible(c->head + c->head_len, buf, n);
        c->head_len += n;
        buf += n;
        len -= n;
    }
    if (len > PF_CAPTURE_TAIL) {
        buf += len - PF_CAPTURE_TAIL;
        len = PF_CAPTURE_TAIL;
    }
    while (len > 0) {
        size_t n = PF_CAPTURE_TAIL - c->tail_pos;
        if (n > len)
            n = len;
        copy_visible(c->tail + c->tail_pos, buf, n);
        c->tail_pos = (c->tail_pos + n) % PF_CAPTURE_TAIL;
        c->tail_len = c->tail_len + n > PF_CAPTURE_TAIL ? PF_CAPTURE_TAIL
                                                        : c->tail_len + n;
        buf += n;
        len -= n;
    }
}

/* Copies the last N ring bytes (N <= tail_len) into OUT. */
static void ring_copy(const struct pf_capture *c, char *out, size_t n)
{
    size_t start = (c->tail_pos + PF_CAPTURE_TAIL - n) % PF_CAPTURE_TAIL;
    size_t first = PF_CAPTURE_TAIL - start;
    if (first > n)
        first = n;
    memcpy(out, c->tail + start, first);
    memcpy(out + first, c->tail, n - first);
}

size_t pf_capture_text(const struct pf_capture *c, char *out, size_t outlen)
{
    size_t used = 0;
    if (outlen == 0)
        return 0;
    size_t n = c->head_len < outlen - 1 ? c->head_len : outlen - 1;
    memcpy(out, c->head, n);
    used = n;
    size_t dropped = c->total - c->head_len - c->tail_len;
    if (dropped > 0 && used + 64 < outlen)
        used += (size_t)snprintf(out + used, outlen - used,
                                 "\n[... %zu bytes dropped ...]\n", dropped);
    size_t t = c->tail_len;
    if (t > outlen - 1 - used)
        t = outlen - 1 - used;
    ring_copy(c, out + used, t);
    used += t;
    out[used] = '\0';
    return used;
}

size_t pf_capture_tail(const struct pf_capture *c, char *out, size_t max)
{
    /* the tail ring holds the newest bytes; the head holds the oldest and
     * is contiguous with the ring while nothing was dropped */
    size_t n = c->tail_len < max ? c->tail_len : max;
    size_t from_head = 0;
    if (n < max && c->total == c->head_len + c->tail_len) {
        from_head = c->head_len < max - n ? c->head_len : max - n;
        memcpy(out, c->head + c->head_len - from_head, from_head);
    }
    ring_copy(c, out + from_head, n);
    out[from_head + n] = '\0';
    return from_head + n;
}
