/*
 * test_fds: the shim's own descriptors (the event log, libunwind's
 * memory-validation pipe) stay out of the target's numbering
 * (injectors/fdhigh.c), and a log the target closed or replaced is
 * reopened rather than written into the target's file or lost, and so
 * is the call-site record (injectors/heldfile.c). Targets: targets/h_fds.c, data/fds_list.py.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include "harness_cli.h"
#include "proc.h"
#include "shimrun.h"
#include "skipping.h"

#define PYTHON "/usr/bin/python3.11"

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot read %s", path);
    static char buf[8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return strdup(buf);
}

static const char *h_fds(void)
{
    return project_path("build/targets/h_fds");
}

/* `pyfault run [EXTRA...] -- ARGV...`, as JSON; fails unless CLASS. */
static json_t *run_as(const char *const *extra, const char *const *argv, const char *cls)
{
    const char *args[32];
    int n = 0;
    for (int i = 0; extra && extra[i]; i++)
        args[n++] = extra[i];
    args[n++] = "--";
    for (int i = 0; argv[i]; i++)
        args[n++] = argv[i];
    args[n] = NULL;
    int status;
    json_t *j = harness_run_json(args, &status, NULL);
    if (strcmp(harness_str(j, "class"), cls) != 0)
        fail_msg("%s %s: expected %s, got %s (signature '%s', stderr '%s')", argv[0], argv[1],
                 cls, harness_str(j, "class"), harness_str(j, "signature"),
                 harness_str(j, "stderr_tail"));
    return j;
}

/* The C target's descriptors below 64: without the shim, under the
 * shim with a log, under `pyfault run`. */
static void test_c_numbering_as_without_shim(void **state)
{
    (void)state;
    const char *dir = harness_tmpdir();
    char plain[600], shim[600], run[600];
    snprintf(plain, sizeof plain, "%s/plain", dir);
    snprintf(shim, sizeof shim, "%s/shim", dir);
    snprintf(run, sizeof run, "%s/run", dir);
    struct proc_result r;
    const char *pargs[] = {"list", plain, NULL};
    run_target_plain("h_fds", pargs, &r);
    assert_int_equal(r.exit_code, 0);
    proc_result_free(&r);
    const char *sargs[] = {"list", shim, NULL};
    run_target("h_fds", fmt("count,log=%s/log", dir), sargs, NULL, &r);
    assert_int_equal(r.exit_code, 0);
    proc_result_free(&r);
    const char *argv[] = {h_fds(), "list", run, NULL};
    json_decref(run_as(NULL, argv, "ok"));
    char *p = slurp(plain), *s = slurp(shim), *u = slurp(run);
    assert_string_equal(s, p);
    assert_string_equal(u, p);
    free(p);
    free(s);
    free(u);
}

/* python3.11's descriptors below 64 under `pyfault run`, as without. */
static void test_python_numbering_as_without_shim(void **state)
{
    (void)state;
    if (access(PYTHON, X_OK) != 0)
        skip_because("no " PYTHON);
    const char *dir = harness_tmpdir();
    char plain[600], run[600];
    snprintf(plain, sizeof plain, "%s/plain", dir);
    snprintf(run, sizeof run, "%s/run", dir);
    const char *script = project_path("tests/shim/data/fds_list.py");
    char *pargv[] = {PYTHON, (char *)script, plain, NULL};
    struct proc_result r;
    if (proc_run(pargv, NULL, &r) != 0)
        fail_msg("cannot run " PYTHON);
    assert_int_equal(r.exit_code, 0);
    proc_result_free(&r);
    const char *argv[] = {PYTHON, script, run, NULL};
    json_decref(run_as(NULL, argv, "ok"));
    char *p = slurp(plain), *u = slurp(run);
    assert_string_equal(u, p);
    free(p);
    free(u);
}

/* RLIMIT_NOFILE (4,4), then a file opened: fd 3 is the target's. */
static void test_rlimit_four(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "%s/file", harness_tmpdir());
    const char *argv[] = {h_fds(), "rlimit", path, NULL};
    json_t *j = run_as(NULL, argv, "ok");
    assert_int_equal(json_integer_value(json_object_get(j, "exit_code")), 0);
    json_decref(j);
}

/* The target's own file on fd 3 gets its own line only; the failure's
 * record still reaches the log (the frames of the signature). */
static void test_dup2_onto_three(void **state)
{
    (void)state;
    char path[600];
    snprintf(path, sizeof path, "%s/file", harness_tmpdir());
    const char *extra[] = {"--inject", "nth=1", NULL};
    const char *argv[] = {h_fds(), "dup3", path, NULL};
    json_t *j = run_as(extra, argv, "error");
    assert_int_equal(json_integer_value(json_object_get(j, "exit_code")), 1);
    json_t *inj = json_object_get(j, "injected");
    assert_int_equal(json_integer_value(json_object_get(inj, "count")), 1);
    assert_string_equal(harness_str(j, "signature"), "error: main");
    json_decref(j);
    char *got = slurp(path);
    assert_string_equal(got, "mine\n");
    free(got);
}

/* A target that closes every descriptor from 3 up, then segfaults: the
 * crash record (the log reopened by its name) names the frames. */
static void test_closeall_keeps_frames(void **state)
{
    (void)state;
    const char *argv[] = {h_fds(), "closeall", NULL};
    json_t *j = run_as(NULL, argv, "segfault");
    assert_string_equal(harness_str(j, "signature"), "segfault: crash_here < main");
    json_decref(j);
}

/* A target that dup2()s its own file onto every number, the shim's
 * call-site record's included (sites=): its file gets its own line only,
 * and the records of its mallocs still reach the record (reopened by
 * name). The old shim wrote them into the target's file. */
static void test_sites_file_kept(void **state)
{
    (void)state;
    char mine[600], sites[600];
    snprintf(mine, sizeof mine, "%s/file", harness_tmpdir());
    snprintf(sites, sizeof sites, "%s/sites", harness_tmpdir());
    FILE *f = fopen(sites, "w"); /* the harness makes it: no O_CREAT */
    assert_non_null(f);
    fclose(f);
    const char *args[] = {"clobber", mine, NULL};
    struct proc_result r;
    run_target("h_fds", fmt("count,sites=%s", sites), args, NULL, &r);
    assert_int_equal(r.exit_code, 0);
    proc_result_free(&r);
    char *got = slurp(mine);
    assert_string_equal(got, "mine\n");
    free(got);
    got = slurp(sites);
    /* "N 0xKEY" lines: the loop's one call site at least */
    if (!strstr(got, " 0x"))
        fail_msg("no call site recorded after the clobber: \"%s\"", got);
    free(got);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c_numbering_as_without_shim),
        cmocka_unit_test(test_python_numbering_as_without_shim),
        cmocka_unit_test(test_rlimit_four),
        cmocka_unit_test(test_dup2_onto_three),
        cmocka_unit_test(test_closeall_keeps_frames),
        cmocka_unit_test(test_sites_file_kept),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
