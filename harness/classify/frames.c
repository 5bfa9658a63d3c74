/* frames.c: building symbolized stacks and recognising runaway recursion. */
#include "frames.h"

#include <string.h>

static void copy_trunc(char *dst, size_t cap, const char *src, size_t len)
{
    if (len >= cap)
        len = cap - 1;
    memcpy(dst, src, len);
    dst[len] = '\0';
}

int pf_frames_push(struct pf_frames *fr, uint64_t ip, const char *sym,
                   const char *obj)
{
    /* "name+0x1f" -> "name": offsets differ between builds and runs */
    char name[PF_SYM_MAX];
    sym = sym ? sym : "";
    const char *plus = strstr(sym, "+0x");
    copy_trunc(name, sizeof name, sym, plus ? (size_t)(plus - sym) : strlen(sym));
    return pf_frames_push_src(fr, ip, name, obj, NULL, 0);
}

int pf_frames_push_src(struct pf_frames *fr, uint64_t ip, const char *sym,
                       const char *obj, const char *src, int inlined)
{
    if (fr->n >= PF_FRAMES_MAX)
        return -1;
    struct pf_frame *f = &fr->f[fr->n++];
    f->ip = ip;
    sym = sym ? sym : "";
    obj = obj ? obj : "";
    copy_trunc(f->sym, sizeof f->sym, sym, strlen(sym));
    const char *slash = strrchr(obj, '/');
    const char *base = slash ? slash + 1 : obj;
    copy_trunc(f->obj, sizeof f->obj, base, strlen(base));
    src = src ? src : "";
    copy_trunc(f->src, sizeof f->src, src, strlen(src));
    f->inlined = inlined;
    f->helper = 0;
    return 0;
}

/* Same frame for recursion purposes: same symbol, or same ip if unnamed. */
static int same_frame(const struct pf_frame *a, const struct pf_frame *b)
{
    if (a->sym[0] || b->sym[0])
        return strcmp(a->sym, b->sym) == 0;
    return a->ip == b->ip;
}

int pf_frames_deep_repeat(const struct pf_frames *fr)
{
    for (unsigned period = 1; period <= 4; period++) {
        unsigned run = 0;
        for (unsigned i = period; i < fr->n; i++) {
            if (same_frame(&fr->f[i], &fr->f[i - period])) {
                run++;
                if (run + period >= PF_DEEP_REPEAT)
                    return 1;
            } else {
                run = 0;
            }
        }
    }
    return 0;
}
