/* cmd_report.c: "pyfault report DIR [--baseline OLD.json]". */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "dir_lock.h"
#include "interrupt.h"
#include "optparse.h"
#include "report_dir.h"

enum { R_BASELINE };

static const struct pf_opt opts[] = {
    {R_BASELINE, "baseline", 0, "OLD.json", "list findings new and fixed since that run\n"
                                            "(compared by class and signature)"},
    {0},
};

struct report_args {
    const char *dir, *baseline;
};

static int take(void *dst, const struct pf_arg *a, char *err, size_t errlen)
{
    struct report_args *r = dst;
    if (a->key == R_BASELINE) {
        r->baseline = a->val;
    } else if (r->dir) {
        snprintf(err, errlen, "one DIR only ('%s' and '%s')", r->dir, a->val);
        return -1;
    } else {
        r->dir = a->val;
    }
    return 0;
}

static int check(void *dst, char *err, size_t errlen)
{
    const struct report_args *r = dst;
    if (r->dir)
        return 0;
    snprintf(err, errlen, "missing DIR (the folder holding results.json)");
    return -1;
}

static const struct pf_cli cli = {
    .name = "report",
    .usage = "usage: pyfault report DIR [--baseline OLD.json]\n"
             "Regenerates DIR/junit.xml, DIR/summary.md and DIR/index.html from\n"
             "DIR/results.json (reports/results.schema.json, version 1); each file is\n"
             "written to a temp file, and the three are renamed once all are written;\n"
             "a name taken by anything but a regular file is refused before any is.\n"
             "Prints the paths of index.html and summary.md. DIR is locked meanwhile as\n"
             "sweep --out locks it: a folder another pyfault is writing is refused.\n",
    .opts = opts,
    .epilog = "Exit status: 0, 2 for bad usage, an unreadable or invalid file or a\n"
              "folder in use, 130 when interrupted (SIGINT, SIGTERM, SIGHUP: no temp\n"
              "file left, the previous reports kept).\n",
    .take = take,
    .check = check,
};

int pf_cmd_report(int argc, char **argv)
{
    struct report_args a = {0};
    int quit = pf_cli_args(&cli, argc, argv, &a);
    if (quit >= 0)
        return quit;
    const char *dir = a.dir;
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return pf_cli_fail(&cli, "%s: not a directory", dir);
    /* a read-only folder fails at once, naming it, as sweep's --out does */
    if (access(dir, W_OK) < 0)
        return pf_cli_fail(&cli, "%s: %s", dir, strerror(errno));
    /* one command per folder: a sweep, matrix or pytest still writing DIR
     * (or another report) is not raced for its results.json and reports */
    char err[1024];
    int lock = pf_dir_lock(dir, err, sizeof err);
    if (lock < 0)
        return pf_cli_fail(&cli, "%s", err);
    /* Ctrl-C, SIGTERM or SIGHUP while a big results.json is read or
     * rendered: the temp files go and the old reports stay, exit 130 as
     * run and sweep do */
    pf_interrupt_install();
    int rc = pf_report_dir_until(dir, a.baseline, &pf_interrupted, err, sizeof err);
    pf_dir_unlock(lock);
    if (pf_interrupted) {
        if (rc < 0)
            fprintf(stderr, "pyfault report: %s\n", err);
        return 130;
    }
    if (rc < 0)
        return pf_cli_fail(&cli, "%s", err);
    printf("%s/index.html\n%s/summary.md\n", dir, dir);
    return 0;
}
