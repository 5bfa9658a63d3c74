/*
 * test_fork_engine: `pyfault sweep --engine fork` against the exec engine.
 * The same findings (class + signature) on a start-up sweep of Debian's
 * python3.11 -c pass in both modes (every 40th point; PYFAULT_FORK_STRIDE=1
 * for every point, about 5 minutes) and on a scenario with a
 * region, with the per-point agreement printed; the same on a script that
 * reads its own file past its failures (each trial its own file offset)
 * and on the compiler scenario, whose points are in the parse of its own
 * file (every 10th point); exec at every point of a
 * region where a second thread is alive, classified as exec classifies
 * it; exec at every point once the target has had a child of its own,
 * whose failures an exec'd trial's child makes, unless the children it
 * reaped counted none or far fewer than the point; a forked trial's own
 * children given its spec, as an exec'd trial's are; exec at every point
 * where the target has a writable shared mapping (an mmap, a
 * multiprocessing.Lock) or an interval timer armed (ITIMER_REAL,
 * ITIMER_PROF) or holds a descriptor whose state a fork shares (a pipe,
 * a socket, an eventfd, an epoll set), each class as exec's, counted in
 * exec_state; exec where a forked trial could not be given its own
 * counter, set, socket pair or memfd copy (the target's seccomp filter
 * denies the call), with why in the engine's error; every point forked where the target keeps copies of the
 * harness's stdout and stderr, each trial with its own pipes in them,
 * where it writes a memfd or a TemporaryFile (each trial a copy of its
 * own), and where the harness was given descriptors at 3 and 4; the
 * server ended where it holds a file lock; no trial holding what the
 * harness opened (libdw's files);
 * and a forked segfault that `pyfault repro` replays as a segfault.
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

#include "harness_cli.h"
#include "skipping.h"

#define PY "/usr/bin/python3.11"

/* "pyfault sweep --engine ENGINE ARGS..." -> results.json */
static json_t *sweep(const char *engine, const char *const *args)
{
    const char *head[] = {"--engine", engine, NULL};
    return harness_sweep_with(head, args);
}

static json_t *engine_of(json_t *j)
{
    return json_object_get(json_array_get(json_object_get(j, "targets"), 0), "engine");
}

static json_int_t engine_count(json_t *j, const char *key)
{
    return json_integer_value(json_object_get(engine_of(j), key));
}

/* The allocations the counting run of J's first target counted. */
static json_int_t counted(json_t *j)
{
    return json_integer_value(
        json_object_get(json_array_get(json_object_get(j, "targets"), 0), "allocations"));
}

/* How trial T ended, for a failure message: its subkind, what stopped
 * it and its time. Static storage. */
static const char *trial_how(json_t *t)
{
    static char how[160];
    snprintf(how, sizeof how, "subkind %s, stopped_by %s, %lld ms", harness_str(t, "subkind"),
             harness_str(t, "stopped_by"),
             (long long)json_integer_value(json_object_get(t, "duration_ms")));
    return how;
}

/* Prints the first trials at which EX and FK disagree (class or
 * signature), how each ended: what a missed finding came from. */
static void print_disagreements(json_t *ex, json_t *fk)
{
    json_t *te = json_object_get(ex, "trials"), *tf = json_object_get(fk, "trials");
    size_t i, shown = 0;
    json_t *a;
    printf("  allocations counted: exec %lld, fork %lld\n", (long long)counted(ex),
           (long long)counted(fk));
    json_array_foreach(te, i, a) {
        json_t *b = json_array_get(tf, i);
        if (!b || (strcmp(harness_str(a, "class"), harness_str(b, "class")) == 0 &&
                   strcmp(harness_str(a, "signature"), harness_str(b, "signature")) == 0))
            continue;
        printf("  point %lld %s: exec %s [%s] (%s)\n",
               (long long)json_integer_value(json_object_get(a, "point")), harness_str(a, "mode"),
               harness_str(a, "class"), harness_str(a, "signature"), trial_how(a));
        printf("    fork %s [%s] (%s)\n", harness_str(b, "class"), harness_str(b, "signature"),
               trial_how(b));
        if (++shown == 10)
            break;
    }
}

/* The two runs' findings are the same set; prints the per-point agreement
 * (trials at the same point and mode with the same class and signature),
 * and the trials that disagree when a finding is missed. */
static void expect_same_findings(const char *what, json_t *ex, json_t *fk)
{
    json_t *fe = json_object_get(ex, "findings"), *ff = json_object_get(fk, "findings");
    size_t i;
    json_t *f;
    json_array_foreach(fe, i, f) {
        if (!harness_has_finding(ff, f)) {
            print_disagreements(ex, fk);
            fail_msg("%s: the fork engine missed %s", what, harness_str(f, "signature"));
        }
    }
    json_array_foreach(ff, i, f) {
        if (!harness_has_finding(fe, f)) {
            print_disagreements(ex, fk);
            fail_msg("%s: the fork engine alone found %s", what, harness_str(f, "signature"));
        }
    }
    json_t *te = json_object_get(ex, "trials"), *tf = json_object_get(fk, "trials");
    assert_int_equal(json_array_size(te), json_array_size(tf));
    size_t agree = 0;
    json_t *a;
    json_array_foreach(te, i, a) {
        json_t *b = json_array_get(tf, i);
        if (json_integer_value(json_object_get(a, "point")) ==
                json_integer_value(json_object_get(b, "point")) &&
            strcmp(harness_str(a, "mode"), harness_str(b, "mode")) == 0 &&
            strcmp(harness_str(a, "class"), harness_str(b, "class")) == 0 &&
            strcmp(harness_str(a, "signature"), harness_str(b, "signature")) == 0)
            agree++;
    }
    printf("%s: %zu findings each; per-point agreement %zu/%zu; forked %lld, exec'd %lld "
           "(threads) + %lld (past the server's run)\n", what, json_array_size(fe), agree,
           json_array_size(te), (long long)engine_count(fk, "forked"),
           (long long)engine_count(fk, "exec_threads"), (long long)engine_count(fk, "exec_other"));
}

/* One sweep with each engine; returns the fork sweep's M. */
static json_int_t both_engines(const char *const *args, json_t **ex, json_t **fk)
{
    *ex = sweep("exec", args);
    *fk = sweep("fork", args);
    return counted(*fk);
}

static void test_startup_sweep_equivalence(void **state)
{
    (void)state;
    const char *stride = getenv("PYFAULT_FORK_STRIDE") ? getenv("PYFAULT_FORK_STRIDE") : "40";
    char what[64];
    snprintf(what, sizeof what, "start-up, every %sth point", stride);
    const char *args[] = {"--mode", "both", "--stride", stride, "--", PY, "-c", "pass", NULL};
    json_t *ex = sweep("exec", args);
    json_t *fk = sweep("fork", args);
    assert_string_equal(harness_str(engine_of(ex), "kind"), "exec");
    assert_string_equal(harness_str(engine_of(fk), "kind"), "fork");
    /* single-threaded all through start-up: only the points past the
     * server's run (the extension past M) are exec'd */
    assert_true(engine_count(fk, "forked") > 500);
    assert_int_equal(engine_count(fk, "exec_threads"), 0);
    assert_int_equal(engine_count(fk, "exec_state"), 0); /* its control page is no reason */
    assert_true(engine_count(fk, "exec_other") <= 2);
    expect_same_findings(what, ex, fk);
    json_decref(ex);
    json_decref(fk);
}

static void test_region_equivalence(void **state)
{
    (void)state;
    const char *script = project_path("tests/harness/data/fork_region.py");
    const char *args[] = {"--mode", "both", "--inject", "region", "--python", PY, script, NULL};
    json_t *ex, *fk;
    json_int_t m = both_engines(args, &ex, &fk);
    assert_true(m > 50);
    assert_int_equal(engine_count(fk, "forked"), 2 * m);
    expect_same_findings("region scenario", ex, fk);
    json_decref(ex);
    json_decref(fk);
}

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
            fail_msg("point %lld (%s): %s", (long long)json_integer_value(json_object_get(t, "point")),
                     harness_str(t, "mode"), harness_str(t, "signature"));
    }
    expect_same_findings("reading a file", ex, fk);
    json_decref(ex);
    json_decref(fk);
}

/* The compiler scenario's points are in the parse of its own file: the
 * server must reach them all, and agree with exec at each. */
static void test_compiler_scenario_equivalence(void **state)
{
    (void)state;
    const char *script = project_path("scenarios/compiler/compile_nomemory.py");
    const char *args[] = {"--mode", "oneshot", "--stride", "10", "--inject",
                          "site=_PyRun_SimpleFileObject", "--python", PY, script, NULL};
    json_t *ex, *fk;
    json_int_t m = both_engines(args, &ex, &fk);
    assert_true(m > 1000);
    assert_true(engine_count(fk, "forked") >= m / 10);
    assert_true(engine_count(fk, "exec_other") <= 2);
    expect_same_findings("compiler scenario, every 10th point", ex, fk);
    json_decref(ex);
    json_decref(fk);
}

static void test_threads_fall_back_to_exec(void **state)
{
    (void)state;
    const char *script = project_path("tests/harness/data/fork_threads.py");
    const char *args[] = {"--inject", "region", "--python", PY, script, NULL};
    json_t *ex, *fk;
    json_int_t m = both_engines(args, &ex, &fk);
    assert_true(m > 5);
    assert_int_equal(engine_count(fk, "forked"), 0);
    assert_int_equal(engine_count(fk, "exec_threads"), m);
    expect_same_findings("threads alive", ex, fk);
    json_decref(ex);
    json_decref(fk);
}

/* Every trial's class at its point and mode under fork is exec's. */
static void expect_same_classes(const char *what, json_t *ex, json_t *fk)
{
    json_t *te = json_object_get(ex, "trials"), *tf = json_object_get(fk, "trials");
    assert_int_equal(json_array_size(te), json_array_size(tf));
    size_t i;
    json_t *a;
    json_array_foreach(te, i, a) {
        json_t *b = json_array_get(tf, i);
        assert_int_equal(json_integer_value(json_object_get(a, "point")),
                         json_integer_value(json_object_get(b, "point")));
        if (strcmp(harness_str(a, "class"), harness_str(b, "class")) != 0)
            fail_msg("%s: point %lld %s: exec %s, fork %s (%s)", what,
                     (long long)json_integer_value(json_object_get(a, "point")),
                     harness_str(a, "mode"), harness_str(a, "class"), harness_str(b, "class"),
                     trial_how(b));
    }
}

/* targets/fork_wait: the child's allocations 6..10 fail in an exec'd
 * trial (exit 1), the parent's in a trial forked past the fork (abort). */
static void test_children_fall_back_to_exec(void **state)
{
    (void)state;
    const char *args[] = {"--mode", "both", "--", project_path("build/targets/fork_wait"), NULL};
    json_t *ex, *fk;
    json_int_t m = both_engines(args, &ex, &fk);
    assert_int_equal(m, 10);
    /* points 1..5 forked, 6..10 (after the fork) exec'd, both modes */
    assert_int_equal(engine_count(fk, "forked"), 10);
    assert_int_equal(engine_count(fk, "exec_threads"), 10);
    assert_true(json_is_null(json_object_get(engine_of(fk), "error")));
    expect_same_classes("a child of the target's own", ex, fk);
    expect_same_findings("a child of the target's own", ex, fk);
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

/* SCRIPT swept with OPTS and a region under both engines into EX and FK:
 * every exec'd trial ends as EXEC_CLASS, and each forked trial's class
 * at its point and mode is exec's. */
static void region_both_engines(const char *what, const char *script, const char *const *opts,
                                const char *exec_class, json_t **ex, json_t **fk)
{
    const char *args[16];
    size_t n = 0;
    for (; opts[n]; n++)
        args[n] = opts[n];
    args[n++] = "--inject";
    args[n++] = "region";
    args[n++] = "--python";
    args[n++] = PY;
    args[n++] = project_path(script);
    args[n] = NULL;
    json_int_t m = both_engines(args, ex, fk);
    assert_true(m > 10);
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(*ex, "trials"), i, t) {
        if (strcmp(harness_str(t, "class"), exec_class) != 0)
            fail_msg("%s: exec'd point %lld: %s, want %s", what,
                     (long long)json_integer_value(json_object_get(t, "point")),
                     harness_str(t, "class"), exec_class);
    }
    printf("%s: %zu trials; forked %lld, exec'd %lld (state) + %lld (threads) + %lld (other)\n",
           what, json_array_size(json_object_get(*fk, "trials")),
           (long long)engine_count(*fk, "forked"), (long long)engine_count(*fk, "exec_state"),
           (long long)engine_count(*fk, "exec_threads"), (long long)engine_count(*fk, "exec_other"));
    expect_same_classes(what, *ex, *fk);
}

/* A target with state a fork would share with the server (a writable
 * shared mapping, a pipe) or lose (an armed timer): no point forked,
 * every point the server reached exec'd and counted in exec_state, the
 * same class at each point as exec's. EXEC_CLASS: what every exec'd
 * trial ends as. */
static void expect_state_exec(const char *what, const char *script, const char *const *opts,
                              const char *exec_class)
{
    json_t *ex, *fk;
    region_both_engines(what, script, opts, exec_class, &ex, &fk);
    assert_int_equal(engine_count(fk, "forked"), 0);
    assert_int_equal(engine_count(fk, "exec_threads"), 0);
    assert_true(engine_count(fk, "exec_state") >= 1);
    assert_int_equal(engine_count(fk, "exec_state") + engine_count(fk, "exec_other"),
                     (json_int_t)json_array_size(json_object_get(fk, "trials")));
    json_decref(ex);
    json_decref(fk);
}

/* A flag in an mmap.mmap(-1, n): forked, the first trial's write reached
 * the server and every later trial (abort where exec says ok). */
static void test_shared_mapping_falls_back_to_exec(void **state)
{
    (void)state;
    const char *opts[] = {"--mode", "both", NULL};
    expect_state_exec("a writable shared mapping", "tests/harness/data/fork_shared_map.py", opts,
                      "ok");
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

/* A trial that cannot be given its own eventfd counter, epoll set,
 * socket pair or memfd copy (the target's seccomp filter, which forked
 * trials inherit, denies the system call after its set-up) does not run on sharing the
 * server's: it says so, and its point is exec'd and counted in
 * exec_state, the engine's error naming what and why. Every class is
 * exec's (ok). Before, each was forked on sharing it: 87 of 178 trials
 * aborted on an earlier trial's write (every one on the epoll set, all
 * but the first on the memfd). */
static void test_unforked_trials_fall_back_to_exec(void **state)
{
    (void)state;
#if !defined(__x86_64__)
    skip_because("fork_unforked.py denies x86-64 system call numbers");
#else
    static const char *const denied[] = {"eventfd2", "epoll_create1", "socketpair",
                                         "memfd_create"};
    static const char *const what_failed[] = {"an eventfd counter at fd ", "an epoll set at fd ",
                                              "a socket pair at fd ", "a nameless file's copy at fd "};
    const char *opts[] = {"--mode", "oneshot", NULL}; /* the same state in both */
    for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "a trial denied %s", denied[i]);
        setenv("FORK_DENY", denied[i], 1);
        json_t *ex, *fk;
        region_both_engines(what, "tests/harness/data/fork_unforked.py", opts, "ok", &ex, &fk);
        assert_int_equal(engine_count(fk, "forked"), 0);
        assert_true(engine_count(fk, "exec_state") > 10);
        assert_int_equal(engine_count(fk, "exec_state") + engine_count(fk, "exec_other"),
                         (json_int_t)json_array_size(json_object_get(fk, "trials")));
        const char *error = json_string_value(json_object_get(engine_of(fk), "error"));
        if (!error || !strstr(error, what_failed[i]) || !strstr(error, ": EPERM"))
            fail_msg("%s: engine error %s", what, error ? error : "null");
        json_decref(ex);
        json_decref(fk);
    }
    unsetenv("FORK_DENY");
#endif
}

/* SCRIPT swept with a region under both engines: every exec'd trial
 * ends as EXEC_CLASS, and every point the server reaches (not the
 * extension past M) is forked, with exec's class. */
static void expect_forked(const char *what, const char *script, const char *exec_class)
{
    const char *opts[] = {"--mode", "both", NULL};
    json_t *ex, *fk;
    region_both_engines(what, script, opts, exec_class, &ex, &fk);
    assert_int_equal(engine_count(fk, "exec_state"), 0);
    assert_true(engine_count(fk, "exec_other") <= 2);
    assert_int_equal(engine_count(fk, "forked") + engine_count(fk, "exec_other"),
                     (json_int_t)json_array_size(json_object_get(fk, "trials")));
    json_decref(ex);
    json_decref(fk);
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

/* /dev/null at fd 3, a pipe at fd 4, a file locked at fd 6 and an
 * eventfd at fd 7, given to the harness as make, a CI runner, `flock
 * FILE cmd` or `perf record` would: every trial holds them, forked as
 * exec'd (the old server's socket took fd 3), and every point still
 * forks (the lock is the harness's, not the target's; the eventfd, one
 * inode with every other, is told by its description: before, every
 * point under `perf record` was exec'd). */
static void test_inherited_descriptors_stay_forked(void **state)
{
    (void)state;
    for (int fd = 3; fd <= 7; fd++)
        if (fcntl(fd, F_GETFD) >= 0)
            skip_because("fds 3 to 7 are taken in this test process");
    char path[700];
    snprintf(path, sizeof path, "%s/lock", harness_tmpdir());
    int null = open("/dev/null", O_RDONLY), p[2];
    assert_int_equal(null, 3);
    assert_int_equal(pipe(p), 0);
    assert_int_equal(p[0], 4);
    int locked = open(path, O_RDWR | O_CREAT, 0600);
    assert_int_equal(locked, 6);
    assert_int_equal(flock(locked, LOCK_EX), 0);
    int counter = eventfd(0, 0);
    assert_int_equal(counter, 7);
    expect_forked("inherited descriptors", "tests/harness/data/fork_inherited_fd.py", "ok");
    close(counter);
    close(null);
    close(p[0]);
    close(p[1]);
    close(locked);
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

/* Every trial of either engine holds, below 512, fds 0-2 and what the
 * harness was given (what this process passes on: not close-on-exec),
 * and nothing the harness opened meanwhile: exec'd trials held libdw's
 * files (the interpreter, its debug file, libc) at 7-15, some trials and
 * not others, once the harness had named an earlier trial's frames. */
static void test_trials_hold_only_what_harness_was_given(void **state)
{
    (void)state;
    char want[256] = "0 1 2";
    for (int fd = 3; fd < 512; fd++) {
        int fl = fcntl(fd, F_GETFD);
        if (fl >= 0 && !(fl & FD_CLOEXEC))
            snprintf(want + strlen(want), sizeof want - strlen(want), " %d", fd);
    }
    char dir[700];
    snprintf(dir, sizeof dir, "%s/snaps", harness_tmpdir());
    assert_int_equal(mkdir(dir, 0700), 0);
    setenv("SNAPDIR", dir, 1);
    const char *args[] = {"--mode", "both", "--inject", "region", "--python", PY,
                          project_path("tests/harness/data/fd_snapshot.py"), NULL};
    json_t *ex, *fk;
    both_engines(args, &ex, &fk);
    unsetenv("SNAPDIR");
    size_t trials = json_array_size(json_object_get(ex, "trials")) +
                    json_array_size(json_object_get(fk, "trials"));
    json_decref(ex);
    json_decref(fk);
    DIR *d = opendir(dir);
    assert_non_null(d);
    size_t seen = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[1000], held[256] = "";
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        FILE *f = fopen(path, "r");
        assert_non_null(f);
        size_t n = fread(held, 1, sizeof held - 1, f);
        held[n] = '\0';
        fclose(f);
        if (strcmp(held, want) != 0)
            fail_msg("trial %s held %s, want %s", e->d_name, held, want);
        seen++;
    }
    closedir(d);
    /* the counting runs and the fork server's own run wrote one too */
    assert_true(seen >= trials);
}

static void test_forked_segfault_replays(void **state)
{
    (void)state;
    const char *args[] = {"--", project_path("build/targets/gate_unchecked_malloc"), NULL};
    char path[600];
    const char *full[] = {"sweep", "-q", "--engine", "fork", "--out", harness_tmpdir(), args[0],
                          args[1], NULL};
    snprintf(path, sizeof path, "%s/results.json", full[5]);
    struct proc_result r;
    harness_cli(full, &r, NULL);
    if (r.exit_code != 1)
        fail_msg("sweep: status %d, want 1 (segfaults): %s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    assert_non_null(j);
    assert_true(engine_count(j, "forked") >= 8);
    long seg = -1;
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(j, "trials"), i, t) {
        if (seg < 0 && strcmp(harness_str(t, "class"), "segfault") == 0)
            seg = (long)i;
    }
    json_decref(j);
    if (seg < 0)
        fail_msg("no forked trial segfaulted");
    char id[32];
    snprintf(id, sizeof id, "%ld", seg);
    const char *rargs[] = {"repro", path, id, "--times", "2", NULL};
    harness_cli(rargs, &r, NULL);
    if (r.exit_code != 0 || !strstr(r.out, "segfault"))
        fail_msg("repro: status %d: %s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forked_segfault_replays),
        cmocka_unit_test(test_threads_fall_back_to_exec),
        cmocka_unit_test(test_children_fall_back_to_exec),
        cmocka_unit_test(test_reaped_children_stay_forked),
        cmocka_unit_test(test_trials_pass_their_spec_on),
        cmocka_unit_test(test_shared_mapping_falls_back_to_exec),
        cmocka_unit_test(test_shared_lock_falls_back_to_exec),
        cmocka_unit_test(test_real_timer_falls_back_to_exec),
        cmocka_unit_test(test_prof_timer_falls_back_to_exec),
        cmocka_unit_test(test_shared_descriptors_fall_back_to_exec),
        cmocka_unit_test(test_channels_stay_forked),
        cmocka_unit_test(test_unforked_trials_fall_back_to_exec),
        cmocka_unit_test(test_asyncio_loop_stays_forked),
        cmocka_unit_test(test_trials_keep_their_pid),
        cmocka_unit_test(test_saved_streams_stay_forked),
        cmocka_unit_test(test_nameless_files_stay_forked),
        cmocka_unit_test(test_nameless_copies_are_as_at_the_stop),
        cmocka_unit_test(test_inherited_descriptors_stay_forked),
        cmocka_unit_test(test_lock_ends_server),
        cmocka_unit_test(test_trials_hold_only_what_harness_was_given),
        cmocka_unit_test(test_region_equivalence),
        cmocka_unit_test(test_file_offsets_private),
        cmocka_unit_test(test_compiler_scenario_equivalence),
        cmocka_unit_test(test_startup_sweep_equivalence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
