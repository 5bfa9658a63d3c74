/*
 * proc.h: run a child process for a test and capture what it did.
 */
#ifndef PYFAULT_TEST_PROC_H
#define PYFAULT_TEST_PROC_H

#include <stddef.h>

struct proc_result {
    int exited;      /* 1: exited normally, exit_code valid */
    int exit_code;
    int signal;      /* the killing signal when !exited */
    char *out;       /* captured stdout, NUL-terminated (heap) */
    size_t out_len;
    char *err;       /* captured stderr, NUL-terminated (heap) */
    size_t err_len;
};

/* Runs ARGV with the extra environment ENV ("NAME=value" strings, NULL
 * terminated; "NAME=" alone unsets NAME) and waits for it. Returns 0 when
 * the child ran, -1 when it could not be started. */
int proc_run(char *const argv[], char *const env[], struct proc_result *out);
/* As proc_run, with address-space randomization off in the child, as the
 * harness runs its targets: CPython's count then repeats run after run. */
int proc_run_fixed(char *const argv[], char *const env[], struct proc_result *out);
/* As proc_run_fixed, with ENV the child's whole environment: nothing of
 * the test runner's (a CI's variables move CPython's allocation counts). */
int proc_run_clean(char *const argv[], char *const env[], struct proc_result *out);
void proc_result_free(struct proc_result *r);

/* Absolute path of a file of the project (the tests run from the root). */
const char *project_path(const char *relative);
/* build/libpyfault.so, absolute. */
const char *shim_path(void);

#endif
