/*
 * gate_git.h: the bisect tests' view of a git repository: shell commands
 * in it, commits by name, a whole `git bisect run` of pyfault bisect-run.
 */
#ifndef PYFAULT_TEST_GATE_GIT_H
#define PYFAULT_TEST_GATE_GIT_H

#include "proc.h"

/* Runs "cd REPO && SCRIPT" with /bin/sh (extra environment ENV, may be
 * NULL). Fails the test when the shell cannot be started. */
void gate_git_sh(const char *repo, const char *script, char *const *env, struct proc_result *r);
/* The full hash of the commit of REPO whose subject starts with "NAME: ".
 * Static storage, two at a time. Fails the test when there is none. */
const char *gate_git_hash(const char *repo, const char *name);
/* From a clean state (bisect reset, BRANCH checked out), runs START (the
 * git bisect start ... commands), then git bisect run build/pyfault ARGS,
 * then bisect reset. Returns git's output (heap); fails the test when
 * git bisect run fails. *WALL_S (may be NULL) gets the wall time. */
char *gate_git_bisect(const char *repo, const char *branch, const char *start, const char *args,
                      double *wall_s);
/* Fails the test unless OUT says commit NAME "is the first TERM commit". */
void gate_git_expect_first(const char *repo, const char *out, const char *name, const char *term);

#endif
