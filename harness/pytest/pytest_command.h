/* pytest_command.h: the command lines `pyfault pytest` runs: the whole
 * selection with the plugin's report (the counting runs), and one test of
 * it (each test's sweep target, whose repro line reruns just that test). */
#ifndef PF_PYTEST_COMMAND_H
#define PF_PYTEST_COMMAND_H

/* "PYTHON -m pytest -p pyfault_pytest -p no:cacheprovider [EXTRA] ARGV...",
 * NULL-terminated, with *OUT_ARGC words; free it with
 * pf_pytest_command_free (it owns a copy of EXTRA, the rest is borrowed).
 * EXTRA (may be NULL) is one word before the user's, so an option of
 * theirs that takes a value cannot swallow it. The cache plugin is off:
 * it would write into the suite's folder and change later runs. Returns
 * NULL on ENOMEM. */
char **pf_pytest_command(const char *python, const char *extra, int argc,
                         char *const argv[], int *out_argc);
/* Frees an array from pf_pytest_command. */
void pf_pytest_command_free(char **cmd);

#endif
