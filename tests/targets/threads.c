/*
 * threads: THREADS threads make ITERATIONS allocations each; prints how
 * many allocations the shim counted meanwhile and how many failed.
 * Run it with ITERATIONS = 0 to learn what thread start-up itself costs.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static long iterations;
static long failures[64];

static void *worker(void *arg)
{
    long id = (long)(intptr_t)arg;
    for (long i = 0; i < iterations; i++) {
        void *p = malloc((size_t)(16 + (i & 255)));
        if (!p)
            failures[id]++;
        free(p);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 4;
    iterations = argc > 2 ? atol(argv[2]) : 100000;
    if (threads < 1 || threads > 64)
        return 2;
    uint64_t (*allocations)(void) =
        (uint64_t (*)(void))dlsym(RTLD_DEFAULT, "pyfault_allocations");
    if (!allocations)
        return 3;
    pthread_t tid[64];
    uint64_t before = allocations();
    for (long t = 0; t < threads; t++)
        pthread_create(&tid[t], NULL, worker, (void *)(intptr_t)t);
    for (int t = 0; t < threads; t++)
        pthread_join(tid[t], NULL);
    uint64_t after = allocations();
    long failed = 0;
    for (int t = 0; t < threads; t++)
        failed += failures[t];
    printf("counted %llu\nfailed %ld\n", (unsigned long long)(after - before), failed);
    return 0;
}
