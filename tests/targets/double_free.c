/* double_free.c: double_free free|realloc|reuse. free and realloc hand a
 * freed block back to the allocator (glibc aborts on the first); reuse
 * frees blocks it never wrote, from every allocation call, many times
 * over, and prints "reused" (a recycled block must not look freed). */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* the point of this program */
#pragma GCC diagnostic ignored "-Wuse-after-free"

/* One block from allocation call K (0..10) of SIZE bytes, never written. */
static void *one(int k, size_t size)
{
    void *p = NULL;
    switch (k) {
    case 0: return malloc(size);
    case 1: return malloc(0);
    case 2: return calloc(1, size);
    case 3: return realloc(NULL, size);
    case 4: return aligned_alloc(64, size);
    case 5: return posix_memalign(&p, 32, size) == 0 ? p : NULL;
    case 6: return memalign(128, size);
    case 7: return valloc(size);
    case 8: return pvalloc(size);
    case 9: return reallocarray(NULL, 2, size);
    default: return realloc(malloc(8), size); /* moved, mostly */
    }
}

int main(int argc, char **argv)
{
    const char *how = argc > 1 ? argv[1] : "";
    char *p = malloc(100);
    if (!p)
        return 2;
    strcpy(p, "data");
    if (strcmp(how, "free") == 0) {
        free(p);
        free(p);
    } else if (strcmp(how, "realloc") == 0) {
        free(p);
        p = realloc(p, 200);
    } else if (strcmp(how, "reuse") == 0) {
        free(p);
        static const size_t sizes[] = {1, 8, 16, 24, 100, 4000, 70000, 1 << 20};
        for (int round = 0; round < 200; round++)
            for (int k = 0; k <= 10; k++)
                for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; s++)
                    free(one(k, sizes[s]));
        /* realloc(p, 0) frees too */
        for (int round = 0; round < 100; round++)
            free(realloc(malloc(24), 0)); /* NULL, as in glibc */
        puts("reused");
    } else {
        fprintf(stderr, "usage: double_free free|realloc|reuse\n");
        return 2;
    }
    return 0;
}
