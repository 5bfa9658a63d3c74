/*
 * trialstdio.c: the trial-stdio flag: the streams a harness trial has
 * (stdin /dev/null, stdout and stderr pipes) for a target started another
 * way. CPython's start-up allocates by what its streams are (python3.11
 * -c pass: 23,440 allocations with stdin /dev/null, 23,443 on a pipe or a
 * terminal), so a point's allocation number depends on them; `pyfault
 * repro --gdb` sets the flag, or a target under gdb's terminal stopped at
 * another allocation than its trial's.
 *
 * A relay, a grandchild so that the target has no child of its own to
 * wait for, copies the pipes to the streams given until every holder of
 * their write ends has closed them. Raw clones: no fork handler runs at
 * start-up, and the relay allocates nothing.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

/* fork(2) without libc's fork handlers. */
static pid_t raw_fork(void)
{
    return (pid_t)syscall(SYS_clone, (unsigned long)SIGCHLD, 0UL, NULL, NULL, 0UL);
}

/* Whether FD is /dev/null (character device 1:3). */
static int is_dev_null(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
}

/* Whether FD is a pipe. */
static int is_pipe(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode);
}

/* Copies FROM[0] to TO[0] and FROM[1] to TO[1] until both end. */
static void relay(const int from[2], const int to[2])
{
    struct pollfd p[2] = {{.fd = from[0], .events = POLLIN}, {.fd = from[1], .events = POLLIN}};
    char buf[4096];
    while (p[0].fd >= 0 || p[1].fd >= 0) {
        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return;
        }
        for (int i = 0; i < 2; i++) {
            if (p[i].fd < 0 || !p[i].revents)
                continue;
            ssize_t n = read(p[i].fd, buf, sizeof buf);
            if (n <= 0) {
                p[i].fd = -1; /* poll skips negative descriptors */
                continue;
            }
            for (ssize_t done = 0, w; done < n; done += w)
                if ((w = write(to[i], buf + done, (size_t)(n - done))) <= 0)
                    break; /* the reader went away: drop the rest */
        }
    }
}

void pf_trial_stdio(void)
{
    if (is_dev_null(0) && is_pipe(1) && is_pipe(2))
        return; /* a trial's already: a child of the target, or the harness's run */
    int out[2], err[2];
    if (pipe(out) < 0)
        return;
    if (pipe(err) < 0) {
        close(out[0]);
        close(out[1]);
        return;
    }
    pid_t mid = raw_fork();
    if (mid == 0) {
        if (raw_fork() == 0) {
            const int from[2] = {out[0], err[0]}, to[2] = {1, 2};
            setsid(); /* a Ctrl-C for gdb's inferior is not for the relay */
            close(out[1]);
            close(err[1]);
            close(0);
            relay(from, to);
        }
        _exit(0);
    }
    close(out[0]);
    close(err[0]);
    if (mid > 0) {
        while (waitpid(mid, NULL, 0) < 0 && errno == EINTR)
            ;
        dup2(out[1], 1);
        dup2(err[1], 2);
        int null = open("/dev/null", O_RDONLY);
        if (null >= 0 && null != 0) {
            dup2(null, 0);
            close(null);
        }
    }
    close(out[1]);
    close(err[1]);
}
