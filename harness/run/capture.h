/* capture.h: bounded capture of a child's output stream: the first
 * PF_CAPTURE_HEAD bytes and the last PF_CAPTURE_TAIL bytes are kept, NUL
 * bytes as '?'. */
#ifndef PF_CAPTURE_H
#define PF_CAPTURE_H

#include <stddef.h>

#define PF_CAPTURE_HEAD 8192
#define PF_CAPTURE_TAIL 32768

struct pf_capture {
    char head[PF_CAPTURE_HEAD];
    size_t head_len;
    char tail[PF_CAPTURE_TAIL]; /* ring buffer */
    size_t tail_pos;            /* next write position in the ring */
    size_t tail_len;            /* valid bytes in the ring */
    size_t total;               /* bytes seen */
};

/* Empties C. */
void pf_capture_reset(struct pf_capture *c);
/* Records LEN bytes of output, each NUL byte as '?' (the kept text is
 * read as a C string: nothing after a NUL may be lost). Allocation-free. */
void pf_capture_add(struct pf_capture *c, const char *buf, size_t len);
/* Writes the kept text, NUL-terminated, into OUT (with a "[... N bytes
 * dropped ...]" marker where bytes were lost). Returns its length. */
size_t pf_capture_text(const struct pf_capture *c, char *out, size_t outlen);
/* Writes the last at most MAX bytes seen into OUT (MAX + 1 bytes long),
 * NUL-terminated. Returns its length. */
size_t pf_capture_tail(const struct pf_capture *c, char *out, size_t max);

#endif
