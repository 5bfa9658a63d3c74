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
 * tstate->cframe->current_frame->f_code is walked with pf_mem_read, which
 * never faults, using the 3.11 layout (CPython's Include/cpython/pystate.h
 * and Include/internal/pycore_frame.h; fixed within a release series).
 * The line comes from PyCode_Addr2Line, a pure walk over the code
 * object's location table (no allocation, no callback). The file name is
 * copied only when it is a compact ASCII string, which co_filename is in
 * practice; otherwise there is no Python part.
 *
 * Other versions (3.12 moved current_frame, 3.13 has _Py_DebugOffsets)
 * give no Python part: the site key is then the C part alone.
 */
#include "internal.h"

#include <string.h>

/* Weak and default-visibility, as in pymem.c: bound by the loader to the
 * interpreter's exports, NULL in a process without CPython. */
#define PF_WEAK_IMPORT __attribute__((weak, visibility("default")))
extern void *PyGILState_GetThisThreadState(void) PF_WEAK_IMPORT;
extern int PyCode_Addr2Line(void *code, int addrq) PF_WEAK_IMPORT;
extern const unsigned long Py_Version PF_WEAK_IMPORT;

/* CPython 3.11 on LP64 (measured with offsetof against 3.11.2's headers) */
#define T311_CFRAME 56          /* PyThreadState.cframe */
#define C311_CURRENT_FRAME 8    /* _PyCFrame.current_frame */
#define F311_CODE 32            /* _PyInterpreterFrame.f_code */
#define F311_PREVIOUS 48        /* .previous */
#define F311_PREV_INSTR 56      /* .prev_instr */
#define F311_OWNER 69           /* .owner */
#define F311_OWNED_BY_GENERATOR 1
#define O_SIZE 16               /* PyVarObject.ob_size */
#define CO311_FILENAME 112      /* PyCodeObject.co_filename */
#define CO311_FIRSTTRACEABLE 168 /* ._co_firsttraceable */
#define CO311_CODE 184          /* .co_code_adaptive */
#define U311_LENGTH 16          /* PyASCIIObject.length */
#define U311_STATE 32           /* .state: kind bits 2-4, compact 5, ascii 6 */
#define U311_DATA 48            /* sizeof(PyASCIIObject): a compact ASCII string's bytes */
#define MAX_FRAMES 64           /* frames skipped looking for a complete one */

static bool read_ptr(uintptr_t at, uintptr_t *out)
{
    return pf_mem_read(out, at, sizeof *out) && *out != 0;
}

/* Copies the compact ASCII string at STR into OUT (its tail when longer). */
static bool read_ascii(uintptr_t str, char *out, size_t outlen)
{
    int64_t len;
    uint32_t state;
    if (!pf_mem_read(&len, str + U311_LENGTH, sizeof len) ||
        !pf_mem_read(&state, str + U311_STATE, sizeof state))
        return false;
    if (!(state & (1u << 5)) || !(state & (1u << 6)) || len <= 0 || len > 1 << 20)
        return false;
    size_t n = (size_t)len, skip = 0;
    if (n >= outlen) {
        skip = n - (outlen - 1);
        n = outlen - 1;
    }
    if (!pf_mem_read(out, str + U311_DATA + skip, n))
        return false;
    out[n] = '\0';
    return true;
}

/* The top complete frame of a 3.11 thread state: file and line. */
static bool top_311(uintptr_t tstate, char *file, size_t filelen, uint32_t *line)
{
    uintptr_t cframe, frame;
    if (!read_ptr(tstate + T311_CFRAME, &cframe) ||
        !read_ptr(cframe + C311_CURRENT_FRAME, &frame))
        return false;
    for (int depth = 0; depth < MAX_FRAMES && frame; depth++) {
        uintptr_t code, prev_instr, previous = 0;
        char owner;
        int32_t firsttraceable;
        int64_t ncode;
        if (!read_ptr(frame + F311_CODE, &code) ||
            !pf_mem_read(&prev_instr, frame + F311_PREV_INSTR, sizeof prev_instr) ||
            !pf_mem_read(&owner, frame + F311_OWNER, 1) ||
            !pf_mem_read(&firsttraceable, code + CO311_FIRSTTRACEABLE, sizeof firsttraceable) ||
            !pf_mem_read(&ncode, code + O_SIZE, sizeof ncode))
            return false;
        pf_mem_read(&previous, frame + F311_PREVIOUS, sizeof previous);
        uintptr_t start = code + CO311_CODE;
        /* an incomplete frame (_PyFrame_IsIncomplete) has not started its
         * code yet: the caller's line is the one running */
        if (owner != F311_OWNED_BY_GENERATOR && prev_instr < start + 2 * (uintptr_t)firsttraceable) {
            frame = previous;
            continue;
        }
        uintptr_t fname;
        if (!read_ptr(code + CO311_FILENAME, &fname) || !read_ascii(fname, file, filelen))
            return false;
        /* lasti in bytes (_PyInterpreterFrame_LASTI * sizeof(_Py_CODEUNIT)) */
        intptr_t addr = (intptr_t)prev_instr - (intptr_t)start;
        if (addr >= 2 * (intptr_t)ncode)
            return false;
        int l = PyCode_Addr2Line((void *)code, addr < 0 ? -1 : (int)addr);
        *line = l > 0 ? (uint32_t)l : 0;
        return true;
    }
    return false;
}

bool pf_pyframe_top(char *file, size_t filelen, uint32_t *line)
{
    file[0] = '\0';
    *line = 0;
    if (!&Py_Version || !PyGILState_GetThisThreadState || !PyCode_Addr2Line || filelen < 2)
        return false;
    if ((Py_Version >> 16) != 0x030b)
        return false;
    uintptr_t tstate = (uintptr_t)PyGILState_GetThisThreadState();
    if (!tstate)
        return false;
    if (!top_311(tstate, file, filelen, line)) {
        file[0] = '\0';
        *line = 0;
        return false;
    }
    return true;
}
