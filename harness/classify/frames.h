/* frames.h: a symbolized call stack, as gathered from the shim's event log
 * or from ptrace samples. Plain data, fixed size, no heap. */
#ifndef PF_FRAMES_H
#define PF_FRAMES_H

#include <stdint.h>

#define PF_FRAMES_MAX 64
#define PF_SYM_MAX 128
#define PF_OBJ_MAX 96
#define PF_SRC_MAX 96

struct pf_frame {
    uint64_t ip;
    char sym[PF_SYM_MAX]; /* function name without "+0x.." ("" = unknown) */
    char obj[PF_OBJ_MAX]; /* basename of the object file ("" = unknown) */
    char src[PF_SRC_MAX]; /* "dir/file.c:LINE" from debug info ("" = unknown) */
    int inlined;          /* inlined into the next frame (same ip) */
    int helper;           /* inlined, and defined in a header (Py_DECREF) */
};

struct pf_frames {
    unsigned n;
    int tid;              /* the thread, for stack samples (0 = not said) */
    struct pf_frame f[PF_FRAMES_MAX];
};

/* Appends a frame; SYM may carry a "+0x1f" offset, which is dropped, and
 * OBJ may be a full path, of which the basename is kept. Returns 0, or -1
 * when FR is full. Allocation-free. */
int pf_frames_push(struct pf_frames *fr, uint64_t ip, const char *sym,
                   const char *obj);
/* Appends a frame named SYM as it is (an unnamed stretch of code is
 * "object+0xoffset"), with its source position SRC ("dir/file.c:LINE",
 * NULL = unknown) and whether it was INLINED into the next frame. Returns
 * 0, or -1 when FR is full. Allocation-free. */
int pf_frames_push_src(struct pf_frames *fr, uint64_t ip, const char *sym,
                       const char *obj, const char *src, int inlined);

/* True when FR shows a deep run of repeating frames: a cycle of 1 to 4
 * frames repeated over at least PF_DEEP_REPEAT frames. Pure. */
int pf_frames_deep_repeat(const struct pf_frames *fr);

#define PF_DEEP_REPEAT 12

#endif
