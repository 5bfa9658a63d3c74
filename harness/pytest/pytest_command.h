/* pytest_command.h: the command lines `pyfault pytest` runs: the whole
 * selection with the plugin's report (the counting runs), and one test of
 * it (each test's sweep target, whose repro line reruns just that test). */
#ifndef PF_PYTEST_COMMAND_H
#define PF_PYTEST_COMMAND_H

#include <stddef.h>

/* "PYTHON -m pytest -p pyfault_pytest -p no:cacheprovider [EXTRA] ARGV...",
 * NULL-terminated, with *OUT_ARGC words; free it with
 * pf_pytest_command_free (it owns a copy of EXTRA, the rest is borrowed).
 * EXTRA (may be NULL) is one word before the user's, so an option of
 * theirs that takes a value cannot swallow it. The cache plugin is off:
 * it would write into the suite's folder and change later runs. Returns
 * NULL on ENOMEM. */
char **pf_pytest_command(const char *python, const char *extra, int argc,
                         char *const argv[], int *out_argc);
/* Checks the user's pytest words ARGV (up to a "--" of theirs, after
 * which pytest takes every word as a path): the plugin's own options
 * (--pyfault-*: the harness sets them), unloading it (-p no:pyfault...,
 * also -pno:..., -p=no:... and in a cluster such as -qp) and the options
 * with which pytest runs no test (--collect-only, --co, --setup-only,
 * --setup-plan, --fixtures, --fixtures-per-test, --funcargs, --markers,
 * --version, -V, --help, -h) are refused. Returns 0, or -1 with a
 * one-line message naming the word in ERR. Pure. */
int pf_pytest_args_check(int argc, char *const argv[], char *err, size_t errlen);
/* Frees an array from pf_pytest_command. */
void pf_pytest_command_free(char **cmd);

#endif
