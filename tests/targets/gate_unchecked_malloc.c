/*
 * gate_unchecked_malloc: makes eight allocations and writes into each
 * without checking it: under nth=N (N one of its allocations) it dies of
 * SIGSEGV, otherwise it exits 0. The repro tests replay such a trial.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    char *keep[8];
    for (int i = 0; i < 8; i++) {
        keep[i] = malloc(64 + (size_t)i);
        memset(keep[i], 'x', 64); /* no NULL check, on purpose */
    }
    for (int i = 0; i < 8; i++)
        free(keep[i]);
    puts("done");
    return 0;
}
