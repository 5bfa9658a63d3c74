/*
 * test_pymem: the pymem layer on real interpreters (Debian's python3.11
 * and whichever builds `make cpython` left in build/cpython): which layer
 * counts, hooks that survive every allocator set-up CPython does at
 * start-up, no double count in layer=all, junk, the event log's names.
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

#include "jsonlog.h"
#include "proc.h"
#include "shimrun.h"
#include "pyrun.h"

#define SYSTEM_PYTHON "/usr/bin/python3.11"

/* The interpreters to try: Debian's, then the project's builds. */
static const char *const interpreters[] = {
    SYSTEM_PYTHON,
    "build/cpython/3.11-vanilla/python",
    "build/cpython/3.13-vanilla/python",
};

static const char *const report_args[] = {
    "-c", "import pyfault; print(pyfault.layer(), pyfault.pymem_hooked(), pyfault.allocations())",
    NULL};

/* In a CPython process the default layer is pymem; layer=libc is obeyed. */
static void test_layer_chosen_by_process(void **state)
{
    (void)state;
    struct proc_result r;
    pyrun(SYSTEM_PYTHON, "count", NULL, report_args, &r);
    assert_int_equal(r.exit_code, 0);
    assert_memory_equal(r.out, "pymem True ", 11);
    proc_result_free(&r);
    pyrun(SYSTEM_PYTHON, "layer=libc", NULL, report_args, &r);
    assert_int_equal(r.exit_code, 0);
    assert_memory_equal(r.out, "libc None ", 10);
    proc_result_free(&r);
    pyrun(SYSTEM_PYTHON, "layer=all", NULL, report_args, &r);
    assert_int_equal(r.exit_code, 0);
    assert_memory_equal(r.out, "all True ", 9);
    proc_result_free(&r);
    pyrun(SYSTEM_PYTHON, "layer=bogus", NULL, report_args, &r);
    assert_int_equal(r.exit_code, 2);
    assert_non_null(strstr(r.err, "'layer=bogus'"));
    proc_result_free(&r);
}

/* A C program has no CPython: layer=pymem falls back to libc, which
 * counts and fails its mallocs as before. */
static void test_c_program_falls_back_to_libc(void **state)
{
    (void)state;
    char path[] = "/tmp/pyfault-test-pymem-XXXXXX";
    close(mkstemp(path));
    struct proc_result r;
    run_target("alloc_pattern", fmt("layer=pymem,nth=3,log=%s", path), NULL, NULL, &r);
    proc_result_free(&r);
    json_t *log = jsonlog_load(path);
    unlink(path);
    json_t *summary = jsonlog_find(log, "summary", 1);
    assert_non_null(summary);
    assert_string_equal(json_string_value(json_object_get(summary, "layer")), "libc");
    assert_int_equal(json_integer_value(json_object_get(summary, "injected")), 1);
    json_decref(log);
}

/* Whatever allocator set-up CPython does at start-up (PYTHONMALLOC, -X dev,
 * -E, tracemalloc wrapping the hooks), every domain still reaches a hook
 * when the script runs, and the count is within a handful of the default's. */
static void test_hooks_survive_startup(void **state)
{
    (void)state;
    static const char *const envs[][2] = {
        {NULL, NULL}, {"PYTHONMALLOC=malloc", NULL}, {"PYTHONMALLOC=pymalloc", NULL},
        {"PYTHONMALLOC=debug", NULL}, {"PYTHONMALLOC=malloc_debug", NULL},
        {"PYTHONMALLOC=pymalloc_debug", NULL}, {"PYTHONDEVMODE=1", NULL},
        {"PYTHONTRACEMALLOC=1", NULL},
    };
    int tried = 0;
    for (size_t i = 0; i < sizeof interpreters / sizeof *interpreters; i++) {
        char py[4096]; /* project_path's buffer is reused by run_py */
        snprintf(py, sizeof py, "%s", interpreters[i][0] == '/' ? interpreters[i] : project_path(interpreters[i]));
        if (access(py, X_OK) != 0)
            continue;
        tried++;
        for (size_t k = 0; k < sizeof envs / sizeof *envs; k++) {
            struct proc_result r;
            pyrun(py, "count", envs[k], report_args, &r);
            if (r.exit_code != 0 || strncmp(r.out, "pymem True ", 11) != 0)
                fail_msg("%s with %s: exit %d, signal %d, printed '%s' %s", interpreters[i],
                         envs[k][0] ? envs[k][0] : "(nothing)", r.exit_code, r.signal, r.out, r.err);
            proc_result_free(&r);
        }
        /* -E ignores PYTHONMALLOC: nothing replaces the hooks */
        static const char *const e_args[] = {"-E", "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                                             "import pyfault; print(pyfault.pymem_hooked())", NULL, NULL};
        const char *args[5];
        memcpy(args, e_args, sizeof args);
        args[3] = project_path("scenarios/lib");
        static const char *const debug_env[] = {"PYTHONMALLOC=debug", NULL};
        struct proc_result r;
        pyrun(py, "count", debug_env, args, &r);
        assert_int_equal(r.exit_code, 0);
        assert_string_equal(r.out, "True\n");
        proc_result_free(&r);
    }
    assert_true(tried >= 1);
    print_message("hooks in place after start-up on %d interpreter(s)\n", tried);
}

/* Counts the allocations of "python -c CODE" under SPEC. */
static long long count_under(const char *spec, const char *const *extra, const char *code)
{
    const char *args[] = {"-c", code, NULL};
    char path[] = "/tmp/pyfault-test-pymem-XXXXXX";
    close(mkstemp(path));
    struct proc_result r;
    pyrun(SYSTEM_PYTHON, fmt("%s,log=%s", spec, path), extra, args, &r);
    assert_int_equal(r.exit_code, 0);
    proc_result_free(&r);
    json_t *log = jsonlog_load(path);
    unlink(path);
    json_t *summary = jsonlog_find(log, "summary", 1);
    assert_non_null(summary);
    long long n = json_integer_value(json_object_get(summary, "allocations"));
    json_decref(log);
    return n;
}

/* layer=all counts each allocation once: with PYTHONMALLOC=malloc every
 * pymem call is forwarded to malloc, so a double count would give about
 * pymem + libc; once-only gives about libc's own number. And malloc calls
 * made directly (here 1000 through ctypes) count in all, not in pymem. */
static void test_all_layer_counts_once(void **state)
{
    (void)state;
    static const char *const plain[] = {"PYTHONMALLOC=malloc", NULL};
    const char *code = "import ctypes; m = ctypes.CDLL(None).malloc; m.restype = ctypes.c_void_p\n"
                       "f = ctypes.CDLL(None).free; f.argtypes = [ctypes.c_void_p]\n"
                       "for i in range(1000): f(m(64))";
    long long pymem = count_under("layer=pymem", plain, code);
    long long libc = count_under("layer=libc", plain, code);
    long long all = count_under("layer=all", plain, code);
    print_message("PYTHONMALLOC=malloc: pymem %lld, libc %lld, all %lld\n", pymem, libc, all);
    assert_true(all >= pymem + 1000);
    assert_true(all < pymem + libc / 2);
    long long diff = all > libc ? all - libc : libc - all;
    assert_true(diff * 20 < libc);
}

/* A failure in the pymem layer is logged under the domain's API name, and
 * pyfault.set_nomemory fails the allocation it names. */
static void test_failure_names_the_domain(void **state)
{
    (void)state;
    char path[] = "/tmp/pyfault-test-pymem-XXXXXX";
    close(mkstemp(path));
    const char *args[] = {"-c", "import pyfault\npyfault.set_nomemory(0)\nx = [object() for i in range(3)]", NULL};
    struct proc_result r;
    pyrun(SYSTEM_PYTHON, fmt("count,log=%s", path), NULL, args, &r);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "MemoryError"));
    proc_result_free(&r);
    json_t *log = jsonlog_load(path);
    unlink(path);
    json_t *fail = jsonlog_find(log, "fail", 0);
    assert_non_null(fail);
    const char *func = json_string_value(json_object_get(fail, "func"));
    assert_true(strncmp(func, "PyObject_", 9) == 0 || strncmp(func, "PyMem_", 6) == 0);
    json_t *summary = jsonlog_find(log, "summary", 1);
    assert_string_equal(json_string_value(json_object_get(summary, "layer")), "pymem");
    json_decref(log);
}

/* junk reaches pymalloc's blocks: gh-132002's uninitialised fields crash
 * with pymalloc in place (they pass silently without junk). */
static void test_junk_fills_pymalloc_blocks(void **state)
{
    (void)state;
    const char *args[] = {project_path("scenarios/contextvar/gh132002_str_subclass_name.py"), NULL};
    struct proc_result r;
    pyrun(SYSTEM_PYTHON, "junk", NULL, args, &r);
    assert_false(r.exited);
    assert_int_equal(r.signal, 11);
    proc_result_free(&r);
    pyrun(SYSTEM_PYTHON, "count", NULL, args, &r);
    assert_true(r.exited);
    assert_int_equal(r.exit_code, 1);
    proc_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layer_chosen_by_process),
        cmocka_unit_test(test_c_program_falls_back_to_libc),
        cmocka_unit_test(test_hooks_survive_startup),
        cmocka_unit_test(test_all_layer_counts_once),
        cmocka_unit_test(test_failure_names_the_domain),
        cmocka_unit_test(test_junk_fills_pymalloc_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
