/* janitor.h: what cleans up after a harness that was SIGKILLed. */
#ifndef PF_JANITOR_H
#define PF_JANITOR_H

#include <sys/types.h>

struct pf_janitor {
    pid_t pid;  /* the janitor process, -1 when none */
    int fd;     /* our end of its pipe: its EOF is our death */
};

/* Forks the janitor of the scratch directory DIR: a process of its own
 * group (Ctrl-C at a terminal is not for it) that waits for this process
 * to end, however it ends; then it kills every process whose environment
 * has a value starting with "DIR/" (the targets, and whatever they left
 * in other sessions), removes DIR, and exits. Call from one thread, before
 * starting workers. Returns 0, or -1 with errno (J->pid is then -1). */
int pf_janitor_start(struct pf_janitor *j, const char *dir);
/* This process ends cleanly: lets the janitor do its round now and waits
 * for it. Harmless when J never started. */
void pf_janitor_stop(struct pf_janitor *j);

#endif
