/* h_thread_park.c: a retry loop in a thread named "retrier" while the
 * main thread keeps failing elsewhere: at five call sites in turn, every
 * 50 us, so its own streak never passes 1. Under from=N the retrier's loop
 * is the unwind loop, and the main thread's failures go on after it is
 * proven: the control page must keep showing the loop, not them. The main
 * thread gives up after 20 s (exit 1); without injection both end at once
 * (exit 0). The retrier waits for the main thread's first round, so its
 * allocation always counts after the first five and from=3 fails it,
 * whichever thread the scheduler runs first. */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

static int retrier_done;
static int main_churned;

__attribute__((noinline)) static void *retry_forever(void)
{
    void *p;
    while ((p = malloc(48)) == NULL)
        ; /* "try again": the bug under test */
    return p;
}

static void *retrier(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "retrier");
    const struct timespec wait = {0, 100 * 1000};
    while (!__atomic_load_n(&main_churned, __ATOMIC_ACQUIRE))
        nanosleep(&wait, NULL);
    free(retry_forever());
    __atomic_store_n(&retrier_done, 1, __ATOMIC_RELEASE);
    return NULL;
}

/* Five allocating functions: five call sites, one more than a streak's
 * cycle holds. */
#define CHURN(k)                                                  \
    __attribute__((noinline)) static void churn_##k(void)         \
    {                                                             \
        free(malloc(16 + k));                                     \
        __asm__ volatile("" ::: "memory");                        \
    }
CHURN(0) CHURN(1) CHURN(2) CHURN(3) CHURN(4)

int main(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, retrier, NULL) != 0)
        return 3;
    const struct timespec pause = {0, 50 * 1000};
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (now = start; now.tv_sec - start.tv_sec < 20 &&
                      !__atomic_load_n(&retrier_done, __ATOMIC_ACQUIRE);
         clock_gettime(CLOCK_MONOTONIC, &now)) {
        churn_0();
        churn_1();
        churn_2();
        churn_3();
        churn_4();
        __atomic_store_n(&main_churned, 1, __ATOMIC_RELEASE);
        nanosleep(&pause, NULL);
    }
    if (!__atomic_load_n(&retrier_done, __ATOMIC_ACQUIRE))
        return 1;
    pthread_join(t, NULL);
    return 0;
}
