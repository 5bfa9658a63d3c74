/* launch.c: posix_spawn with POSIX_SPAWN_SETPGROUP. glibc's posix_spawn is
 * vfork-based (fast for a sweep) and reports exec errors to the caller;
 * and it is safe to call from many worker threads at once. */
#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

int pf_spawn(const char *path, char *const argv[], char *const envp[],
             struct pf_child *out)
{
    int outp[2] = {-1, -1}, errp[2] = {-1, -1};
    int rc;
    out->pid = -1;
    out->out_fd = out->err_fd = -1;
    /* O_CLOEXEC at creation: other threads' children must not inherit */
    if (pipe2(outp, O_CLOEXEC) < 0)
        return errno;
    if (pipe2(errp, O_CLOEXEC) < 0) {
        rc = errno;
        close(outp[0]);
        close(outp[1]);
        return rc;
    }

    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
    posix_spawn_file_actions_adddup2(&fa, errp[1], 2);

    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&at, &all);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setpgroup(&at, 0);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
                                      POSIX_SPAWN_SETSIGMASK);

    pid_t pid;
    rc = posix_spawn(&pid, path, &fa, &at, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(outp[1]);
    close(errp[1]);
    if (rc != 0) {
        close(outp[0]);
        close(errp[0]);
        return rc;
    }
    fcntl(outp[0], F_SETFL, O_NONBLOCK);
    fcntl(errp[0], F_SETFL, O_NONBLOCK);
    out->pid = pid;
    out->out_fd = outp[0];
    out->err_fd = errp[0];
    return 0;
}

/* Writes all of TEXT to FD (a terminal master), waiting while it is full. */
static void type_text(int fd, const char *text, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, text, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        text += n;
        len -= (size_t)n;
    }
}

int pf_spawn_pty(const char *path, char *const argv[], char *const envp[],
                 const char *input, struct pf_child *out)
{
    out->pid = -1;
    out->out_fd = out->err_fd = -1;
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0)
        return errno;
    char slave[128];
    if (grantpt(master) < 0 || unlockpt(master) < 0 ||
        ptsname_r(master, slave, sizeof slave) != 0) {
        int rc = errno;
        close(master);
        return rc;
    }
    /* a sane terminal size: line editors refuse a 0x0 screen */
    struct winsize ws = {.ws_row = 40, .ws_col = 120};
    ioctl(master, TIOCSWINSZ, &ws);

    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&at);
    /* opened after setsid: the terminal becomes the controlling one */
    posix_spawn_file_actions_addopen(&fa, 0, slave, O_RDWR, 0);
    posix_spawn_file_actions_adddup2(&fa, 0, 1);
    posix_spawn_file_actions_adddup2(&fa, 0, 2);
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    posix_spawnattr_setsigdefault(&at, &all);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF |
                                      POSIX_SPAWN_SETSIGMASK);
    pid_t pid;
    int rc = posix_spawn(&pid, path, &fa, &at, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    if (rc != 0) {
        close(master);
        return rc;
    }
    if (input) {
        type_text(master, input, strlen(input));
        type_text(master, "\x04", 1);
    }
    fcntl(master, F_SETFL, O_NONBLOCK);
    out->pid = pid;
    out->err_fd = master;
    return 0;
}
