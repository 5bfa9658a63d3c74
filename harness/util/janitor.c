/* janitor.c: a lifeline (PR_SET_PDEATHSIG) reaches our children only;
 * a target's own child that called setsid and outlived its parent is
 * nobody's once the harness is gone. The janitor holds the read end of a
 * pipe whose only write end is ours, so read() returns 0 when we end,
 * SIGKILL included; the scratch directory's random name in the targets'
 * environment (PYFAULT_CTL=DIR/ctl.NNNN) says what was ours. */
#include "janitor.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "procenv.h"
#include "tmpdir.h"

#define BATCH 256
#define MAX_ROUNDS 500
#define ROUND_GAP_NS 10000000L

/* SIGKILLs what carries PREFIX until a round finds nothing (a process
 * being killed may still fork once; the next round catches its child). */
static void sweep_out(const char *prefix)
{
    struct pf_procenv_query q = {.value_prefix = prefix};
    pid_t pids[BATCH];
    for (int round = 0; round < MAX_ROUNDS; round++) {
        size_t n = pf_procenv_find(&q, pids, BATCH);
        if (n == 0)
            return;
        for (size_t i = 0; i < n; i++)
            kill(pids[i], SIGKILL);
        struct timespec gap = {0, ROUND_GAP_NS};
        nanosleep(&gap, NULL);
    }
}

/* The janitor's life: wait for EOF, clean, exit. Never returns. */
static void janitor_main(int fd, const char *dir)
{
    setpgid(0, 0);
    signal(SIGINT, SIG_IGN);
    signal(SIGHUP, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGTERM, SIG_DFL);
    /* hold none of the harness's descriptors (a reader of its output
     * would wait for our EOF): the pipe alone */
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    for (int k = 0; k < 3 && null >= 0; k++)
        dup2(null, k);
    if (fd != 3 && dup2(fd, 3) < 0)
        _exit(1);
    close_range(4, ~0U, 0);
    for (;;) {
        char c;
        ssize_t n = read(3, &c, 1);
        if (n == 0 || (n < 0 && errno != EINTR))
            break; /* the harness has ended */
    }
    char prefix[4200];
    snprintf(prefix, sizeof prefix, "%s/", dir);
    sweep_out(prefix);
    pf_tmpdir_remove(dir);
    _exit(0);
}

int pf_janitor_start(struct pf_janitor *j, const char *dir)
{
    j->pid = -1;
    j->fd = -1;
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0)
        return -1;
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(p[0]);
        close(p[1]);
        errno = e;
        return -1;
    }
    if (pid == 0) {
        close(p[1]);
        janitor_main(p[0], dir);
    }
    close(p[0]);
    j->pid = pid;
    j->fd = p[1];
    return 0;
}

void pf_janitor_stop(struct pf_janitor *j)
{
    if (j->pid <= 0)
        return;
    close(j->fd);
    int status;
    while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
        ;
    j->pid = -1;
    j->fd = -1;
}
