/* lifeline.h: a child of the harness dies with it. */
#ifndef PF_LIFELINE_H
#define PF_LIFELINE_H

#include <sys/types.h>

/* In a child between fork and exec: asks for SIGKILL when the parent (the
 * forking thread) ends, then checks that PARENT (the harness's pid, saved
 * before the fork) is still the parent, closing the race of a parent that
 * died before the request. Returns 0, or -1 when the parent is gone (the
 * child should _exit). Async-signal-safe; safe in a vfork child. */
int pf_lifeline_bind(pid_t parent);

#endif
