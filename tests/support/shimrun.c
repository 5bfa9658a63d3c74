/*
 * shimrun.c: run test targets under the shim, read their output.
 */
#include "shimrun.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

const char *fmt(const char *format, ...)
{
    static char ring[16][1024];
    static int next;
    char *slot = ring[next++ % 16];
    va_list ap;
    va_start(ap, format);
    vsnprintf(slot, 1024, format, ap);
    va_end(ap);
    return slot;
}

static void run(const char *target, const char *const *args, char **env,
                struct proc_result *r)
{
    char *argv[32];
    int n = 0;
    argv[n++] = (char *)project_path(fmt("build/targets/%s", target));
    for (int i = 0; args && args[i] && n < 31; i++)
        argv[n++] = (char *)args[i];
    argv[n] = NULL;
    if (proc_run(argv, env, r) != 0)
        fail_msg("cannot start %s", argv[0]);
}

void run_target(const char *target, const char *spec, const char *const *args,
                const char *const *extra_env, struct proc_result *r)
{
    char *env[32];
    int n = 0;
    env[n++] = (char *)fmt("LD_PRELOAD=%s", shim_path());
    env[n++] = (char *)(spec ? fmt("PYFAULT=%s", spec) : "PYFAULT=");
    for (int i = 0; extra_env && extra_env[i] && n < 31; i++)
        env[n++] = (char *)extra_env[i];
    env[n] = NULL;
    run(target, args, env, r);
}

void run_target_plain(const char *target, const char *const *args,
                      struct proc_result *r)
{
    char *env[] = {"LD_PRELOAD=", "PYFAULT=", NULL};
    run(target, args, env, r);
}

unsigned long long read_number(const char *out, const char *key)
{
    size_t klen = strlen(key);
    for (const char *line = out; line && *line; ) {
        if (strncmp(line, key, klen) == 0)
            return strtoull(line + klen, NULL, 10);
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    fail_msg("no line '%s' in output:\n%s", key, out);
    return 0;
}

int read_fail_set(const char *out, const char *prefix, unsigned char *set, int max)
{
    size_t plen = strlen(prefix);
    int count = 0;
    memset(set, 0, (size_t)max);
    for (const char *line = out; line && *line; ) {
        if (strncmp(line, prefix, plen) == 0) {
            long i = strtol(line + plen, NULL, 10);
            if (i >= 0 && i < max) {
                set[i] = 1;
                count++;
            }
        }
        line = strchr(line, '\n');
        if (line)
            line++;
    }
    return count;
}

void read_child_line(const char *out, const char *way, long *pid, int *status)
{
    for (const char *line = out; line; line = strchr(line, '\n')) {
        line += *line == '\n';
        char name[32];
        if (sscanf(line, "%31s %ld %d", name, pid, status) == 3 && strcmp(name, way) == 0)
            return;
    }
    fail_msg("no line for %s in:\n%s", way, out);
}
