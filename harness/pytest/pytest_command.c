/* pytest_command.c: pytest command lines with the pyfault plugin. */
#include "pytest_command.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The fixed words: the plugin loaded, the cache provider off. */
static const char *const head[] = {"-m", "pytest", "-p", "pyfault_pytest",
                                   "-p", "no:cacheprovider"};
#define NHEAD (int)(sizeof head / sizeof head[0])

char **pf_pytest_command(const char *python, const char *extra, int argc,
                         char *const argv[], int *out_argc)
{
    /* python, head, extra, argv, NULL, and the owned copy of extra */
    char **cmd = calloc((size_t)(1 + NHEAD + 1 + argc + 2), sizeof *cmd);
    if (!cmd)
        return NULL;
    int n = 0;
    cmd[n++] = (char *)python;
    for (int i = 0; i < NHEAD; i++)
        cmd[n++] = (char *)head[i];
    char *own = NULL;
    if (extra) {
        own = strdup(extra);
        if (!own) {
            free(cmd);
            return NULL;
        }
        cmd[n++] = own;
    }
    for (int i = 0; i < argc; i++)
        cmd[n++] = argv[i];
    cmd[n] = NULL;
    cmd[n + 1] = own; /* behind the terminator: freed by pf_pytest_command_free */
    *out_argc = n;
    return cmd;
}

void pf_pytest_command_free(char **cmd)
{
    if (!cmd)
        return;
    int n = 0;
    while (cmd[n])
        n++;
    free(cmd[n + 1]);
    free(cmd);
}

/* pytest's options after which it runs no test: it collects, or shows its
 * set-up plan, fixtures, markers, version or help, and exits */
static const char *const no_tests[] = {
    "--collect-only", "--co", "--setup-only", "--setup-plan", "--fixtures", "--funcargs",
    "--fixtures-per-test", "--markers", "--version", "--help", NULL,
};

/* -p VALUE unloading the plugin (or its session object) */
static int unloads_plugin(const char *value)
{
    return strncmp(value, "no:pyfault", 10) == 0;
}

int pf_pytest_args_check(int argc, char *const argv[], char *err, size_t errlen)
{
    for (int i = 0; i < argc; i++) {
        const char *w = argv[i];
        if (strcmp(w, "--") == 0)
            return 0; /* the rest are paths to pytest */
        if (strncmp(w, "--pyfault", 9) == 0) {
            snprintf(err, errlen, "'%.200s' among the pytest words: the pyfault_pytest "
                     "plugin's own option, which pyfault pytest sets itself", w);
            return -1;
        }
        if (strncmp(w, "--", 2) == 0) {
            /* pytest takes no abbreviation of a long option */
            size_t n = strcspn(w, "=");
            for (int k = 0; no_tests[k]; k++)
                if (strlen(no_tests[k]) == n && strncmp(w, no_tests[k], n) == 0) {
                    snprintf(err, errlen, "'%.200s' among the pytest words: pytest would run "
                             "no test, and pyfault pytest sweeps the tests as they run", w);
                    return -1;
                }
            continue;
        }
        if (w[0] != '-' || w[1] == '\0')
            continue;
        /* a cluster of short options: -q, -v, -x, ... until one that
         * takes a value, the rest of the word or the next word */
        for (const char *c = w + 1; *c; c++) {
            if (*c == 'h' || *c == 'V') {
                snprintf(err, errlen, "'%.200s' among the pytest words: pytest would run "
                         "no test (-%c), and pyfault pytest sweeps the tests as they run", w,
                         *c);
                return -1;
            }
            if (*c == 'p') {
                const char *v = c[1] == '=' ? c + 2 : c[1] ? c + 1 : i + 1 < argc ? argv[i + 1]
                                                                          : "";
                if (unloads_plugin(v)) {
                    snprintf(err, errlen, "'-p %.200s' among the pytest words: pyfault pytest "
                             "needs its plugin, pyfault_pytest, loaded", v);
                    return -1;
                }
                if (!c[1])
                    i++; /* the value is the next word */
                break;
            }
            if (strchr("kmcoWrn", *c))
                break; /* the rest is this option's value */
        }
    }
    return 0;
}
