/*
 * small_align: glibc on x86-64 aligns every block to 16 bytes
 * (max_align_t's alignment), however small the request; jemalloc's tiny
 * class is 8. Asks each call that allocates by size for many blocks of 0
 * to 16 bytes (and shrinks larger blocks to them) and prints, one line
 * per call, how many were not aligned to 16 and to _Alignof(max_align_t),
 * and how many had fewer usable bytes than asked for. The lines are the
 * same under glibc and under the shim's count-only mode (test_api).
 */
#include <malloc.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* glibc 2.36's exports (GLIBC_2.2.5), in no header */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t nmemb, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void *__libc_memalign(size_t align, size_t size);
extern void __libc_free(void *ptr);

#define ROUNDS 60 /* per size: 60 x 17 sizes, 1020 blocks a call */
#define MAXSIZE 16

enum {
    MALLOC, CALLOC, REALLOC_NULL, REALLOC_SHRINK, REALLOCARRAY, STRDUP,
    LIBC_MALLOC, LIBC_CALLOC, LIBC_REALLOC, MEMALIGN_8, LIBC_MEMALIGN_8,
    POSIX_MEMALIGN_8, ALIGNED_ALLOC_8, NCALLS
};
static const char *const names[NCALLS] = {
    "malloc", "calloc", "realloc(NULL)", "realloc(shrink)", "reallocarray",
    "strdup", "__libc_malloc", "__libc_calloc", "__libc_realloc(NULL)",
    "memalign(8)", "__libc_memalign(8)", "posix_memalign(8)", "aligned_alloc(8)",
};

static void *one(int call, size_t n)
{
    static const char text[] = "0123456789abcdef";
    void *p = NULL;
    switch (call) {
    case MALLOC: return malloc(n);
    case CALLOC: return calloc(1, n);
    case REALLOC_NULL: return realloc(NULL, n);
    case REALLOC_SHRINK:
        p = malloc(100);
        return p && n ? realloc(p, n) : p; /* realloc(p, 0) frees: keep p */
    case REALLOCARRAY: return reallocarray(NULL, n, 1);
    case STRDUP: return strndup(text, n);
    case LIBC_MALLOC: return __libc_malloc(n);
    case LIBC_CALLOC: return __libc_calloc(n, 1);
    case LIBC_REALLOC: return __libc_realloc(NULL, n);
    case MEMALIGN_8: return memalign(8, n);
    case LIBC_MEMALIGN_8: return __libc_memalign(8, n);
    case POSIX_MEMALIGN_8: return posix_memalign(&p, 8, n) == 0 ? p : NULL;
    case ALIGNED_ALLOC_8: return aligned_alloc(8, n);
    }
    return NULL;
}

int main(void)
{
    static void *blocks[ROUNDS * (MAXSIZE + 1)];
    printf("_Alignof(max_align_t) %zu\n", _Alignof(max_align_t));
    for (int call = 0; call < NCALLS; call++) {
        int nulls = 0, off16 = 0, offmax = 0, short_ = 0, nb = 0;
        for (int r = 0; r < ROUNDS; r++)
            for (size_t n = 0; n <= MAXSIZE; n++) {
                void *p = one(call, n);
                blocks[nb++] = p;
                if (!p) {
                    nulls++;
                    continue;
                }
                off16 += (uintptr_t)p % 16 != 0;
                offmax += (uintptr_t)p % _Alignof(max_align_t) != 0;
                short_ += malloc_usable_size(p) < n;
            }
        /* held until all are made, so that each is a new block */
        for (int i = 0; i < nb; i++)
            free(blocks[i]);
        printf("%s: %d blocks, %d NULL, %d not 16-aligned, %d not max_align_t-aligned, "
               "%d short\n", names[call], nb, nulls, off16, offmax, short_);
    }
    return 0;
}
