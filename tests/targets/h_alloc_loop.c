/* h_alloc_loop.c: makes N allocations (argv[1], default 1000), each
 * checked: exits 1 on the first failure, 0 otherwise. A fast target with
 * a known number of allocation points, for sweeps and benchmarks. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 1000;
    for (long i = 0; i < n; i++) {
        void *p = malloc(32);
        if (!p) {
            fprintf(stderr, "h_alloc_loop: allocation %ld failed\n", i + 1);
            return 1;
        }
        free(p);
    }
    return 0;
}
