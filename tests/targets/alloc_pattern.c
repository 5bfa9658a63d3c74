/*
 * alloc_pattern: makes COUNT allocations of mixed kinds (malloc, calloc,
 * realloc, posix_memalign, in turn) and prints, once done, the shim's
 * allocation number before the first one ("base B") and one line per
 * allocation that failed ("fail I"), I being 1-based. Allocation I is the
 * shim's allocation number B + I: nothing else allocates in the loop.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define MAX_COUNT 100000

static unsigned char failed[MAX_COUNT + 1];

int main(int argc, char **argv)
{
    int count = argc > 1 ? atoi(argv[1]) : 1000;
    if (count < 1 || count > MAX_COUNT)
        return 2;
    uint64_t (*allocations)(void) =
        (uint64_t (*)(void))dlsym(RTLD_DEFAULT, "pyfault_allocations");
    uint64_t base = allocations ? allocations() : 0;
    void *keep = NULL;
    for (int i = 1; i <= count; i++) {
        void *p = NULL;
        switch (i % 4) {
        case 1:
            p = malloc(16 + (size_t)i);
            failed[i] = p == NULL;
            free(p);
            break;
        case 2:
            p = calloc(4, 8 + (size_t)i);
            failed[i] = p == NULL;
            free(p);
            break;
        case 3:
            p = realloc(keep, 32 + (size_t)i);
            failed[i] = p == NULL;
            if (p)
                keep = p;
            break;
        case 0: {
            int rc = posix_memalign(&p, 64, 100 + (size_t)i);
            failed[i] = rc != 0;
            if (rc != 0 && rc != ENOMEM)
                return 3;
            free(p);
            break;
        }
        }
    }
    free(keep);
    uint64_t after = allocations ? allocations() : 0;
    printf("base %llu\n", (unsigned long long)base);
    printf("counted %llu\n", (unsigned long long)(after - base));
    for (int i = 1; i <= count; i++)
        if (failed[i])
            printf("fail %d\n", i);
    return 0;
}
