/*
 * test_orphans: no process of a target outlives build/pyfault: not after
 * 1,000 trials, not after Ctrl-C, not after SIGKILL of the harness. The
 * target (targets/h_setsid) leaves a grandchild that called setsid, out of
 * reach of a process group kill; so do Python's start_new_session
 * subprocesses, exec'd or forked by the fork engine. Every process is
 * found by a marker in its argv, unique to the test, through /proc.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "clock.h"
#include "harness_cli.h"
#include "marked.h"
#include "tmpdir.h"

/* Fails unless no process carries MARK (killing any that does). */
static void expect_none(const char *mark)
{
    int left = marked_processes(mark, NULL, 1);
    if (left)
        fail_msg("%d process(es) left with marker %s", left, mark);
}

/* Waits up to SECONDS for no process to carry MARK; returns how many do. */
static int wait_none(const char *mark, double seconds)
{
    double end = pf_now_s() + seconds;
    int n;
    while ((n = marked_processes(mark, NULL, 0)) > 0 && pf_now_s() < end)
        usleep(20000);
    return n;
}

static void make_mark(char *mark, size_t len, const char *what)
{
    snprintf(mark, len, "pyfault-orphan-%s-%d-%ld", what, (int)getpid(), (long)time(NULL));
}

/* Starts "build/pyfault run -- h_setsid MARK 10 wait" with TMPDIR set to
 * SCRATCH, its output to /dev/null; returns once the target and its
 * setsid grandchild are both up. */
static pid_t start_waiting_run(const char *mark, const char *scratch)
{
    char target[4096];
    snprintf(target, sizeof target, "%s", project_path("build/targets/h_setsid"));
    const char *args[] = {"run", "--timeout", "60", "--", target, mark, "10", "wait", NULL};
    pid_t pid = harness_start(args, scratch);
    /* the target and its grandchild */
    double end = pf_now_s() + 20;
    while (marked_processes(mark, "h_setsid", 0) < 2 && pf_now_s() < end)
        usleep(20000);
    if (marked_processes(mark, "h_setsid", 0) < 2) {
        kill(pid, SIGKILL);
        marked_processes(mark, NULL, 1);
        fail_msg("the target and its grandchild did not start");
    }
    return pid;
}

static void test_thousand_trials(void **state)
{
    (void)state;
    char mark[128];
    make_mark(mark, sizeof mark, "sweep");
    /* 1,000 trials, each leaving a sleeping grandchild in its own session */
    const char *args[] = {"--range", "1:1000", "--", project_path("build/targets/h_setsid"), mark,
                          "1100", NULL};
    int status;
    double t0 = pf_now_s();
    json_t *j = harness_sweep_json(args, &status, NULL);
    double wall = pf_now_s() - t0;
    int left = marked_processes(mark, NULL, 1);
    json_t *trials = json_object_get(j, "trials");
    size_t n = json_array_size(trials);
    json_decref(j);
    printf("1000 trials in %.2f s, %d left\n", wall, left);
    assert_int_equal(n, 1000);
    assert_int_equal(left, 0);
    assert_true(status == 0 || status == 1);
}

static void test_python_new_session(void **state)
{
    (void)state;
    char mark[128], code[512];
    make_mark(mark, sizeof mark, "python");
    /* a real-world escape: subprocess in a session of its own, exec'd;
     * MARK is the shell's $0, an argument of its own */
    snprintf(code, sizeof code,
             "import subprocess, time\n"
             "subprocess.Popen(['/bin/sh', '-c', 'sleep 1000; :', '%s'], start_new_session=True)\n"
             "time.sleep(0.2)\n", mark);
    const char *args[] = {"run", "-q", "--", "/usr/bin/python3.11", "-c", code, NULL};
    struct proc_result r;
    harness_cli(args, &r, NULL);
    int left = marked_processes(mark, NULL, 1);
    if (r.exit_code != 0)
        fail_msg("status %d: %s", r.exit_code, r.err);
    proc_result_free(&r);
    assert_int_equal(left, 0);
}

/* The fork engine: what a forked trial sets loose in a session of its own
 * carries its runner's page name once exec'd (the fork server's before),
 * and goes when its trial ends, not at the sweep's end: at -j 2, never more than a few are alive
 * at once (one per trial in flight, one of the server's) while every
 * trial, 30 or more, starts one; and none is left after. */
/* 100 forked trials each leave a shell behind, detached by DETACH (a
 * Python statement run in the shell's process before its exec): each is
 * killed when its trial ends, not all at the sweep's end. */
static void check_fork_trials_set_loose(const char *detach)
{
    char mark[128], code[512];
    make_mark(mark, sizeof mark, "fork");
    /* the points are a region's, each failure caught, so that every
     * trial goes on to set its shell loose */
    snprintf(code, sizeof code,
             "import os, pyfault\n"
             "with pyfault.region():\n"
             "    for i in range(100):\n"
             "        try:\n"
             "            str(i) * 3\n"
             "        except MemoryError:\n"
             "            pass\n"
             "if os.fork() == 0:\n"
             "    %s\n"
             "    os.execv('/bin/sh', ['sh', '-c', 'sleep 1000; :', '%s'])\n", detach, mark);
    char out[4200];
    snprintf(out, sizeof out, "%s", harness_tmpdir());
    const char *args[] = {"sweep", "-q", "-j", "2", "--engine", "fork", "--mode", "oneshot",
                          "--inject", "region", "--out", out, "--", "/usr/bin/python3.11",
                          "-c", code, NULL};
    pid_t pid = harness_start(args, NULL);
    int most = 0, status;
    double deadline = pf_now_s() + 120;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (pf_now_s() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            marked_processes(mark, NULL, 1);
            fail_msg("the sweep did not end within 120 s");
        }
        int n = marked_processes(mark, "sh", 0);
        most = n > most ? n : most;
        struct timespec gap = {0, 20 * 1000 * 1000};
        nanosleep(&gap, NULL);
    }
    int left = marked_processes(mark, NULL, 1);
    printf("%s: at most %d set loose at once, %d left\n", detach, most, left);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) <= 1);
    char path[4300];
    snprintf(path, sizeof path, "%s/results.json", out);
    json_t *j = json_load_file(path, 0, NULL);
    assert_non_null(j);
    json_t *engine = json_object_get(json_array_get(json_object_get(j, "targets"), 0), "engine");
    assert_true(json_integer_value(json_object_get(engine, "forked")) >= 30);
    json_decref(j);
    assert_true(most >= 1);
    assert_true(most <= 5);
    assert_int_equal(left, 0);
}

static void test_fork_trials_set_loose(void **state)
{
    (void)state;
    check_fork_trials_set_loose("os.setsid()");
}

/* in our session still, but out of the trial's process group */
static void test_fork_trials_leave_group(void **state)
{
    (void)state;
    check_fork_trials_set_loose("os.setpgid(0, 0)");
}

static void test_ctrl_c(void **state)
{
    (void)state;
    char mark[128], scratch[600];
    make_mark(mark, sizeof mark, "sigint");
    snprintf(scratch, sizeof scratch, "%s", harness_tmpdir());
    pid_t pid = start_waiting_run(mark, scratch);
    kill(pid, SIGINT);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    /* nothing to wait for: the harness cleaned up before it exited */
    expect_none(mark);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 130);
    assert_int_equal(harness_count_files(scratch), 0);
    rmdir(scratch);
}

static void test_sigkill(void **state)
{
    (void)state;
    char mark[128], scratch[600];
    make_mark(mark, sizeof mark, "sigkill");
    snprintf(scratch, sizeof scratch, "%s", harness_tmpdir());
    pid_t pid = start_waiting_run(mark, scratch);
    kill(pid, SIGKILL);
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    /* the target dies with its parent (PDEATHSIG); the janitor kills the
     * grandchild, removes the scratch directory, and exits itself */
    double t0 = pf_now_s();
    int left = wait_none(mark, 5);
    printf("after SIGKILL: clean in %.0f ms\n", (pf_now_s() - t0) * 1000);
    expect_none(mark);
    assert_int_equal(left, 0);
    double end = pf_now_s() + 5;
    while (harness_count_files(scratch) != 0 && pf_now_s() < end)
        usleep(20000);
    assert_int_equal(harness_count_files(scratch), 0);
    rmdir(scratch);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_thousand_trials),
        cmocka_unit_test(test_python_new_session),
        cmocka_unit_test(test_fork_trials_set_loose),
        cmocka_unit_test(test_fork_trials_leave_group),
        cmocka_unit_test(test_ctrl_c),
        cmocka_unit_test(test_sigkill),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
