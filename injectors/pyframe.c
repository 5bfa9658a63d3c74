/*
 * pyframe.c: the Python file:line the calling thread is executing, read
 * from the interpreter's own structures without the heap and without
 * running Python.
 *
 * PyThreadState_GetFrame and PyFrame_GetLineNumber are not usable here:
 * on 3.11 the first materialises a frame object (an allocation, which
 * would be counted and could be failed), and both run with the GIL
 * assumed. Instead the thread's state comes from PyGILState_GetThisThreadState
 * (a thread-specific-storage read), and the chain
 * tstate->cframe->current_frame->f_code (3.13: tstate->current_frame->
 * f_executable) is walked with pf_mem_read, which never faults, using the
 * version's layout (CPython's Include/cpython/pystate.h and
 * Include/internal/pycore_frame.h; fixed within a release series; on
 * 3.13 checked against the _Py_DebugOffsets at the head of _PyRuntime).
 * The line comes from PyCode_Addr2Line, a pure walk over the code
 * object's location table (no allocation, no callback). The file name is
 * copied only when it is a compact ASCII string, which co_filename is in
 * practice; otherwise there is no Python part.
 *
 * 3.11 and 3.13 (not free-threaded) are read; other versions give no
 * Python part: the site key is then the C part alone.
 */
#include "internal.h"

#include <string.h>

/* Weak and default-visibility, as in pymem.c: bound by the loader to the
 * interpreter's exports, NULL in a process without CPython. */
#define PF_WEAK_IMPORT __attribute__((weak, visibility("default")))
extern void *PyGILState_GetThisThreadState(void) PF_WEAK_IMPORT;
extern int PyCode_Addr2Line(void *code, int addrq) PF_WEAK_IMPORT;
extern const unsigned long Py_Version PF_WEAK_IMPORT;

/* Where the fields are, per version, on LP64 (measured with offsetof
 * against 3.11.2's and 3.13.5's headers; fixed within a release series). */
struct layout {
    unsigned tstate_cframe;     /* 3.11: PyThreadState.cframe; 0 = none (3.13) */
    unsigned tstate_frame;      /* _PyCFrame.current_frame (3.11) or
                                 * PyThreadState.current_frame (3.13) */
    unsigned f_code;            /* _PyInterpreterFrame.f_code / f_executable */
    unsigned f_previous;
    unsigned f_instr;           /* prev_instr (3.11) / instr_ptr (3.13) */
    unsigned f_owner;
    unsigned co_filename, co_firsttraceable, co_code;
    unsigned u_data;            /* sizeof(PyASCIIObject) */
    int check_code_type;        /* f_executable may be None (3.13's shim frames) */
};

static const struct layout v311 = {
    .tstate_cframe = 56, .tstate_frame = 8, .f_code = 32, .f_previous = 48, .f_instr = 56,
    .f_owner = 69, .co_filename = 112, .co_firsttraceable = 168, .co_code = 184, .u_data = 48,
};
static const struct layout v313 = {
    .tstate_cframe = 0, .tstate_frame = 72, .f_code = 0, .f_previous = 8, .f_instr = 56,
    .f_owner = 70, .co_filename = 112, .co_firsttraceable = 184, .co_code = 200, .u_data = 40,
    .check_code_type = 1,
};

#define OWNED_BY_GENERATOR 1    /* both versions */
#define OWNED_BY_CSTACK 3       /* 3.13: a C shim frame, never Python's */
#define O_TYPE 8                /* PyObject.ob_type */
#define O_SIZE 16               /* PyVarObject.ob_size */
#define U_LENGTH 16             /* PyASCIIObject.length */
#define U_STATE 32              /* .state: kind bits 2-4, compact 5, ascii 6 */
#define MAX_FRAMES 64           /* frames skipped looking for a complete one */

/* 3.13's _PyRuntime starts with _Py_DebugOffsets: cookie, version,
 * free_threaded, ... thread_state.current_frame at 184 (pycore_runtime.h) */
extern char _PyRuntime[] PF_WEAK_IMPORT;
extern char PyCode_Type[] PF_WEAK_IMPORT;
#define DBG_FREE_THREADED 16
#define DBG_TSTATE_CURRENT_FRAME 184

static bool read_ptr(uintptr_t at, uintptr_t *out)
{
    return pf_mem_read(out, at, sizeof *out) && *out != 0;
}

/* Copies the compact ASCII string at STR into OUT (its tail when longer). */
static bool read_ascii(const struct layout *L, uintptr_t str, char *out, size_t outlen)
{
    int64_t len;
    uint32_t state;
    if (!pf_mem_read(&len, str + U_LENGTH, sizeof len) ||
        !pf_mem_read(&state, str + U_STATE, sizeof state))
        return false;
    if (!(state & (1u << 5)) || !(state & (1u << 6)) || len <= 0 || len > 1 << 20)
        return false;
    size_t n = (size_t)len, skip = 0;
    if (n >= outlen) {
        skip = n - (outlen - 1);
        n = outlen - 1;
    }
    if (!pf_mem_read(out, str + L->u_data + skip, n))
        return false;
    out[n] = '\0';
    return true;
}

/* The top complete frame of a thread state: file and line. */
static bool top_frame(const struct layout *L, uintptr_t tstate, char *file, size_t filelen,
                      uint32_t *line)
{
    uintptr_t frame, holder = tstate;
    if (L->tstate_cframe && !read_ptr(tstate + L->tstate_cframe, &holder))
        return false;
    if (!read_ptr(holder + L->tstate_frame, &frame))
        return false;
    for (int depth = 0; depth < MAX_FRAMES && frame; depth++) {
        uintptr_t code, instr, previous = 0, type = 0;
        char owner;
        int32_t firsttraceable;
        int64_t ncode;
        if (!pf_mem_read(&owner, frame + L->f_owner, 1))
            return false;
        pf_mem_read(&previous, frame + L->f_previous, sizeof previous);
        if (owner == OWNED_BY_CSTACK && L->check_code_type) {
            frame = previous;
            continue;
        }
        if (!read_ptr(frame + L->f_code, &code) ||
            (L->check_code_type &&
             (!pf_mem_read(&type, code + O_TYPE, sizeof type) || type != (uintptr_t)PyCode_Type)) ||
            !pf_mem_read(&instr, frame + L->f_instr, sizeof instr) ||
            !pf_mem_read(&firsttraceable, code + L->co_firsttraceable, sizeof firsttraceable) ||
            !pf_mem_read(&ncode, code + O_SIZE, sizeof ncode))
            return false;
        uintptr_t start = code + L->co_code;
        /* an incomplete frame (_PyFrame_IsIncomplete) has not started its
         * code yet: the caller's line is the one running */
        if (owner != OWNED_BY_GENERATOR && instr < start + 2 * (uintptr_t)firsttraceable) {
            frame = previous;
            continue;
        }
        uintptr_t fname;
        if (!read_ptr(code + L->co_filename, &fname) || !read_ascii(L, fname, file, filelen))
            return false;
        /* the instruction's offset in bytes: 3.11 keeps the previous one
         * (_PyInterpreterFrame_LASTI), 3.13 the current one */
        intptr_t addr = (intptr_t)instr - (intptr_t)start;
        if (addr >= 2 * (intptr_t)ncode)
            return false;
        int l = PyCode_Addr2Line((void *)code, addr < 0 ? -1 : (int)addr);
        *line = l > 0 ? (uint32_t)l : 0;
        return true;
    }
    return false;
}

/* The layout of the running interpreter, or NULL when we have none. */
static const struct layout *layout_now(void)
{
    unsigned long minor = Py_Version >> 16;
    if (minor == 0x030b)
        return &v311;
    if (minor != 0x030d || !_PyRuntime || !PyCode_Type)
        return NULL;
    /* a free-threaded build lays objects out differently: not ours */
    uint64_t ft, cur;
    if (memcmp(_PyRuntime, "xdebugpy", 8) != 0 ||
        !pf_mem_read(&ft, (uintptr_t)_PyRuntime + DBG_FREE_THREADED, sizeof ft) || ft != 0 ||
        !pf_mem_read(&cur, (uintptr_t)_PyRuntime + DBG_TSTATE_CURRENT_FRAME, sizeof cur) ||
        cur != v313.tstate_frame)
        return NULL;
    return &v313;
}

bool pf_pyframe_top(char *file, size_t filelen, uint32_t *line)
{
    file[0] = '\0';
    *line = 0;
    if (!&Py_Version || !PyGILState_GetThisThreadState || !PyCode_Addr2Line || filelen < 2)
        return false;
    const struct layout *L = layout_now();
    uintptr_t tstate = L ? (uintptr_t)PyGILState_GetThisThreadState() : 0;
    if (!tstate)
        return false;
    if (!top_frame(L, tstate, file, filelen, line)) {
        file[0] = '\0';
        *line = 0;
        return false;
    }
    return true;
}
