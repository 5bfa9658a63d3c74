/* target.c: every check on the target happens here, before anything runs,
 * so bad input is one line and status 2, never a failed trial. */
#include "target.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "locate.h"

static int fill_argv(struct pf_target *t, int argc, char *const argv[])
{
    t->argv = calloc((size_t)argc + 1, sizeof *t->argv);
    if (!t->argv)
        return -1;
    for (int i = 0; i < argc; i++) {
        t->argv[i] = strdup(argv[i]);
        if (!t->argv[i])
            return -1;
    }
    t->argc = argc;
    return 0;
}

int pf_target_scenario(struct pf_target *t, const char *python,
                       const char *scenario, char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    if (pf_resolve_exec(python, t->exe, sizeof t->exe) < 0) {
        snprintf(err, errlen, "interpreter '%s' not found or not executable", python);
        return -1;
    }
    struct stat st;
    if (stat(scenario, &st) < 0 || access(scenario, R_OK) < 0) {
        snprintf(err, errlen, "scenario '%s': %s", scenario, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "scenario '%s': not a regular file", scenario);
        return -1;
    }
    char *const argv[] = {(char *)python, (char *)scenario};
    if (fill_argv(t, 2, argv) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    t->is_scenario = 1;
    t->python = python;
    return 0;
}

int pf_target_command(struct pf_target *t, int argc, char *const argv[],
                      char *err, size_t errlen)
{
    memset(t, 0, sizeof *t);
    if (argc < 1) {
        snprintf(err, errlen, "no command after '--'");
        return -1;
    }
    if (pf_resolve_exec(argv[0], t->exe, sizeof t->exe) < 0) {
        snprintf(err, errlen, "command '%s' not found or not executable", argv[0]);
        return -1;
    }
    if (fill_argv(t, argc, argv) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

const char *pf_target_label(const struct pf_target *t)
{
    return t->is_scenario ? t->argv[1] : t->argv[0];
}

size_t pf_target_inputs(const struct pf_target *t, const char **paths, size_t cap)
{
    size_t n = 0;
    if (n < cap)
        paths[n++] = t->exe;
    for (int i = 0; i < t->argc && n < cap; i++)
        paths[n++] = t->argv[i];
    return n;
}

void pf_target_free(struct pf_target *t)
{
    if (t->argv)
        for (int i = 0; i < t->argc; i++)
            free(t->argv[i]);
    free(t->argv);
    free(t->pty_input);
    t->argv = NULL;
    t->pty_input = NULL;
    t->argc = 0;
}
