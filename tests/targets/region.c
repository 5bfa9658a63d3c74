/*
 * region: 53 numbered mallocs around regions, on the main thread, and 100
 * on a second thread while the main thread is inside a region:
 *   1..10   outside
 *   11..30  inside a region
 *   31..35  inside a nested region
 *   36..40  back in the outer region
 *   41..50  outside
 *   (a leave too many, which must be ignored)
 *   51..53  outside
 * Once done it prints "fail I" for each of its own allocations that
 * failed, "thread failed K", and "eligible E" / "allocations A": what the
 * shim counted between the first and the last numbered allocation. Nothing
 * else allocates in between: the thread exists before the first one, and
 * all printing waits for the end.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define COUNT 53
#define THREAD_ALLOCS 100

static unsigned char failed[COUNT + 1];
static int next_alloc = 1;
static long thread_failed;
static pthread_barrier_t start_line, finish_line;

static void allocate(int how_many)
{
    for (int i = 0; i < how_many; i++, next_alloc++) {
        void *p = malloc(24);
        failed[next_alloc] = p == NULL;
        free(p);
    }
}

/* Allocates while the main thread sits inside its region. */
static void *other_thread(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&start_line);
    for (int i = 0; i < THREAD_ALLOCS; i++) {
        void *p = malloc(40);
        thread_failed += p == NULL;
        free(p);
    }
    pthread_barrier_wait(&finish_line);
    return NULL;
}

int main(void)
{
    void (*enter)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "pyfault_region_enter");
    void (*leave)(void) = (void (*)(void))dlsym(RTLD_DEFAULT, "pyfault_region_leave");
    uint64_t (*eligible)(void) = (uint64_t (*)(void))dlsym(RTLD_DEFAULT, "pyfault_eligible");
    uint64_t (*allocations)(void) =
        (uint64_t (*)(void))dlsym(RTLD_DEFAULT, "pyfault_allocations");
    if (!enter || !leave || !eligible || !allocations)
        return 3;
    pthread_barrier_init(&start_line, NULL, 2);
    pthread_barrier_init(&finish_line, NULL, 2);
    pthread_t tid;
    if (pthread_create(&tid, NULL, other_thread, NULL) != 0)
        return 4;

    uint64_t e0 = eligible(), a0 = allocations();
    allocate(10);
    enter();
    allocate(20);
    pthread_barrier_wait(&start_line);  /* the other thread allocates now */
    pthread_barrier_wait(&finish_line);
    enter();
    allocate(5);
    leave();
    allocate(5);
    leave();
    allocate(10);
    leave(); /* one too many: ignored */
    allocate(3);
    uint64_t e1 = eligible(), a1 = allocations();

    pthread_join(tid, NULL);
    for (int i = 1; i <= COUNT; i++)
        if (failed[i])
            printf("fail %d\n", i);
    printf("thread failed %ld\n", thread_failed);
    printf("eligible %llu\nallocations %llu\n", (unsigned long long)(e1 - e0),
           (unsigned long long)(a1 - a0));
    return 0;
}
