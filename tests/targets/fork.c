/*
 * fork: 10 allocations, fork, then 10 more in each process. Each process
 * prints "parent|child fail I" for its failed allocations (I = 1..20, the
 * per-process order) and "parent|child base N", the count before the
 * first of them.
 */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
    uint64_t (*allocations)(void) =
        (uint64_t (*)(void))dlsym(RTLD_DEFAULT, "pyfault_allocations");
    int failed[21] = {0};
    unsigned long long base = allocations ? allocations() : 0;
    for (int i = 1; i <= 10; i++) {
        void *p = malloc(32);
        failed[i] = p == NULL;
        free(p);
    }
    fflush(stdout);
    pid_t pid = fork();
    const char *who = pid == 0 ? "child" : "parent";
    for (int i = 11; i <= 20; i++) {
        void *p = malloc(32);
        failed[i] = p == NULL;
        free(p);
    }
    if (pid > 0)
        waitpid(pid, NULL, 0);
    /* the child reports only its own allocations, not the parent's */
    for (int i = pid == 0 ? 11 : 1; i <= 20; i++)
        if (failed[i])
            printf("%s fail %d\n", who, i);
    printf("%s base %llu\n", who, base);
    return 0;
}
