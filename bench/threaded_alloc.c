/*
 * threaded_alloc THREADS N: THREADS threads, started together, each make
 * N malloc(32)/free pairs. Prints "ns_per_alloc X": the wall time from
 * the start to the last thread's end, divided by N (what one allocation
 * costs a thread while the others allocate too). Run by
 * bench/threaded_overhead.sh with and without the shim.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long per_thread;
static pthread_barrier_t start;

static void *worker(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&start);
    for (long i = 0; i < per_thread; i++) {
        void *p = malloc(32);
        __asm__ volatile("" : : "r"(p) : "memory");
        free(p);
    }
    return NULL;
}

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 2;
    per_thread = argc > 2 ? atol(argv[2]) : 2000000;
    if (threads < 1 || threads > 64 || per_thread < 1)
        return 2;
    pthread_t tid[64];
    pthread_barrier_init(&start, NULL, (unsigned)threads + 1);
    for (int t = 0; t < threads; t++)
        pthread_create(&tid[t], NULL, worker, NULL);
    double t0 = now_ns();
    pthread_barrier_wait(&start);
    for (int t = 0; t < threads; t++)
        pthread_join(tid[t], NULL);
    printf("ns_per_alloc %.2f\n", (now_ns() - t0) / (double)per_thread);
    return 0;
}
