/* h_reaped_child.c: does N allocations and exits 0; when one fails it
 * exits 1 after a quiet second that is no hang. A child of its own burns
 * CPU (while the parent keeps allocating), and is then killed and reaped
 * while the parent waits in vfork (state D: runnable to the stall watch)
 * without allocating. The stall watch must not read the CPU the reaped
 * child took with it as CPU the group spent, nor a vfork wait as a
 * stall. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* CPU the child burns before it parks. */
#define SPIN_MS 150
/* The vfork waits: the stall watch starts its probe in the first (with
 * the child's CPU in the group) and looks again in the second (the child
 * reaped). */
#define FIRST_WAIT_MS 400
#define SECOND_WAIT_MS 300

static long cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The child: SPIN_MS of CPU, a byte on FD, then asleep until killed. */
static void spin_then_park(int fd)
{
    long start = cpu_ms();
    while (cpu_ms() - start < SPIN_MS)
        ;
    (void)!write(fd, "x", 1);
    for (;;)
        pause();
}

/* Waits MS in vfork, the parent in uninterruptible wait meanwhile; the
 * vfork child kills VICTIM first when it is not 0. Only system calls run
 * in the vfork child. */
static void vfork_wait(long ms, pid_t victim)
{
    pid_t v = vfork();
    if (v == 0) {
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
        syscall(SYS_nanosleep, &ts, NULL);
        if (victim > 0)
            syscall(SYS_kill, victim, SIGKILL);
        syscall(SYS_exit, 0);
    }
    if (v > 0)
        waitpid(v, NULL, 0);
}

static int quiet_exit(void)
{
    int fds[2];
    if (pipe(fds) != 0)
        return 2;
    pid_t spinner = fork();
    if (spinner == 0)
        spin_then_park(fds[1]);
    if (spinner < 0)
        return 2;
    /* allocate while the child spins: no stall begins before it parks */
    char byte;
    for (;;) {
        free(malloc(64));
        struct timespec ts = {0, 1000000L};
        nanosleep(&ts, NULL);
        fd_set r;
        FD_ZERO(&r);
        FD_SET(fds[0], &r);
        struct timeval now = {0, 0};
        if (select(fds[0] + 1, &r, NULL, NULL, &now) == 1 && read(fds[0], &byte, 1) == 1)
            break;
    }
    vfork_wait(FIRST_WAIT_MS, spinner);
    waitpid(spinner, NULL, 0);
    vfork_wait(SECOND_WAIT_MS, 0);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: h_reaped_child N\n");
        return 2;
    }
    int n = atoi(argv[1]);
    for (int i = 0; i < n; i++) {
        void *p = malloc(64);
        if (!p)
            return quiet_exit();
        free(p);
    }
    return 0;
}
