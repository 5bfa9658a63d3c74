/*
 * alloc_api: checks the allocator family's contracts from the outside, as
 * a program sees them, and prints "FAIL <what>" for each broken one, then
 * "checks N". Under the shim it also makes the shim fail a posix_memalign.
 */
#include <dlfcn.h>
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int checks;
#define CHECK(cond) do { checks++; if (!(cond)) printf("FAIL %s (line %d)\n", #cond, __LINE__); } while (0)

static int aligned_to(void *p, size_t a) { return ((uintptr_t)p % a) == 0; }

int main(void)
{
    void *p = NULL;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);

    /* posix_memalign: EINVAL for a bad alignment, the pointer untouched */
    p = (void *)0x1;
    CHECK(posix_memalign(&p, 3, 16) == EINVAL);
    CHECK(posix_memalign(&p, 0, 16) == EINVAL);
    CHECK(posix_memalign(&p, 4, 16) == EINVAL); /* not a multiple of sizeof(void*) */
    CHECK(p == (void *)0x1);
    CHECK(posix_memalign(&p, 256, 10) == 0 && aligned_to(p, 256));
    CHECK(malloc_usable_size(p) >= 10);
    free(p);

    /* free keeps errno */
    errno = 1234;
    free(malloc(10));
    CHECK(errno == 1234);
    errno = 4321;
    free(NULL);
    CHECK(errno == 4321);

    /* malloc_usable_size answers for every kind of pointer */
    void *ptrs[9];
    size_t sizes[9] = {1, 100, 5000, 70000, 33, 64, 1, 4097, 0};
    ptrs[0] = malloc(1);
    ptrs[1] = calloc(10, 10);
    ptrs[2] = realloc(NULL, 5000);
    ptrs[3] = malloc(70000);
    ptrs[4] = aligned_alloc(32, 33);
    ptrs[5] = memalign(64, 64);
    ptrs[6] = valloc(1);
    ptrs[7] = pvalloc(4097);
    ptrs[8] = malloc(0);
    for (int i = 0; i < 9; i++) {
        CHECK(ptrs[i] != NULL);
        CHECK(malloc_usable_size(ptrs[i]) >= sizes[i]);
    }
    CHECK(aligned_to(ptrs[4], 32));
    CHECK(aligned_to(ptrs[5], 64));
    CHECK(aligned_to(ptrs[6], page));
    CHECK(aligned_to(ptrs[7], page) && malloc_usable_size(ptrs[7]) >= 2 * page);
    for (int i = 0; i < 100; i++)
        CHECK(((unsigned char *)ptrs[1])[i] == 0);
    for (int i = 0; i < 9; i++)
        free(ptrs[i]);
    CHECK(malloc_usable_size(NULL) == 0);

    /* realloc keeps the contents, realloc(p, 0) frees and returns NULL */
    char *s = malloc(8);
    memcpy(s, "pyfault", 8);
    s = realloc(s, 100000);
    CHECK(s && strcmp(s, "pyfault") == 0);
    CHECK(realloc(s, 0) == NULL);

    /* calloc and reallocarray overflow: ENOMEM */
    volatile size_t huge = SIZE_MAX / 2; /* volatile: a run-time overflow */
    errno = 0;
    CHECK(calloc(huge, 4) == NULL && errno == ENOMEM);
    errno = 0;
    CHECK(reallocarray(NULL, huge, 4) == NULL && errno == ENOMEM);

    /* an injected failure: posix_memalign reports ENOMEM and, as glibc's
     * own failure does, leaves errno ENOMEM (huge_alloc compares them) */
    void (*set_nomemory)(uint64_t, uint64_t) =
        (void (*)(uint64_t, uint64_t))dlsym(RTLD_DEFAULT, "pyfault_set_nomemory");
    void (*remove_hooks)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "pyfault_remove_hooks");
    if (set_nomemory && remove_hooks) {
        p = (void *)0x1;
        errno = 777;
        set_nomemory(0, 1); /* the next allocation fails */
        int rc = posix_memalign(&p, 64, 100);
        remove_hooks();
        CHECK(rc == ENOMEM);
        CHECK(p == (void *)0x1);
        CHECK(errno == ENOMEM);
        set_nomemory(0, 1);
        errno = 0;
        void *m = malloc(10);
        remove_hooks();
        CHECK(m == NULL && errno == ENOMEM);
        /* volatile: the compiler must not assume realloc freed it */
        char *volatile keep = malloc(16);
        strcpy(keep, "kept");
        set_nomemory(0, 1);
        char *r = realloc(keep, 1 << 20);
        remove_hooks();
        /* a failed realloc leaves the old block alive */
        CHECK(r == NULL && strcmp(keep, "kept") == 0);
        free(keep);
        printf("injected checks ran\n");
    }
    printf("checks %d\n", checks);
    return 0;
}
