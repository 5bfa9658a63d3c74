/*
 * test_python: the shim on Debian's /usr/bin/python3.11 (an existing
 * build): counting, invisibility under CPython's own tests, the Python
 * helper against _testcapi, and the gh-134163 hang.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "skipping.h"
#include <jansson.h>

#include "pyfault.h"
#include "jsonlog.h"
#include "shimrun.h"

#define PYTHON "/usr/bin/python3.11"


/* Runs python ARGS with the pinned address layout in an environment of
 * its own: PATH, LD_PRELOAD=PRELOAD, PYFAULT=SPEC (empty when SPEC is
 * NULL), EXTRA ("NAME=VALUE", or NULL) and the pinned Python variables;
 * nothing of the runner's (CI's variables move allocation numbers and
 * addresses). */
static void run_python_extra(const char *python, const char *preload, const char *spec,
                             const char *extra, const char *const *args, struct proc_result *r)
{
    char *argv[16];
    int n = 0;
    argv[n++] = (char *)python;
    for (int i = 0; args[i] && n < 15; i++)
        argv[n++] = (char *)args[i];
    argv[n] = NULL;
    char *env[9];
    int e = 0;
    env[e++] = "PATH=/usr/bin:/bin";
    env[e++] = "PYTHONMALLOC=";
    env[e++] = "PYTHONHASHSEED=0";
    env[e++] = (char *)fmt("PYTHONPATH=%s", project_path("scenarios/lib"));
    env[e++] = (char *)fmt("LD_PRELOAD=%s", preload);
    env[e++] = (char *)(spec ? fmt("PYFAULT=%s", spec) : "PYFAULT=");
    if (extra)
        env[e++] = (char *)extra;
    env[e] = NULL;
    if (proc_run_clean(argv, env, r) != 0)
        fail_msg("cannot run %s", python);
}

/* run_python_extra with no EXTRA. */
static void run_python_env(const char *python, const char *preload, const char *spec,
                           const char *const *args, struct proc_result *r)
{
    run_python_extra(python, preload, spec, NULL, args, r);
}

/* Runs python ARGS with the pinned environment and address layout, with
 * or without the shim, and PYFAULT=SPEC when SPEC is given. */
static void run_python_on(const char *python, int with_shim, const char *spec,
                          const char *const *args, struct proc_result *r)
{
    run_python_env(python, with_shim ? shim_path() : "", spec, args, r);
}

/* Runs Debian's python3.11 ARGS, as run_python_on. */
static void run_python(int with_shim, const char *spec, const char *const *args,
                       struct proc_result *r)
{
    run_python_on(PYTHON, with_shim, spec, args, r);
}

static long long count_allocations(const char *const *args)
{
    char path[] = "/tmp/pyfault-test-py-XXXXXX";
    close(mkstemp(path));
    struct proc_result r;
    run_python(1, fmt("count,log=%s", path), args, &r);
    assert_int_equal(r.exit_code, 0);
    proc_result_free(&r);
    json_t *log = jsonlog_load(path);
    unlink(path);
    json_t *summary = jsonlog_find(log, "summary", 1);
    assert_non_null(summary);
    long long n = json_integer_value(json_object_get(summary, "allocations"));
    assert_int_equal(json_integer_value(json_object_get(summary, "injected")), 0);
    json_decref(log);
    return n;
}

static void test_counts_python_startup(void **state)
{
    (void)state;
    const char *args[] = {"-c", "pass", NULL};
    long long a = count_allocations(args);
    long long b = count_allocations(args);
    /* python -c pass makes thousands of allocator calls (the pymem layer),
     * and the same number every time with a pinned hash seed */
    assert_true(a > 5000);
    assert_int_equal(a, b);
}

/* Count-only mode is invisible: CPython's own regression tests give the
 * same outcome for every test case with and without the shim. */
static void test_count_mode_is_invisible(void **state)
{
    (void)state;
    const char *args[] = {project_path("tests/shim/data/run_unittests.py"),
                          "test_weakref", "test_gc", "test_exceptions",
                          "test_ctypes", NULL};
    struct proc_result plain, shim;
    run_python(0, NULL, args, &plain);
    run_python(1, "count", args, &shim);
    assert_int_equal(plain.exit_code, 0);
    assert_int_equal(shim.exit_code, 0);
    /* several hundred test cases ran */
    int lines = 0;
    for (const char *p = plain.out; *p; p++)
        lines += *p == '\n';
    assert_true(lines > 500);
    if (strcmp(plain.out, shim.out) != 0)
        fail_msg("outcomes differ with the shim loaded");
    proc_result_free(&plain);
    proc_result_free(&shim);
}

/* Runs Debian's python3.11 -c CODE with only PYTHONHASHSEED=0,
 * LD_PRELOAD=PRELOAD, PYFAULT=SPEC and PYFAULT_TEST_PAD=PAD in its
 * environment, address layout fixed; returns what it printed as a number. */
static long python_clean_number(const char *preload, const char *spec, const char *pad,
                                const char *code)
{
    char *argv[] = {PYTHON, "-c", (char *)code, NULL};
    char *env[] = {"PYTHONHASHSEED=0", (char *)fmt("LD_PRELOAD=%s", preload),
                   (char *)fmt("PYFAULT=%s", spec), (char *)fmt("PYFAULT_TEST_PAD=%s", pad),
                   NULL};
    struct proc_result r;
    if (proc_run_clean(argv, env, &r) != 0)
        fail_msg("cannot run %s", PYTHON);
    if (r.exit_code != 0 || r.err_len != 0)
        fail_msg("%s -c under LD_PRELOAD=%s PYFAULT=%s: status %d, stderr \"%s\"", PYTHON, preload,
                 spec, r.exit_code, r.err);
    long n = strtol(r.out, NULL, 10);
    proc_result_free(&r);
    return n;
}

/* sys.getallocatedblocks() after start-up is the same with the shim's
 * pymem hooks in place as without them: the shim makes CPython allocate
 * nothing. Compared under the shim in count mode, layer=pymem (hooks
 * installed) against layer=libc (none), so the raw allocator is
 * jemalloc in both and the environment the same size (log-max=10 against
 * =1: CPython keeps each variable as a bytes key and value, and an old
 * shim's 4 more blocks were two variables). Equal at every size of one
 * more variable (measured at 151 sizes, 0-1200 bytes).
 *
 * Without the shim the count is near, not equal: start-up fills sets
 * keyed by address (the ABC caches, we take it), whose tables grow
 * at an insertion that depends on how the addresses collide, and
 * glibc's addresses are not jemalloc's. Which way they collide moves
 * with the environment (a CI's: 10,048 without the shim and 10,047
 * under it; make's extra variables or one of 336-456 bytes: up to 4
 * apart either way). So that pair is held within NEAR_BLOCKS, with
 * LD_PRELOAD as many colons (an empty list to the loader). The
 * environment is the test's own, nothing of the runner's, and the shim's
 * path relative, so a clone's path counts for nothing either. */
#define PADS 7
#define NEAR_BLOCKS 8
static void test_allocated_blocks_as_without_shim(void **state)
{
    (void)state;
    const char *code = "import sys; print(sys.getallocatedblocks())";
    const char *shim = "build/libpyfault.so";
    const char *hooked = "count,layer=pymem,log-max=1";
    char colons[64];
    size_t len = strlen(shim);
    memset(colons, ':', len);
    colons[len] = '\0';
    for (int i = 0; i < PADS; i++) {
        char pad[PADS * 48];
        memset(pad, 'y', (size_t)(i * 48));
        pad[i * 48] = '\0';
        long with_hooks = python_clean_number(shim, hooked, pad, code);
        long no_hooks = python_clean_number(shim, "count,layer=libc,log-max=10", pad, code);
        long no_shim = python_clean_number(colons, hooked, pad, code);
        assert_true(no_shim > 1000);
        if (with_hooks != no_hooks)
            fail_msg("sys.getallocatedblocks() under the shim: %ld with the pymem hooks, %ld "
                     "without (padding %d)", with_hooks, no_hooks, i * 48);
        if (labs(with_hooks - no_shim) > NEAR_BLOCKS)
            fail_msg("sys.getallocatedblocks(): %ld without the shim, %ld under it (padding %d)",
                     no_shim, with_hooks, i * 48);
    }
}

/* The target's MALLOC_CONF is not for the shim's jemalloc: with
 * settings ours acts on (a background thread) and one it does not know,
 * Python under the shim in count mode has one thread and an empty
 * stderr, as without it (the old shim: two threads, and "<jemalloc>:
 * Invalid conf pair: bogus:1"). PYFAULT_MALLOC_CONF reaches ours. */
static void test_malloc_conf_not_ours(void **state)
{
    (void)state;
    const char *args[] = {"-c", "print(open('/proc/self/status').read().split('Threads:')[1].split()[0])",
                          NULL};
    const char *conf = "MALLOC_CONF=background_thread:true,bogus:1";
    struct proc_result plain, shim, ours;
    run_python_extra(PYTHON, "", "count", conf, args, &plain);
    run_python_extra(PYTHON, shim_path(), "count", conf, args, &shim);
    run_python_extra(PYTHON, shim_path(), "count", "PYFAULT_MALLOC_CONF=background_thread:true", args,
                     &ours);
    assert_int_equal(plain.exit_code, 0);
    assert_string_equal(plain.out, "1\n");
    if (shim.exit_code != 0 || strcmp(shim.out, plain.out) != 0 || strcmp(shim.err, "") != 0)
        fail_msg("MALLOC_CONF under the shim: status %d, threads %s, stderr \"%s\"", shim.exit_code,
                 shim.out, shim.err);
    assert_int_equal(ours.exit_code, 0);
    assert_string_equal(ours.out, "2\n");
    proc_result_free(&plain);
    proc_result_free(&shim);
    proc_result_free(&ours);
}

/* The same on the project's own builds, whose test suite has test_capi
 * (Debian's python3.11 ships none): it exercises PyMem_SetAllocator, the
 * debug hooks and set_nomemory itself, with the shim's hooks in place. */
static void test_count_mode_is_invisible_on_builds(void **state)
{
    (void)state;
    static const char *const builds[] = {"build/cpython/3.11-vanilla/python",
                                         "build/cpython/3.13-vanilla/python"};
    int ran = 0;
    for (size_t i = 0; i < sizeof builds / sizeof *builds; i++) {
        char py[4096];
        snprintf(py, sizeof py, "%s", project_path(builds[i]));
        if (access(py, X_OK) != 0)
            continue;
        char script[4096];
        snprintf(script, sizeof script, "%s", project_path("tests/shim/data/run_unittests.py"));
        const char *args[] = {script, "test_capi", "test_gc", "test_weakref",
                              "test_exceptions", NULL};
        struct proc_result plain, shim;
        run_python_on(py, 0, NULL, args, &plain);
        run_python_on(py, 1, "count", args, &shim);
        int lines = 0;
        for (const char *p = plain.out; *p; p++)
            lines += *p == '\n';
        print_message("%s: %d test cases\n", builds[i], lines);
        assert_true(lines > 500);
        if (strcmp(plain.out, shim.out) != 0)
            fail_msg("%s: outcomes differ with the shim loaded:\n%s\n---\n%s", builds[i],
                     plain.out, shim.out);
        proc_result_free(&plain);
        proc_result_free(&shim);
        ran++;
    }
    if (!ran)
        skip_because("no build/cpython/3.1x-vanilla (`make cpython` or `make run` builds them)");
}

/* scenarios/lib/pyfault.py counts exactly like _testcapi.set_nomemory. */
static void test_helper_matches_testcapi(void **state)
{
    (void)state;
    const char *script = project_path("tests/shim/data/nomemory_compare.py");
    const char *capi_args[] = {script, "_testcapi", NULL};
    const char *pf_args[] = {script, "pyfault", NULL};
    struct proc_result capi, pf;
    run_python(0, NULL, capi_args, &capi);
    run_python(1, "count", pf_args, &pf);
    if (capi.exit_code != 0)
        fail_msg("_testcapi run failed: %s", capi.err);
    if (pf.exit_code != 0)
        fail_msg("pyfault run failed: %s", pf.err);
    /* the line names the failing step for 150 start values */
    assert_true(strlen(capi.out) > 300);
    assert_string_equal(pf.out, capi.out);
    proc_result_free(&capi);
    proc_result_free(&pf);
}

static void test_helper_without_shim_says_so(void **state)
{
    (void)state;
    const char *args[] = {"-c", "import pyfault; pyfault.set_nomemory(0)", NULL};
    struct proc_result r;
    run_python(0, NULL, args, &r);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.err, "ShimNotLoaded: pyfault: libpyfault.so is not loaded"));
    proc_result_free(&r);
}

/* Numbers ctypes would wrap around (2**64 is 0: every allocation failing)
 * are refused, as _testcapi refuses what its C int cannot hold; the
 * largest fails nothing this script reaches. */
static void test_helper_refuses_bad_numbers(void **state)
{
    (void)state;
    const char *args[] = {"-c",
                          "import pyfault\n"
                          "for bad in ((2**64,), (1, 2**64 + 3), (-1,), (1.5,), ('3',)):\n"
                          "    try:\n"
                          "        pyfault.set_nomemory(*bad)\n"
                          "    except (OverflowError, ValueError, TypeError) as e:\n"
                          "        print(type(e).__name__)\n"
                          "pyfault.set_nomemory(2**64 - 1)\n"
                          "print([str(i) for i in range(3)])\n"
                          "pyfault.remove_mem_hooks()\n",
                          NULL};
    struct proc_result r;
    run_python(1, "count", args, &r);
    if (r.exit_code != 0)
        fail_msg("exit %d: %s", r.exit_code, r.err);
    assert_string_equal(r.out, "OverflowError\nOverflowError\nValueError\nTypeError\nTypeError\n['0', '1', '2']\n");
    proc_result_free(&r);
}

static void test_bad_spec_stops_python(void **state)
{
    (void)state;
    const char *args[] = {"-c", "print('ran')", NULL};
    struct proc_result r;
    run_python(1, "from=0", args, &r);
    assert_int_equal(r.exit_code, PYFAULT_EXIT_BADSPEC);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "'from=0'"));
    proc_result_free(&r);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Runs python -c pass under from=N with a control page; returns 1 when
 * the process is still running with a streak of failures at one site
 * that reached PYFAULT_LOOP_PARK (the gh-134163 loop: with a page, the
 * shim parks its thread there), 0 when it ended. */
static int hangs_under_from(long long n, const char *log_path)
{
    char path[] = "/tmp/pyfault-test-ctl-XXXXXX";
    int fd = mkstemp(path);
    assert_int_equal(ftruncate(fd, sizeof(struct pyfault_ctl)), 0);
    struct pyfault_ctl *page = mmap(NULL, sizeof *page, PROT_READ | PROT_WRITE,
                                    MAP_SHARED, fd, 0);
    close(fd);
    assert_true(page != MAP_FAILED);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int devnull = open("/dev/null", O_RDWR);
        dup2(devnull, 1);
        dup2(devnull, 2);
        setenv("LD_PRELOAD", shim_path(), 1);
        unsetenv("PYTHONMALLOC");
        setenv("PYTHONHASHSEED", "0", 1);
        setenv("PYFAULT_CTL", path, 1);
        setenv("PYFAULT", fmt("from=%lld,log=%s,log-max=200", n, log_path), 1);
        execl(PYTHON, PYTHON, "-c", "pass", (char *)NULL);
        _exit(127);
    }
    int hung = 0;
    double deadline = now_s() + 5.0;
    for (;;) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid)
            break;
        if (__atomic_load_n(&page->site_streak, __ATOMIC_RELAXED) >= PYFAULT_LOOP_PARK) {
            hung = 1;
            break;
        }
        if (now_s() > deadline)
            break;
        usleep(20000);
    }
    if (kill(pid, SIGKILL) == 0)
        waitpid(pid, NULL, 0);
    munmap(page, sizeof *page);
    unlink(path);
    return hung;
}

static void test_from_n_reproduces_gh134163(void **state)
{
    (void)state;
    const char *args[] = {"-c", "pass", NULL};
    long long total = count_allocations(args);
    char log_path[] = "/tmp/pyfault-test-hang-XXXXXX";
    close(mkstemp(log_path));
    long long found = 0;
    for (long long n = total / 10; n < total && !found; n += total / 60) {
        if (truncate(log_path, 0) != 0)
            fail_msg("truncate: %s", strerror(errno));
        if (hangs_under_from(n, log_path))
            found = n;
    }
    if (!found)
        fail_msg("no from=N in python -c pass hung (%lld allocations)", total);
    /* the failing allocation is the int for lasti, made in the eval loop */
    json_t *log = jsonlog_load(log_path);
    unlink(log_path);
    size_t fails = jsonlog_count(log, "fail");
    json_t *last = jsonlog_find(log, "fail", 1);
    assert_non_null(last);
    /* by then the process is in the loop */
    int last_at_lasti = strcmp(jsonlog_frame_sym(last, 0), "PyLong_FromLong") == 0 &&
                        strcmp(jsonlog_frame_sym(last, 1), "_PyEval_EvalFrameDefault") == 0;
    json_decref(log);
    print_message("from=%lld of %lld hangs in exception_unwind\n", found, total);
    assert_int_equal(fails, 200); /* log-max=200 */
    assert_true(last_at_lasti);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts_python_startup),
        cmocka_unit_test(test_count_mode_is_invisible),
        cmocka_unit_test(test_allocated_blocks_as_without_shim),
        cmocka_unit_test(test_malloc_conf_not_ours),
        cmocka_unit_test(test_count_mode_is_invisible_on_builds),
        cmocka_unit_test(test_helper_matches_testcapi),
        cmocka_unit_test(test_helper_without_shim_says_so),
        cmocka_unit_test(test_helper_refuses_bad_numbers),
        cmocka_unit_test(test_bad_spec_stops_python),
        cmocka_unit_test(test_from_n_reproduces_gh134163),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
