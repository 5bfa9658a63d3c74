/*
 * fork_wait: 5 allocations, then a child that makes 5 of its own and
 * exits 7 when one fails, waited for at once; then 5 more in the parent,
 * which aborts when one fails. Exit 1 ("child failed") when the child
 * did, 2 ("no child") when there was none to wait for.
 *
 * Under nth=N with N in 6..10, an exec'd run fails the child's Nth
 * allocation (it inherits the plan) and exits 1; a trial forked from a
 * server past the fork would fail the parent's instead and abort: the
 * fork engine must exec such points.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* N allocations of 32 bytes: 0 when all succeeded. */
static int allocate(int n)
{
    int failed = 0;
    for (int i = 0; i < n; i++) {
        void *p = malloc(32);
        failed |= p == NULL;
        free(p);
    }
    return failed;
}

int main(void)
{
    if (allocate(5))
        return 3;
    pid_t pid = fork();
    if (pid == 0)
        _exit(allocate(5) ? 7 : 0);
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid) {
        fputs("no child\n", stderr);
        return 2;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fputs("child failed\n", stderr);
        return 1;
    }
    if (allocate(5))
        abort();
    return 0;
}
