/* h_stuck_on_fail.c: does N allocations and exits 0; when one fails it
 * gets stuck without allocating again: "sleep" blocks in pause() (class
 * hang, blocked), "spin" burns CPU (hang, spinning), "churn" keeps
 * allocating at two alternating call sites (no unwind loop, no stall:
 * only the timeout ends it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void *site_a(size_t n) { return malloc(n); }
static void *site_b(size_t n) { return malloc(n); }

static void stuck(const char *how)
{
    if (strcmp(how, "sleep") == 0)
        for (;;)
            pause();
    if (strcmp(how, "spin") == 0)
        for (volatile unsigned long i = 0;; i++)
            ;
    for (;;) {
        free(site_a(32));
        free(site_b(32));
    }
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: h_stuck_on_fail N sleep|spin|churn\n");
        return 2;
    }
    int n = atoi(argv[1]);
    for (int i = 0; i < n; i++) {
        void *p = malloc(64);
        if (!p)
            stuck(argv[2]);
        free(p);
    }
    return 0;
}
