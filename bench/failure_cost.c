/*
 * failure_cost DEPTH N: calls itself DEPTH deep, then makes N malloc(32)
 * calls. Run under the shim with PYFAULT=from=1, every one of them fails,
 * as in an unwind loop: prints "ns_per_failure X", the wall time over N
 * (the shim's counting, stack walk and streak for each failure). Run by
 * bench/failure_cost.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* N allocations DEPTH frames down; returns how many succeeded. noinline
 * and the use after the call keep every frame a real one. */
__attribute__((noinline)) static long allocate_at(int depth, long n)
{
    if (depth > 0) {
        long ok = allocate_at(depth - 1, n);
        __asm__ volatile("" : : "r"(ok) : "memory");
        return ok;
    }
    long ok = 0;
    for (long i = 0; i < n; i++) {
        void *p = malloc(32);
        __asm__ volatile("" : : "r"(p) : "memory");
        ok += p != NULL;
        free(p);
    }
    return ok;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: failure_cost DEPTH N\n");
        return 2;
    }
    int depth = atoi(argv[1]);
    long n = atol(argv[2]);
    double t0 = now_ns();
    long ok = allocate_at(depth, n);
    double t1 = now_ns();
    printf("ns_per_failure %.1f\nsucceeded %ld\n", (t1 - t0) / n, ok);
    return 0;
}
