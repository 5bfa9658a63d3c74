/*
 * test_private_files: symlinks planted at every name a reader could guess
 * are never followed. In the output folder: the temp names of the old
 * scheme (NAME.tmp.PID, the pid known in advance by forking first) and the
 * final names, and the folder's lock file (refused); in a repository's
 * git dir: bisect-run's build log. The link's target stays untouched.
 * The scratch directory is 0700 and its control page and event log 0600
 * regular files of ours.
 */
#include <fcntl.h>
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "clock.h"
#include "harness_cli.h"
#include "tmpdir.h"
#include "tmpfs.h"

#define UNTOUCHED "untouched\n"

static const char *const outputs[] = {"results.json", "junit.xml", "summary.md", "index.html",
                                      "result.json", "journal.jsonl"};
#define NOUTPUTS (sizeof outputs / sizeof outputs[0])

static void put(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static void expect_untouched(const char *victim)
{
    char *text = tmpfs_slurp(victim);
    assert_non_null(text);
    if (strcmp(text, UNTOUCHED) != 0)
        fail_msg("%s was written through a planted link: '%.80s'", victim, text);
    free(text);
}

/* Runs build/pyfault ARGV[1..] in a child that first plants, in OUT,
 * links to VICTIM at every NAME.tmp.PID with its own pid (which exec
 * keeps); returns the exit status. */
static int run_planted(char *const argv[], const char *out, const char *victim)
{
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        for (size_t i = 0; i < NOUTPUTS; i++) {
            char link[4200];
            snprintf(link, sizeof link, "%s/%s.tmp.%d", out, outputs[i], (int)getpid());
            if (symlink(victim, link) < 0)
                _exit(126);
        }
        int null = open("/dev/null", O_RDWR);
        dup2(null, 1);
        dup2(null, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    return WEXITSTATUS(st);
}

static void test_output_folder(void **state)
{
    (void)state;
    char out[600], victim[700], final_victim[700];
    snprintf(out, sizeof out, "%s", harness_tmpdir());
    snprintf(victim, sizeof victim, "%s/victim", out);
    snprintf(final_victim, sizeof final_victim, "%s/final-victim", out);
    put(victim, UNTOUCHED);
    put(final_victim, UNTOUCHED);
    /* a link at a final name is replaced by the file, not written through */
    char link[700];
    snprintf(link, sizeof link, "%s/summary.md", out);
    assert_int_equal(symlink(final_victim, link), 0);

    char pyfault[4096], target[4096], json[700];
    snprintf(pyfault, sizeof pyfault, "%s", harness_bin());
    snprintf(target, sizeof target, "%s", project_path("build/targets/h_exit0"));
    char *sweep[] = {pyfault, "sweep", "-q", "--range", "1:5", "--out", out, "--", target, NULL};
    assert_int_equal(run_planted(sweep, out, victim), 0);
    expect_untouched(victim);
    expect_untouched(final_victim);
    snprintf(json, sizeof json, "%s/result.json", out);
    char *run[] = {pyfault, "run", "-q", "--json", json, "--", target, NULL};
    assert_int_equal(run_planted(run, out, victim), 0);
    expect_untouched(victim);
    char *report[] = {pyfault, "report", out, NULL};
    assert_int_equal(run_planted(report, out, victim), 0);
    expect_untouched(victim);
    for (size_t i = 0; i < NOUTPUTS; i++) {
        char path[700];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", out, outputs[i]);
        assert_int_equal(lstat(path, &st), 0);
        if (!S_ISREG(st.st_mode))
            fail_msg("%s is not a regular file", path);
    }
    /* three runs' planted links, the six outputs, the two victims, the
     * sweep's lock file */
    assert_int_equal(harness_count_files(out), 3 * (int)NOUTPUTS + (int)NOUTPUTS + 3);
}

/* A link planted at the output folder's lock file is refused, not
 * followed: the sweep stops before it writes anything. */
static void test_lock_file_link(void **state)
{
    (void)state;
    char out[600], victim[700], link[700], want[800];
    snprintf(out, sizeof out, "%s", harness_tmpdir());
    snprintf(victim, sizeof victim, "%s/victim", out);
    snprintf(link, sizeof link, "%s/.lock", out);
    put(victim, UNTOUCHED);
    assert_int_equal(symlink(victim, link), 0);
    const char *sweep[] = {"sweep", "-q", "--range", "1:5", "--out", out, "--",
                           project_path("build/targets/h_exit0"), NULL};
    snprintf(want, sizeof want, "--out %s/.lock: a symbolic link, not followed", out);
    harness_expect_usage_error(sweep, want);
    expect_untouched(victim);
    assert_int_equal(harness_count_files(out), 2); /* no journal, no results */
}

/* Runs COMMAND with sh in DIR; fails the test unless it exits 0. */
static void sh_in(const char *dir, const char *command)
{
    char line[2048];
    snprintf(line, sizeof line, "cd '%s' && %s", dir, command);
    char *argv[] = {"/bin/sh", "-c", line, NULL};
    struct proc_result r;
    assert_int_equal(proc_run(argv, NULL, &r), 0);
    if (!r.exited || r.exit_code != 0)
        fail_msg("'%s' failed: %s", command, r.err);
    proc_result_free(&r);
}

static void test_bisect_build_log(void **state)
{
    (void)state;
    char repo[600], victim[700], log[700];
    snprintf(repo, sizeof repo, "%s", harness_tmpdir());
    sh_in(repo, "git init -q . && echo x > f && git add f && "
                "git -c user.email=t@t -c user.name=t commit -qm one");
    snprintf(victim, sizeof victim, "%s/victim", repo);
    put(victim, UNTOUCHED);
    snprintf(log, sizeof log, "%s/.git/pyfault-bisect-build.log", repo);
    assert_int_equal(symlink(victim, log), 0);
    char command[4096];
    snprintf(command, sizeof command, "'%s' bisect-run --build 'echo built' -- '%s' >/dev/null",
             harness_bin(), project_path("build/targets/h_exit0"));
    sh_in(repo, command);
    expect_untouched(victim);
    struct stat st;
    assert_int_equal(lstat(log, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0600);
    char *text = tmpfs_slurp(log);
    assert_non_null(text);
    assert_non_null(strstr(text, "built"));
    free(text);
    sh_in(repo, "rm -rf .git f victim");
    rmdir(repo);
}

/* The one pyfault.* directory in TMP, into OUT; 0 when there is one. */
static int scratch_of(const char *tmp, char *out, size_t outlen)
{
    DIR *d = opendir(tmp);
    if (!d)
        return -1;
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) != NULL)
        if (strncmp(e->d_name, "pyfault.", 8) == 0 && n++ == 0)
            snprintf(out, outlen, "%.400s/%.200s", tmp, e->d_name);
    closedir(d);
    return n == 1 ? 0 : -1;
}

static void expect_private(const char *path, mode_t mode)
{
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    assert_int_equal(st.st_uid, getuid());
    if ((st.st_mode & 07777) != mode)
        fail_msg("%s: mode %o, wanted %o", path, (unsigned)(st.st_mode & 07777), (unsigned)mode);
}

static void test_scratch_folder(void **state)
{
    (void)state;
    char tmp[600], scratch[700] = "", path[800] = "";
    snprintf(tmp, sizeof tmp, "%s", harness_tmpdir());
    const char *args[] = {"run", "--timeout", "30", "--", project_path("build/targets/h_pause"),
                          NULL};
    pid_t pid = harness_start(args, tmp);
    /* while the target runs: the scratch folder and its two files */
    double end = pf_now_s() + 10;
    while (pf_now_s() < end) {
        if (scratch_of(tmp, scratch, sizeof scratch) == 0) {
            snprintf(path, sizeof path, "%s/log.0000", scratch);
            if (access(path, F_OK) == 0)
                break;
        }
        usleep(10000);
    }
    expect_private(scratch, 0700);
    expect_private(path, 0600);
    snprintf(path, sizeof path, "%s/ctl.0000", scratch);
    expect_private(path, 0600);
    kill(pid, SIGINT);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_int_equal(harness_count_files(tmp), 0);
    rmdir(tmp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_output_folder),
        cmocka_unit_test(test_lock_file_link),
        cmocka_unit_test(test_bisect_build_log),
        cmocka_unit_test(test_scratch_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
