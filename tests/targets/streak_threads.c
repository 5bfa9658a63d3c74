/*
 * streak_threads THREADS N: THREADS threads (at most 8) each allocate N
 * times, every thread at a call site of its own, all of it under
 * pyfault_set_nomemory(0, 0): every allocation fails, so each thread is a
 * failure loop at one site. Prints "failed F". The shim's streak (the
 * log's summary, "streak_max") follows each thread's own loop: it never
 * starts over because other threads fail elsewhere.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* One allocating function per thread: eight distinct call sites. */
#define SITE(k)                                                   \
    __attribute__((noinline)) static void *site_##k(void)         \
    {                                                             \
        void *p = malloc(24 + k);                                 \
        __asm__ volatile("" ::: "memory");                        \
        return p;                                                 \
    }
SITE(0) SITE(1) SITE(2) SITE(3) SITE(4) SITE(5) SITE(6) SITE(7)
static void *(*const sites[8])(void) = {site_0, site_1, site_2, site_3,
                                        site_4, site_5, site_6, site_7};

static long per_thread;
static pthread_barrier_t start;
static long failed;

static void *worker(void *arg)
{
    void *(*site)(void) = sites[(intptr_t)arg];
    long f = 0;
    pthread_barrier_wait(&start);
    for (long i = 0; i < per_thread; i++) {
        void *p = site();
        f += p == NULL;
        free(p);
    }
    __atomic_add_fetch(&failed, f, __ATOMIC_RELAXED);
    return NULL;
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 6;
    per_thread = argc > 2 ? atol(argv[2]) : 20000;
    if (threads < 1 || threads > 8)
        return 2;
    void (*set_nomemory)(uint64_t, uint64_t) =
        (void (*)(uint64_t, uint64_t))dlsym(RTLD_DEFAULT, "pyfault_set_nomemory");
    void (*remove_hooks)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "pyfault_remove_hooks");
    if (!set_nomemory || !remove_hooks)
        return 3;
    pthread_t tid[8];
    pthread_barrier_init(&start, NULL, (unsigned)threads + 1);
    for (intptr_t t = 0; t < threads; t++)
        pthread_create(&tid[t], NULL, worker, (void *)t);
    set_nomemory(0, 0);
    pthread_barrier_wait(&start);
    for (int t = 0; t < threads; t++)
        pthread_join(tid[t], NULL);
    remove_hooks();
    printf("failed %ld\n", failed);
    return 0;
}
