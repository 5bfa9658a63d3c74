/*
 * alternate: times two commands run in turn, N times each, and prints the
 * median wall time of each and the median of the per-pair ratios B/A.
 * Alternating cancels out drift (CPU frequency, other load) that two
 * separate batches would each see differently.
 *
 *   alternate N -- CMD_A ... -- CMD_B ...
 *   Extra environment: ALT_A_ENV / ALT_B_ENV="NAME=value NAME2=value2"
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "median.h"

static double run_once(char **argv, const char *extra_env)
{
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid == 0) {
        if (extra_env) {
            char *copy = strdup(extra_env);
            for (char *tok = strtok(copy, " "); tok; tok = strtok(NULL, " "))
                putenv(tok);
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    int status;
    waitpid(pid, &status, 0);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "alternate: %s failed\n", argv[0]);
        exit(1);
    }
    return (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

int main(int argc, char **argv)
{
    if (argc < 6 || strcmp(argv[2], "--") != 0) {
        fprintf(stderr, "usage: alternate N -- CMD_A ... -- CMD_B ...\n");
        return 2;
    }
    int n = atoi(argv[1]);
    char **a = &argv[3];
    char **b = NULL;
    for (int i = 3; i < argc; i++)
        if (strcmp(argv[i], "--") == 0) {
            argv[i] = NULL;
            b = &argv[i + 1];
            break;
        }
    if (n < 1 || !b || !b[0]) {
        fprintf(stderr, "usage: alternate N -- CMD_A ... -- CMD_B ...\n");
        return 2;
    }
    const char *a_env = getenv("ALT_A_ENV");
    const char *b_env = getenv("ALT_B_ENV");
    double *ta = calloc((size_t)n, sizeof *ta), *tb = calloc((size_t)n, sizeof *tb);
    double *ratio = calloc((size_t)n, sizeof *ratio);
    for (int i = 0; i < 3; i++) { /* warm the page cache */
        run_once(a, a_env);
        run_once(b, b_env);
    }
    for (int i = 0; i < n; i++) {
        ta[i] = run_once(a, a_env);
        tb[i] = run_once(b, b_env);
        ratio[i] = tb[i] / ta[i];
    }
    printf("runs          %d each, alternating\n", n);
    printf("median A      %.3f ms\n", bench_median(ta, n) * 1e3);
    printf("median B      %.3f ms\n", bench_median(tb, n) * 1e3);
    printf("median B/A    %.4f\n", bench_median(ratio, n));
    return 0;
}
