/* main.c: subcommand dispatch only. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "inherited_fds.h"
#include "version.h"

/* One subcommand: its name, entry point and --help line. */
struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *help;
};

/* The dispatcher, --help and the usage errors all read this table, so no
 * list of commands can fall behind it. */
static const struct command commands[] = {
    {"run", pf_cmd_run, "run a target once under the fault-injection shim and classify it"},
    {"sweep", pf_cmd_sweep, "run a target once per allocation point and collect the findings"},
    {"pytest", pf_cmd_pytest, "sweep each test of a pytest suite in its own call region"},
    {"matrix", pf_cmd_matrix, "run every scenario on every interpreter and judge each cell"},
    {"report", pf_cmd_report, "write junit.xml, summary.md and index.html from DIR/results.json"},
    {"merge", pf_cmd_merge, "merge the results.json of shards into the unsharded run's"},
    {"gate", pf_cmd_gate, "fail CI on findings new since a baseline or broken expectations"},
    {"bisect-run", pf_cmd_bisect_run, "build and judge one commit, for git bisect run"},
    {"repro", pf_cmd_repro, "re-run one trial of a results.json (--times K, --gdb)"},
    {"paths", pf_cmd_paths, "where this pyfault finds its shim, Python module and data"},
};
enum { N_COMMANDS = sizeof commands / sizeof *commands };

/* Prints --help on stdout: the commands aligned, from the table. */
static void print_usage(void)
{
    int width = 0;
    for (size_t i = 0; i < N_COMMANDS; i++) {
        int w = (int)strlen(commands[i].name);
        width = w > width ? w : width;
    }
    fputs("usage: pyfault COMMAND [options] ...\nCommands:\n", stdout);
    for (size_t i = 0; i < N_COMMANDS; i++)
        printf("  %-*s  %s\n", width, commands[i].name, commands[i].help);
    fputs("Run 'pyfault COMMAND --help' for a command's options; 'pyfault --version'\n"
          "prints the version.\n", stdout);
}

/* The command names as "run, sweep, ..." into OUT. */
static void command_list(char *out, size_t outlen)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < N_COMMANDS && used < outlen; i++)
        used += (size_t)snprintf(out + used, outlen - used, "%s%s", i ? ", " : "",
                                 commands[i].name);
}

/* The table entry named NAME, or NULL. */
static const struct command *find_command(const char *name)
{
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i].name, name) == 0)
            return &commands[i];
    return NULL;
}

/* Opens /dev/null on each of fds 0, 1 and 2 that is closed, before anything
 * else opens a file: a pipe or file of ours that landed there would be
 * taken for a standard stream (the janitor dup2s /dev/null over 0-2 and
 * would lose its pipe, a child's dup2 onto 1 or 2 would close ours, and
 * progress lines would go into a sweep's journal). Returns -1 if one
 * cannot be opened. */
static int standard_fds_open(void)
{
    for (int fd = 0; fd < 3; fd++) {
        if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
            continue;
        /* open returns the lowest free descriptor: FD itself */
        int null = open("/dev/null", O_RDWR);
        if (null < 0)
            return -1;
        if (null != fd) { /* cannot happen: lower ones are open */
            close(null);
            return -1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    /* before anything of ours is open: what every target is given */
    pf_inherited_fds_note();
    if (standard_fds_open() < 0) {
        fprintf(stderr, "pyfault: cannot open /dev/null on a closed fd 0-2: %s\n",
                strerror(errno ? errno : EBADF));
        return 2;
    }
    char names[512];
    command_list(names, sizeof names);
    if (argc < 2) {
        fprintf(stderr, "pyfault: missing command (commands: %s); see pyfault --help\n", names);
        return 2;
    }
    const char *cmd = argv[1];
    int help = strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0;
    int version = strcmp(cmd, "--version") == 0;
    if ((help || version) && argc > 2) {
        /* a word they would ignore is a mistake: say so, as "paths x" does */
        fprintf(stderr, "pyfault: %s: unexpected argument '%s'\n", cmd, argv[2]);
        return 2;
    }
    if (help) {
        print_usage();
        return 0;
    }
    if (version) {
        printf("pyfault %s\n", PF_VERSION);
        return 0;
    }
    const struct command *c = find_command(cmd);
    if (c)
        return c->fn(argc - 2, argv + 2);
    fprintf(stderr, "pyfault: unknown command '%s' (commands: %s); see pyfault --help\n", cmd,
            names);
    return 2;
}
