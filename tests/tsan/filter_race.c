/*
 * filter_race: the shim's site= and dso= filters (injectors/unwind.c,
 * dso.c, symtab.c, built into this program with ThreadSanitizer) asked by
 * THREADS threads at once, from an unresolved start, while one thread
 * keeps loading and unloading a library (the loader's counters move, so
 * the dso= table is rebuilt and an unresolved site looked up again).
 * Every answer must be "on the stack"; prints "wrong N" (answers that
 * were not) and "done". ThreadSanitizer's reports go to stderr and make
 * it exit 66. Run by tests/shim/test_races.c (built by mk/tsan.mk).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"

#define THREADS 4
#define ROUNDS 2000

__attribute__((noinline)) void filter_race_site(void);
__attribute__((noinline)) void filter_race_site(void)
{
    __asm__ volatile("" ::: "memory");
}

static pthread_barrier_t start;
static int stop_loading;
static long wrong;
static struct pf_site *site;

static void *asker(void *arg)
{
    (void)arg;
    /* a return address inside filter_race_site, as unw_backtrace gives */
    uintptr_t ips[2] = {(uintptr_t)&filter_race_site + 2, 0};
    long bad = 0;
    pthread_barrier_wait(&start);
    for (int i = 0; i < ROUNDS; i++) {
        bad += !pf_site_on_stack(site, ips, 1);
        bad += !pf_dso_on_stack(ips, 1);
    }
    __atomic_add_fetch(&wrong, bad, __ATOMIC_RELAXED);
    return NULL;
}

static void *loader(void *arg)
{
    const char *lib = arg;
    pthread_barrier_wait(&start);
    while (!__atomic_load_n(&stop_loading, __ATOMIC_ACQUIRE)) {
        void *h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
        if (h)
            dlclose(h);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    const char *lib = argc > 1 ? argv[1] : "libz.so.1";
    /* dso=: this program's own file name */
    snprintf(pf_spec.dso, sizeof pf_spec.dso, "filter_race");
    site = pf_site_new("filter_race_site");
    pthread_t t[THREADS + 1];
    pthread_barrier_init(&start, NULL, THREADS + 1);
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, asker, NULL);
    pthread_create(&t[THREADS], NULL, loader, (void *)lib);
    for (int i = 0; i < THREADS; i++)
        pthread_join(t[i], NULL);
    __atomic_store_n(&stop_loading, 1, __ATOMIC_RELEASE);
    pthread_join(t[THREADS], NULL);
    printf("wrong %ld\ndone\n", wrong);
    return 0;
}
