/*
 * marked.h: the processes that carry a test's mark among their arguments.
 */
#ifndef PYFAULT_TEST_MARKED_H
#define PYFAULT_TEST_MARKED_H

/* How many live processes (not zombies) have MARK among their arguments
 * and are named COMM (any name when NULL); with KILL_THEM, SIGKILLs them,
 * so that a failing test leaves nothing behind. */
int marked_processes(const char *mark, const char *comm, int kill_them);

#endif
