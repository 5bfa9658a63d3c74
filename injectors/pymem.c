/*
 * pymem.c: the pymem layer: hooks around CPython's allocator domains
 * (PEP 445), counted the way _testcapi.set_nomemory counts.
 *
 * As _testcapi's fm_setup_hooks does, each domain's allocator (raw, mem,
 * obj) is wrapped: the hook counts the call, asks decide.c, then forwards
 * to the allocator it wraps. pymalloc, mimalloc and the debug hooks stay in
 * place underneath, and pymalloc's hand-over of large requests to the raw
 * domain is counted twice, as _testcapi counts it.
 *
 * When: at the shim's constructor, before main, so that the interpreter's
 * first allocator calls are counted. CPython may replace the hooks later
 * during start-up: _PyPreConfig_Write installs the PYTHONMALLOC (or -X dev)
 * allocators over them, and short "default allocator" windows swap the raw
 * domain out and back. Until Py_IsInitialized(), every libc call made
 * outside the hooks therefore checks that each domain's allocator is a
 * hook or wraps one, and wraps again the allocator that replaced it
 * (README.md).
 */
#include "internal.h"

#include <string.h>
#include <unistd.h>

/* PEP 445's PyMemAllocatorEx and domains (Include/cpython/pymem.h),
 * spelled out so that the shim builds without Python's headers. */
struct py_allocator {
    void *ctx;
    void *(*malloc)(void *ctx, size_t size);
    void *(*calloc)(void *ctx, size_t nelem, size_t elsize);
    void *(*realloc)(void *ctx, void *ptr, size_t new_size);
    void (*free)(void *ctx, void *ptr);
};
enum { DOMAIN_RAW = 0, DOMAIN_MEM = 1, DOMAIN_OBJ = 2, NDOMAINS = 3 };

/* Weak and default-visibility: the dynamic loader binds these to the
 * interpreter's exports when it relocates the shim (-z now), before any
 * code runs, or leaves them NULL in a process without CPython. No dlsym,
 * so nothing allocates. */
#define PF_WEAK_IMPORT __attribute__((weak, visibility("default")))
extern void PyMem_GetAllocator(int domain, struct py_allocator *out) PF_WEAK_IMPORT;
extern void PyMem_SetAllocator(int domain, struct py_allocator *alloc) PF_WEAK_IMPORT;
extern int Py_IsInitialized(void) PF_WEAK_IMPORT;

/* One wrapped allocator. A hook's ctx points at its wrap; wraps are never
 * reused for another allocator, so a hook that CPython saved and later
 * restores still forwards to the allocator it was made for. */
struct wrap {
    struct py_allocator inner;
    int domain;
};
#define WRAPS_PER_DOMAIN 16
static struct wrap wraps[NDOMAINS][WRAPS_PER_DOMAIN];
static int nwraps[NDOMAINS];

__thread int pf_pymem_depth;
int pf_pymem_watching;

/* Set while the shim probes a domain's chain; a hook that sees it marks its
 * domain in probe_hits and fails the probe without forwarding it. */
static __thread int probing;
static __thread unsigned probe_hits;

/* What `junk` fills new blocks with: jemalloc's own junk byte, so that
 * pymalloc and mimalloc blocks look like the libc layer's (pymalloc pools
 * are never junk-filled by jemalloc, which only sees whole arenas). */
#define PF_JUNK_BYTE 0xa5

/* Size of a probe: above pymalloc's small-request threshold (512), so that
 * pymalloc hands it straight to the raw domain and never touches its pools
 * (a probe can arrive while pymalloc is busy on the same thread). */
#define PROBE_SIZE 4096

bool pf_pymem_available(void)
{
    return PyMem_GetAllocator && PyMem_SetAllocator && Py_IsInitialized;
}

/* Counts the call and decides. Not guarded: the guard is checked here. */
static inline bool hook_fails(const struct wrap *w, size_t size, int op)
{
    if (PF_UNLIKELY(probing)) {
        probe_hits |= 1u << w->domain;
        return true;
    }
    if (PF_UNLIKELY(pf_guarded()))
        return false;
    return pf_should_fail(size, (enum pf_func)(PF_RAW_MALLOC + 3 * w->domain + op));
}

static void *hook_malloc(void *ctx, size_t size)
{
    struct wrap *w = ctx;
    if (hook_fails(w, size, 0))
        return NULL;
    pf_pymem_depth++;
    void *p = w->inner.malloc(w->inner.ctx, size);
    pf_pymem_depth--;
    if (PF_UNLIKELY(pf_spec.junk) && p)
        memset(p, PF_JUNK_BYTE, size);
    return p;
}

static void *hook_calloc(void *ctx, size_t nelem, size_t elsize)
{
    struct wrap *w = ctx;
    size_t total;
    if (__builtin_mul_overflow(nelem, elsize, &total))
        total = SIZE_MAX; /* only min-size looks at it */
    if (hook_fails(w, total, 1))
        return NULL;
    pf_pymem_depth++;
    void *p = w->inner.calloc(w->inner.ctx, nelem, elsize);
    pf_pymem_depth--;
    return p;
}

static void *hook_realloc(void *ctx, void *ptr, size_t size)
{
    struct wrap *w = ctx;
    if (hook_fails(w, size, 2))
        return NULL;
    pf_pymem_depth++;
    void *p = w->inner.realloc(w->inner.ctx, ptr, size);
    pf_pymem_depth--;
    if (PF_UNLIKELY(pf_spec.junk) && p && !ptr)
        memset(p, PF_JUNK_BYTE, size);
    return p;
}

static void hook_free(void *ctx, void *ptr)
{
    struct wrap *w = ctx;
    pf_pymem_depth++;
    w->inner.free(w->inner.ctx, ptr);
    pf_pymem_depth--;
}

/* Puts a hook around INNER in DOMAIN. Guard held. */
static void wrap_domain(int domain, const struct py_allocator *inner)
{
    struct wrap *w = NULL;
    for (int i = 0; i < nwraps[domain]; i++)
        if (memcmp(&wraps[domain][i].inner, inner, sizeof *inner) == 0)
            w = &wraps[domain][i];
    if (!w) {
        if (nwraps[domain] == WRAPS_PER_DOMAIN) {
            pf_stderr("pyfault: too many allocator replacements to follow; "
                      "one CPython allocator domain is no longer counted", "");
            return;
        }
        w = &wraps[domain][nwraps[domain]];
        w->inner = *inner;
        w->domain = domain;
        __atomic_store_n(&nwraps[domain], nwraps[domain] + 1, __ATOMIC_RELEASE);
    }
    struct py_allocator hook = {w, hook_malloc, hook_calloc, hook_realloc, hook_free};
    PyMem_SetAllocator(domain, &hook);
}

/* Is our hook on top of TOP's chain, or directly under it? Allocators
 * that wrap another the PEP 445 way keep a copy of it in their context:
 * tracemalloc and _testcapi at its start, the debug hooks after a one-char
 * API id. CPython's own allocators have a NULL context (or a debug-hook
 * one that holds pymalloc). No call into the chain: safe inside malloc. */
static bool top_wraps_hook(const struct py_allocator *top)
{
    if (top->malloc == hook_malloc)
        return true;
    if (!top->ctx)
        return false;
    const struct py_allocator *copy = top->ctx;
    const struct py_allocator *debug_copy =
        (const struct py_allocator *)((const char *)top->ctx + sizeof(void *));
    return copy->malloc == hook_malloc || debug_copy->malloc == hook_malloc;
}

/* Does DOMAIN's allocator chain reach one of our hooks? A probe that
 * reaches a hook fails there; one that does not is a real block, freed at
 * once. Runs foreign allocators: only from Python, with the GIL. */
static bool probe_reaches_hook(int domain, const struct py_allocator *top)
{
    probe_hits = 0;
    probing = 1;
    void *p = top->malloc(top->ctx, PROBE_SIZE);
    probing = 0;
    if (p)
        top->free(top->ctx, p);
    return (probe_hits >> domain) & 1u;
}

void pf_pymem_install(void)
{
    for (int d = 0; d < NDOMAINS; d++) {
        struct py_allocator cur;
        PyMem_GetAllocator(d, &cur);
        wrap_domain(d, &cur);
    }
    __atomic_store_n(&pf_pymem_watching, !Py_IsInitialized(), __ATOMIC_RELEASE);
}

void pf_pymem_recheck(void)
{
    /* Start-up is single-threaded; other threads' calls (C libraries'
     * own) leave the check to the main thread. */
    if (gettid() != pf_pid())
        return;
    pf_guard_enter();
    int done = Py_IsInitialized();
    for (int d = 0; d < NDOMAINS; d++) {
        struct py_allocator cur;
        PyMem_GetAllocator(d, &cur);
        if (!top_wraps_hook(&cur))
            wrap_domain(d, &cur);
    }
    if (done)
        __atomic_store_n(&pf_pymem_watching, 0, __ATOMIC_RELEASE);
    pf_guard_leave();
}

int pf_pymem_hooked(void)
{
    if (pf_layer != PYFAULT_LAYER_PYMEM && pf_layer != PYFAULT_LAYER_ALL)
        return -1;
    pf_guard_enter();
    int all = 1;
    for (int d = 0; d < NDOMAINS; d++) {
        struct py_allocator cur;
        PyMem_GetAllocator(d, &cur);
        all &= probe_reaches_hook(d, &cur);
    }
    pf_guard_leave();
    return all;
}
