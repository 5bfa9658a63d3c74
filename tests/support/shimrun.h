/*
 * shimrun.h: run one of the test targets (build/targets/NAME) or any
 * program under the shim, and read what it printed.
 */
#ifndef PYFAULT_TEST_SHIMRUN_H
#define PYFAULT_TEST_SHIMRUN_H

#include "proc.h"

/* Runs build/targets/TARGET ARGS... with LD_PRELOAD=the shim and
 * PYFAULT=SPEC (NULL: no PYFAULT), plus EXTRA_ENV (NULL-terminated, may be
 * NULL). ARGS is NULL-terminated and may be NULL. Aborts the test when the
 * target cannot be started. */
void run_target(const char *target, const char *spec, const char *const *args,
                const char *const *extra_env, struct proc_result *r);
/* The same without the shim. */
void run_target_plain(const char *target, const char *const *args,
                      struct proc_result *r);
/* Reads the number after the first line starting with KEY (e.g. "base ").
 * Fails the test when there is none. */
unsigned long long read_number(const char *out, const char *key);
/* Marks SET[i] for every line "PREFIX i" in OUT (i < MAX); returns how
 * many there were. */
int read_fail_set(const char *out, const char *prefix, unsigned char *set, int max);
/* Reads the pid and status of the line "WAY PID STATUS" of OUT (a
 * target's report of a child it ran); fails the test when there is none. */
void read_child_line(const char *out, const char *way, long *pid, int *status);
/* A printf into a static ring of buffers, for building specs. */
const char *fmt(const char *format, ...) __attribute__((format(printf, 1, 2)));

#endif
