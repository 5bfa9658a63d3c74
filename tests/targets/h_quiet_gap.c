/* h_quiet_gap.c: N allocations with a quiet stretch of MS milliseconds
 * (no allocation, asleep) in the middle; exits 1 when one fails, else 0.
 * A sweep must learn the stretch from its counting run and not call it a
 * hang. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: h_quiet_gap N MS\n");
        return 2;
    }
    int n = atoi(argv[1]);
    long ms = atol(argv[2]);
    for (int i = 0; i < n; i++) {
        if (i == n / 2) {
            struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
            while (nanosleep(&ts, &ts) != 0)
                ;
        }
        void *p = malloc(64);
        if (!p)
            return 1;
        free(p);
    }
    return 0;
}
