/*
 * test_atomic_file: the one writer of every results.json, report, merge
 * output and JUnit file. Whole or not at all: a full disk or a read-only
 * folder gives "PATH: strerror" and leaves the previous file as it was; a
 * link at the final name is replaced, never followed; the temp name is
 * fresh (O_EXCL) and goes away on failure; a file finished is renamed
 * only at its commit; a killed writer's temp files are found by name and
 * removed. Also the private-file helpers.
 */
#include <errno.h>
#include <fcntl.h>
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

#include "atomic_file.h"
#include "harness_cli.h"
#include "private_file.h"
#include "skipping.h"
#include "tmpdir.h"
#include "tmpfs.h"

/* Writes TEXT to PATH through the atomic writer; returns commit's result. */
static int write_text(const char *path, const char *text, char *err, size_t errlen)
{
    struct pf_atomic_file af;
    if (pf_atomic_open(&af, path, err, errlen) < 0)
        return -1;
    fputs(text, af.f);
    return pf_atomic_commit(&af, err, errlen);
}

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void expect_content(const char *path, const char *want)
{
    char *got = tmpfs_slurp(path);
    assert_non_null(got);
    assert_string_equal(got, want);
    free(got);
}

static void test_whole_file_and_mode(void **state)
{
    (void)state;
    char dir[512], path[600], err[1024];
    assert_int_equal(pf_tmpdir_create(dir, sizeof dir), 0);
    snprintf(path, sizeof path, "%s/results.json", dir);
    mode_t old = umask(027);
    assert_int_equal(write_text(path, "{}\n", err, sizeof err), 0);
    umask(old);
    expect_content(path, "{}\n");
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640); /* the umask's mode, not mkstemp's 0600 */
    assert_int_equal(harness_count_files(dir), 1);
    pf_tmpdir_remove(dir);
}

static void test_failed_writer_keeps_previous(void **state)
{
    (void)state;
    char dir[512], path[600], err[1024];
    assert_int_equal(pf_tmpdir_create(dir, sizeof dir), 0);
    snprintf(path, sizeof path, "%s/results.json", dir);
    put(path, "previous\n");
    struct pf_atomic_file af;
    assert_int_equal(pf_atomic_open(&af, path, err, sizeof err), 0);
    fputs("half a", af.f);
    assert_int_equal(pf_atomic_fail(&af, err, sizeof err), -1);
    assert_non_null(strstr(err, "/results.json: "));
    assert_null(strchr(err, '\n'));
    expect_content(path, "previous\n");
    assert_int_equal(pf_atomic_open(&af, path, err, sizeof err), 0);
    pf_atomic_abort(&af);
    expect_content(path, "previous\n");
    assert_int_equal(harness_count_files(dir), 1);
    pf_tmpdir_remove(dir);
}

static void test_link_at_final_name_replaced(void **state)
{
    (void)state;
    char dir[512], path[600], victim[600], err[1024];
    assert_int_equal(pf_tmpdir_create(dir, sizeof dir), 0);
    snprintf(path, sizeof path, "%s/junit.xml", dir);
    snprintf(victim, sizeof victim, "%s/victim", dir);
    put(victim, "untouched\n");
    assert_int_equal(symlink(victim, path), 0);
    assert_int_equal(write_text(path, "<x/>\n", err, sizeof err), 0);
    expect_content(victim, "untouched\n");
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    expect_content(path, "<x/>\n");
    pf_tmpdir_remove(dir);
}

/* finish, then commit: the new content reaches PATH only at the commit; a
 * finished file aborted leaves the previous one and no temp file */
static void test_finish_then_commit(void **state)
{
    (void)state;
    char dir[512], path[600], err[1024];
    assert_int_equal(pf_tmpdir_create(dir, sizeof dir), 0);
    snprintf(path, sizeof path, "%s/junit.xml", dir);
    put(path, "previous\n");
    struct pf_atomic_file af;
    assert_int_equal(pf_atomic_open(&af, path, err, sizeof err), 0);
    fputs("new\n", af.f);
    assert_int_equal(pf_atomic_finish(&af, err, sizeof err), 0);
    expect_content(path, "previous\n");
    expect_content(af.tmp, "new\n");
    assert_int_equal(pf_atomic_commit(&af, err, sizeof err), 0);
    expect_content(path, "new\n");
    assert_int_equal(harness_count_files(dir), 1);
    assert_int_equal(pf_atomic_open(&af, path, err, sizeof err), 0);
    fputs("newer\n", af.f);
    assert_int_equal(pf_atomic_finish(&af, err, sizeof err), 0);
    pf_atomic_abort(&af);
    expect_content(path, "new\n");
    assert_int_equal(harness_count_files(dir), 1);
    pf_tmpdir_remove(dir);
}

/* a killed writer's temp files (NAME.tmp. and six letters or digits,
 * regular files) go; other names, a link and a folder stay */
static void test_remove_stale(void **state)
{
    (void)state;
    char dir[512], path[600], name[700];
    assert_int_equal(pf_tmpdir_create(dir, sizeof dir), 0);
    snprintf(path, sizeof path, "%s/index.html", dir);
    static const char *const stale[] = {"index.html.tmp.aB3xY9", "index.html.tmp.000000"};
    static const char *const kept[] = {"index.html", "index.html.tmp.abcde", "index.html.tmp.abcdefg",
                                       "index.html.tmp.ab_def", "index.htm.tmp.abcdef"};
    for (size_t i = 0; i < sizeof stale / sizeof *stale; i++) {
        snprintf(name, sizeof name, "%s/%s", dir, stale[i]);
        put(name, "stale\n");
    }
    for (size_t i = 0; i < sizeof kept / sizeof *kept; i++) {
        snprintf(name, sizeof name, "%s/%s", dir, kept[i]);
        put(name, "kept\n");
    }
    snprintf(name, sizeof name, "%s/index.html.tmp.LINK00", dir);
    assert_int_equal(symlink("index.html", name), 0);
    snprintf(name, sizeof name, "%s/index.html.tmp.DIR000", dir);
    assert_int_equal(mkdir(name, 0700), 0);
    assert_int_equal(pf_atomic_remove_stale(path), 2);
    assert_int_equal(harness_count_files(dir), 7);
    expect_content(path, "kept\n");
    assert_int_equal(rmdir(name), 0);
    pf_tmpdir_remove(dir);
}

static void test_full_disk(void **state)
{
    char *mnt = *state;
    char path[600], err[1024];
    if (tmpfs_mount(mnt, TMPFS_DIRLEN, 64) < 0)
        skip_because(mnt);
    snprintf(path, sizeof path, "%s/results.json", mnt);
    put(path, "previous\n");
    assert_int_equal(tmpfs_fill(mnt), 0);
    size_t big = 200 * 1024;
    char *text = malloc(big + 1);
    assert_non_null(text);
    memset(text, 'x', big);
    text[big] = '\0';
    int rc = write_text(path, text, err, sizeof err);
    free(text);
    char want[700];
    snprintf(want, sizeof want, "%s: No space left on device", path);
    assert_int_equal(rc, -1);
    assert_string_equal(err, want);
    expect_content(path, "previous\n");
    assert_int_equal(harness_count_files(mnt), 2); /* results.json, fill */
    /* a tiny file fails as well: the error shows at flush or close */
    assert_int_equal(write_text(path, "{}\n", err, sizeof err), -1);
    assert_string_equal(err, want);
    expect_content(path, "previous\n");
    /* and at finish, before any rename */
    struct pf_atomic_file af;
    assert_int_equal(pf_atomic_open(&af, path, err, sizeof err), 0);
    fputs("{}\n", af.f);
    assert_int_equal(pf_atomic_finish(&af, err, sizeof err), -1);
    assert_string_equal(err, want);
    pf_atomic_abort(&af);
    expect_content(path, "previous\n");
    assert_int_equal(harness_count_files(mnt), 2);
}

static void test_read_only_folder(void **state)
{
    char *mnt = *state;
    char path[600], err[1024];
    if (tmpfs_mount(mnt, TMPFS_DIRLEN, 64) < 0)
        skip_because(mnt);
    snprintf(path, sizeof path, "%s/summary.md", mnt);
    put(path, "previous\n");
    assert_int_equal(tmpfs_remount_ro(mnt), 0);
    assert_int_equal(write_text(path, "new\n", err, sizeof err), -1);
    char want[700];
    snprintf(want, sizeof want, "%s: Read-only file system", path);
    assert_string_equal(err, want);
    expect_content(path, "previous\n");
}

static void test_private_files(void **state)
{
    (void)state;
    char dir[512], name[600], victim[600];
    assert_int_equal(pf_tmpdir_create(dir, sizeof dir), 0);
    struct stat st;
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    snprintf(name, sizeof name, "%s/log.0", dir);
    snprintf(victim, sizeof victim, "%s/victim", dir);
    put(victim, "untouched\n");
    assert_int_equal(symlink(victim, name), 0);
    /* a planted link: refused, never followed */
    assert_int_equal(pf_private_create(name, O_WRONLY), -1);
    assert_int_equal(errno, EEXIST);
    expect_content(victim, "untouched\n");
    /* made anew: the link goes, the file is ours alone */
    int fd = pf_private_recreate(name, O_WRONLY);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "log\n", 4), 4);
    close(fd);
    expect_content(victim, "untouched\n");
    assert_int_equal(lstat(name, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0600);
    /* a fresh temp name each time */
    char a[600], b[600];
    snprintf(a, sizeof a, "%s/t.XXXXXX.log", dir);
    snprintf(b, sizeof b, "%s/t.XXXXXX.log", dir);
    int fa = pf_private_temp(a, 4), fb = pf_private_temp(b, 4);
    assert_true(fa >= 0 && fb >= 0);
    assert_string_not_equal(a, b);
    assert_int_equal(fstat(fa, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    close(fa);
    close(fb);
    pf_tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_file_and_mode),
        cmocka_unit_test(test_failed_writer_keeps_previous),
        cmocka_unit_test(test_link_at_final_name_replaced),
        cmocka_unit_test(test_finish_then_commit),
        cmocka_unit_test(test_remove_stale),
        cmocka_unit_test_setup_teardown(test_full_disk, tmpfs_setup, tmpfs_teardown),
        cmocka_unit_test_setup_teardown(test_read_only_folder, tmpfs_setup, tmpfs_teardown),
        cmocka_unit_test(test_private_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
