/*
 * test_races: the shim's shared state under threads, seen from real
 * processes: site= and dso= filters resolved while several threads
 * allocate (and the filter code under ThreadSanitizer), failure streaks
 * of several threads, and children forked while the plan is re-armed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "jsonlog.h"
#include "shimrun.h"
#include "skipping.h"

#define SITE_THREADS 4
#define SITE_PER_THREAD 10000
#define SITE_RUNS 25

/* site_threads under SPEC: its three numbers. */
static void site_threads(const char *spec, unsigned long long *eligible,
                         unsigned long long *site_failed, unsigned long long *plain_failed)
{
    struct proc_result r;
    const char *args[] = {fmt("%d", SITE_THREADS), fmt("%d", SITE_PER_THREAD), NULL};
    run_target("site_threads", spec, args, NULL, &r);
    if (!r.exited || r.exit_code != 0)
        fail_msg("%s: exit %d signal %d\n%s%s", spec, r.exit_code, r.signal, r.out, r.err);
    *eligible = read_number(r.out, "eligible ");
    *site_failed = read_number(r.out, "site failed ");
    *plain_failed = read_number(r.out, "plain failed ");
    proc_result_free(&r);
}

/* Threads that start together, the site unresolved until the first of
 * them allocates: every run counts exactly the site's allocations, and
 * from=K fails exactly the last ones. */
static void test_site_filter_threads(void **state)
{
    (void)state;
    const unsigned long long total = SITE_THREADS * SITE_PER_THREAD;
    const unsigned long long from = total / 2;
    for (int run = 0; run < SITE_RUNS; run++) {
        unsigned long long e, s, p;
        site_threads(fmt("site=site_threads_alloc,from=%llu", from), &e, &s, &p);
        assert_int_equal(e, total);
        assert_int_equal(s, total - from + 1);
        assert_int_equal(p, 0);
    }
}

/* dso= naming the program itself: both kinds are eligible (plus what
 * pthread_create allocates for each thread), nothing fails in count mode. */
static void test_dso_filter_threads(void **state)
{
    (void)state;
    for (int run = 0; run < SITE_RUNS / 5; run++) {
        unsigned long long e, s, p;
        site_threads("dso=site_threads", &e, &s, &p);
        assert_in_range(e, 2 * SITE_THREADS * SITE_PER_THREAD,
                        2 * SITE_THREADS * SITE_PER_THREAD + 4 * SITE_THREADS);
        assert_int_equal(s + p, 0);
    }
}

/* The filters' own code (unwind.c, dso.c, symtab.c) under
 * ThreadSanitizer: four threads ask from an unresolved start while a fifth
 * loads and unloads a library. No report, and every answer right. */
static void test_filters_under_tsan(void **state)
{
    (void)state;
    const char *prog = project_path("build/tsan/filter_race");
    if (access(prog, X_OK) != 0)
        skip_because("build/tsan/filter_race not built (clang-14 missing?)");
    for (int run = 0; run < 5; run++) {
        /* symbolize=0: TSan's symbolizer takes the loader's lock while it
         * reports, which can deadlock against a thread inside
         * dl_iterate_phdr; the report's addresses are enough to fail */
        char *argv[] = {"timeout", "120", (char *)prog, "libz.so.1", NULL};
        char *env[] = {"TSAN_OPTIONS=symbolize=0 halt_on_error=1 exitcode=66", NULL};
        struct proc_result r;
        assert_int_equal(proc_run(argv, env, &r), 0);
        if (!r.exited || r.exit_code != 0 || strstr(r.err, "ThreadSanitizer"))
            fail_msg("filter_race: exit %d signal %d\n%s%s", r.exit_code, r.signal, r.out, r.err);
        assert_string_equal(r.out, "wrong 0\ndone\n");
        proc_result_free(&r);
    }
}

/* Six threads, each a failure loop at a call site of its own: each loop's
 * streak is its own and whole, so the longest is exactly one thread's
 * allocations, never cut short by the others' sites (a ring shared by all
 * threads churns) nor summed across threads. */
static void test_streaks_per_thread(void **state)
{
    (void)state;
    for (int run = 0; run < 3; run++) {
        char log[] = "/tmp/pyfault-test-streak-XXXXXX";
        int fd = mkstemp(log);
        assert_true(fd >= 0);
        close(fd);
        struct proc_result r;
        const char *args[] = {"6", "20000", NULL};
        run_target("streak_threads", fmt("log=%s,log-max=0", log), args, NULL, &r);
        if (!r.exited || r.exit_code != 0)
            fail_msg("streak_threads: exit %d signal %d\n%s%s", r.exit_code, r.signal, r.out, r.err);
        assert_int_equal(read_number(r.out, "failed "), 120000);
        proc_result_free(&r);
        json_t *events = jsonlog_load(log);
        json_t *summary = jsonlog_find(events, "summary", 1);
        assert_non_null(summary);
        assert_int_equal(json_integer_value(json_object_get(summary, "injected")), 120000);
        assert_int_equal(json_integer_value(json_object_get(summary, "streak_max")), 20000);
        json_decref(events);
        unlink(log);
    }
}

/* fork_arming under the shim (with a control page when CTL): no child
 * hangs, every child exits 0. */
static void fork_while_arming(int ctl)
{
    char path[] = "/tmp/pyfault-test-ctl-XXXXXX";
    const char *env[] = {NULL, NULL};
    if (ctl) {
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(ftruncate(fd, 2 * (off_t)sysconf(_SC_PAGESIZE)), 0);
        close(fd);
        env[0] = fmt("PYFAULT_CTL=%s", path);
    }
    struct proc_result r;
    const char *args[] = {"150", NULL};
    run_target("fork_arming", "count", args, env, &r);
    if (!r.exited || r.exit_code != 0)
        fail_msg("fork_arming: exit %d signal %d\n%s%s", r.exit_code, r.signal, r.out, r.err);
    assert_int_equal(read_number(r.out, "forks "), 150);
    assert_int_equal(read_number(r.out, "hung "), 0);
    assert_int_equal(read_number(r.out, "failed "), 0);
    proc_result_free(&r);
    if (ctl)
        unlink(path);
}

/* Children forked while another thread re-arms the plan: a child forked
 * mid-write starts from a consistent plan instead of spinning. */
static void test_fork_while_arming(void **state)
{
    (void)state;
    fork_while_arming(0);
    fork_while_arming(1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_site_filter_threads),
        cmocka_unit_test(test_dso_filter_threads),
        cmocka_unit_test(test_filters_under_tsan),
        cmocka_unit_test(test_streaks_per_thread),
        cmocka_unit_test(test_fork_while_arming),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
