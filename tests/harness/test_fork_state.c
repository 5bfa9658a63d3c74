/*
 * test_fork_state: which states of a target the fork engine forks at and
 * which send its points to exec, each trial classified as an exec'd one
 * is. These are the shim's decisions (the shim is never sanitized), so
 * this runs in the plain build only; test_fork_engine covers the
 * harness's side in every build. Forked, with exec's class: a file read
 * on past the failure (each trial its own offset); a child the target
 * reaped that counted none or far fewer than the point; a trial's own
 * children given its spec, as an exec'd trial's are; a pipe, socket
 * pair, epoll set or eventfd (each trial its own); an asyncio loop; the
 * pid (each trial keeps the server's); saved copies of the harness's
 * stdout and stderr; nameless files (each trial a copy as at its stop).
 * Exec'd, counted in exec_state: a multiprocessing.Lock, an interval
 * timer armed (ITIMER_REAL, ITIMER_PROF), a descriptor whose state a fork
 * shares (a pty, a datagram pair, a FIFO, ...). The server ended where it
 * holds a file lock.
 */
#include <dirent.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "engines.h"
#include "harness_cli.h"
#include "skipping.h"

#define PY ENGINES_PY

/* A trial reads on, past its failure, from a file the fork server had
 * open: with a shared offset the server ran out of its script (every
 * later point exec'd) and a trial read lines out of order (an abort). */
static void test_file_offsets_private(void **state)
{
    (void)state;
    const char *script = project_path("tests/harness/data/fork_read_file.py");
    const char *args[] = {"--mode", "both", "--inject", "region", "--python", PY, script, NULL};
    json_t *ex, *fk;
    json_int_t m = both_engines(args, &ex, &fk);
    assert_true(m > 10);
    assert_int_equal(engine_count(fk, "forked"), 2 * m);
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(fk, "trials"), i, t) {
        if (strcmp(harness_str(t, "class"), "ok") != 0)
            fail_msg("point %lld (%s): %s",
                     (long long)json_integer_value(json_object_get(t, "point")),
                     harness_str(t, "mode"), harness_str(t, "signature"));
    }
    expect_same_findings("reading a file", ex, fk);
    json_decref(ex);
    json_decref(fk);
}

/* targets/spawn_wait: a child a trial starts after its point inherits
 * the trial's spec, as an exec'd trial's does, and fails its own Nth
 * allocation (the trial exits 1), whether it is given environ (execv) or
 * a copy made before the point (execve, posix_spawn: Python's
 * os.environ; execle, execvpe, fexecve, execveat, which reach the system
 * call inside libc); a forked trial's child counted under the server's
 * spec. */
static void test_trials_pass_their_spec_on(void **state)
{
    (void)state;
    static const char *const how[] = {"execv",   "execve",   "execle",     "execvpe",
                                      "fexecve", "execveat", "posix_spawn"};
    for (size_t k = 0; k < sizeof how / sizeof *how; k++) {
        const char *args[] = {"--mode", "both", "--", project_path("build/targets/spawn_wait"),
                              how[k], NULL};
        json_t *ex, *fk;
        assert_int_equal(both_engines(args, &ex, &fk), 5);
        assert_int_equal(engine_count(fk, "forked"), 10);
        size_t i;
        json_t *t;
        json_array_foreach(json_object_get(ex, "trials"), i, t) {
            json_int_t n = json_integer_value(json_object_get(t, "point"));
            if (n <= 5 && strcmp(harness_str(t, "class"), "error") != 0)
                fail_msg("%s: exec'd point %lld: %s, want error (the child failed)", how[k],
                         (long long)n, harness_str(t, "class"));
        }
        expect_same_classes(how[k], ex, fk);
        json_decref(ex);
        json_decref(fk);
    }
}

/* A multiprocessing.Lock a trial exits holding: forked, every later
 * trial waited for it in vain. The server's own control page is no such
 * mapping: a start-up sweep forks (test_startup_sweep_equivalence). */
static void test_shared_lock_falls_back_to_exec(void **state)
{
    (void)state;
    const char *opts[] = {"--mode", "both", NULL};
    expect_state_exec("a multiprocessing.Lock", "tests/harness/data/fork_shared_lock.py", opts,
                      "ok");
}

/* An ITIMER_REAL armed: forked, a trial slept on (hang) where exec'd ones
 * got SIGALRM, and the server got it instead. Points the server no
 * longer reaches once SIGALRM ended it are exec_other. */
static void test_real_timer_falls_back_to_exec(void **state)
{
    (void)state;
    const char *opts[] = {"--stride", "3", "--timeout", "5", NULL};
    expect_state_exec("an ITIMER_REAL armed", "tests/harness/data/fork_timer.py", opts, "signal");
}

/* An ITIMER_PROF armed: forked, trials ran out their busy loop (ok). */
static void test_prof_timer_falls_back_to_exec(void **state)
{
    (void)state;
    const char *opts[] = {"--stride", "3", "--timeout", "5", NULL};
    expect_state_exec("an ITIMER_PROF armed", "tests/harness/data/fork_timer_prof.py", opts,
                      "signal");
}

/* A pty, a nameless file too large to copy, a datagram socket pair, a
 * stream pair shut down one way, a named FIFO, a pipe in an
 * edge-triggered epoll set or a pipe's end opened again read-write, made
 * before the region: forked, the first trial's bytes would reach every
 * later one (abort where exec says ok). Each alone sends every point to
 * exec. */
static void test_shared_descriptors_fall_back_to_exec(void **state)
{
    (void)state;
    static const char *const kinds[] = {"pty",  "bigmemfd", "dgram",   "halfshut",
                                        "fifo", "edge",     "rdwrpipe"};
    const char *opts[] = {"--mode", "both", NULL};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "a shared descriptor (%s)", kinds[i]);
        setenv("FORK_SHARED_KIND", kinds[i], 1);
        expect_state_exec(what, "tests/harness/data/fork_shared_fd.py", opts, "ok");
    }
    unsetenv("FORK_SHARED_KIND");
}

/* A pipe, an AF_UNIX stream socket pair (also past 1,100 other
 * descriptors), a pair's end whose peer closed with bytes queued, an
 * epoll set, or an eventfd semaphore at two numbers in an epoll set, the
 * target made before the region: each trial is given its own, so every
 * point forks and ends ok, as exec'd. Before, each sent every point to
 * exec; shared, the first trial's bytes reached every later one (about
 * half aborted). */
static void test_channels_stay_forked(void **state)
{
    (void)state;
    static const char *const kinds[] = {"pipe",  "socket", "many", "closedpeer",
                                        "epoll", "eventfd"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "a channel of its own (%s)", kinds[i]);
        setenv("FORK_SHARED_KIND", kinds[i], 1);
        expect_forked(what, "tests/harness/data/fork_shared_fd.py", "ok");
    }
    unsetenv("FORK_SHARED_KIND");
}

/* Children the target ran and reaped before its region. Ones that
 * count no eligible allocation (/bin/true and a Python child, outside
 * any region) could not fail in an exec'd trial either: every point
 * forks (before: every one exec'd, for a child once had). A Python
 * child counting a few in a region of its own fails in an exec'd trial
 * at a point that low (error): those points exec, the ones well past
 * its count fork, and every class is exec's; the same for an os.fork()
 * child the kernel reaped (SIGCHLD ignored), whose usage the old check
 * went by: it forked every point, 32 of them ok where exec says error.
 * Forked children that exec a program the shim does not run in end at
 * their exec ("exec" in the log): every point forks, as for the first
 * kind (before: every one exec'd, as their start had no summary). An
 * os.fork() child that counts a few in a region and ends by os._exit,
 * as multiprocessing's workers do, writes its summary at _exit: it is
 * as the counting child (before: every point exec'd). */
static void test_reaped_children_stay_forked(void **state)
{
    (void)state;
    const char *script = project_path("tests/harness/data/fork_child_ran.py");
    const char *args[] = {"--mode", "both", "--inject", "region", "--python", PY, script, NULL};
    static const char *const kinds[] = {"few", "counting", "ignored", "bare", "quick"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        setenv("FORK_CHILD_KIND", kinds[i], 1);
        json_t *ex, *fk;
        json_int_t m = both_engines(args, &ex, &fk);
        json_int_t trials = (json_int_t)json_array_size(json_object_get(fk, "trials"));
        json_int_t errors = 0;
        size_t k;
        json_t *t;
        json_array_foreach(json_object_get(ex, "trials"), k, t)
            errors += strcmp(harness_str(t, "class"), "error") == 0;
        printf("children reaped (%s): %lld points, %lld exec'd trials error; forked %lld, "
               "exec'd %lld (children) + %lld (other)\n", kinds[i], (long long)m,
               (long long)errors, (long long)engine_count(fk, "forked"),
               (long long)engine_count(fk, "exec_threads"),
               (long long)engine_count(fk, "exec_other"));
        assert_true(m > 50);
        assert_int_equal(engine_count(fk, "exec_state"), 0);
        if (i == 0 || i == 3) {
            assert_int_equal(errors, 0);
            assert_int_equal(engine_count(fk, "exec_threads"), 0);
            assert_int_equal(engine_count(fk, "forked") + engine_count(fk, "exec_other"), trials);
        } else {
            assert_true(errors >= 4); /* the child fails at the low points */
            assert_true(engine_count(fk, "exec_threads") >= errors);
            assert_true(engine_count(fk, "forked") >= 10);
        }
        expect_same_classes(kinds[i], ex, fk);
        json_decref(ex);
        json_decref(fk);
    }
    unsetenv("FORK_CHILD_KIND");
}

/* An asyncio loop made before the region (its epoll set and socket
 * pair), a socket pair and a pipe with bytes queued: every point forked
 * (before: every one exec'd), each trial's class exec's (it aborts when
 * it reads another trial's bytes). Oneshot only, to keep it short: most
 * persistent trials of it run until an unwind-loop verdict. */
static void test_asyncio_loop_stays_forked(void **state)
{
    (void)state;
    const char *script = project_path("tests/harness/data/fork_asyncio.py");
    const char *args[] = {"--mode", "oneshot", "--inject", "region", "--python", PY, script, NULL};
    json_t *ex, *fk;
    json_int_t m = both_engines(args, &ex, &fk);
    assert_true(m > 100);
    printf("an asyncio loop: %lld points; forked %lld, exec'd %lld (state) + %lld (other)\n",
           (long long)m, (long long)engine_count(fk, "forked"),
           (long long)engine_count(fk, "exec_state"), (long long)engine_count(fk, "exec_other"));
    assert_int_equal(engine_count(fk, "exec_state"), 0);
    assert_true(engine_count(fk, "forked") >= m - 1);
    expect_same_classes("an asyncio loop", ex, fk);
    json_decref(ex);
    json_decref(fk);
}

/* What the target noted of its pid before the region, after it: asyncio's
 * running loop (found only in the pid that set it running), os.getpid(),
 * os.kill() of that pid (this process's handler runs, not the server's)
 * and a child's os.getppid(). Every point forked and ok, as exec'd; with
 * the old shim every forked trial raised "no running event loop". */
static void test_trials_keep_their_pid(void **state)
{
    (void)state;
    expect_forked("the pid", "tests/harness/data/fork_pid.py", "ok");
}

/* The harness's stdout and stderr saved as copies and fds 1 and 2 given
 * a file (pytest's capture does so): every point still forked, and each
 * trial's message through the saved stderr seen, as exec sees it. */
static void test_saved_streams_stay_forked(void **state)
{
    (void)state;
    expect_forked("saved streams", "tests/harness/data/fork_saved_streams.py", "fatal");
}

/* A memfd and a TemporaryFile written after the region: each forked
 * trial has a copy of its own as at the stop (no trial saw another's
 * mark; the old engine: abort at nearly every point), still forked; a
 * TemporaryFile at two numbers is one copy at both (one offset), a memfd
 * opened twice one copy under both descriptions, a sealed memfd's copy
 * sealed, and a 64 MiB hole copied as a hole (every point forked). */
static void test_nameless_files_stay_forked(void **state)
{
    (void)state;
    static const char *const kinds[] = {"memfd", "tmpfile", "dup", "twoopen", "sealed", "sparse"};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "a nameless file (%s)", kinds[i]);
        setenv("FORK_PRIVATE_KIND", kinds[i], 1);
        expect_forked(what, "tests/harness/data/fork_private_files.py", "ok");
    }
    unsetenv("FORK_PRIVATE_KIND");
}

/* A 12 MiB memfd the region writes into slot by slot: each forked trial
 * has it as it was at its stop, as an exec'd trial has (ok at every
 * point, every point forked). The server ran on while a trial copied
 * it, and the trial found a slot written after its stop (abort at 125
 * of 604 points); it now waits for the copies before it runs on. */
static void test_nameless_copies_are_as_at_the_stop(void **state)
{
    (void)state;
    const char *opts[] = {"--mode", "oneshot", NULL};
    json_t *ex, *fk;
    region_both_engines("a nameless file written at every stop",
                        "tests/harness/data/fork_copy_at_stop.py", opts, "ok", &ex, &fk);
    assert_int_equal(engine_count(fk, "exec_state"), 0);
    assert_true(engine_count(fk, "exec_other") <= 2);
    assert_true(engine_count(fk, "forked") > 500);
    json_decref(ex);
    json_decref(fk);
}

/* An flock the stopped server holds: a forked trial's own description
 * held none (error where exec says ok), an exec'd trial waited for the
 * server's (hang). The server is ended at the first such stop: no point
 * forked, every point exec'd, every class exec's. */
static void test_lock_ends_server(void **state)
{
    (void)state;
    const char *opts[] = {"--mode", "both", NULL};
    json_t *ex, *fk;
    region_both_engines("a lock held", "tests/harness/data/fork_lock.py", opts, "ok", &ex, &fk);
    assert_int_equal(engine_count(fk, "forked"), 0);
    assert_int_equal(engine_count(fk, "exec_other"),
                     (json_int_t)json_array_size(json_object_get(fk, "trials")));
    assert_true(json_is_null(json_object_get(engine_of(fk), "error")));
    json_decref(ex);
    json_decref(fk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reaped_children_stay_forked),
        cmocka_unit_test(test_trials_pass_their_spec_on),
        cmocka_unit_test(test_shared_lock_falls_back_to_exec),
        cmocka_unit_test(test_real_timer_falls_back_to_exec),
        cmocka_unit_test(test_prof_timer_falls_back_to_exec),
        cmocka_unit_test(test_shared_descriptors_fall_back_to_exec),
        cmocka_unit_test(test_channels_stay_forked),
        cmocka_unit_test(test_asyncio_loop_stays_forked),
        cmocka_unit_test(test_trials_keep_their_pid),
        cmocka_unit_test(test_saved_streams_stay_forked),
        cmocka_unit_test(test_nameless_files_stay_forked),
        cmocka_unit_test(test_nameless_copies_are_as_at_the_stop),
        cmocka_unit_test(test_lock_ends_server),
        cmocka_unit_test(test_file_offsets_private),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
