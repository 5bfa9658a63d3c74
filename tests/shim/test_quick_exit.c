/*
 * test_quick_exit: a process that ends by _exit or _Exit, skipping its
 * exit handlers, still writes its "summary" (injectors/quickexit.c), as
 * multiprocessing's forked workers must for a fork server to see them
 * end (childlog.c); a forked child's "start" gives what it inherited of
 * its parent's count; a vfork child, which shares the parent's memory,
 * writes nothing as the parent. Target: targets/quick_exit.c.
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
#include "proc.h"
#include "shimrun.h"

/* How many records EVENT of PID LOG holds; *ELIGIBLE: the last one's
 * count. */
static int records(json_t *log, long pid, const char *event, long long *eligible)
{
    int n = 0;
    size_t i;
    json_t *rec;
    json_array_foreach(log, i, rec)
        if (json_integer_value(json_object_get(rec, "pid")) == pid &&
            strcmp(json_string_value(json_object_get(rec, "event")), event) == 0) {
            n++;
            *eligible = json_integer_value(json_object_get(rec, "eligible"));
        }
    return n;
}

static void test_quick_exits_write_a_summary(void **state)
{
    (void)state;
    char log[] = "/tmp/pyfault-test-quickexit-XXXXXX";
    int fd = mkstemp(log);
    assert_true(fd >= 0);
    close(fd);
    struct proc_result r;
    run_target("quick_exit", fmt("log=%s", log), NULL, NULL, &r);
    if (!r.exited || r.exit_code != 0)
        fail_msg("quick_exit: exit %d signal %d\n%s%s", r.exit_code, r.signal, r.out, r.err);
    json_t *events = jsonlog_load(log);
    static const struct {
        const char *way;
        int status, starts, summaries;
        long long at_start, at_end;
    } want[] = {
        {"exit", 3, 1, 1, 2, 5},  /* the parent's two, inherited, and its three */
        {"Exit", 4, 1, 1, 2, 5},
        {"vfork", 5, 0, 0, 0, 0}, /* not the log's process: nothing */
        {"parent", 0, 1, 1, 0, 2},
    };
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        long pid = 0;
        int status = -1;
        long long at_start = 0, at_end = 0;
        read_child_line(r.out, want[k].way, &pid, &status);
        assert_int_equal(status, want[k].status);
        if (records(events, pid, "start", &at_start) != want[k].starts ||
            records(events, pid, "summary", &at_end) != want[k].summaries)
            fail_msg("%s: %d start(s) and %d summaries, expected %d and %d", want[k].way,
                     records(events, pid, "start", &at_start),
                     records(events, pid, "summary", &at_end), want[k].starts,
                     want[k].summaries);
        if (want[k].way[0] != 'p') /* the parent's start comes before main */
            assert_int_equal(at_start, want[k].at_start);
        assert_int_equal(at_end, want[k].at_end);
    }
    json_decref(events);
    proc_result_free(&r);
    unlink(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quick_exits_write_a_summary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
