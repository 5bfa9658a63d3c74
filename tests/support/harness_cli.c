/*
 * harness_cli.c: build/pyfault as a test sees it: a command with a status,
 * a one-line error or a JSON result.
 */
#include "harness_cli.h"
#include "clock.h"
#include "lifeline.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "tmpdir.h"

const char *harness_bin(void)
{
    const char *bin = getenv("PYFAULT_TEST_BIN");
    return project_path(bin && *bin ? bin : "build/pyfault");
}

/* ARGV (64 slots): WRAP's words (NULL-terminated; NULL for none), the
 * pyfault under test, then ARGS', NULL-terminated; at most 63 words. */
static void cli_argv(const char **argv, const char *const *wrap, const char *const *args)
{
    int n = 0;
    for (int i = 0; wrap && wrap[i] && n < 62; i++)
        argv[n++] = wrap[i];
    argv[n++] = harness_bin();
    for (int i = 0; args[i] && n < 63; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
}

/* harness_cli, the command run under WRAP's words (timeout(1), say). */
static void cli_run(const char *const *wrap, const char *const *args, struct proc_result *r,
                    double *wall_s)
{
    const char *argv[64];
    cli_argv(argv, wrap, args);
    double t0 = pf_now_s();
    if (proc_run((char *const *)argv, NULL, r) < 0)
        fail_msg("cannot start %s", harness_bin());
    if (wall_s)
        *wall_s = pf_now_s() - t0;
}

void harness_cli(const char *const *args, struct proc_result *r, double *wall_s)
{
    cli_run(NULL, args, r, wall_s);
}

pid_t harness_start(const char *const *args, const char *tmpdir)
{
    const char *argv[64];
    cli_argv(argv, NULL, args);
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        fail_msg("fork: cannot start build/pyfault");
    if (pid == 0) {
        if (pf_lifeline_bind(parent) < 0) /* it dies with the test */
            _exit(127);
        int null = open("/dev/null", O_RDWR);
        dup2(null, 1);
        dup2(null, 2);
        if (tmpdir)
            setenv("TMPDIR", tmpdir, 1);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    return pid;
}

json_t *harness_results(const char *dir)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/results.json", dir);
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    if (!j)
        fail_msg("%s: %s", path, je.text);
    return j;
}

/* Every folder harness_tmpdir makes is in ROOT, which the process that
 * made it removes, whole, when it exits: a sweep's --out folder keeps its
 * reports and journal, and a failed test its evidence, until then. */
static char root[512];
static pid_t root_owner;

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

static void remove_root(void)
{
    if (root[0] && getpid() == root_owner) /* not in a forked child's exit */
        nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

const char *harness_tmpdir(void)
{
    static char dir[600];
    if (!root[0]) {
        if (pf_tmpdir_create(root, sizeof root) < 0)
            fail_msg("%s", root);
        root_owner = getpid();
        atexit(remove_root);
    }
    snprintf(dir, sizeof dir, "%s/t.XXXXXX", root);
    if (!mkdtemp(dir))
        fail_msg("cannot make a folder in %s: %s", root, strerror(errno));
    return dir;
}

json_t *harness_run_json(const char *const *args, int *status, double *wall_s)
{
    char path[600];
    snprintf(path, sizeof path, "%s/result.json", harness_tmpdir());
    const char *full[64] = {"run", "--json", path};
    int n = 3;
    for (int i = 0; args[i] && n < 63; i++)
        full[n++] = args[i];
    full[n] = NULL;
    struct proc_result r;
    harness_cli(full, &r, wall_s);
    *status = r.exit_code;
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    if (!j)
        fail_msg("no JSON result (status %d): %s\nstdout: %s\nstderr: %s", r.exit_code,
                 je.text, r.out, r.err);
    unlink(path);
    char *slash = strrchr(path, '/');
    *slash = '\0';
    rmdir(path);
    proc_result_free(&r);
    return j;
}

int harness_count_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

int harness_temp_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        n += strstr(e->d_name, ".tmp.") != NULL;
    closedir(d);
    return n;
}

json_t *harness_sweep_json(const char *const *args, int *status, double *wall_s)
{
    char dir[600], results[700];
    snprintf(dir, sizeof dir, "%s", harness_tmpdir());
    snprintf(results, sizeof results, "%s/results.json", dir);
    const char *full[64] = {"sweep", "-q", "--out", dir};
    int n = 4;
    for (int i = 0; args[i] && n < 63; i++)
        full[n++] = args[i];
    full[n] = NULL;
    struct proc_result r;
    harness_cli(full, &r, wall_s);
    *status = r.exit_code;
    json_error_t je;
    json_t *j = json_load_file(results, 0, &je);
    if (!j)
        fail_msg("no results.json (status %d): %s", r.exit_code, r.err);
    proc_result_free(&r);
    unlink(results);
    rmdir(dir);
    return j;
}

const char *harness_str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char *harness_trial_lines(json_t *r, int with_point)
{
    json_t *trials = json_object_get(r, "trials"), *t;
    size_t n = json_array_size(trials), len = 0, i;
    char **lines = calloc(n ? n : 1, sizeof *lines);
    assert_non_null(lines);
    json_array_foreach(trials, i, t) {
        char point[32] = "";
        if (with_point)
            snprintf(point, sizeof point, "%lld|",
                     (long long)json_integer_value(json_object_get(t, "point")));
        assert_true(asprintf(&lines[i], "%s%s|%s|%s|%s\n", point, harness_str(t, "mode"),
                             harness_str(t, "class"), harness_str(t, "signature"),
                             harness_str(t, "site_key")) > 0);
        len += strlen(lines[i]);
    }
    qsort(lines, n, sizeof *lines, cmp_str);
    char *all = calloc(len + 1, 1);
    assert_non_null(all);
    for (i = 0; i < n; i++) {
        strcat(all, lines[i]);
        free(lines[i]);
    }
    free(lines);
    return all;
}

int harness_one_line(const char *err)
{
    size_t n = strlen(err);
    return n > 9 && strncmp(err, "pyfault", 7) == 0 && err[n - 1] == '\n' &&
           strchr(err, '\n') == err + n - 1;
}

void harness_expect_usage_error(const char *const *args, const char *want)
{
    harness_expect_usage_error_within(args, want, 0);
}

void harness_expect_usage_error_within(const char *const *args, const char *want, int seconds)
{
    /* timeout(1) turns a hang into a failed test, not a stuck suite */
    char secs[16], within[32] = "";
    snprintf(secs, sizeof secs, "%d", seconds);
    const char *const timeout[] = {"/usr/bin/timeout", "-s", "KILL", secs, NULL};
    if (seconds > 0)
        snprintf(within, sizeof within, " within %ds", seconds);
    struct proc_result r;
    cli_run(seconds > 0 ? timeout : NULL, args, &r, NULL);
    if (r.exit_code != 2 || !harness_one_line(r.err) || !strstr(r.err, want))
        fail_msg("status %d, stderr '%s' (wanted one line with '%s'%s)", r.exit_code, r.err, want,
                 within);
    assert_int_equal(r.out_len, 0);
    proc_result_free(&r);
}

int harness_has_finding(json_t *findings, json_t *f)
{
    size_t i;
    json_t *g;
    json_array_foreach(findings, i, g) {
        if (strcmp(harness_str(g, "class"), harness_str(f, "class")) == 0 &&
            strcmp(harness_str(g, "signature"), harness_str(f, "signature")) == 0)
            return 1;
    }
    return 0;
}

void harness_merge(const char *out, const char *const *inputs)
{
    const char *args[20];
    size_t n = 0;
    args[n++] = "merge";
    for (size_t i = 0; inputs[i] && n < 17; i++)
        args[n++] = inputs[i];
    args[n++] = "-o";
    args[n++] = out;
    args[n] = NULL;
    struct proc_result r;
    harness_cli(args, &r, NULL);
    if (r.exit_code != 0)
        fail_msg("merge exited %d: %s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);
}

json_t *harness_sweep_with(const char *const *head, const char *const *args)
{
    const char *full[64];
    size_t n = 0;
    for (size_t i = 0; head[i] && n < 63; i++)
        full[n++] = head[i];
    for (size_t i = 0; args[i] && n < 63; i++)
        full[n++] = args[i];
    full[n] = NULL;
    int status;
    json_t *j = harness_sweep_json(full, &status, NULL);
    if (status > 1)
        fail_msg("sweep %s ...: status %d", head[0] ? head[0] : "", status);
    return j;
}
