/*
 * exec_family: forks one child per way of exec'ing, each running
 * /bin/false (exit 1, so the exec is seen to have happened) after three
 * allocations of its own (the parent makes none), and prints
 * "WAY PID STATUS" per child: execv, execvp and execlp (by PATH), execl,
 * execle with an empty environment (the shim does not run in the new
 * image), and "missing": an execv of a path that is not there, after which
 * the child prints "missing errno ENOENT" if errno was kept and exits 0.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static void run(const char *way)
{
    char *const argv[] = {"false", NULL};
    for (int k = 0; k < 3; k++)
        free(malloc(16));
    if (strcmp(way, "execv") == 0)
        execv("/bin/false", argv);
    else if (strcmp(way, "execvp") == 0)
        execvp("false", argv);
    else if (strcmp(way, "execl") == 0)
        execl("/bin/false", "false", (char *)NULL);
    else if (strcmp(way, "execlp") == 0)
        execlp("false", "false", (char *)NULL);
    else if (strcmp(way, "execle") == 0) {
        char *const empty[] = {NULL};
        execle("/bin/false", "false", (char *)NULL, empty);
    } else if (strcmp(way, "missing") == 0) {
        execv("/nonexistent/pyfault-exec-family", argv);
        printf("missing errno %s\n", errno == ENOENT ? "ENOENT" : strerror(errno));
        fflush(stdout);
        exit(0);
    }
    _exit(99); /* an exec that should have happened did not */
}

int main(void)
{
    static const char *const ways[] = {"execv", "execvp", "execl", "execlp", "execle", "missing"};
    setvbuf(stdout, NULL, _IONBF, 0);
    for (size_t i = 0; i < sizeof ways / sizeof ways[0]; i++) {
        pid_t pid = fork();
        if (pid < 0)
            return 2;
        if (pid == 0)
            run(ways[i]);
        int status;
        if (waitpid(pid, &status, 0) != pid)
            return 3;
        printf("%s %d %d\n", ways[i], (int)pid, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    return 0;
}
