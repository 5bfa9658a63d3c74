/* h_thread_retry.c: the retry loop of h_retry_malloc in a second thread
 * named "retrier", while the main thread waits for it in pthread_join:
 * under from=N the loop is that thread's (class unwind-loop); without
 * injection it exits 0. */
#include <pthread.h>
#include <stdlib.h>

static void *retrying_thread(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "retrier");
    for (int i = 0; i < 200; i++) {
        void *p;
        while ((p = malloc(48)) == NULL)
            ; /* "try again": the bug under test */
        free(p);
    }
    return NULL;
}

int main(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, retrying_thread, NULL) != 0)
        return 3;
    pthread_join(t, NULL);
    return 0;
}
