/*
 * rlimit_as LIMIT_MIB largest | grow STEP_MIB | SIZE_MIB...
 *
 * Sets RLIMIT_AS (ulimit -v) to LIMIT_MIB and then, one line each:
 *   largest    the largest malloc granted, to 1 MiB, in one process:
 *              "largest N MiB" (each probe touched and freed);
 *   grow STEP  one block grown by realloc, STEP MiB at a time, until it
 *              is refused: "grew to N MiB";
 *   SIZE...    malloc of each size in turn, touched, then freed:
 *              "SIZE MiB: block" or "SIZE MiB: NULL".
 * test_api compares glibc's answers with the shim's in count-only mode.
 * Exit 3 when the limit cannot be set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#define MIB ((size_t)1 << 20)

/* A block of MIBS MiB, its first and last byte written; NULL if refused. */
static char *get(size_t mibs)
{
    char *p = malloc(mibs * MIB);
    if (p) {
        p[0] = 1;
        p[mibs * MIB - 1] = 1;
    }
    return p;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: rlimit_as LIMIT_MIB largest|grow STEP|SIZE...\n");
        return 2;
    }
    struct rlimit lim;
    lim.rlim_cur = lim.rlim_max = strtoull(argv[1], NULL, 10) * MIB;
    if (setrlimit(RLIMIT_AS, &lim) != 0) {
        perror("setrlimit");
        return 3;
    }
    if (strcmp(argv[2], "largest") == 0) {
        size_t lo = 0, hi = strtoull(argv[1], NULL, 10) + 1; /* lo granted, hi not */
        while (hi - lo > 1) {
            size_t mid = lo + (hi - lo) / 2;
            char *p = get(mid);
            if (p)
                lo = mid;
            else
                hi = mid;
            free(p);
        }
        printf("largest %zu MiB\n", lo);
        return 0;
    }
    if (strcmp(argv[2], "grow") == 0 && argc > 3) {
        size_t step = strtoull(argv[3], NULL, 10) * MIB, n = 0;
        char *p = NULL;
        for (;;) {
            char *q = realloc(p, n + step);
            if (!q)
                break;
            p = q;
            n += step;
            p[n - 1] = 1;
        }
        free(p);
        printf("grew to %zu MiB\n", n / MIB);
        return 0;
    }
    for (int i = 2; i < argc; i++) {
        size_t mibs = strtoull(argv[i], NULL, 10);
        char *p = get(mibs);
        printf("%zu MiB: %s\n", mibs, p ? "block" : "NULL");
        free(p);
    }
    return 0;
}
