/*
 * spawn_wait HOW: 5 allocations (their failures ignored), then this
 * program again as a child, by HOW: "execv" (fork, then execv: environ is
 * passed on), "execve", "execle", "execvpe", "fexecve", "execveat" or
 * "posix_spawn" (with a copy of environ taken at the start, as Python's
 * os.environ is); the child makes 5 allocations of its own and exits 7
 * when one fails. Exit 1 when the child failed, 3 when it could not be
 * started, 0 otherwise.
 *
 * Under nth=N or from=N with N in 1..5, an exec'd run fails the child's
 * Nth allocation too (it inherits the spec): exit 1. A trial forked from a
 * server at N must pass its children the same spec, not the server's.
 */
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

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

static char *saved_env[4096];

/* In the forked child: this program again as "child", by HOW with
 * saved_env, or by execv with environ. Returns only on failure. */
static void exec_child(const char *how, char *self)
{
    char *child_argv[] = {self, "child", NULL};
    const char *exe = "/proc/self/exe";
    if (strcmp(how, "execve") == 0)
        execve(exe, child_argv, saved_env);
    else if (strcmp(how, "execle") == 0)
        execle(exe, self, "child", (char *)NULL, saved_env);
    else if (strcmp(how, "execvpe") == 0)
        execvpe(exe, child_argv, saved_env);
    else if (strcmp(how, "fexecve") == 0)
        fexecve(open(exe, O_RDONLY | O_CLOEXEC), child_argv, saved_env);
    else if (strcmp(how, "execveat") == 0)
        execveat(AT_FDCWD, exe, child_argv, saved_env, 0);
    else
        execv(exe, child_argv);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "child") == 0)
        return allocate(5) ? 7 : 0;
    size_t k = 0;
    for (; environ[k] && k + 1 < sizeof saved_env / sizeof *saved_env; k++)
        saved_env[k] = environ[k];
    saved_env[k] = NULL;
    const char *how = argc > 1 ? argv[1] : "execv";
    (void)allocate(5);
    char *child_argv[] = {argv[0], "child", NULL};
    pid_t pid;
    if (strcmp(how, "posix_spawn") == 0) {
        if (posix_spawn(&pid, "/proc/self/exe", NULL, NULL, child_argv, saved_env) != 0)
            return 3;
    } else {
        pid = fork();
        if (pid == 0) {
            exec_child(how, argv[0]);
            _exit(127);
        }
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) == 127)
        return 3;
    return WEXITSTATUS(status) != 0;
}
