/*
 * test_tmpdir: the scratch directory control pages and event logs live
 * in. Under TMPDIR or /tmp, private (0700), and absolute under a
 * relative TMPDIR: its paths go into targets' environments (the page,
 * the log in the spec), and a target that changes directory, or a child
 * it runs there, must still find them. Of one length under any TMPDIR
 * that leaves room for it.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "tmpdir.h"

static void test_absolute_under_relative_tmpdir(void **state)
{
    (void)state;
    char base[] = "/tmp/pf-tmpdir-test.XXXXXX", cwd[PATH_MAX], dir[PATH_MAX];
    assert_non_null(mkdtemp(base));
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(base), 0);
    assert_int_equal(mkdir("scratch", 0700), 0);
    setenv("TMPDIR", "scratch", 1);
    assert_int_equal(pf_tmpdir_create(dir, sizeof dir), 0);
    unsetenv("TMPDIR");
    char want[PATH_MAX + 32];
    snprintf(want, sizeof want, "%s/scratch/pyfault.", base);
    assert_int_equal(strncmp(dir, want, strlen(want)), 0);
    struct stat st;
    assert_int_equal(chdir("/"), 0); /* found from elsewhere */
    assert_int_equal(stat(dir, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);
    pf_tmpdir_remove(dir);
    char scratch[PATH_MAX + 16];
    snprintf(scratch, sizeof scratch, "%s/scratch", base);
    assert_int_equal(rmdir(scratch), 0);
    assert_int_equal(rmdir(base), 0);
    assert_int_equal(chdir(cwd), 0);
}

static void test_too_long_tmpdir_says_so(void **state)
{
    (void)state;
    char dir[64];
    setenv("TMPDIR", "/tmp/a-name-far-too-long-for-the-buffer-it-is-given-here", 1);
    assert_int_equal(pf_tmpdir_create(dir, sizeof dir), -1);
    unsetenv("TMPDIR");
    assert_string_equal(dir, "TMPDIR too long");
}

/* A scratch directory under TMPDIR BASE, checked to be private, then
 * removed; its path's length. */
static size_t scratch_length(const char *base)
{
    char dir[PATH_MAX];
    setenv("TMPDIR", base, 1);
    assert_int_equal(pf_tmpdir_create(dir, sizeof dir), 0);
    unsetenv("TMPDIR");
    assert_int_equal(strncmp(dir, base, strlen(base)), 0);
    struct stat st;
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    pf_tmpdir_remove(dir);
    return strlen(dir);
}

/* Under TMPDIRs of different lengths the scratch directory has one length
 * (what a trial's environment holds of it, and a repro's elsewhere); a
 * TMPDIR with no room for that gives a longer one, not an error. */
static void test_one_length_under_any_short_tmpdir(void **state)
{
    (void)state;
    char base[] = "/tmp/pf-tmpdir-test.XXXXXX";
    assert_non_null(mkdtemp(base));
    char deeper[PATH_MAX], deepest[PATH_MAX];
    snprintf(deeper, sizeof deeper, "%s/a-somewhat-longer-folder", base);
    assert_int_equal(mkdir(deeper, 0700), 0);
    snprintf(deepest, sizeof deepest, "%s/%0100d", base, 7);
    assert_int_equal(mkdir(deepest, 0700), 0);

    assert_int_equal(scratch_length("/tmp"), PF_TMPDIR_WIDTH);
    assert_int_equal(scratch_length(base), PF_TMPDIR_WIDTH);
    assert_int_equal(scratch_length(deeper), PF_TMPDIR_WIDTH);
    assert_int_equal(scratch_length(deepest), strlen(deepest) + strlen("/pyfault.XXXXXX"));

    assert_int_equal(rmdir(deeper), 0);
    assert_int_equal(rmdir(deepest), 0);
    assert_int_equal(rmdir(base), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_absolute_under_relative_tmpdir),
        cmocka_unit_test(test_too_long_tmpdir_says_so),
        cmocka_unit_test(test_one_length_under_any_short_tmpdir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
