/*
 * test_bisect: real `git bisect run pyfault bisect-run` on a small C
 * program of our own (tests/support/gate_bisect_repo.sh: eight commits,
 * c2 drops a malloc NULL check, c3 breaks the build, c5 restores the
 * check): the regressing commit the ordinary way, the fixing commit with
 * --find-fix (with and without --term-old/--term-new), and every exit
 * code git can get: 0, 1, 125, 128, never a signal status; no process
 * of the build outlives bisect-run, killed by SIGTERM or SIGKILL; a
 * scenario that is a FIFO skipped at once, never waited on; and the
 * build log ($GIT_DIR/pyfault-bisect-build.log) is made anew whatever has
 * its name (a previous log, a link or a hard link to a file outside, a
 * FIFO, a device node): nothing outside is written, nothing is waited on,
 * and a failed build's tail is read back from the log bisect-run wrote,
 * not from what has the name by then.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "clock.h"
#include "gate_git.h"
#include "harness_cli.h"
#include "marked.h"
#include "skipping.h"
#include "tmpfs.h"

#define OPTS "--want segfault --inject from=1 -- ./app"
#define RUN "bisect-run " OPTS

static char repo[700];

static void sh(const char *script, char *const *env, struct proc_result *r)
{
    gate_git_sh(repo, script, env, r);
}

static const char *hash_of(const char *name)
{
    return gate_git_hash(repo, name);
}

static int setup(void **state)
{
    (void)state;
    snprintf(repo, sizeof repo, "%s/repo", harness_tmpdir());
    char *argv[] = {(char *)project_path("tests/support/gate_bisect_repo.sh"), repo, NULL};
    struct proc_result r;
    if (proc_run(argv, NULL, &r) < 0 || !r.exited || r.exit_code != 0)
        fail_msg("gate_bisect_repo.sh failed: %s", r.err);
    proc_result_free(&r);
    return 0;
}

static char *bisect(const char *start, const char *args)
{
    return gate_git_bisect(repo, "master", start, args, NULL);
}

static void expect_first(const char *out, const char *name, const char *term)
{
    gate_git_expect_first(repo, out, name, term);
}

static void test_finds_the_regression(void **state)
{
    (void)state;
    char start[256];
    snprintf(start, sizeof start, "git bisect start %s %s", hash_of("c4"), hash_of("c0"));
    char *out = bisect(start, RUN);
    expect_first(out, "c2", "bad");
    /* one line per step: commit, build time, classes, verdict */
    assert_non_null(strstr(out, "bisect-run: "));
    assert_non_null(strstr(out, " | build "));
    free(out);
}

static void test_find_fix(void **state)
{
    (void)state;
    char start[256];
    snprintf(start, sizeof start, "git bisect start %s %s", hash_of("c7"), hash_of("c2"));
    char *out = bisect(start, "bisect-run --find-fix " OPTS);
    expect_first(out, "c5", "bad");
    free(out);
}

static void test_find_fix_with_terms(void **state)
{
    (void)state;
    char start[512];
    snprintf(start, sizeof start,
             "git bisect start --term-old=broken --term-new=fixed && git bisect fixed %s && git bisect broken %s",
             hash_of("c7"), hash_of("c2"));
    char *out = bisect(start, "bisect-run --find-fix " OPTS);
    expect_first(out, "c5", "fixed");
    assert_non_null(strstr(out, "= still broken"));
    free(out);
}

/* bisect-run alone at commit NAME: its status and output. */
static void step(const char *name, const char *args, char *const *env, struct proc_result *r)
{
    char script[2048];
    snprintf(script, sizeof script, "git checkout -q %s && '%s' %s", hash_of(name),
             harness_bin(), args);
    sh(script, env, r);
}

static void test_exit_codes(void **state)
{
    (void)state;
    struct proc_result r;
    step("c0", RUN, NULL, &r);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "| error | good (exit 0): wanted class seen in 0 of 1 run\n"));
    proc_result_free(&r);

    /* the target dies of SIGSEGV (139 in a shell): git gets 1 */
    step("c2", RUN, NULL, &r);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.out, "| segfault, segfault | bad (exit 1): wanted class seen in 2 of 2 runs\n"));
    proc_result_free(&r);

    step("c2", "bisect-run --want segfault --signature no_such_frame --inject from=1 -- ./app", NULL, &r);
    assert_int_equal(r.exit_code, 0);
    proc_result_free(&r);

    step("c3", RUN, NULL, &r);
    assert_int_equal(r.exit_code, 125);
    assert_non_null(strstr(r.out, "skip (exit 125): does not build"));
    assert_non_null(strstr(r.err, "build failed: make"));
    assert_non_null(strstr(r.err, "  | ")); /* the log's tail */
    proc_result_free(&r);

    step("c2", "bisect-run --build false " "--want segfault -- ./app", NULL, &r);
    assert_int_equal(r.exit_code, 125);
    proc_result_free(&r);

    step("c2", "bisect-run --want segfault -- ./no-such-program", NULL, &r);
    assert_int_equal(r.exit_code, 125);
    proc_result_free(&r);

    char *env[] = {"PYFAULT_SHIM=/nonexistent/libpyfault.so", NULL};
    step("c2", RUN, env, &r);
    assert_int_equal(r.exit_code, 128);
    proc_result_free(&r);

    step("c2", "bisect-run --want crash -- ./app", NULL, &r);
    assert_int_equal(r.exit_code, 128);
    assert_true(harness_one_line(r.err));
    proc_result_free(&r);

    sh("git checkout -q master", NULL, &r);
    proc_result_free(&r);
}

/* A scenario that is a FIFO: "not a regular file" and skip (125), the
 * documented status for a target that cannot run, at once: no open(2)
 * waits for a writer (timeout -s KILL turns a hang into status 137). */
static void test_scenario_fifo(void **state)
{
    (void)state;
    char dir[600], fifo[700], script[2048];
    snprintf(dir, sizeof dir, "%s", harness_tmpdir());
    snprintf(fifo, sizeof fifo, "%s/sc.py", dir);
    assert_int_equal(mkfifo(fifo, 0666), 0);
    snprintf(script, sizeof script, "timeout -s KILL 20 '%s' bisect-run --build true "
             "--python /usr/bin/python3.11 '%s'", harness_bin(), fifo);
    struct proc_result r;
    sh(script, NULL, &r);
    if (r.exit_code != 125 || !strstr(r.err, "sc.py': not a regular file"))
        fail_msg("status %d, stderr '%s'", r.exit_code, r.err);
    assert_non_null(strstr(r.out, "skip (exit 125): cannot run the target"));
    proc_result_free(&r);
}

#define LOG_NAME ".git/pyfault-bisect-build.log"
#define OUTSIDE_TEXT "outside, untouched\n"

/* The build log's kinds of squatter: what is planted at its name. */
enum squatter { PREVIOUS_LOG, SYMLINK_OUT, HARDLINK_OUT, FIFO, DEVICE };

/* A file outside the repository (in a fresh temp folder) holding
 * OUTSIDE_TEXT, its path into OUT. */
static void make_outside(char *out, size_t outlen)
{
    snprintf(out, outlen, "%s/outside", harness_tmpdir());
    FILE *f = fopen(out, "w");
    assert_non_null(f);
    fputs(OUTSIDE_TEXT, f);
    assert_int_equal(fclose(f), 0);
}

/* Removes the file make_outside made and its folder. */
static void remove_outside(char *path)
{
    unlink(path);
    *strrchr(path, '/') = '\0';
    rmdir(path);
}

static void expect_text(const char *path, const char *want)
{
    char *text = tmpfs_slurp(path);
    assert_non_null(text);
    if (strcmp(text, want) != 0)
        fail_msg("%s was written: '%.200s'", path, text);
    free(text);
}

/* bisect-run at c0 with a planted KIND at the build log's name: it
 * builds and answers good within 60 s (a FIFO is never opened), the
 * outside file keeps its text, and the log is a fresh 0600 regular file
 * with this build's output only. */
static void build_log_over(enum squatter kind)
{
    char outside[700], log[800];
    make_outside(outside, sizeof outside);
    snprintf(log, sizeof log, "%s/" LOG_NAME, repo);
    unlink(log);
    int planted = 0;
    switch (kind) {
    case PREVIOUS_LOG: {
        FILE *f = fopen(log, "w");
        assert_non_null(f);
        fputs("the previous step's log\n", f);
        planted = fclose(f);
        break;
    }
    case SYMLINK_OUT: planted = symlink(outside, log); break;
    case HARDLINK_OUT: planted = link(outside, log); break;
    case FIFO: planted = mkfifo(log, 0600); break;
    case DEVICE:
        /* /dev/null's numbers, made here: harmless even if written */
        if (geteuid() != 0)
            skip_because("mknod needs root");
        planted = mknod(log, S_IFCHR | 0600, makedev(1, 3));
        break;
    }
    assert_int_equal(planted, 0);
    char script[2048];
    snprintf(script, sizeof script,
             "git checkout -q %s && timeout 60 '%s' bisect-run --build 'echo built-here && make' "
             OPTS, hash_of("c0"), harness_bin());
    struct proc_result r;
    sh(script, NULL, &r);
    if (!r.exited || r.exit_code != 0)
        fail_msg("bisect-run over a planted log: exit %d (124: it hung)\n%s%s", r.exit_code,
                 r.out, r.err);
    assert_non_null(strstr(r.out, "good (exit 0)"));
    proc_result_free(&r);
    expect_text(outside, OUTSIDE_TEXT);
    struct stat st;
    assert_int_equal(lstat(log, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(st.st_nlink, 1);
    char *text = tmpfs_slurp(log);
    assert_non_null(text);
    assert_non_null(strstr(text, "built-here"));
    assert_null(strstr(text, "previous step"));
    free(text);
    remove_outside(outside);
    sh("git checkout -q master", NULL, &r);
    proc_result_free(&r);
}

static void test_build_log_replaces_previous(void **state)
{
    (void)state;
    build_log_over(PREVIOUS_LOG);
}

static void test_build_log_symlink_not_followed(void **state)
{
    (void)state;
    build_log_over(SYMLINK_OUT);
}

static void test_build_log_hardlink_not_written(void **state)
{
    (void)state;
    build_log_over(HARDLINK_OUT);
}

static void test_build_log_fifo_not_opened(void **state)
{
    (void)state;
    build_log_over(FIFO);
}

static void test_build_log_device_not_opened(void **state)
{
    (void)state;
    build_log_over(DEVICE);
}

/* A failed build whose last act puts SQUATTER (shell commands, run in
 * the repository) at the log's name: bisect-run answers skip within 60 s
 * and its tail is the build's own output, from the log it wrote, never
 * what the name now leads to. */
static void tail_after_replaced_log(const char *squatter)
{
    char outside[700], script[4096];
    make_outside(outside, sizeof outside);
    snprintf(script, sizeof script,
             "git checkout -q %s && timeout 60 '%s' bisect-run --build "
             "'echo own-build-output; rm -f " LOG_NAME "; %s; exit 1' " OPTS,
             hash_of("c0"), harness_bin(), squatter);
    char *cmd = strdup(script);
    assert_non_null(cmd);
    /* the squatter may name the outside file as OUTSIDE */
    char *at = strstr(cmd, "OUTSIDE");
    if (at) {
        *at = '\0';
        snprintf(script, sizeof script, "%s'%s'%s", cmd, outside, at + strlen("OUTSIDE"));
    }
    free(cmd);
    struct proc_result r;
    sh(script, NULL, &r);
    if (!r.exited || r.exit_code != 125)
        fail_msg("bisect-run after the log was replaced: exit %d (124: it hung)\n%s%s",
                 r.exit_code, r.out, r.err);
    assert_non_null(strstr(r.err, "  | own-build-output"));
    assert_null(strstr(r.err, "outside, untouched"));
    proc_result_free(&r);
    expect_text(outside, OUTSIDE_TEXT);
    remove_outside(outside);
    sh("rm -f " LOG_NAME "; git checkout -q master", NULL, &r);
    proc_result_free(&r);
}

static void test_tail_not_read_through_a_fifo(void **state)
{
    (void)state;
    tail_after_replaced_log("mkfifo " LOG_NAME);
}

static void test_tail_not_read_through_a_link(void **state)
{
    (void)state;
    tail_after_replaced_log("ln -s OUTSIDE " LOG_NAME);
}

/* Waits up to SECONDS for at least WANT processes to carry MARK (WANT
 * 0: for none to); returns how many do. */
static int wait_marked(const char *mark, int want, double seconds)
{
    double end = pf_now_s() + seconds;
    int n;
    while ((n = marked_processes(mark, NULL, 0)), (want ? n < want : n > 0) && pf_now_s() < end)
        usleep(20000);
    return n;
}

/* Starts bisect-run in REPO, its stdout and stderr into OUT, with a
 * build that sets loose three sleepers with MARK as their argument: two
 * in its process group, one in a session of its own (setsid), and waits
 * on the last. Returns once all three are up. */
static pid_t start_build_with_sleepers(const char *mark, const char *out)
{
    char build[512];
    snprintf(build, sizeof build, "sleep %s & setsid sleep %s & sleep %s; make", mark, mark, mark);
    const char *bin = harness_bin();
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0 || chdir(repo) < 0)
            _exit(127);
        dup2(fd, 1);
        dup2(fd, 2);
        execl(bin, bin, "bisect-run", "--build", build, "--want", "segfault", "--", "./app",
              (char *)NULL);
        _exit(127);
    }
    if (wait_marked(mark, 3, 20) < 3) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        marked_processes(mark, NULL, 1);
        fail_msg("the build's sleepers did not start");
    }
    return pid;
}

/* Kills bisect-run with SIG during a build that left sleepers; returns
 * its wait status, and fails unless every sleeper is gone within 5 s. */
static int kill_during_build(int sig, char *out, size_t outlen)
{
    char mark[64], dir[600], log[700];
    /* a sleep argument no other test run shares: 9317.<pid><signal> s */
    snprintf(mark, sizeof mark, "9317.%d%d", (int)getpid(), sig);
    snprintf(dir, sizeof dir, "%s", harness_tmpdir());
    snprintf(log, sizeof log, "%s/bisect-run.out", dir);
    pid_t pid = start_build_with_sleepers(mark, log);
    kill(pid, sig);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    int left = wait_marked(mark, 0, 5);
    marked_processes(mark, NULL, 1);
    FILE *f = fopen(log, "re");
    size_t n = f ? fread(out, 1, outlen - 1, f) : 0;
    out[n] = '\0';
    if (f)
        fclose(f);
    unlink(log);
    rmdir(dir);
    if (left)
        fail_msg("%d of the build's processes outlived bisect-run (%s)", left, strsignal(sig));
    return st;
}

/* SIGTERM while building: the build's whole tree goes (its group, and
 * what left it), and git is told 128 with one line saying why. */
static void test_sigterm_during_build(void **state)
{
    (void)state;
    char out[4096];
    int st = kill_during_build(SIGTERM, out, sizeof out);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 128);
    assert_non_null(strstr(out, "broken (exit 128): interrupted"));
}

/* SIGKILL while building: the build's shell dies with bisect-run (its
 * lifeline), the scratch directory's janitor kills the rest. */
static void test_sigkill_during_build(void **state)
{
    (void)state;
    char out[4096];
    int st = kill_during_build(SIGKILL, out, sizeof out);
    assert_true(WIFSIGNALED(st));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_finds_the_regression),
        cmocka_unit_test(test_find_fix),
        cmocka_unit_test(test_find_fix_with_terms),
        cmocka_unit_test(test_exit_codes),
        cmocka_unit_test(test_scenario_fifo),
        cmocka_unit_test(test_build_log_replaces_previous),
        cmocka_unit_test(test_build_log_symlink_not_followed),
        cmocka_unit_test(test_build_log_hardlink_not_written),
        cmocka_unit_test(test_build_log_fifo_not_opened),
        cmocka_unit_test(test_build_log_device_not_opened),
        cmocka_unit_test(test_tail_not_read_through_a_fifo),
        cmocka_unit_test(test_tail_not_read_through_a_link),
        cmocka_unit_test(test_sigterm_during_build),
        cmocka_unit_test(test_sigkill_during_build),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
