/*
 * huge_alloc: asks every allocation call for more memory than the machine
 * could ever back (a terabyte, or a small block at a terabyte's alignment)
 * and prints, one line per call, whether it got a block and errno after
 * it. glibc is refused by the kernel's overcommit heuristic; under the
 * shim's count-only mode the lines must be the same (test_api).
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define HUGE ((size_t)1 << 40)

static void show(const char *what, void *p)
{
    printf("%s: %s errno=%d\n", what, p ? "block" : "NULL", errno);
    free(p);
    errno = 0;
}

int main(void)
{
    errno = 0;
    show("malloc", malloc(HUGE));
    show("calloc", calloc(HUGE / 16, 16));
    show("realloc(NULL)", realloc(NULL, HUGE));
    void *small = malloc(16);
    void *grown = realloc(small, HUGE);
    show("realloc(small)", grown);
    if (!grown)
        free(small); /* still ours: a failed realloc leaves it be */
    show("aligned_alloc", aligned_alloc(HUGE, 64));
    show("memalign", memalign(HUGE, 64));
    show("valloc", valloc(HUGE));
    show("pvalloc", pvalloc(HUGE));
    void *p = NULL;
    int rc = posix_memalign(&p, HUGE, 64);
    printf("posix_memalign: rc=%d %s errno=%d\n", rc, p ? "block" : "NULL", errno);
    free(p);
    errno = 0;
    rc = posix_memalign(&p, 64, SIZE_MAX);
    printf("posix_memalign(SIZE_MAX): rc=%d errno=%d\n", rc, errno);
    errno = 0;
    /* and a block the machine can back: granted alike */
    show("malloc 64 MiB", malloc((size_t)64 << 20));
    return 0;
}
