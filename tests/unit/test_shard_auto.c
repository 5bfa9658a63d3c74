/*
 * test_shard_auto: --shard auto under each scheduler's variables (Slurm
 * array, Kubernetes Indexed Job + PYFAULT_SHARD_COUNT, GitLab parallel),
 * through the sweep's option parser, and the one-line errors for none,
 * a missing or bad value and an index out of range.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "options.h"

static const char *const vars[] = {
    "SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_COUNT",
    "SLURM_ARRAY_TASK_STEP", "JOB_COMPLETION_INDEX", "PYFAULT_SHARD_COUNT",
    "CI_NODE_INDEX", "CI_NODE_TOTAL",
};

/* Clears every scheduler variable, then sets the "NAME=VALUE" pairs. */
static void env(const char *const *set)
{
    for (size_t i = 0; i < sizeof vars / sizeof *vars; i++)
        unsetenv(vars[i]);
    for (; set && *set; set++) {
        char name[64];
        const char *eq = strchr(*set, '=');
        snprintf(name, sizeof name, "%.*s", (int)(eq - *set), *set);
        setenv(name, eq + 1, 1);
    }
}

#define ENV(...) env((const char *const[]){__VA_ARGS__, NULL})

/* Parses "sweep --shard auto s.py" and checks the shard I/N. */
static void expect_shard(unsigned i, unsigned n)
{
    struct pf_options o;
    char err[256] = "";
    char *argv[] = {"--shard", "auto", "s.py"};
    if (pf_options_parse(PF_CMD_SWEEP, 3, argv, &o, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_int_equal(o.shard_i, i);
    assert_int_equal(o.shard_n, n);
}

/* --shard auto fails with one line containing WANT. */
static void expect_error(const char *want)
{
    unsigned i = 0, n = 0;
    char err[256] = "";
    assert_int_equal(pf_parse_shard("auto", &i, &n, err, sizeof err), -1);
    if (!strstr(err, want) || strchr(err, '\n'))
        fail_msg("error '%s' lacks '%s'", err, want);
}

static void test_slurm(void **state)
{
    (void)state;
    ENV("SLURM_ARRAY_TASK_ID=0", "SLURM_ARRAY_TASK_MIN=0", "SLURM_ARRAY_TASK_COUNT=4");
    expect_shard(1, 4);
    ENV("SLURM_ARRAY_TASK_ID=3", "SLURM_ARRAY_TASK_MIN=0", "SLURM_ARRAY_TASK_COUNT=4");
    expect_shard(4, 4);
    /* --array=1-8: 1-based IDs */
    ENV("SLURM_ARRAY_TASK_ID=5", "SLURM_ARRAY_TASK_MIN=1", "SLURM_ARRAY_TASK_COUNT=8");
    expect_shard(5, 8);
    /* --array=10-16:3 is 10, 13, 16 */
    ENV("SLURM_ARRAY_TASK_ID=13", "SLURM_ARRAY_TASK_MIN=10", "SLURM_ARRAY_TASK_COUNT=3",
        "SLURM_ARRAY_TASK_STEP=3");
    expect_shard(2, 3);
}

static void test_slurm_errors(void **state)
{
    (void)state;
    ENV("SLURM_ARRAY_TASK_ID=2", "SLURM_ARRAY_TASK_MIN=0");
    expect_error("SLURM_ARRAY_TASK_COUNT is not");
    ENV("SLURM_ARRAY_TASK_ID=x", "SLURM_ARRAY_TASK_MIN=0", "SLURM_ARRAY_TASK_COUNT=2");
    expect_error("SLURM_ARRAY_TASK_ID='x'");
    ENV("SLURM_ARRAY_TASK_ID=4", "SLURM_ARRAY_TASK_MIN=0", "SLURM_ARRAY_TASK_COUNT=4");
    expect_error("shard 5 of 4");
    /* --array=1,3,7 (no step): IDs are not a range */
    ENV("SLURM_ARRAY_TASK_ID=7", "SLURM_ARRAY_TASK_MIN=1", "SLURM_ARRAY_TASK_COUNT=3");
    expect_error("shard 7 of 3");
    ENV("SLURM_ARRAY_TASK_ID=11", "SLURM_ARRAY_TASK_MIN=10", "SLURM_ARRAY_TASK_COUNT=3",
        "SLURM_ARRAY_TASK_STEP=3");
    expect_error("not MIN + k*STEP");
}

static void test_kubernetes(void **state)
{
    (void)state;
    ENV("JOB_COMPLETION_INDEX=0", "PYFAULT_SHARD_COUNT=3");
    expect_shard(1, 3);
    ENV("JOB_COMPLETION_INDEX=2", "PYFAULT_SHARD_COUNT=3");
    expect_shard(3, 3);
    ENV("JOB_COMPLETION_INDEX=3", "PYFAULT_SHARD_COUNT=3");
    expect_error("shard 4 of 3");
    ENV("JOB_COMPLETION_INDEX=1");
    expect_error("JOB_COMPLETION_INDEX is set but PYFAULT_SHARD_COUNT is not");
    ENV("JOB_COMPLETION_INDEX=1", "PYFAULT_SHARD_COUNT=0");
    expect_error("PYFAULT_SHARD_COUNT='0'");
}

static void test_gitlab(void **state)
{
    (void)state;
    ENV("CI_NODE_INDEX=1", "CI_NODE_TOTAL=5");
    expect_shard(1, 5);
    ENV("CI_NODE_INDEX=5", "CI_NODE_TOTAL=5");
    expect_shard(5, 5);
    ENV("CI_NODE_INDEX=0", "CI_NODE_TOTAL=5");
    expect_error("CI_NODE_INDEX='0'");
    ENV("CI_NODE_INDEX=6", "CI_NODE_TOTAL=5");
    expect_error("shard 6 of 5");
    ENV("CI_NODE_INDEX=2", "CI_NODE_TOTAL=2x");
    expect_error("CI_NODE_TOTAL='2x'");
}

/* Slurm's variables win over a CI job's that a task inherited. */
static void test_innermost_first(void **state)
{
    (void)state;
    ENV("CI_NODE_INDEX=2", "CI_NODE_TOTAL=2", "SLURM_ARRAY_TASK_ID=0",
        "SLURM_ARRAY_TASK_MIN=0", "SLURM_ARRAY_TASK_COUNT=3");
    expect_shard(1, 3);
    ENV("CI_NODE_INDEX=2", "CI_NODE_TOTAL=2", "JOB_COMPLETION_INDEX=0", "PYFAULT_SHARD_COUNT=4");
    expect_shard(1, 4);
}

static void test_none(void **state)
{
    (void)state;
    ENV("PYFAULT_SHARD_COUNT=4");
    expect_error("no scheduler's shard in the environment");
    /* An empty variable is no variable. */
    ENV("CI_NODE_INDEX=", "CI_NODE_TOTAL=3");
    expect_error("no scheduler's shard");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_slurm),
        cmocka_unit_test(test_slurm_errors),
        cmocka_unit_test(test_kubernetes),
        cmocka_unit_test(test_gitlab),
        cmocka_unit_test(test_innermost_first),
        cmocka_unit_test(test_none),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
