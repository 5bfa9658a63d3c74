/*
 * interpose.c: the exported allocator family.
 *
 * Each function: pass reentrant calls straight through, make sure the spec
 * is read, ask decide.c, then forward to jemalloc. Frees never count.
 * Semantics follow glibc's where jemalloc's differ (realloc(p, 0) frees and
 * returns NULL; pvalloc rounds up to a page), so that count-only mode does
 * not change what a program sees. glibc's __libc_ names for the family are
 * aliases of the same functions here, as they are in glibc.
 */
#include "internal.h"

#include <errno.h>
#include <malloc.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define PF_EXPORT __attribute__((visibility("default")))
/* Another name for FN, declared with FN's attributes (malloc, alloc_size). */
#define PF_ALIAS(fn) __attribute__((alias(#fn), copy(fn)))

static inline bool is_power_of_two(size_t x)
{
    return x != 0 && (x & (x - 1)) == 0;
}

/* Whether this call must fail: the counting entry point for all of them.
 * In the pymem layer libc calls are not counted; in the all layer they
 * are, unless a pymem hook is forwarding (it counted the call already). */
static inline bool injected(size_t size, enum pf_func func)
{
    if (PF_UNLIKELY(pf_guarded()))
        return false;
    pf_ensure_init();
    pf_altstack_ensure(); /* a thread's first allocation: its signal stack */
    if (PF_LIKELY(pf_layer == PYFAULT_LAYER_LIBC))
        return pf_should_fail(size, func);
    if (pf_pymem_depth)
        return false;
    if (PF_UNLIKELY(__atomic_load_n(&pf_pymem_watching, __ATOMIC_ACQUIRE)))
        pf_pymem_recheck();
    return pf_layer == PYFAULT_LAYER_ALL && pf_should_fail(size, func);
}

/* Whether glibc would be refused SIZE bytes: the kernel's overcommit
 * heuristic rejects an accounted mapping that could never be backed (more
 * than RAM and swap), where jemalloc, mapping with MAP_NORESERVE, is
 * granted it and a program that expects ENOMEM (a MemoryError) goes on to
 * touch a terabyte. Probed with an accounted mapping never touched;
 * below PF_BIG_MIN, never. */
static bool kernel_refuses(size_t size)
{
    if (PF_LIKELY(size < PF_BIG_MIN))
        return false;
    void *m = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return true;
    munmap(m, size);
    return false;
}

/* A block of SIZE > 0 (FLAGS: jemalloc's; ALIGN: an alignment asked for
 * past malloc's own, else 0), or NULL where glibc's malloc would fail: a
 * big block a mapping of its own (bigblock.c; its pages come zeroed),
 * else jemalloc's. */
static void *backend_alloc(size_t size, int flags, size_t align)
{
    if (size >= PF_BIG_MIN && align == 0)
        return pf_big_alloc(size);
    size_t need;
    if (__builtin_add_overflow(size, align, &need) || kernel_refuses(need))
        return NULL;
    return pf_je_mallocx(size, flags);
}

/* Frees P for FUNC ("free", "realloc"): a big block is unmapped (its
 * pages go back at once: no mark to leave), any other marked freed
 * (freemark.c) and given back to jemalloc. */
static void release(void *p, const char *func)
{
    if (pf_big_is(p)) {
        pf_big_free(p);
        return;
    }
    pf_freemark_free(p, func);
    pf_je_dallocx(p, 0);
}

/* P, a block of either kind (BIG: pf_big_is(P)), moved or grown to SIZE
 * (> 0) glibc's way: a big block is remapped, a block crossing PF_BIG_MIN
 * is copied into one of the other kind. NULL when refused, P then
 * untouched. */
static void *backend_realloc(void *p, bool big, size_t size)
{
    if (big && size >= PF_BIG_MIN)
        return pf_big_realloc(p, size);
    if (!big && size < PF_BIG_MIN)
        return pf_je_rallocx(p, size, 0);
    void *q = backend_alloc(size, 0, 0);
    if (q) {
        size_t old = big ? pf_big_usable(p) : pf_je_sallocx(p, 0);
        memcpy(q, p, old < size ? old : size);
        if (big)
            pf_big_free(p);
        else
            pf_je_dallocx(p, 0);
    }
    return q;
}

/* glibc's MALLOC_ALIGNMENT on x86-64, max_align_t's: every block it
 * returns is aligned to it, however small the request. jemalloc's tiny
 * class (8 bytes) is not, and code that tags a pointer's low bits or
 * stores a max_align_t there would see the difference, so a request below
 * it is served from jemalloc's 16-byte class (what malloc_usable_size then
 * reports: the block's real size). Every larger class is a multiple of 16. */
#define PF_MIN_ALIGN ((size_t)_Alignof(max_align_t))
_Static_assert(PF_MIN_ALIGN == 16, "jemalloc's first class above its tiny one");

/* The size to ask jemalloc for, so that the block is PF_MIN_ALIGN-aligned;
 * also turns a request for 0 bytes into a block, as glibc's does. */
static inline size_t block_size(size_t size)
{
    return size < PF_MIN_ALIGN ? PF_MIN_ALIGN : size;
}

static size_t page_size(void)
{
    static size_t cached;
    if (!cached)
        cached = (size_t)sysconf(_SC_PAGESIZE);
    return cached;
}

PF_EXPORT void *malloc(size_t size)
{
    if (injected(size, PF_MALLOC)) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = backend_alloc(block_size(size), 0, 0);
    if (!p)
        errno = ENOMEM;
    pf_freemark_clear(p);
    return p;
}

PF_EXPORT void *calloc(size_t nmemb, size_t size)
{
    size_t total;
    if (__builtin_mul_overflow(nmemb, size, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    if (injected(total, PF_CALLOC)) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = backend_alloc(block_size(total), PF_MALLOCX_ZERO, 0);
    if (!p)
        errno = ENOMEM;
    return p;
}

/* glibc semantics: realloc(NULL, n) is malloc(n); realloc(p, 0) frees p and
 * returns NULL (not counted: nothing is allocated). */
static void *realloc_common(void *ptr, size_t size, enum pf_func func)
{
    if (ptr && size == 0) {
        release(ptr, "realloc");
        return NULL;
    }
    bool big = pf_big_is(ptr);
    if (ptr && !big)
        pf_freemark_check(ptr, "realloc");
    if (injected(size, func)) {
        errno = ENOMEM;
        return NULL;
    }
    /* a moved block starts with the old one's first word: not the mark */
    void *p = ptr ? backend_realloc(ptr, big, block_size(size))
                  : backend_alloc(block_size(size), 0, 0);
    if (!p)
        errno = ENOMEM;
    else if (!ptr)
        pf_freemark_clear(p);
    return p;
}

PF_EXPORT void *realloc(void *ptr, size_t size)
{
    return realloc_common(ptr, size, PF_REALLOC);
}

PF_EXPORT void *reallocarray(void *ptr, size_t nmemb, size_t size)
{
    size_t total;
    if (__builtin_mul_overflow(nmemb, size, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc_common(ptr, total, PF_REALLOCARRAY);
}

PF_EXPORT void free(void *ptr)
{
    if (!ptr)
        return;
    int saved = errno; /* free must not change errno */
    release(ptr, "free");
    errno = saved;
}

/* Aligned allocation with ALIGN already validated as a power of two. */
static void *aligned(size_t align, size_t size, enum pf_func func)
{
    if (injected(size, func))
        return NULL;
    /* glibc's memalign is its malloc for an alignment it gives anyway;
     * above that it asks for SIZE plus ALIGN to carve the block from */
    void *p = align <= PF_MIN_ALIGN
                  ? backend_alloc(block_size(size), 0, 0)
                  : backend_alloc(size ? size : 1, PF_MALLOCX_ALIGN(align), align);
    pf_freemark_clear(p);
    return p;
}

PF_EXPORT int posix_memalign(void **out, size_t align, size_t size)
{
    if (!is_power_of_two(align) || align % sizeof(void *) != 0)
        return EINVAL;
    int saved = errno;
    void *p = aligned(align, size, PF_POSIX_MEMALIGN);
    if (!p) {
        /* it reports through its return value, and glibc's leaves errno
         * ENOMEM too, as its inner malloc does */
        errno = ENOMEM;
        return ENOMEM;
    }
    errno = saved;
    *out = p;
    return 0;
}

/* Rounds a non-power-of-two alignment up, as glibc 2.36's memalign and
 * aligned_alloc both do; 0 when there is no such power of two. */
static size_t round_alignment(size_t align)
{
    if (is_power_of_two(align))
        return align;
    if (align > (SIZE_MAX >> 1) + 1)
        return 0;
    size_t a = 1;
    while (a < align)
        a <<= 1;
    return a;
}

static void *memalign_common(size_t align, size_t size, enum pf_func func)
{
    align = round_alignment(align);
    if (!align) {
        errno = EINVAL;
        return NULL;
    }
    void *p = aligned(align, size, func);
    if (!p)
        errno = ENOMEM;
    return p;
}

PF_EXPORT void *aligned_alloc(size_t align, size_t size)
{
    return memalign_common(align, size, PF_ALIGNED_ALLOC);
}

PF_EXPORT void *memalign(size_t align, size_t size)
{
    return memalign_common(align, size, PF_MEMALIGN);
}

PF_EXPORT void *valloc(size_t size)
{
    void *p = aligned(page_size(), size, PF_VALLOC);
    if (!p)
        errno = ENOMEM;
    return p;
}

PF_EXPORT void *pvalloc(size_t size)
{
    size_t ps = page_size();
    size_t rounded;
    if (__builtin_add_overflow(size, ps - 1, &rounded)) {
        errno = ENOMEM;
        return NULL;
    }
    rounded &= ~(ps - 1);
    void *p = aligned(ps, rounded ? rounded : ps, PF_PVALLOC);
    if (!p)
        errno = ENOMEM;
    return p;
}

PF_EXPORT size_t malloc_usable_size(void *ptr)
{
    if (!ptr)
        return 0;
    return pf_big_is(ptr) ? pf_big_usable(ptr) : pf_je_sallocx(ptr, 0);
}

/* glibc's other names for the family, exported (GLIBC_2.2.5) for code that
 * wraps or hooks malloc: aliases in glibc, aliases here, so a block from
 * one name is freed by the other and a call counts once, as the function
 * it names (the log says "malloc" for __libc_malloc). */
PF_EXPORT void *__libc_malloc(size_t size) PF_ALIAS(malloc);
PF_EXPORT void *__libc_calloc(size_t nmemb, size_t size) PF_ALIAS(calloc);
PF_EXPORT void *__libc_realloc(void *ptr, size_t size) PF_ALIAS(realloc);
PF_EXPORT void __libc_free(void *ptr) PF_ALIAS(free);
PF_EXPORT void *__libc_memalign(size_t align, size_t size) PF_ALIAS(memalign);
PF_EXPORT void *__libc_valloc(size_t size) PF_ALIAS(valloc);
PF_EXPORT void *__libc_pvalloc(size_t size) PF_ALIAS(pvalloc);
/* glibc 2.36 keeps cfree for binaries linked before 2.26: free */
PF_EXPORT void cfree(void *ptr) PF_ALIAS(free);

/* A page count of all arenas' merged stats ("pdirty", ...); 0 when
 * jemalloc has no such stat. */
static size_t arenas_pages(const char *name)
{
    size_t pages = 0, len = sizeof pages;
    return pf_je_mallctl(name, &pages, &len, NULL, 0) == 0 ? pages : 0;
}

/* The dirty and muzzy pages of all arenas: what a purge would release. */
static size_t purgeable_pages(void)
{
    uint64_t epoch = 1;
    size_t len = sizeof epoch;
    pf_je_mallctl("epoch", &epoch, &len, &epoch, len); /* refresh the stats */
    return arenas_pages("stats.arenas." PF_MALLCTL_ARENAS_ALL ".pdirty") +
           arenas_pages("stats.arenas." PF_MALLCTL_ARENAS_ALL ".pmuzzy");
}

/* glibc's malloc_trim gives the heap's free pages back to the kernel and
 * answers 1 when it could; here, every arena is purged (PAD is moot:
 * jemalloc has no top chunk) and the answer is 1 when pages were freed. */
PF_EXPORT int malloc_trim(size_t pad)
{
    (void)pad;
    if (!pf_guarded())
        pf_ensure_init();
    size_t pages = purgeable_pages();
    int purged = pf_je_mallctl("arena." PF_MALLCTL_ARENAS_ALL ".purge", NULL, NULL, NULL, 0) == 0;
    return purged && pages > 0;
}
