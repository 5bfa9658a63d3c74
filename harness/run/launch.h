/* launch.h: start a target in its own process group with its output
 * captured through pipes. */
#ifndef PF_LAUNCH_H
#define PF_LAUNCH_H

#include <sys/types.h>

struct pf_child {
    pid_t pid;    /* also the process group id */
    int out_fd;   /* read end of its stdout, non-blocking, -1 once closed */
    int err_fd;   /* read end of its stderr, non-blocking, -1 once closed */
};

/* Starts PATH with ARGV and ENVP in a new process group, stdin from
 * /dev/null, every signal disposition at its default, SIGKILLed when the
 * calling thread ends (PR_SET_PDEATHSIG: the harness dies, or a worker
 * ends before reaping it). Thread-safe.
 * Returns 0, or an errno value (the exec failed or resources ran out). */
int pf_spawn(const char *path, char *const argv[], char *const envp[],
             struct pf_child *out);

/* The same on a pseudo-terminal: the child's stdin, stdout and stderr are
 * the terminal, in a new session (so also a new process group). INPUT is
 * typed at it at once, then Ctrl-D on a line of its own. Everything the
 * child writes comes out of OUT->err_fd; out_fd is -1. Thread-safe.
 * Returns 0, or an errno value. */
int pf_spawn_pty(const char *path, char *const argv[], char *const envp[],
                 const char *input, struct pf_child *out);

#endif
