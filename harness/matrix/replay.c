/* replay.c: one scenario on one interpreter, prepared like a matrix cell,
 * so that a repro or a bisect step runs what the matrix ran. */
#include "replay.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lifeline.h"
#include "locate.h"

int pf_project_root(char *out, size_t outlen)
{
    char lib[PATH_MAX];
    if (pf_find_scenario_lib(lib, sizeof lib) < 0)
        return -1;
    char *scen_dir = dirname(lib);
    snprintf(out, outlen, "%s", dirname(scen_dir));
    return 0;
}

/* tools/build-ext.sh PYTHON NAME OUTDIR, quietly unless it fails. */
int pf_build_ext(const char *python, const char *name, const char *outdir,
                 char *err, size_t errlen)
{
    char root[PATH_MAX], script[PATH_MAX + 32];
    if (pf_project_root(root, sizeof root) < 0) {
        snprintf(err, errlen, "cannot find the project's scenarios/ beside pyfault");
        return -1;
    }
    snprintf(script, sizeof script, "%s/tools/build-ext.sh", root);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) {
        if (pf_lifeline_bind(parent) < 0)
            _exit(127);
        execl(script, script, python, name, outdir, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(err, errlen, "cannot build extension %s for %s (tools/build-ext.sh failed)", name,
                 python);
        return -1;
    }
    return 0;
}

int pf_replay_target(struct pf_context *ctx, const char *python, const char *scenario,
                     const char *scratch, struct pf_target *t, struct pf_scenario *sc,
                     char *err, size_t errlen)
{
    memset(sc, 0, sizeof *sc);
    if (strncmp(scenario, "-c ", 3) == 0) {
        /* the start-up sweep's "scenario" */
        char *argv[] = {(char *)python, "-c", (char *)scenario + 3, NULL};
        return pf_target_command(t, 3, argv, err, errlen);
    }
    if (access(scenario, R_OK) < 0) {
        snprintf(err, errlen, "%.400s: %s", scenario, strerror(errno));
        return -1;
    }
    char perr[512];
    if (pf_scenario_load(scenario, sc, perr, sizeof perr) < 0)
        memset(sc, 0, sizeof *sc); /* a plain script: no header, nothing to prepare */
    for (int k = 0; k < sc->nneeds; k++)
        if (pf_build_ext(python, sc->needs[k], scratch, err, errlen) < 0)
            return -1;
    if (sc->nneeds && pf_env_prepend(&ctx->env, "PYTHONPATH", scratch, ':') < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    if (!sc->pty)
        return pf_target_scenario(t, python, scenario, err, errlen);
    /* the interactive interpreter; the scenario's lines are typed */
    char *argv[] = {(char *)python, "-q", NULL};
    if (pf_target_command(t, 2, argv, err, errlen) < 0)
        return -1;
    t->pty_input = pf_scenario_typed_input(scenario);
    if (!t->pty_input) {
        snprintf(err, errlen, "%.400s: cannot read the lines to type", scenario);
        pf_target_free(t);
        return -1;
    }
    return 0;
}
