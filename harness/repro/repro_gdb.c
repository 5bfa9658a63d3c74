/* repro_gdb.c: gdb on one trial. */
#include "repro_gdb.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lifeline.h"
#include "shellquote.h"

#define MAX_ARGS 64

static const char *const env_keys[] = {"LD_PRELOAD", "PYTHONMALLOC", "PYTHONHASHSEED",
                                       "PYTHONFAULTHANDLER", "PYTHONPATH"};
static const char *const gdb_keys[] = {"LINES", "COLUMNS"};

int pf_repro_gdb(const struct pf_context *ctx, const struct pf_target *t, const char *spec,
                 const char *ctl, int batch, char *err, size_t errlen)
{
    if (t->pty_input) {
        snprintf(err, errlen, "--gdb: a pty scenario types its input at the prompt; run it with pyfault repro instead");
        return -1;
    }
    const char *argv[MAX_ARGS + 8];
    char owned[12][4200];
    int n = 0, k = 0;
    argv[n++] = "gdb";
    argv[n++] = "-nx";
    argv[n++] = "-q";
    if (batch)
        argv[n++] = "-batch";
    argv[n++] = "-ex";
    argv[n++] = "set startup-with-shell off";
    argv[n++] = "-ex";
    argv[n++] = "set breakpoint pending on";
    if (ctx->layout != PF_LAYOUT_FIXED) { /* gdb fixes it by default */
        argv[n++] = "-ex";
        argv[n++] = "set disable-randomization off";
    }
    for (size_t i = 0; i < sizeof env_keys / sizeof *env_keys; i++) {
        const char *v = pf_env_get(&ctx->env, env_keys[i]);
        if (!v)
            continue;
        snprintf(owned[k], sizeof owned[k], "set environment %s=%s", env_keys[i], v);
        argv[n++] = "-ex";
        argv[n++] = owned[k++];
    }
    snprintf(owned[k], sizeof owned[k], "set environment PYFAULT=%s", spec);
    argv[n++] = "-ex";
    argv[n++] = owned[k++];
    snprintf(owned[k], sizeof owned[k], "set environment PYFAULT_CTL=%s", ctl);
    argv[n++] = "-ex";
    argv[n++] = owned[k++];
    /* gdb gives the inferior its terminal's size: two more variables
     * would move every allocation number past os.environ */
    for (size_t i = 0; i < sizeof gdb_keys / sizeof *gdb_keys; i++) {
        const char *v = pf_env_get(&ctx->env, gdb_keys[i]);
        if (v)
            snprintf(owned[k], sizeof owned[k], "set environment %s=%s", gdb_keys[i], v);
        else
            snprintf(owned[k], sizeof owned[k], "unset environment %s", gdb_keys[i]);
        argv[n++] = "-ex";
        argv[n++] = owned[k++];
    }
    argv[n++] = "-ex";
    argv[n++] = "break pyfault_injected_failure";
    argv[n++] = "-ex";
    argv[n++] = "run";
    if (batch) {
        argv[n++] = "-ex";
        argv[n++] = "bt 30";
        argv[n++] = "-ex";
        argv[n++] = "kill";
    }
    argv[n++] = "--args";
    argv[n++] = t->exe;
    for (int i = 1; i < t->argc && n < MAX_ARGS + 6; i++)
        argv[n++] = t->argv[i];
    argv[n] = NULL;

    char line[16384];
    size_t used = 0;
    line[0] = '\0';
    for (int i = 0; i < n; i++)
        pf_shell_append(line, sizeof line, &used, argv[i]);
    fprintf(stderr, "pyfault repro: %s\n",
            used < sizeof line ? line : "(gdb's command line too long to show)");
    fflush(stderr);

    /* Ctrl-C at the gdb prompt reaches our process group too: it is for
     * gdb (stop the target), not for us. As system(3) does. */
    struct sigaction ign = {.sa_handler = SIG_IGN}, old_int, old_quit;
    sigemptyset(&ign.sa_mask);
    sigaction(SIGINT, &ign, &old_int);
    sigaction(SIGQUIT, &ign, &old_quit);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        sigaction(SIGINT, &old_int, NULL);
        sigaction(SIGQUIT, &old_quit, NULL);
        return -1;
    }
    if (pid == 0) {
        if (pf_lifeline_bind(parent) < 0)
            _exit(127);
        signal(SIGINT, SIG_DFL); /* ignored dispositions survive exec */
        signal(SIGQUIT, SIG_DFL);
        execvp("gdb", (char *const *)argv);
        fprintf(stderr, "pyfault repro: cannot run gdb: %s\n", strerror(errno));
        _exit(127);
    }
    int status, rc = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            snprintf(err, errlen, "waitpid: %s", strerror(errno));
            rc = -1;
            break;
        }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGQUIT, &old_quit, NULL);
    if (rc < 0)
        return -1;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
        snprintf(err, errlen, "gdb is not installed (make deps installs it)");
        return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
