/*
 * test_pymem_parity: the pymem layer fails the allocation _testcapi fails.
 *
 * tests/support/pymem_parity.py runs every script of tests/shim/data/parity/
 * (compile() of nested code and of a small function, dict iteration, a
 * SyntaxError, json, re, the first import of a C extension) for start
 * values from 0 to 299 (every 3rd in `make test`, every one in
 * `make test-slow`), once with
 * _testcapi.set_nomemory(START, START + 1) and once with
 * pyfault.set_nomemory(START, START + 1), each under gdb, and compares the
 * outcome class and the C function that made the failed allocation (gdb's
 * stack at _testcapi's failing hook, and at the shim's
 * pyfault_injected_failure). Every point must agree.
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

#include "proc.h"
#include "skipping.h"

/* Every start value of 0..299 with PYFAULT_SLOW=1 (make test-slow) or
 * PYFAULT_PARITY_FULL=1: about ten minutes a Python on 2 cores, a gdb
 * run per start and side. Otherwise Debian's python3.11 every 3rd (100 a
 * script) and the project's builds every 10th (30 a script). */
#define STARTS "0:300"
#define STARTS_DEBIAN_QUICK "0:300:3"
#define STARTS_BUILDS_QUICK "0:300:10"

/* STARTS when the whole range is asked for, else QUICK. */
static const char *starts_or(const char *quick)
{
    return slow_tests_enabled() || env_flag("PYFAULT_PARITY_FULL") ? STARTS : quick;
}

static const char *const scripts[] = {
    "compile_nested.py", "compile_small.py", "dict_iter.py", "syntax_error.py",
    "json_roundtrip.py", "re_compile.py", "ext_import.py",
};

/* Runs the parity driver on PYTHON; fails the test unless every point of
 * every script agrees. */
static void parity_on(const char *python, const char *starts)
{
    char *argv[32];
    int n = 0;
    char driver[4096], shim[4096], lib[4096], out[] = "/tmp/pyfault-parity-XXXXXX";
    snprintf(driver, sizeof driver, "%s", project_path("tests/support/pymem_parity.py"));
    snprintf(shim, sizeof shim, "%s", shim_path());
    snprintf(lib, sizeof lib, "%s", project_path("scenarios/lib"));
    close(mkstemp(out));
    static char paths[sizeof scripts / sizeof *scripts][4096];
    argv[n++] = "python3";
    argv[n++] = driver;
    argv[n++] = "--python";
    argv[n++] = (char *)python;
    argv[n++] = "--shim";
    argv[n++] = shim;
    argv[n++] = "--pythonpath";
    argv[n++] = lib;
    argv[n++] = "--starts";
    argv[n++] = (char *)starts;
    argv[n++] = "--out";
    argv[n++] = out;
    for (size_t i = 0; i < sizeof scripts / sizeof *scripts; i++) {
        char rel[256];
        snprintf(rel, sizeof rel, "tests/shim/data/parity/%s", scripts[i]);
        snprintf(paths[i], sizeof paths[i], "%s", project_path(rel));
        argv[n++] = paths[i];
    }
    argv[n] = NULL;
    char *env[] = {"LD_PRELOAD=", "PYFAULT=", NULL};
    struct proc_result r;
    if (proc_run(argv, env, &r) != 0)
        fail_msg("cannot run the parity driver");
    unlink(out);
    print_message("%s:\n%s", python, r.out);
    if (!r.exited || r.exit_code != 0)
        fail_msg("parity on %s: exit %d\n%s%s", python, r.exit_code, r.out, r.err);
    assert_non_null(strstr(r.out, "(100.00%)"));
    proc_result_free(&r);
}

static void test_parity_debian_python311(void **state)
{
    (void)state;
    parity_on("/usr/bin/python3.11", starts_or(STARTS_DEBIAN_QUICK));
}

static void parity_on_build(const char *variant)
{
    char rel[256], py[4096];
    snprintf(rel, sizeof rel, "build/cpython/%s/python", variant);
    snprintf(py, sizeof py, "%s", project_path(rel));
    if (access(py, X_OK) != 0) {
        char why[512];
        snprintf(why, sizeof why, "%s is missing (`make cpython` or `make run` builds it)", rel);
        skip_because(why);
    }
    parity_on(py, starts_or(STARTS_BUILDS_QUICK));
}

static void test_parity_311_vanilla(void **state)
{
    (void)state;
    parity_on_build("3.11-vanilla");
}

static void test_parity_313_vanilla(void **state)
{
    (void)state;
    parity_on_build("3.13-vanilla");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parity_debian_python311),
        cmocka_unit_test(test_parity_311_vanilla),
        cmocka_unit_test(test_parity_313_vanilla),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
