/*
 * dsoprobe_lib: a small shared library of our own (libdsoprobe_lib.so)
 * that the dsoprobe extension links, standing for a library an extension
 * bundles. It allocates with the C library's malloc, as such libraries do:
 * the shim counts those calls in layer=libc and layer=all.
 *
 * Built with -O0 by tests/support/build_dsoprobe.sh, so the frame that
 * calls malloc is this library's own (no tail call into malloc).
 */
#include <stdlib.h>
#include <string.h>

/* N malloc(64) calls, each block written and freed before the next;
 * returns how many of them failed. */
__attribute__((visibility("default"), noinline)) int dsoprobe_lib_churn(int n);

int dsoprobe_lib_churn(int n)
{
    int failed = 0;
    for (int i = 0; i < n; i++) {
        char *p = malloc(64);
        if (!p) {
            failed++;
            continue;
        }
        memset(p, i, 64);
        free(p);
    }
    return failed;
}
