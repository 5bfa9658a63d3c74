/* cmd_report.c: "pyfault report DIR [--baseline OLD.json]". */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cmd.h"
#include "report_dir.h"

static const char usage[] =
    "usage: pyfault report DIR [--baseline OLD.json]\n"
    "Regenerates DIR/junit.xml, DIR/summary.md and DIR/index.html from\n"
    "DIR/results.json (reports/results.schema.json, version 1); each file is\n"
    "written to a temp file and renamed. Prints the paths of index.html and\n"
    "summary.md.\n"
    "  --baseline OLD.json  list findings new and fixed since that run\n"
    "                       (compared by class and signature)\n"
    "Exit status: 0, or 2 for bad usage or an unreadable or invalid file.\n";

int pf_cmd_report(int argc, char **argv)
{
    const char *dir = NULL, *baseline = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            return 0;
        }
        if (strcmp(a, "--baseline") == 0 || strncmp(a, "--baseline=", 11) == 0) {
            const char *v = a[10] == '=' ? a + 11 : i + 1 < argc ? argv[++i] : NULL;
            if (!v || !*v) {
                fprintf(stderr, "pyfault report: --baseline needs a results.json\n");
                return 2;
            }
            baseline = v;
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "pyfault report: unknown option '%s' (see pyfault report --help)\n", a);
            return 2;
        } else if (dir) {
            fprintf(stderr, "pyfault report: one DIR only ('%s' and '%s')\n", dir, a);
            return 2;
        } else {
            dir = a;
        }
    }
    if (!dir) {
        fprintf(stderr, "pyfault report: missing DIR (the folder holding results.json)\n");
        return 2;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "pyfault report: %s: not a directory\n", dir);
        return 2;
    }
    char err[1024];
    if (pf_report_dir(dir, baseline, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault report: %s\n", err);
        return 2;
    }
    printf("%s/index.html\n%s/summary.md\n", dir, dir);
    return 0;
}
