/*
 * quick_exit: ends by _exit, as do its children, which skip the exit
 * handlers. The parent makes two allocations, then forks "exit" (three
 * allocations of its own, then _exit(3)) and "Exit" (the same, _Exit(4)),
 * and vforks "vfork" (_exit(5) at once: it shares the parent's memory),
 * printing "WAY PID STATUS" for each; then it ends by _exit(0).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void allocate(int n)
{
    for (int k = 0; k < n; k++)
        free(malloc(16));
}

/* Waits for PID and prints its line. */
static void report(const char *way, pid_t pid)
{
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
        printf("%s failed\n", way);
        return;
    }
    printf("%s %ld %d\n", way, (long)pid, WEXITSTATUS(status));
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0); /* stdio allocates no buffer: the counts stay ours */
    allocate(2);
    pid_t pid = fork();
    if (pid == 0) {
        allocate(3);
        _exit(3);
    }
    report("exit", pid);
    pid = fork();
    if (pid == 0) {
        allocate(3);
        _Exit(4);
    }
    report("Exit", pid);
    pid = vfork();
    if (pid == 0)
        _exit(5);
    report("vfork", pid);
    printf("parent %ld 0\n", (long)getpid());
    _exit(0);
}
