/*
 * test_layout: the harness starts every target with one address layout,
 * run after run, so that a sweep's counting run, its trials, both engines
 * and a repro see the same one; PYFAULT_ASLR=1 keeps randomization.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness_cli.h"
#include "proc.h"
#include "skipping.h"

#define PYTHON "/usr/bin/python3.11"

/* Where a new object lands (and an mmap'd page), as a target prints it. */
static const char *const where[] = {
    "--", PYTHON, "-c",
    "import mmap; print(hex(id(object())), id(mmap.mmap(-1, 4096)))", NULL};

/* One `pyfault run` of WHERE: its stdout into OUT, its recorded layout. */
static void run_where(char *out, size_t outlen, char *layout, size_t layoutlen)
{
    int status;
    json_t *j = harness_run_json(where, &status, NULL);
    if (status != 0)
        fail_msg("status %d: %s", status, harness_str(j, "stderr_tail"));
    snprintf(out, outlen, "%s", harness_str(j, "stdout_tail"));
    snprintf(layout, layoutlen, "%s", harness_str(j, "address_layout"));
    json_decref(j);
}

/* The address_layout a one-cell matrix records (a single plain run). */
static void matrix_layout(char *layout, size_t layoutlen)
{
    const char *out = harness_tmpdir();
    const char *args[] = {"matrix", "-q", "--interp", "system=" PYTHON, "--startup-stride", "0",
                          "--out", out, "tests/harness/data/wrong_expectation.py", NULL};
    struct proc_result r;
    harness_cli(args, &r, NULL);
    /* the cell differs from its (wrong on purpose) expectation: exit 1 */
    if (r.exit_code != 1)
        fail_msg("matrix exited %d: %s", r.exit_code, r.err);
    proc_result_free(&r);
    json_t *j = harness_results(out);
    snprintf(layout, layoutlen, "%s", harness_str(j, "address_layout"));
    json_decref(j);
}

static void test_same_layout_each_run(void **state)
{
    (void)state;
    if (access(PYTHON, X_OK) != 0)
        skip_because(PYTHON " is not installed");
    unsetenv("PYFAULT_ASLR");
    char a[256], b[256], layout[64];
    run_where(a, sizeof a, layout, sizeof layout);
    if (strcmp(layout, "random (refused)") == 0)
        skip_because("this kernel or its seccomp filter refuses personality(ADDR_NO_RANDOMIZE)");
    assert_string_equal(layout, "fixed");
    run_where(b, sizeof b, layout, sizeof layout);
    assert_true(strlen(a) > 4);
    assert_string_equal(a, b);

    /* a sweep records it too */
    const char *sweep[] = {"--range", "1:1", "--", PYTHON, "-c", "pass", NULL};
    int status;
    json_t *r = harness_sweep_json(sweep, &status, NULL);
    assert_string_equal(harness_str(r, "address_layout"), "fixed");
    json_decref(r);

    /* and a matrix */
    matrix_layout(layout, sizeof layout);
    assert_string_equal(layout, "fixed");
}

static void test_aslr_kept_when_asked(void **state)
{
    (void)state;
    if (access(PYTHON, X_OK) != 0)
        skip_because(PYTHON " is not installed");
    int level = -1;
    FILE *f = fopen("/proc/sys/kernel/randomize_va_space", "r");
    if (f) {
        if (fscanf(f, "%d", &level) != 1)
            level = -1;
        fclose(f);
    }
    if (level == 0)
        skip_because("the kernel randomizes no addresses (randomize_va_space is 0)");
    setenv("PYFAULT_ASLR", "1", 1);
    /* even from a harness started with randomization off (under gdb or
     * setarch -R): the harness turns it back on */
    int persona = personality(0xffffffffUL);
    assert_true(persona >= 0);
    if (personality((unsigned long)persona | ADDR_NO_RANDOMIZE) < 0)
        skip_because("this kernel or its seccomp filter refuses personality(ADDR_NO_RANDOMIZE)");
    char a[256], b[256], layout[64];
    run_where(a, sizeof a, layout, sizeof layout);
    assert_string_equal(layout, "random");
    run_where(b, sizeof b, layout, sizeof layout);
    /* 28 bits of mmap randomness: equal by chance once in 2^28 */
    assert_string_not_equal(a, b);

    /* its repro line runs it so again */
    const char *args[] = {"--inject", "nth=1", "--", PYTHON, "-c", "pass", NULL};
    int status;
    json_t *j = harness_run_json(args, &status, NULL);
    assert_non_null(strstr(harness_str(j, "repro"), "PYFAULT_ASLR=1 "));
    json_decref(j);
    /* and a matrix records what its cells ran with */
    matrix_layout(layout, sizeof layout);
    assert_string_equal(layout, "random");
    unsetenv("PYFAULT_ASLR");
    personality((unsigned long)persona);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_layout_each_run),
        cmocka_unit_test(test_aslr_kept_when_asked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
