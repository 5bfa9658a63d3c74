/*
 * test_api: the allocator contracts, threads, site filters, fork, the
 * event log, crash records, junk, trap, the control page and bad specs,
 * each seen from a real process under the shim.
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
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "pyfault.h"
#include "jsonlog.h"
#include "shimrun.h"
#include "skipping.h"

static void test_allocator_contracts(void **state)
{
    (void)state;
    struct proc_result r;
    run_target("alloc_api", NULL, NULL, NULL, &r);
    assert_int_equal(r.exit_code, 0);
    if (strstr(r.out, "FAIL"))
        fail_msg("under the shim:\n%s", r.out);
    assert_non_null(strstr(r.out, "injected checks ran"));
    proc_result_free(&r);
    /* the same program without the shim: the contracts are glibc's */
    run_target_plain("alloc_api", NULL, &r);
    assert_int_equal(r.exit_code, 0);
    if (strstr(r.out, "FAIL"))
        fail_msg("without the shim:\n%s", r.out);
    proc_result_free(&r);
}

/* More memory than the machine could back, from every allocation call:
 * the kernel refuses glibc, and count-only mode must refuse it too, where
 * jemalloc alone (MAP_NORESERVE) granted a terabyte. */
static void test_huge_allocations_refused_as_in_glibc(void **state)
{
    (void)state;
    struct proc_result plain, shim;
    run_target_plain("huge_alloc", NULL, &plain);
    assert_int_equal(plain.exit_code, 0);
    if (!strstr(plain.out, "malloc: NULL errno=12")) {
        proc_result_free(&plain);
        skip_because("this kernel grants a terabyte (vm.overcommit_memory=1)");
    }
    run_target("huge_alloc", "count", NULL, NULL, &shim);
    assert_int_equal(shim.exit_code, 0);
    if (strcmp(plain.out, shim.out) != 0)
        fail_msg("glibc:\n%s\nthe shim:\n%s", plain.out, shim.out);
    /* not vacuous: a block the machine can back is granted alike */
    assert_non_null(strstr(shim.out, "malloc 64 MiB: block errno=0"));
    proc_result_free(&plain);
    proc_result_free(&shim);
}

/* glibc aligns every block to 16 (max_align_t), however small; jemalloc's
 * tiny class is 8, and half of the shim's 8-byte blocks were only 8-aligned.
 * Every call that allocates by size, for 0 to 16 bytes: the same lines. */
static void test_small_blocks_aligned_as_in_glibc(void **state)
{
    (void)state;
    struct proc_result plain, shim;
    run_target_plain("small_align", NULL, &plain);
    run_target("small_align", "count", NULL, NULL, &shim);
    assert_int_equal(plain.exit_code, 0);
    assert_int_equal(shim.exit_code, 0);
    if (strcmp(plain.out, shim.out) != 0)
        fail_msg("glibc:\n%s\nthe shim:\n%s", plain.out, shim.out);
    /* not vacuous: glibc's own answer is "all aligned", for all 13 calls */
    int clean = 0;
    for (const char *at = plain.out;
         (at = strstr(at, " 1020 blocks, 0 NULL, 0 not 16-aligned, 0 not max_align_t-aligned, "
                          "0 short\n")) != NULL;
         at++)
        clean++;
    assert_int_equal(clean, 13);
    proc_result_free(&plain);
    proc_result_free(&shim);
}

/* Blocks of 32 MiB and more are mappings of their own under glibc: 16
 * bytes into a page, usable to the mapping's end, their contents kept by
 * realloc across 32 MiB either way, calloc's zeroed; an alignment past
 * malloc's still honoured (targets/big_blocks.c). The same under the
 * shim in count mode (jemalloc's were page-aligned size classes). */
static void test_big_blocks_as_in_glibc(void **state)
{
    (void)state;
    struct proc_result plain, shim;
    run_target_plain("big_blocks", NULL, &plain);
    run_target("big_blocks", "count", NULL, NULL, &shim);
    if (plain.exit_code != 0 || strcmp(plain.out, "ok\n") != 0)
        fail_msg("glibc itself: exit %d: %s", plain.exit_code, plain.out);
    if (shim.exit_code != 0 || strcmp(shim.out, "ok\n") != 0)
        fail_msg("the shim: exit %d: %s%s", shim.exit_code, shim.out, shim.err);
    proc_result_free(&plain);
    proc_result_free(&shim);
}

/* Runs `rlimit_as LIMIT ARGS...` (under the shim in count mode, or not)
 * and returns the number after KEY in what it printed; skips the test when
 * the limit cannot be set. */
#define AS_LIMIT "1000" /* MiB: as `ulimit -v 1000000`, give or take */
static unsigned long long rlimit_as_number(int shim, const char *const *args, const char *key)
{
    struct proc_result r;
    if (shim)
        run_target("rlimit_as", "count", args, NULL, &r);
    else
        run_target_plain("rlimit_as", args, &r);
    if (r.exited && r.exit_code == 3) {
        proc_result_free(&r);
        skip_because("RLIMIT_AS cannot be raised to " AS_LIMIT " MiB here");
    }
    if (!r.exited || r.exit_code != 0)
        fail_msg("rlimit_as: exit %d signal %d: %s", r.exit_code, r.signal, r.err);
    unsigned long long n = read_number(r.out, key);
    proc_result_free(&r);
    return n;
}

/* Under RLIMIT_AS (ulimit -v) the shim's address space counts, not just
 * its blocks. jemalloc kept freed virtual memory mapped (opt.retain) and
 * grew its mappings geometrically: with 1000 MiB, glibc granted 256, 512,
 * 640 and 768 MiB in turn, each freed before the next, and the shim refused
 * from 640 on; the largest single block was 500 MiB against glibc's 997.
 * With retain:false the sequence is granted alike. jemalloc then mapped a
 * large block's size class, up to a quarter above the request (largest:
 * 896 MiB, 900 and 960 refused), and grew one by copying it into a new
 * one (realloc: 464 MiB against 992); a block of 32 MiB or more now has a
 * mapping of its own, as glibc's has (bigblock.c): the sequence with 900
 * and 960 granted alike, the largest block and realloc's growth within
 * the shim's own start-up mappings (16 and 32 MiB) of glibc's. */
static void test_address_space_limit_as_in_glibc(void **state)
{
    (void)state;
    const char *seq[] = {AS_LIMIT, "256", "512", "640", "768", "512", "768", "900", "960", NULL};
    struct proc_result plain, shim;
    run_target_plain("rlimit_as", seq, &plain);
    if (plain.exited && plain.exit_code == 3) {
        proc_result_free(&plain);
        skip_because("RLIMIT_AS cannot be raised to " AS_LIMIT " MiB here");
    }
    assert_int_equal(plain.exit_code, 0);
    if (strstr(plain.out, "NULL")) {
        char msg[512];
        snprintf(msg, sizeof msg, "glibc itself was refused: %s", plain.out);
        proc_result_free(&plain);
        skip_because(msg);
    }
    run_target("rlimit_as", "count", seq, NULL, &shim);
    assert_int_equal(shim.exit_code, 0);
    if (strcmp(plain.out, shim.out) != 0)
        fail_msg("glibc:\n%s\nthe shim:\n%s", plain.out, shim.out);
    proc_result_free(&plain);
    proc_result_free(&shim);

    /* the documented bounds: the shim's own mappings, no more */
    const char *largest[] = {AS_LIMIT, "largest", NULL};
    unsigned long long g = rlimit_as_number(0, largest, "largest ");
    unsigned long long s = rlimit_as_number(1, largest, "largest ");
    if (s + 16 < g)
        fail_msg("largest block: glibc %llu MiB, the shim %llu MiB (16 MiB less or more)", g, s);
    const char *grow[] = {AS_LIMIT, "grow", "16", NULL};
    g = rlimit_as_number(0, grow, "grew to ");
    s = rlimit_as_number(1, grow, "grew to ");
    if (s + 32 < g)
        fail_msg("realloc growth: glibc %llu MiB, the shim %llu MiB (32 MiB less or more)", g, s);
}

static unsigned long long threads_counted(const char *iterations, const char *spec,
                                          unsigned long long *failed)
{
    struct proc_result r;
    const char *args[] = {"4", iterations, NULL};
    run_target("threads", spec, args, NULL, &r);
    assert_int_equal(r.exit_code, 0);
    unsigned long long n = read_number(r.out, "counted ");
    if (failed)
        *failed = read_number(r.out, "failed ");
    proc_result_free(&r);
    return n;
}

static void test_four_threads_count_exactly(void **state)
{
    (void)state;
    unsigned long long startup = threads_counted("0", "count", NULL);
    for (int round = 0; round < 3; round++)
        assert_int_equal(threads_counted("100000", "count", NULL) - startup, 400000);
    unsigned long long failed;
    threads_counted("100000", "every=1000", &failed);
    /* every 1000th of ~400000 numbers; start-up allocations may take one */
    assert_in_range(failed, 399, 401);
}

static void test_site_filter(void **state)
{
    (void)state;
    struct proc_result r;
    run_target("site", "site=site_alpha,nth=3", NULL, NULL, &r);
    assert_int_equal(r.exit_code, 0);
    assert_string_equal(r.out, "fail alpha 3\ndone\n");
    proc_result_free(&r);
    run_target("site", "site=site_beta,range=2:4", NULL, NULL, &r);
    assert_string_equal(r.out, "fail beta 2\nfail beta 3\nfail beta 4\ndone\n");
    proc_result_free(&r);
    /* a compiler-split clone (site_gamma.part.0) belongs to site_gamma */
    run_target("site", "site=site_gamma,nth=2", NULL, NULL, &r);
    assert_string_equal(r.out, "fail gamma 2\ndone\n");
    proc_result_free(&r);
    /* alternatives: either name selects */
    run_target("site", "site=no_such_function|site_beta,nth=1", NULL, NULL, &r);
    assert_string_equal(r.out, "fail beta 1\ndone\n");
    proc_result_free(&r);
    /* skip-site: alpha's allocations never count nor fail */
    run_target("site", "skip-site=site_alpha,from=1", NULL, NULL, &r);
    assert_int_equal(r.exit_code, 0);
    assert_null(strstr(r.out, "alpha"));
    assert_non_null(strstr(r.out, "fail beta 20\n"));
    proc_result_free(&r);
}

static void test_fork_child_counts_on(void **state)
{
    (void)state;
    struct proc_result r;
    run_target("fork", "count", NULL, NULL, &r);
    assert_int_equal(r.exit_code, 0);
    unsigned long long base = read_number(r.out, "parent base ");
    assert_int_equal(read_number(r.out, "child base "), base);
    proc_result_free(&r);
    /* fork after the 10th: the child goes on from the parent's count, so
     * the 15th allocation fails in both processes */
    run_target("fork", fmt("nth=%llu", base + 15), NULL, NULL, &r);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "child fail 15\n"));
    assert_non_null(strstr(r.out, "parent fail 15\n"));
    assert_null(strstr(r.out, "fail 1\n"));
    proc_result_free(&r);
    /* before the fork: only the parent fails it */
    run_target("fork", fmt("nth=%llu", base + 5), NULL, NULL, &r);
    assert_non_null(strstr(r.out, "parent fail 5\n"));
    assert_null(strstr(r.out, "child fail 5\n"));
    proc_result_free(&r);
}

static void test_event_log(void **state)
{
    (void)state;
    char path[] = "/tmp/pyfault-test-log-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    struct proc_result r;
    run_target("alloc_pattern", "count", NULL, NULL, &r);
    unsigned long long base = read_number(r.out, "base ");
    proc_result_free(&r);

    run_target("alloc_pattern", fmt("nth=%llu,log=%s", base + 5, path), NULL, NULL, &r);
    assert_int_equal(r.exit_code, 0);
    proc_result_free(&r);
    json_t *log = jsonlog_load(path);
    json_t *fail = jsonlog_find(log, "fail", 0);
    assert_non_null(fail);
    assert_int_equal(json_integer_value(json_object_get(fail, "n")), base + 5);
    assert_string_equal(json_string_value(json_object_get(fail, "func")), "malloc");
    assert_int_equal(json_integer_value(json_object_get(fail, "size")), 16 + 5);
    json_t *frames = json_object_get(fail, "frames");
    assert_true(json_array_size(frames) >= 2);
    /* the first frame is the target's main, not the shim */
    assert_string_equal(jsonlog_frame_sym(fail, 0), "main");
    json_t *summary = jsonlog_find(log, "summary", 0);
    assert_non_null(summary);
    assert_int_equal(json_integer_value(json_object_get(summary, "injected")), 1);
    assert_int_equal(json_integer_value(json_object_get(summary, "first")), base + 5);
    assert_true(json_integer_value(json_object_get(summary, "allocations")) >= 1000);
    assert_int_equal(json_array_size(log), 3); /* start, fail, summary */
    json_decref(log);
    unlink(path);
}

static json_t *crash_record(const char *how, int want_signal)
{
    char path[] = "/tmp/pyfault-test-crash-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    struct proc_result r;
    const char *args[] = {how, NULL};
    run_target("crash", fmt("log=%s", path), args, NULL, &r);
    /* the exit status stays the target's own */
    assert_false(r.exited);
    assert_int_equal(r.signal, want_signal);
    proc_result_free(&r);
    json_t *log = jsonlog_load(path);
    json_t *crash = json_incref(jsonlog_find(log, "crash", 0));
    json_decref(log);
    unlink(path);
    if (!crash)
        fail_msg("no crash record for '%s'", how);
    assert_int_equal(json_integer_value(json_object_get(crash, "signal")), want_signal);
    return crash;
}

static void test_crash_records(void **state)
{
    (void)state;
    json_t *c = crash_record("segv", SIGSEGV);
    assert_string_equal(json_string_value(json_object_get(c, "addr")), "0x10");
    assert_false(json_is_true(json_object_get(c, "stack_overflow")));
    assert_string_equal(jsonlog_frame_sym(c, 0), "main");
    json_decref(c);

    c = crash_record("overflow", SIGSEGV);
    assert_true(json_is_true(json_object_get(c, "stack_overflow")));
    assert_string_equal(jsonlog_frame_sym(c, 1), "recurse");
    json_decref(c);

    /* a faulthandler-like handler re-raises from inside itself */
    c = crash_record("nested-overflow", SIGSEGV);
    assert_true(json_is_true(json_object_get(c, "stack_overflow")));
    json_decref(c);
    c = crash_record("nested-segv", SIGSEGV);
    assert_false(json_is_true(json_object_get(c, "stack_overflow")));
    json_decref(c);

    c = crash_record("abort", SIGABRT);
    assert_string_equal(json_string_value(json_object_get(c, "name")), "SIGABRT");
    json_decref(c);
}

/* A log or sites file that is a FIFO nobody reads: the target runs on
 * without it (one line said), rather than waiting in open at start-up. */
static void test_fifo_without_reader_does_not_hold_up(void **state)
{
    (void)state;
    char dir[] = "/tmp/pyfault-test-fifo-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char fifo[64];
    snprintf(fifo, sizeof fifo, "%s/f", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    static const char *const what[][2] = {{"log", "cannot open the log"},
                                          {"sites", "cannot record call sites"}};
    for (size_t i = 0; i < 2; i++) {
        char preload[4200], spec[200];
        snprintf(preload, sizeof preload, "LD_PRELOAD=%s", shim_path());
        snprintf(spec, sizeof spec, "PYFAULT=count,%s=%s", what[i][0], fifo);
        /* the shim in the target only: timeout must be there to kill it */
        char *argv[] = {"/usr/bin/timeout", "-s", "KILL", "20", "/usr/bin/env", preload, spec,
                        (char *)project_path("build/targets/alloc_pattern"), NULL};
        char *env[] = {"PATH=/usr/bin:/bin", NULL};
        struct proc_result r;
        assert_int_equal(proc_run(argv, env, &r), 0);
        if (!r.exited || r.exit_code != 0)
            fail_msg("%s=FIFO: exited %d (signal %d): %s", what[i][0], r.exit_code, r.signal, r.err);
        assert_non_null(strstr(r.err, what[i][1]));
        proc_result_free(&r);
    }
    unlink(fifo);
    rmdir(dir);
}

static void test_junk_fills_memory(void **state)
{
    (void)state;
    struct proc_result r;
    run_target("junk", "junk", NULL, NULL, &r);
    assert_int_equal(r.exit_code, 0);
    /* jemalloc's junk byte for new allocations */
    assert_string_equal(r.out, "a5\n");
    proc_result_free(&r);
    run_target("junk", "count", NULL, NULL, &r);
    assert_string_not_equal(r.out, "a5\n");
    proc_result_free(&r);
}

static void test_trap_raises_sigtrap(void **state)
{
    (void)state;
    struct proc_result r;
    run_target("alloc_pattern", "nth=3,trap", NULL, NULL, &r);
    assert_false(r.exited);
    assert_int_equal(r.signal, SIGTRAP);
    proc_result_free(&r);
}

static struct pyfault_ctl *new_page(char *path)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, sizeof(struct pyfault_ctl)), 0);
    struct pyfault_ctl *page = mmap(NULL, sizeof *page, PROT_READ | PROT_WRITE,
                                    MAP_SHARED, fd, 0);
    close(fd);
    assert_true(page != MAP_FAILED);
    return page;
}

static void test_control_page(void **state)
{
    (void)state;
    char path[] = "/tmp/pyfault-test-ctl-XXXXXX";
    struct pyfault_ctl *page = new_page(path);
    struct proc_result r;
    const char *env[] = {fmt("PYFAULT_CTL=%s", path), NULL};
    run_target("alloc_pattern", "count", NULL, env, &r);
    assert_int_equal(r.exit_code, 0);
    unsigned long long counted = read_number(r.out, "counted ");
    proc_result_free(&r);
    assert_int_equal(page->magic, PYFAULT_CTL_MAGIC);
    assert_int_equal(page->version, PYFAULT_CTL_VERSION);
    assert_int_equal(page->size, sizeof(struct pyfault_ctl));
    assert_true(page->owner_pid > 0);
    assert_true(page->state & PYFAULT_STATE_EXITED);
    assert_true(page->allocations >= counted);
    assert_int_equal(page->injected, 0);

    /* armed from outside before the target starts: it overrides PYFAULT */
    memset(page, 0, sizeof *page);
    page->plan.mode = PYFAULT_MODE_RANGE;
    page->plan.a = 10;
    page->plan.b = 12;
    page->arm_generation = 2;
    run_target("alloc_pattern", "count", NULL, env, &r);
    assert_int_equal(r.exit_code, 0);
    unsigned char set[1001];
    assert_int_equal(read_fail_set(r.out, "fail ", set, 1001), 3);
    proc_result_free(&r);
    assert_int_equal(page->injected, 3);
    assert_int_equal(page->first_injected, 10);
    assert_int_equal(page->last_injected, 12);
    assert_int_equal(page->site_streak_max, 1); /* three different sites */
    assert_true(page->site_depth > 0);
    munmap(page, sizeof *page);
    unlink(path);
}

static void test_bad_specs_exit_2(void **state)
{
    (void)state;
    static const char *bad[] = {"nth=0", "range=9:3", "frm=3", "random=7",
                                "nth=1,every=2", "seed=1", "nth=3,,junk"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct proc_result r;
        run_target("alloc_pattern", bad[i], NULL, NULL, &r);
        if (!r.exited || r.exit_code != PYFAULT_EXIT_BADSPEC)
            fail_msg("'%s': exit %d signal %d", bad[i], r.exit_code, r.signal);
        /* one line on stderr, naming the token; the target never ran */
        assert_string_equal(r.out, "");
        const char *nl = strchr(r.err, '\n');
        assert_non_null(nl);
        assert_string_equal(nl + 1, "");
        assert_non_null(strstr(r.err, "pyfault: bad spec token"));
        proc_result_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allocator_contracts),
        cmocka_unit_test(test_huge_allocations_refused_as_in_glibc),
        cmocka_unit_test(test_small_blocks_aligned_as_in_glibc),
        cmocka_unit_test(test_big_blocks_as_in_glibc),
        cmocka_unit_test(test_address_space_limit_as_in_glibc),
        cmocka_unit_test(test_four_threads_count_exactly),
        cmocka_unit_test(test_site_filter),
        cmocka_unit_test(test_fork_child_counts_on),
        cmocka_unit_test(test_event_log),
        cmocka_unit_test(test_crash_records),
        cmocka_unit_test(test_fifo_without_reader_does_not_hold_up),
        cmocka_unit_test(test_junk_fills_memory),
        cmocka_unit_test(test_trap_raises_sigtrap),
        cmocka_unit_test(test_control_page),
        cmocka_unit_test(test_bad_specs_exit_2),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
