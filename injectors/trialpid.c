/*
 * trialpid.c: the process id a forked trial shows its target.
 *
 * An exec'd trial keeps one pid from its start to its end. A forked
 * trial is the server's process continued under another pid, and what
 * the target noted of its pid before the stop no longer matches: a
 * running asyncio loop is found only in the process that set it running
 * (its holder keeps getpid()), so every forked trial past a loop's start
 * that asked for it raised "no running event loop" where exec's ended
 * ok; multiprocessing's finalizers, gevent's and OpenSSL's fork checks
 * look at the pid the same way. So getpid() in a forked trial gives the
 * server's pid, as its target saw it at the stop; getppid() in the
 * trial's own children gives it too, and kill() of that pid (or of its
 * group), from the trial or its children, reaches the trial, not the
 * server. The trial's children are processes of their own: they see
 * their own pid. What reads /proc/<pid> by number, or makes the system
 * call itself, sees the kernel's.
 *
 * The shim's own code asks the kernel (pf_pid, pf_ppid).
 */
#include "internal.h"

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PF_EXPORT __attribute__((visibility("default")))

/* In a forked trial: its kernel pid, and the pid it shows (the
 * server's); 0 elsewhere. Set once, before the trial runs its target. */
static pid_t trial_pid, shown_pid;

pid_t pf_pid(void)
{
    return (pid_t)syscall(SYS_getpid);
}

pid_t pf_ppid(void)
{
    return (pid_t)syscall(SYS_getppid);
}

void pf_trialpid_become(pid_t server)
{
    trial_pid = pf_pid();
    shown_pid = server;
}

PF_EXPORT pid_t getpid(void)
{
    pid_t real = pf_pid();
    return trial_pid != 0 && real == trial_pid ? shown_pid : real;
}

PF_EXPORT pid_t getppid(void)
{
    pid_t real = pf_ppid();
    return trial_pid != 0 && real == trial_pid ? shown_pid : real;
}

PF_EXPORT int kill(pid_t pid, int sig)
{
    /* in the trial, or a child it forked (which got the pid from
     * getppid()), the server is never meant; the trial leads a process
     * group of its own, as an exec'd trial does, so the group it shows is
     * its pid's too */
    if (trial_pid != 0 && (pid == shown_pid || pid == -shown_pid))
        pid = pid > 0 ? trial_pid : -trial_pid;
    return (int)syscall(SYS_kill, (long)pid, (long)sig);
}
