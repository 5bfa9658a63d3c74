/* first_line.c: fork + exec on a lifeline, the output read through a
 * pipe until EOF (so the child never blocks on a full pipe), then reaped. */
#include "first_line.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lifeline.h"

int pf_first_line(char *const argv[], char *out, size_t outlen)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0)
        return -1;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        if (pf_lifeline_bind(parent) < 0)
            _exit(127);
        dup2(fds[1], 1);
        freopen("/dev/null", "r", stdin);
        /* a probe's complaints (perl on "-c import sys") are not ours to
         * print: the caller says in one line what failed */
        freopen("/dev/null", "w", stderr);
        /* a probe must not run under a shim a caller preloaded */
        unsetenv("LD_PRELOAD");
        execv(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    size_t used = 0;
    ssize_t n;
    char buf[4096];
    for (;;) {
        n = read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        size_t take = (size_t)n;
        if (used + take >= outlen)
            take = outlen - 1 - used;
        memcpy(out + used, buf, take);
        used += take;
    }
    close(fds[0]);
    out[used] = '\0';
    char *nl = strchr(out, '\n');
    if (nl)
        *nl = '\0';
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 && out[0] ? 0 : -1;
}
