/* h_thread_recurse.c: unbounded recursion in a second thread, until its
 * stack's guard page (class stack-overflow). The thread allocates first,
 * as any thread of a real program does: that is when the shim gives it an
 * alternate signal stack to report the overflow on. The thread is named
 * "recurser", for the crash record's thread name. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static volatile unsigned long sink;

static unsigned long thread_recurse(unsigned long depth)
{
    volatile char pad[256];
    if (depth == (unsigned long)-1) /* never: keeps -Winfinite-recursion quiet */
        return 0;
    pad[0] = (char)depth;
    sink += pad[0];
    return thread_recurse(depth + 1) + pad[0];
}

static void *overflowing_thread(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "recurser");
    free(malloc(64));
    sink = thread_recurse(0);
    return NULL;
}

int main(void)
{
    fprintf(stderr, "h_thread_recurse: descending in a second thread\n");
    pthread_t t;
    if (pthread_create(&t, NULL, overflowing_thread, NULL) != 0)
        return 3;
    pthread_join(t, NULL);
    return 0;
}
