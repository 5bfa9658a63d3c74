/*
 * fork_arming FORKS: one thread re-arms the plan without pause
 * (pyfault_arm: count, then nth=huge, in turn) while the main thread forks
 * FORKS children; each child allocates, which reads the plan, and exits
 * 0. A child forked while the plan's sequence number was odd must not
 * spin: the parent gives each child 2 seconds, kills one that is still
 * there, and prints "forks N" and "hung H" (children killed) and
 * "failed F" (children that exited otherwise).
 */
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pyfault.h"

static void (*arm)(const struct pyfault_plan *);
static int stop;

static void *rearm(void *arg)
{
    (void)arg;
    struct pyfault_plan plans[2];
    memset(plans, 0, sizeof plans);
    plans[0].mode = PYFAULT_MODE_COUNT;
    plans[1].mode = PYFAULT_MODE_NTH;
    plans[1].a = 1ull << 62;
    for (unsigned i = 0; !__atomic_load_n(&stop, __ATOMIC_RELAXED); i++)
        arm(&plans[i & 1]);
    return NULL;
}

/* Waits up to 2 s for PID: its status, or -1 when it had to be killed. */
static int wait_or_kill(pid_t pid)
{
    int status;
    for (int ms = 0; ms < 2000; ms++) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            return status;
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -1;
}

int main(int argc, char **argv)
{
    int forks = argc > 1 ? atoi(argv[1]) : 200;
    arm = (void (*)(const struct pyfault_plan *))dlsym(RTLD_DEFAULT, "pyfault_arm");
    if (!arm)
        return 3;
    pthread_t t;
    pthread_create(&t, NULL, rearm, NULL);
    int hung = 0, failed = 0;
    for (int i = 0; i < forks; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            for (int k = 0; k < 10; k++)
                free(malloc(64));
            _exit(0);
        }
        if (pid < 0)
            return 4;
        int status = wait_or_kill(pid);
        if (status == -1)
            hung++;
        else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            failed++;
    }
    __atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
    pthread_join(t, NULL);
    printf("forks %d\nhung %d\nfailed %d\n", forks, hung, failed);
    return 0;
}
