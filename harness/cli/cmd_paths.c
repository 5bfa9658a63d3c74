/* cmd_paths.c: "pyfault paths": where this pyfault finds its parts, and
 * how (installed prefix, build tree or environment). */
#include <limits.h>
#include <stdio.h>

#include "cmd.h"
#include "locate.h"
#include "optparse.h"
#include "version.h"

static int take(void *dst, const struct pf_arg *a, char *err, size_t errlen)
{
    (void)dst;
    snprintf(err, errlen, "unexpected argument '%s'", a->val);
    return -1;
}

static const struct pf_opt opts[] = {{0}};

static const struct pf_cli cli = {
    .name = "paths",
    .usage = "usage: pyfault paths\n"
             "Prints where this pyfault finds its parts, one per line: NAME PATH (HOW),\n"
             "HOW being installed (around PREFIX/bin/pyfault), build tree or environment.\n",
    .opts = opts,
    .epilog = "Exit status: 0 when every part was found, 1 when one was not, 2 bad usage.\n",
    .take = take,
};

/* Prints one part; returns 1 when it was not found. */
static int show(const char *name, enum pf_found how, const char *path)
{
    if (how == PF_FOUND_NONE) {
        printf("%-9s - (%s)\n", name, pf_found_name(how));
        return 1;
    }
    printf("%-9s %s (%s)\n", name, path, pf_found_name(how));
    return 0;
}

int pf_cmd_paths(int argc, char **argv)
{
    int quit = pf_cli_args(&cli, argc, argv, NULL);
    if (quit >= 0)
        return quit;
    char path[PATH_MAX + 128];
    int missing = 0;
    pf_find_pyfault(path, sizeof path);
    printf("%-9s %s\n", "version", PF_VERSION);
    printf("%-9s %s\n", "pyfault", path);
    enum pf_found how = pf_locate_shim(path, sizeof path);
    missing += show("shim", how, path);
    how = pf_locate_pylib(path, sizeof path);
    missing += show("python", how, path);
    how = pf_locate_skip_list(path, sizeof path);
    missing += show("skip-list", how, path);
    return missing ? 1 : 0;
}
