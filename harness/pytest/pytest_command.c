/* pytest_command.c: pytest command lines with the pyfault plugin. */
#include "pytest_command.h"

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
