/*
 * resume_mixed: makes argv[1] allocations (default 100), each of them
 * handled after its own fashion by its number i modulo 3: 0 is used
 * unchecked (a segfault in use_unchecked when it failed), 1 is checked
 * (exit 1 with a message), 2 aborts in must_alloc. So a sweep over it
 * finds three classes, each at known points. A failed allocation first
 * sleeps argv[2] milliseconds (default 0): every trial that meets its
 * failure takes that long, forked or exec'd, so a sweep can be killed in
 * the middle (tests/harness/test_resume.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void *keep[100000];
static long nap_ms;

/* Sleeps nap_ms when P is NULL (nanosleep does not allocate); returns P. */
static void *nap_if_null(void *p)
{
    struct timespec ts = {nap_ms / 1000, (nap_ms % 1000) * 1000000L};
    if (!p)
        nanosleep(&ts, NULL);
    return p;
}

__attribute__((noinline)) static void use_unchecked(char *p)
{
    memset(p, 'x', 48); /* no NULL check, on purpose */
}

__attribute__((noinline)) static void *must_alloc(size_t n)
{
    void *p = nap_if_null(malloc(n));
    if (!p)
        abort();
    return p;
}

int main(int argc, char **argv)
{
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 100;
    nap_ms = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
    if (n < 0 || n > 100000 || nap_ms < 0 || nap_ms > 10000)
        return 2;
    for (long i = 0; i < n; i++) {
        if (i % 3 == 0) {
            keep[i] = nap_if_null(malloc(48));
            use_unchecked(keep[i]);
        } else if (i % 3 == 1) {
            keep[i] = nap_if_null(malloc(32));
            if (!keep[i]) {
                fprintf(stderr, "resume_mixed: out of memory at %ld\n", i);
                return 1;
            }
        } else {
            keep[i] = must_alloc(16);
        }
    }
    for (long i = 0; i < n; i++)
        free(keep[i]);
    return 0;
}
