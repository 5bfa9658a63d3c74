/*
 * gate_git.c: git repositories as the bisect tests drive them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "gate_git.h"
#include "harness_cli.h"

void gate_git_sh(const char *repo, const char *script, char *const *env, struct proc_result *r)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cd '%s' && %s", repo, script);
    char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    if (proc_run(argv, env, r) < 0)
        fail_msg("cannot run /bin/sh");
}

const char *gate_git_hash(const char *repo, const char *name)
{
    static char bufs[2][64];
    static int k;
    char *out = bufs[k = !k];
    char script[256];
    struct proc_result r;
    snprintf(script, sizeof script, "git log --all --format='%%H %%s' | grep ' %s: ' | cut -d' ' -f1", name);
    gate_git_sh(repo, script, NULL, &r);
    snprintf(out, sizeof bufs[0], "%.40s", r.out);
    proc_result_free(&r);
    if (strlen(out) != 40)
        fail_msg("no commit %s in %s", name, repo);
    return out;
}

char *gate_git_bisect(const char *repo, const char *branch, const char *start, const char *args,
                      double *wall_s)
{
    char script[4096];
    snprintf(script, sizeof script,
             "git bisect reset -q >/dev/null 2>&1; git checkout -q %s && %s && "
             "git bisect run '%s' %s; rc=$?; git bisect reset -q >/dev/null 2>&1; exit $rc",
             branch, start, harness_bin(), args);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct proc_result r;
    gate_git_sh(repo, script, NULL, &r);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (wall_s)
        *wall_s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (!r.exited || r.exit_code != 0)
        fail_msg("git bisect run failed (%d): %s%s", r.exit_code, r.out, r.err);
    char *out = r.out;
    r.out = NULL;
    proc_result_free(&r);
    return out;
}

void gate_git_expect_first(const char *repo, const char *out, const char *name, const char *term)
{
    char want[128];
    snprintf(want, sizeof want, "%s is the first %s commit", gate_git_hash(repo, name), term);
    if (!strstr(out, want))
        fail_msg("expected '%s' in:\n%s", want, out);
}
