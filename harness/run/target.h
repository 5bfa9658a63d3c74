/* target.h: what a trial runs: a Python scenario or any command. */
#ifndef PF_TARGET_H
#define PF_TARGET_H

#include <limits.h>
#include <stddef.h>

struct pf_target {
    char exe[PATH_MAX];  /* resolved executable */
    char **argv;         /* NULL-terminated, owned */
    int argc;
    int is_scenario;     /* argv = {python, scenario} */
    const char *python;  /* is_scenario: the interpreter as given */
    char *pty_input;     /* owned; when set, run on a pseudo-terminal and
                            type this at it (pf_spawn_pty) */
};

/* Builds "PYTHON SCENARIO". Checks that PYTHON resolves to an executable
 * and SCENARIO is a readable file. Returns 0, or -1 with a one-line
 * message in ERR. */
int pf_target_scenario(struct pf_target *t, const char *python,
                       const char *scenario, char *err, size_t errlen);
/* Builds a command target from ARGV (ARGC >= 1), resolving ARGV[0] on
 * PATH. Returns 0, or -1 with a one-line message in ERR. */
int pf_target_command(struct pf_target *t, int argc, char *const argv[],
                      char *err, size_t errlen);
/* A short name for messages: the scenario path, or the command. */
const char *pf_target_label(const struct pf_target *t);
/* The files the target reads, as far as its words tell: the resolved
 * executable and every word of its command line, into PATHS (up to CAP).
 * Returns how many (pf_out_*_check_inputs compares outputs with them). */
size_t pf_target_inputs(const struct pf_target *t, const char **paths, size_t cap);
/* Frees what the target owns. */
void pf_target_free(struct pf_target *t);

#endif
