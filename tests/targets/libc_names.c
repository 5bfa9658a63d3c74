/* libc_names.c: libc_names mix|count. glibc exports its allocator under
 * a second name too (__libc_malloc, ...), and code that wraps or hooks
 * malloc calls it. mix hands blocks from one family to the other in every
 * direction (and to cfree), then trims the heap, printing what it sees;
 * count prints the shim's allocation number before seven __libc_
 * allocations ("base B"), how many it counted ("counted N") and
 * "fail I errno E" for each that failed (I 1-based, in the order below). */
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* glibc 2.36's exports (GLIBC_2.2.5), in no header */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t nmemb, size_t size);
extern void *__libc_realloc(void *ptr, size_t size);
extern void __libc_free(void *ptr);
extern void *__libc_memalign(size_t align, size_t size);
extern void *__libc_valloc(size_t size);
extern void *__libc_pvalloc(size_t size);
/* free's old name, kept for binaries linked before glibc 2.26: linked as
 * one of those is */
__asm__(".symver cfree, cfree@GLIBC_2.2.5");
extern void cfree(void *ptr);

static int aligned_to(const void *p, size_t a) { return ((uintptr_t)p % a) == 0; }

/* Fills P with N bytes of C and says whether they read back. */
static int usable(void *p, size_t n, int c)
{
    if (!p)
        return 0;
    memset(p, c, n);
    for (size_t i = 0; i < n; i++)
        if (((unsigned char *)p)[i] != (unsigned char)c)
            return 0;
    return 1;
}

/* Each line is the same under glibc and under the shim, or the shim shows. */
static int mix(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    void *p = malloc(20);
    printf("malloc -> __libc_free: %d\n", usable(p, 20, 1));
    __libc_free(p);
    p = __libc_malloc(10);
    printf("__libc_malloc -> free: %d\n", usable(p, 10, 2));
    free(p);
    char *c = __libc_calloc(4, 8);
    int zero = c != NULL;
    for (int i = 0; zero && i < 32; i++)
        zero = c[i] == 0;
    printf("__libc_calloc -> free: zeroed %d\n", zero);
    free(c);
    p = calloc(2, 16);
    printf("calloc -> __libc_free: %d\n", usable(p, 32, 3));
    __libc_free(p);
    p = __libc_malloc(30);
    printf("__libc_malloc -> cfree: %d\n", usable(p, 30, 8));
    cfree(p);
    char *s = malloc(8);
    strcpy(s, "kept");
    s = __libc_realloc(s, 100000); /* moved: the old block freed by the shim's or glibc's */
    printf("malloc -> __libc_realloc -> free: %s\n", s ? s : "(null)");
    free(s);
    s = __libc_malloc(8);
    strcpy(s, "kept");
    s = realloc(s, 100000);
    printf("__libc_malloc -> realloc -> __libc_free: %s\n", s ? s : "(null)");
    __libc_free(s);
    printf("__libc_realloc(p, 0): %s\n", __libc_realloc(malloc(24), 0) ? "a block" : "NULL");
    p = __libc_memalign(64, 100);
    printf("__libc_memalign -> free: aligned %d\n", aligned_to(p, 64) && usable(p, 100, 4));
    free(p);
    p = memalign(128, 50);
    printf("memalign -> __libc_free: aligned %d\n", aligned_to(p, 128) && usable(p, 50, 5));
    __libc_free(p);
    p = __libc_valloc(10);
    printf("__libc_valloc -> free: page-aligned %d\n", aligned_to(p, page) && usable(p, 10, 6));
    free(p);
    p = __libc_pvalloc(10);
    printf("__libc_pvalloc -> free: a page %d\n", aligned_to(p, page) && usable(p, page, 7));
    free(p);
    /* free heap pages to give back: glibc's trim answers 1 */
    enum { N = 1000 };
    static void *blocks[N];
    for (int i = 0; i < N; i++)
        blocks[i] = __libc_malloc(1000);
    void *fence = malloc(16); /* keeps them off the top of glibc's heap */
    for (int i = 0; i < N; i++)
        free(blocks[i]);
    printf("malloc_trim(0) after freeing: %d\n", malloc_trim(0));
    free(fence);
    return 0;
}

static int count(void)
{
    uint64_t (*allocations)(void) =
        (uint64_t (*)(void))dlsym(RTLD_DEFAULT, "pyfault_allocations");
    uint64_t base = allocations ? allocations() : 0;
    void *p[7];
    int err[7], failed[7];
/* one call: its block, whether it failed and the errno it left */
#define CALL(i, call) (errno = 0, p[i] = (call), err[i] = errno, failed[i] = !p[i])
    CALL(0, __libc_malloc(10));
    CALL(1, __libc_calloc(3, 10));
    CALL(2, __libc_realloc(NULL, 10));
    CALL(3, __libc_realloc(p[0], 1000)); /* p[0] stays ours when it fails */
    CALL(4, __libc_memalign(32, 10));
    CALL(5, __libc_valloc(10));
    CALL(6, __libc_pvalloc(10));
    uint64_t after = allocations ? allocations() : 0;
    if (p[3])
        p[0] = NULL; /* moved into p[3] */
    for (int i = 0; i < 7; i++)
        __libc_free(p[i]);
    printf("base %llu\n", (unsigned long long)base);
    printf("counted %llu\n", (unsigned long long)(after - base));
    for (int i = 0; i < 7; i++)
        if (failed[i])
            printf("fail %d errno %d\n", i + 1, err[i]);
    return 0;
}

int main(int argc, char **argv)
{
    const char *how = argc > 1 ? argv[1] : "";
    if (strcmp(how, "mix") == 0)
        return mix();
    if (strcmp(how, "count") == 0)
        return count();
    fprintf(stderr, "usage: libc_names mix|count\n");
    return 2;
}
