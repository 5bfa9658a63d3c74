/* main.c: subcommand dispatch only. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "version.h"

static const char usage[] =
    "usage: pyfault COMMAND [options] ...\n"
    "Commands:\n"
    "  run     run a target once under the fault-injection shim and classify it\n"
    "  sweep   run a target once per allocation point and collect the findings\n"
    "  pytest  sweep each test of a pytest suite in its own call region\n"
    "  matrix  run every scenario on every interpreter and judge each cell\n"
    "  report  write junit.xml, summary.md and index.html from DIR/results.json\n"
    "  merge   merge the results.json of shards into the unsharded run's\n"
    "  gate        fail CI on findings new since a baseline or broken expectations\n"
    "  bisect-run  build and judge one commit, for git bisect run\n"
    "  repro       re-run one trial of a results.json (--times K, --gdb)\n"
    "  paths       where this pyfault finds its shim, Python module and data\n"
    "Run 'pyfault COMMAND --help' for a command's options; 'pyfault --version'\n"
    "prints the version.\n";

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "pyfault: missing command (run or sweep); see pyfault --help\n");
        return 2;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (strcmp(cmd, "--version") == 0) {
        printf("pyfault %s\n", PF_VERSION);
        return 0;
    }
    if (strcmp(cmd, "run") == 0)
        return pf_cmd_run(argc - 2, argv + 2);
    if (strcmp(cmd, "sweep") == 0)
        return pf_cmd_sweep(argc - 2, argv + 2);
    if (strcmp(cmd, "pytest") == 0)
        return pf_cmd_pytest(argc - 2, argv + 2);
    if (strcmp(cmd, "matrix") == 0)
        return pf_cmd_matrix(argc - 2, argv + 2);
    if (strcmp(cmd, "report") == 0)
        return pf_cmd_report(argc - 2, argv + 2);
    if (strcmp(cmd, "merge") == 0)
        return pf_cmd_merge(argc - 2, argv + 2);
    if (strcmp(cmd, "gate") == 0)
        return pf_cmd_gate(argc - 2, argv + 2);
    if (strcmp(cmd, "bisect-run") == 0)
        return pf_cmd_bisect_run(argc - 2, argv + 2);
    if (strcmp(cmd, "repro") == 0)
        return pf_cmd_repro(argc - 2, argv + 2);
    if (strcmp(cmd, "paths") == 0)
        return pf_cmd_paths(argc - 2, argv + 2);
    fprintf(stderr, "pyfault: unknown command '%s' (expected run or sweep)\n", cmd);
    return 2;
}
