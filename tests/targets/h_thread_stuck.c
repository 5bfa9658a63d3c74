/* h_thread_stuck.c: the main thread waits for a second thread that never
 * ends (class hang, blocked): samples of the stuck process must show both
 * threads, each with its own stack. */
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>

/* The second thread's stuck function: named so the test can find it. */
__attribute__((noinline)) static void stuck_in_worker(void)
{
    for (;;)
        pause();
}

static void *worker(void *arg)
{
    (void)arg;
    stuck_in_worker();
    return NULL;
}

int main(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, worker, NULL) != 0)
        return 2;
    fprintf(stderr, "h_thread_stuck: waiting\n");
    pthread_join(t, NULL);
    return 0;
}
