/* h_retry_bounded.c: h_retry_malloc with a limit and a pace: one
 * allocation retried until it succeeds, at most TRIES times (0: without
 * end), sleeping DELAY_US between tries. Under from=N it fails at one
 * call site TRIES times in a row, then exits 1: a finite burst, not an
 * unwind loop, while shorter than the counted proof (6,000: the shim parks
 * it there under a supervisor). Without injection it exits 0.
 * Usage: h_retry_bounded TRIES DELAY_US */
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    long tries = strtol(argv[1], NULL, 10), delay_us = strtol(argv[2], NULL, 10);
    struct timespec pause = {delay_us / 1000000, (delay_us % 1000000) * 1000};
    for (long i = 0; tries == 0 || i < tries; i++) {
        void *p = malloc(48);
        if (p) {
            free(p);
            return 0;
        }
        if (delay_us > 0)
            nanosleep(&pause, NULL);
    }
    return 1; /* gave up */
}
