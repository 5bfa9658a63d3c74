/*
 * site_threads THREADS N: THREADS threads, started together, each make N
 * allocations through site_threads_alloc() and N directly, in turn. Prints
 * "eligible E" (what the shim counted eligible meanwhile), "site failed F"
 * and "plain failed P". Under site=site_threads_alloc,from=K exactly the
 * site's allocations are eligible and the last THREADS*N-K+1 of them fail,
 * whichever thread asks first and while others resolve the site.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

__attribute__((noinline)) void *site_threads_alloc(size_t n);
__attribute__((noinline)) void *site_threads_alloc(size_t n)
{
    void *p = malloc(n);
    __asm__ volatile("" ::: "memory"); /* keep the frame */
    return p;
}

static long per_thread;
static pthread_barrier_t start;
static long site_failed, plain_failed;

static void *worker(void *arg)
{
    (void)arg;
    long s = 0, p = 0;
    pthread_barrier_wait(&start);
    for (long i = 0; i < per_thread; i++) {
        void *a = site_threads_alloc(32);
        s += a == NULL;
        free(a);
        void *b = malloc(48);
        p += b == NULL;
        free(b);
    }
    __atomic_add_fetch(&site_failed, s, __ATOMIC_RELAXED);
    __atomic_add_fetch(&plain_failed, p, __ATOMIC_RELAXED);
    return NULL;
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 4;
    per_thread = argc > 2 ? atol(argv[2]) : 10000;
    if (threads < 1 || threads > 64)
        return 2;
    uint64_t (*eligible)(void) = (uint64_t (*)(void))dlsym(RTLD_DEFAULT, "pyfault_eligible");
    if (!eligible)
        return 3;
    pthread_t tid[64];
    pthread_barrier_init(&start, NULL, (unsigned)threads);
    uint64_t e0 = eligible();
    for (int t = 0; t < threads; t++)
        pthread_create(&tid[t], NULL, worker, NULL);
    for (int t = 0; t < threads; t++)
        pthread_join(tid[t], NULL);
    uint64_t e1 = eligible();
    printf("eligible %llu\nsite failed %ld\nplain failed %ld\n",
           (unsigned long long)(e1 - e0), site_failed, plain_failed);
    return 0;
}
