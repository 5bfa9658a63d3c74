/*
 * test_pymem: sweeps in the pymem layer (the default for Python targets),
 * seen from outside through `pyfault sweep`:
 *   - a double free of a small block in our own extension crashes with
 *     pymalloc in place (a segfault, where pymalloc's free list is
 *     corrupted), and under layer=libc with PYTHONMALLOC=malloc aborts
 *     as glibc would (the shim's double-free check) instead;
 *   - a start-up sweep of python -c pass works in both modes and finds
 *     gh-134163's unwind loop on vanilla 3.11, none on the patched builds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "harness_cli.h"
#include "proc.h"
#include "skipping.h"

#define SYSTEM_PYTHON "/usr/bin/python3.11"
#define DOUBLEFREE "scenarios/pymalloc/doublefree_error_path.py"

/* How many trials of RESULTS ended as CLS. */
static long count_class(json_t *results, const char *cls)
{
    long n = 0;
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(results, "trials"), i, t)
        n += strcmp(harness_str(t, "class"), cls) == 0;
    return n;
}

/* The counting layer the sweep's first target recorded. */
static const char *sweep_layer(json_t *results)
{
    json_t *targets = json_object_get(results, "targets");
    return harness_str(json_array_get(targets, 0), "layer");
}

static void test_double_free_crashes_under_pymem_only(void **state)
{
    (void)state;
    char ext[4096];
    snprintf(ext, sizeof ext, "%s", harness_tmpdir());
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "%s %s doublefree %s", project_path("tools/build-ext.sh"),
             SYSTEM_PYTHON, ext);
    assert_int_equal(system(cmd), 0);
    setenv("PYTHONPATH", ext, 1);

    int status;
    const char *pymem_args[] = {"--python", SYSTEM_PYTHON, "--mode", "oneshot", "--inject",
                                "site=squares", "--accept", "ok,error,segfault",
                                project_path(DOUBLEFREE), NULL};
    json_t *pymem = harness_sweep_json(pymem_args, &status, NULL);
    assert_int_equal(status, 0);
    assert_string_equal(sweep_layer(pymem), "pymem");
    long trials = (long)json_array_size(json_object_get(pymem, "trials"));
    long pymem_segv = count_class(pymem, "segfault");

    setenv("PYTHONMALLOC", "malloc", 1);
    const char *libc_args[] = {"--python", SYSTEM_PYTHON, "--mode", "oneshot", "--inject",
                               "site=squares,layer=libc", "--accept", "ok,error,segfault,abort",
                               project_path(DOUBLEFREE), NULL};
    json_t *libc = harness_sweep_json(libc_args, &status, NULL);
    unsetenv("PYTHONMALLOC");
    unsetenv("PYTHONPATH");
    assert_int_equal(status, 0);
    assert_string_equal(sweep_layer(libc), "libc");
    long libc_segv = count_class(libc, "segfault");
    long libc_trials = (long)json_array_size(json_object_get(libc, "trials"));
    long libc_abort = count_class(libc, "abort");
    print_message("double free: pymem layer (pymalloc) %ld/%ld segfault; libc layer "
                  "(PYTHONMALLOC=malloc) %ld/%ld abort, %ld segfault, %ld ok\n",
                  pymem_segv, trials, libc_abort, libc_trials, libc_segv,
                  count_class(libc, "ok"));
    /* every failure inside the loop takes the buggy path: most points crash,
     * each allocator its own way */
    assert_true(trials >= 50);
    assert_true(pymem_segv * 2 > trials);
    assert_true(libc_abort * 2 > libc_trials);
    assert_true(libc_segv * 4 < pymem_segv);
    json_decref(pymem);
    json_decref(libc);
}

/* A start-up sweep of PY -c pass, both modes, every STRIDEth point. */
static json_t *startup_sweep(const char *py, const char *stride)
{
    int status;
    const char *args[] = {"--mode", "both", "--stride", stride, "--accept",
                          "ok,error,fatal,abort,segfault,unwind-loop,hang", "--", py, "-c", "pass", NULL};
    json_t *r = harness_sweep_json(args, &status, NULL);
    if (status != 0)
        fail_msg("start-up sweep of %s: exit %d", py, status);
    assert_string_equal(sweep_layer(r), "pymem");
    assert_int_equal(count_class(r, "harness-error"), 0);
    return r;
}

static void test_startup_sweep_finds_unwind_loop(void **state)
{
    (void)state;
    json_t *r = startup_sweep(SYSTEM_PYTHON, "397");
    long loops = count_class(r, "unwind-loop");
    long trials = (long)json_array_size(json_object_get(r, "trials"));
    print_message("%s -c pass: %ld trials, %ld unwind-loop\n", SYSTEM_PYTHON, trials, loops);
    assert_true(loops > 0);
    json_decref(r);
}

/* The patched builds carry the gh-134163 fix: no unwind loop anywhere in
 * their start-up; the vanilla builds still loop. */
static void test_startup_sweep_on_builds(void **state)
{
    (void)state;
    static const char *const variants[] = {"3.11-vanilla", "3.11-patched", "3.13-vanilla",
                                           "3.13-patched"};
    int ran = 0;
    for (size_t i = 0; i < sizeof variants / sizeof *variants; i++) {
        char rel[256], py[4096];
        snprintf(rel, sizeof rel, "build/cpython/%s/python", variants[i]);
        snprintf(py, sizeof py, "%s", project_path(rel));
        if (access(py, X_OK) != 0)
            continue;
        json_t *r = startup_sweep(py, "397");
        long loops = count_class(r, "unwind-loop");
        print_message("%s -c pass: %zu trials, %ld unwind-loop\n", variants[i],
                      json_array_size(json_object_get(r, "trials")), loops);
        if (strstr(variants[i], "patched"))
            assert_int_equal(loops, 0);
        else
            assert_true(loops > 0);
        json_decref(r);
        ran++;
    }
    if (!ran)
        skip_because("no build/cpython variants (`make cpython` or `make run` builds them)");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_double_free_crashes_under_pymem_only),
        cmocka_unit_test(test_startup_sweep_finds_unwind_loop),
        cmocka_unit_test(test_startup_sweep_on_builds),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
