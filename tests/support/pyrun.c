/*
 * pyrun.c: run a Python interpreter under the shim in a test.
 */
#include "pyrun.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

#include "shimrun.h"

void pyrun(const char *py, const char *spec, const char *const *extra,
           const char *const *args, struct proc_result *r)
{
    char *argv[32];
    int n = 0;
    argv[n++] = (char *)py;
    for (int i = 0; args && args[i] && n < 31; i++)
        argv[n++] = (char *)args[i];
    argv[n] = NULL;
    char *env[32];
    int e = 0;
    env[e++] = "PYTHONHASHSEED=0";
    env[e++] = "PYTHONMALLOC=";
    env[e++] = (char *)fmt("PYTHONPATH=%s", project_path("scenarios/lib"));
    env[e++] = (char *)fmt("LD_PRELOAD=%s", shim_path());
    env[e++] = (char *)fmt("PYFAULT=%s", spec ? spec : "");
    for (int i = 0; extra && extra[i] && e < 31; i++)
        env[e++] = (char *)extra[i];
    env[e] = NULL;
    if (proc_run_fixed(argv, env, r) != 0)
        fail_msg("cannot run %s", py);
}
