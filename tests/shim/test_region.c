/*
 * test_region: the `region` spec flag. Only allocations the calling thread
 * makes between pyfault_region_enter() and pyfault_region_leave() are
 * eligible: in a C program (the libc layer), with nesting, a stray leave
 * and another thread; and in Debian's python3.11 (the pymem layer) with
 * `with pyfault.region():`, whose imports stay outside.
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
#include "pyrun.h"
#include "shimrun.h"
#include "skipping.h"

/* region.c's layout: allocations 11..40 are inside a region. */
#define REGION_FIRST 11
#define REGION_LAST 40

static void expect_fails(const char *out, int lo, int hi)
{
    unsigned char set[64];
    int n = read_fail_set(out, "fail ", set, 64);
    for (int i = 1; i <= 53; i++)
        if (set[i] != (i >= lo && i <= hi))
            fail_msg("allocation %d: failed %d, expected failures %d..%d; output:\n%s", i,
                     set[i], lo, hi, out);
    assert_int_equal(n, hi >= lo ? hi - lo + 1 : 0);
}

static void test_c_program_regions(void **state)
{
    (void)state;
    struct proc_result r;
    /* without the flag every allocation is eligible */
    run_target("region", "count", NULL, NULL, &r);
    assert_int_equal(r.exit_code, 0);
    assert_int_equal(read_number(r.out, "allocations "), 153);
    assert_int_equal(read_number(r.out, "eligible "), 153);
    proc_result_free(&r);

    /* with it, the 30 the main thread makes inside (the nested region's
     * included); not the 23 outside, not the other thread's 100 */
    run_target("region", "region", NULL, NULL, &r);
    assert_int_equal(r.exit_code, 0);
    assert_int_equal(read_number(r.out, "allocations "), 153);
    assert_int_equal(read_number(r.out, "eligible "), 30);
    expect_fails(r.out, 1, 0);
    proc_result_free(&r);

    /* nth=1 is the region's first allocation, nth=30 its last; from=1
     * fails all of the region and nothing else, on either thread */
    run_target("region", "region,nth=1", NULL, NULL, &r);
    expect_fails(r.out, REGION_FIRST, REGION_FIRST);
    proc_result_free(&r);
    run_target("region", "region,nth=30", NULL, NULL, &r);
    expect_fails(r.out, REGION_LAST, REGION_LAST);
    proc_result_free(&r);
    run_target("region", "region,nth=21", NULL, NULL, &r);
    expect_fails(r.out, 31, 31); /* the nested region's first */
    proc_result_free(&r);
    run_target("region", "region,from=1", NULL, NULL, &r);
    assert_int_equal(r.exit_code, 0);
    expect_fails(r.out, REGION_FIRST, REGION_LAST);
    assert_int_equal(read_number(r.out, "thread failed "), 0);
    proc_result_free(&r);
    run_target("region", "region,nth=31", NULL, NULL, &r);
    expect_fails(r.out, 1, 0);
    proc_result_free(&r);

    /* the filters combine: min-size=32 leaves out region.c's 24-byte blocks */
    run_target("region", "region,min-size=32,from=1", NULL, NULL, &r);
    expect_fails(r.out, 1, 0);
    assert_int_equal(read_number(r.out, "eligible "), 0);
    proc_result_free(&r);
}

/* Reads "KEY A B" from OUT into A and B. */
static void read_pair(const char *out, const char *key, long long *a, long long *b)
{
    const char *line = strstr(out, key);
    if (!line || sscanf(line + strlen(key), "%lld %lld", a, b) != 2)
        fail_msg("no line '%s A B' in:\n%s", key, out);
}

static void run_body(const char *spec, struct proc_result *r)
{
    const char *args[] = {project_path("tests/shim/data/region_body.py"), NULL};
    pyrun(PYRUN_SYSTEM_PYTHON, spec, NULL, args, r);
    if (!r->exited || r->exit_code != 0)
        fail_msg("%s: exit %d signal %d\n%s%s", spec, r->exit_code, r->signal, r->out, r->err);
}

/* The frames (object and address within it) of LOG's one failure; N gets
 * its number. */
static json_t *failure_frames(const char *path, long long *n)
{
    json_t *log = jsonlog_load(path);
    assert_int_equal(jsonlog_count(log, "fail"), 1);
    json_t *fail = jsonlog_find(log, "fail", 0);
    *n = json_integer_value(json_object_get(fail, "n"));
    json_t *frames = json_array();
    size_t i;
    json_t *f;
    json_array_foreach(json_object_get(fail, "frames"), i, f) {
        json_array_append_new(frames, json_pack("[O,O]", json_object_get(f, "obj"),
                                                json_object_get(f, "rel")));
    }
    json_decref(log);
    return frames;
}

/* A script whose imports happen outside the region and whose body runs
 * inside `with pyfault.region():`. */
static void test_python_region(void **state)
{
    (void)state;
    if (access(PYRUN_SYSTEM_PYTHON, X_OK) != 0)
        skip_because("no " PYRUN_SYSTEM_PYTHON);
    struct proc_result r;
    long long imports_eligible, imports_all, body, body_delta, empty, empty_delta;

    /* without the flag, the imports are eligible like everything else */
    run_body("count", &r);
    read_pair(r.out, "imports ", &imports_eligible, &imports_all);
    assert_true(imports_eligible >= imports_all - 1 && imports_eligible > 10000);
    unsigned long long first_unfiltered = read_number(r.out, "first ");
    proc_result_free(&r);

    /* with it: nothing of the imports; the region's count is exactly the
     * allocations between its first and last statement (allocations()
     * deltas) plus what entering and leaving cost, which the empty region
     * measures: R - R0 == D - D0 */
    run_body("region", &r);
    read_pair(r.out, "imports ", &imports_eligible, &imports_all);
    read_pair(r.out, "body ", &body, &body_delta);
    read_pair(r.out, "empty ", &empty, &empty_delta);
    assert_int_equal(read_number(r.out, "injected "), 0);
    proc_result_free(&r);
    print_message("imports: %lld allocations, 0 eligible; region: %lld eligible, "
                  "allocations() delta %lld; empty region %lld, delta %lld\n",
                  imports_all, body, body_delta, empty, empty_delta);
    assert_int_equal(imports_eligible, 0);
    assert_true(body_delta > 1000);
    assert_int_equal(body - empty, body_delta - empty_delta);
    assert_in_range(empty, 1, 10); /* the plan's size is the region's */

    char log_a[] = "/tmp/pyfault-test-region-XXXXXX";
    char log_b[] = "/tmp/pyfault-test-region-XXXXXX";
    close(mkstemp(log_a));
    close(mkstemp(log_b));

    /* nth=1 fails the region's first allocation: the one numbered
     * first + 1 in a run without the filter, same frames */
    run_body(fmt("region,nth=1,log=%s", log_a), &r);
    assert_non_null(strstr(r.out, "memoryerror body\n"));
    assert_int_equal(read_number(r.out, "injected "), 1);
    proc_result_free(&r);
    run_body(fmt("nth=%llu,log=%s", first_unfiltered + 1, log_b), &r);
    assert_non_null(strstr(r.out, "memoryerror body\n"));
    proc_result_free(&r);
    long long n_a, n_b;
    json_t *a = failure_frames(log_a, &n_a), *b = failure_frames(log_b, &n_b);
    assert_int_equal(n_a, 1);
    assert_int_equal(n_b, first_unfiltered + 1);
    if (!json_equal(a, b)) {
        char *sa = json_dumps(a, JSON_COMPACT), *sb = json_dumps(b, JSON_COMPACT);
        fail_msg("region,nth=1 failed at %s\nnth=first+1 at %s", sa, sb);
    }
    json_decref(a);
    json_decref(b);
    unlink(log_a);
    unlink(log_b);

    /* the region's last allocation, the empty region's first and last,
     * and one past the end: nothing */
    run_body(fmt("region,nth=%lld", body), &r);
    assert_non_null(strstr(r.out, "memoryerror body\n"));
    proc_result_free(&r);
    run_body(fmt("region,nth=%lld", body + 1), &r);
    assert_non_null(strstr(r.out, "memoryerror empty\n"));
    proc_result_free(&r);
    run_body(fmt("region,nth=%lld", body + empty), &r);
    assert_non_null(strstr(r.out, "memoryerror empty\n"));
    proc_result_free(&r);
    run_body(fmt("region,nth=%lld", body + empty + 1), &r);
    assert_null(strstr(r.out, "memoryerror"));
    assert_int_equal(read_number(r.out, "injected "), 0);
    proc_result_free(&r);

    /* persistent: every allocation of the region fails, the script
     * outside it goes on */
    run_body("region,from=1", &r);
    assert_non_null(strstr(r.out, "memoryerror body\n"));
    assert_non_null(strstr(r.out, "injected "));
    proc_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_c_program_regions),
        cmocka_unit_test(test_python_region),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
