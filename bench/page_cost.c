/*
 * page_cost MIB ROUNDS: what this machine charges for a page, the unit a
 * forked trial pays in (injectors/precopy.c). Over MIB mebibytes of
 * anonymous memory, ROUNDS times each, prints the median microseconds a
 * page of:
 *   fresh      the first write to a page never touched (what an exec'd
 *              trial pays for the heap it builds);
 *   cow        the first write in a forked child to a page its parent
 *              wrote (a forked trial's copy-on-write fault);
 *   populate   MADV_POPULATE_WRITE over the same pages in a forked child,
 *   +touch     and the writes after it (precopy.c's way);
 * and the ratio of populate+touch to cow. Run by bench/page_cost.sh.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "median.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* Writes a byte of every page of [p, p + n). */
static void touch(char *p, size_t n, size_t page)
{
    for (size_t i = 0; i < n; i += page)
        p[i]++;
}

/* In a forked child of a parent that wrote all of [p, p + n): the time
 * to write every page, after MADV_POPULATE_WRITE if POPULATE (whose
 * time goes to *POP_US). Returns -1 on failure. */
static double child_writes(char *p, size_t n, size_t page, int populate, double *pop_us)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        double times[2] = {0, 0};
        double t0 = now_us();
        if (populate && madvise(p, n, MADV_POPULATE_WRITE) != 0)
            _exit(1);
        double t1 = now_us();
        touch(p, n, page);
        double t2 = now_us();
        times[0] = t1 - t0;
        times[1] = t2 - t1;
        _exit(write(fds[1], times, sizeof times) == sizeof times ? 0 : 1);
    }
    close(fds[1]);
    double times[2];
    ssize_t got = read(fds[0], times, sizeof times);
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    if (got != sizeof times || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return -1;
    *pop_us = times[0];
    return times[1];
}

int main(int argc, char **argv)
{
    if (argc != 3 || atol(argv[1]) <= 0 || atoi(argv[2]) <= 0 || atoi(argv[2]) > 1000) {
        fprintf(stderr, "usage: page_cost MIB ROUNDS (ROUNDS 1..1000)\n");
        return 2;
    }
    size_t n = (size_t)atol(argv[1]) << 20;
    int rounds = atoi(argv[2]);
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    double pages = (double)(n / page);
    double *fresh = calloc((size_t)rounds, sizeof *fresh);
    double *cow = calloc((size_t)rounds, sizeof *cow);
    double *pop = calloc((size_t)rounds, sizeof *pop);
    double *after = calloc((size_t)rounds, sizeof *after);
    if (!fresh || !cow || !pop || !after)
        return 1;
    for (int r = 0; r < rounds; r++) {
        char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            perror("page_cost: mmap");
            return 1;
        }
        double t0 = now_us();
        touch(p, n, page);
        fresh[r] = (now_us() - t0) / pages;
        double unused;
        double c = child_writes(p, n, page, 0, &unused);
        double popped;
        double a = child_writes(p, n, page, 1, &popped);
        if (c < 0 || a < 0) {
            fprintf(stderr, "page_cost: a child failed (MADV_POPULATE_WRITE needs Linux 5.14)\n");
            return 1;
        }
        cow[r] = c / pages;
        pop[r] = popped / pages;
        after[r] = a / pages;
        munmap(p, n);
    }
    double f = bench_median(fresh, rounds), c = bench_median(cow, rounds);
    double p = bench_median(pop, rounds), a = bench_median(after, rounds);
    printf("fresh %.2f\ncow %.2f\npopulate %.2f\ntouch_after_populate %.2f\n", f, c, p, a);
    printf("populate_plus_touch_over_cow %.2f\n", c > 0 ? (p + a) / c : 0.0);
    return 0;
}
