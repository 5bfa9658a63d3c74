/*
 * test_fork_engine: `pyfault sweep --engine fork` against the exec engine,
 * through the harness. The same findings (class + signature) on a
 * start-up sweep of Debian's python3.11 -c pass in both modes (every 40th
 * point; PYFAULT_FORK_STRIDE=1 for every point, about 5 minutes), on a
 * scenario with a region, and on the compiler scenario, whose points are
 * in the parse of its own file (every 10th point), with the per-point
 * agreement printed; exec at every point of a region where a second
 * thread is alive, or after the target's own child forked, classified as
 * exec classifies it; exec for the target's state (a writable shared
 * mapping) counted in exec_state, and where a forked trial could not be
 * given its own descriptions (a seccomp filter), with why in the engine's
 * error; descriptors the harness was given kept by every trial, and none
 * it opened itself (libdw's files); the same lengths of PYFAULT and
 * PYFAULT_CTL in every trial, forked or exec'd; the target's mappings
 * where an exec'd trial's are in every forked trial; and a forked segfault
 * that `pyfault repro` replays as a segfault. Which other states of the target fork or
 * exec is test_fork_state's.
 */
#include <dirent.h>
#include <errno.h>
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

/* A flag in an mmap.mmap(-1, n): forked, the first trial's write reached
 * the server and every later trial (abort where exec says ok). */
static void test_shared_mapping_falls_back_to_exec(void **state)
{
    (void)state;
    const char *opts[] = {"--mode", "both", NULL};
    expect_state_exec("a writable shared mapping", "tests/harness/data/fork_shared_map.py", opts,
                      "ok");
}

/* A trial that cannot be given its own eventfd counter, epoll set,
 * socket pair or memfd copy (the target's seccomp filter, which forked
 * trials inherit, denies the system call after its set-up) does not run
 * on sharing the server's: it says so, and its point is exec'd and counted in
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
                                              "a socket pair at fd ",
                                              "a nameless file's copy at fd "};
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

static void test_startup_sweep_equivalence(void **state)
{
    (void)state;
    const char *stride = getenv("PYFAULT_FORK_STRIDE") ? getenv("PYFAULT_FORK_STRIDE") : "40";
    char what[64];
    snprintf(what, sizeof what, "start-up, every %sth point", stride);
    const char *args[] = {"--mode", "both", "--stride", stride, "--", PY, "-c", "pass", NULL};
    json_t *ex = engine_sweep("exec", args);
    json_t *fk = engine_sweep("fork", args);
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

/* The lines of PATH, each once, in ROWS (at most MAX); returns how many. */
static int distinct_lines(const char *path, char rows[][64], int max)
{
    FILE *f = fopen(path, "r");
    char line[64];
    int n = 0;
    assert_non_null(f);
    while (fgets(line, sizeof line, f)) {
        int seen = 0;
        for (int i = 0; i < n && !seen; i++)
            seen = strcmp(rows[i], line) == 0;
        if (!seen && n < max)
            snprintf(rows[n++], 64, "%s", line);
    }
    fclose(f);
    return n;
}

/* Sets TMPDIR to a new folder made from TEMPLATE (into DIR); returns the
 * TMPDIR it had (malloc'd), or NULL. */
static char *tmpdir_switch(char *dir, const char *template)
{
    const char *was = getenv("TMPDIR");
    char *saved = was ? strdup(was) : NULL;
    strcpy(dir, template);
    if (!mkdtemp(dir))
        fail_msg("mkdtemp %s: %s", template, strerror(errno));
    setenv("TMPDIR", dir, 1);
    return saved;
}

/* CPython lays out its objects by the length of its environment's text:
 * a trial whose PYFAULT (nth=9, from=18113) or PYFAULT_CTL differed in
 * length from its fork server's could crash where the other did not (a
 * read of freed memory in python3.11's start-up). Every trial of both
 * sweeps, in both modes, sees the same two lengths, and so does a repro
 * of one, in the sweeps' TMPDIR and in a longer one (as on another
 * machine). */
static void test_trials_see_one_environment_width(void **state)
{
    (void)state;
    char out[700], rows[4][64], sweeps_tmp[64], repro_tmp[64];
    char *was = tmpdir_switch(sweeps_tmp, "/tmp/pfw.XXXXXX");
    const char *script = project_path("tests/harness/data/fork_env_width.py");
    const char *args[] = {"--inject", "region", "--mode", "both", "--python", PY, script, NULL};
    snprintf(out, sizeof out, "%s/widths", harness_tmpdir());
    setenv("ENV_WIDTH_OUT", out, 1);
    json_t *ex = engine_sweep("exec", args);
    json_t *fk = engine_sweep("fork", args);
    assert_true(engine_count(fk, "forked") >= 20);
    /* and a repro of a forked trial, padded to the sweep's spec_width */
    char results[700];
    snprintf(results, sizeof results, "%s/results.json", harness_tmpdir());
    assert_int_equal(json_dump_file(fk, results, 0), 0);
    const char *rargs[] = {"repro", results, "0", NULL};
    for (int elsewhere = 0; elsewhere < 2; elsewhere++) {
        if (elsewhere)
            free(tmpdir_switch(repro_tmp, "/tmp/pyfault-env-width-elsewhere.XXXXXX"));
        struct proc_result r;
        struct stat before, after;
        assert_int_equal(stat(out, &before), 0);
        harness_cli(rargs, &r, NULL);
        if (r.exit_code != 0)
            fail_msg("repro: status %d: %s%s", r.exit_code, r.out, r.err);
        proc_result_free(&r);
        assert_int_equal(stat(out, &after), 0);
        assert_true(after.st_size > before.st_size); /* it met its failure */
    }
    if (was)
        setenv("TMPDIR", was, 1);
    else
        unsetenv("TMPDIR");
    free(was);
    assert_int_equal(rmdir(sweeps_tmp), 0); /* and nothing left in them */
    assert_int_equal(rmdir(repro_tmp), 0);
    unlink(results);
    unsetenv("ENV_WIDTH_OUT");
    int n = distinct_lines(out, rows, 4);
    for (int i = 0; i < n; i++)
        printf("  PYFAULT and PYFAULT_CTL lengths seen: %s", rows[i]);
    assert_int_equal(n, 1);
    unlink(out);
    json_decref(ex);
    json_decref(fk);
}

/* qsort's order of two rows of plan_lines. */
static int row_order(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The lines of PATH that start with a plan ("nth=", "from="), sorted,
 * into ROWS (at most MAX); returns how many. */
static int plan_lines(const char *path, char rows[][160], int max)
{
    FILE *f = fopen(path, "r");
    char line[160];
    int n = 0;
    assert_non_null(f);
    while (fgets(line, sizeof line, f) && n < max)
        if (strncmp(line, "nth=", 4) == 0 || strncmp(line, "from=", 5) == 0)
            snprintf(rows[n++], 160, "%s", line);
    fclose(f);
    qsort(rows, (size_t)n, sizeof rows[0], row_order);
    return n;
}

/* Where the kernel places a target's mappings after its points is the
 * same in a forked trial as in an exec'd one: the fork server maps the
 * symbol tables of every object at its first stop, an exec'd trial those
 * of its backtrace at the failure, and a forked trial maps its own
 * control page; kept in the normal placement, they moved every later
 * mapping of the target's (an arena of python3.11's, where gh-151112's
 * double free then crashed otherwise in each engine), and every line of
 * targets/layout_after differed. Now the shim maps aside (aside.c). */
static void test_forked_trials_keep_exec_layout(void **state)
{
    (void)state;
    char out[2][700], rows[2][40][160];
    const char *engines[] = {"exec", "fork"};
    int n[2];
    for (int e = 0; e < 2; e++) {
        snprintf(out[e], sizeof out[e], "%s/layout.%s", harness_tmpdir(), engines[e]);
        const char *args[] = {"--mode", "both", "--",
                              project_path("build/targets/layout_after"), out[e], NULL};
        json_t *j = engine_sweep(engines[e], args);
        if (e == 1)
            assert_true(engine_count(j, "forked") >= 20);
        json_decref(j);
        n[e] = plan_lines(out[e], rows[e], 40);
        unlink(out[e]);
    }
    assert_true(n[0] >= 24); /* both modes at each of its points */
    assert_int_equal(n[0], n[1]);
    for (int i = 0; i < n[0]; i++)
        if (strcmp(rows[0][i], rows[1][i]) != 0)
            fail_msg("exec'd: %sforked: %s", rows[0][i], rows[1][i]);
    printf("  %d trials, each engine's mappings where the other's are\n", n[0]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forked_segfault_replays),
        cmocka_unit_test(test_threads_fall_back_to_exec),
        cmocka_unit_test(test_children_fall_back_to_exec),
        cmocka_unit_test(test_shared_mapping_falls_back_to_exec),
        cmocka_unit_test(test_unforked_trials_fall_back_to_exec),
        cmocka_unit_test(test_inherited_descriptors_stay_forked),
        cmocka_unit_test(test_trials_hold_only_what_harness_was_given),
        cmocka_unit_test(test_trials_see_one_environment_width),
        cmocka_unit_test(test_forked_trials_keep_exec_layout),
        cmocka_unit_test(test_region_equivalence),
        cmocka_unit_test(test_compiler_scenario_equivalence),
        cmocka_unit_test(test_startup_sweep_equivalence),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
