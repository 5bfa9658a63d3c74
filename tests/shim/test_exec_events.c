/*
 * test_exec_events: every way of exec'ing ends the image in the event log
 * (injectors/trialenv.c): a child forked under the shim writes "start",
 * then "exec" with its count, and the new image starts again under the
 * same pid when the shim runs in it; an exec that fails writes "start"
 * again and keeps errno. A fork server reads these to tell that a child
 * which exec'd a program outside the shim has ended (childlog.c).
 * Target: targets/exec_family.c.
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

/* The events of LOG for PID, in order, as "start,exec,start,summary". */
static void events_of(json_t *log, long pid, char *out, size_t len)
{
    size_t i, used = 0;
    json_t *rec;
    out[0] = '\0';
    json_array_foreach(log, i, rec) {
        if (json_integer_value(json_object_get(rec, "pid")) != pid)
            continue;
        const char *ev = json_string_value(json_object_get(rec, "event"));
        used += (size_t)snprintf(out + used, len - used, "%s%s", used ? "," : "", ev);
        if (used >= len)
            fail_msg("too many events for pid %ld", pid);
    }
}

/* The "exec" record of PID in LOG. */
static json_t *exec_of(json_t *log, long pid)
{
    size_t i;
    json_t *rec;
    json_array_foreach(log, i, rec)
        if (json_integer_value(json_object_get(rec, "pid")) == pid &&
            strcmp(json_string_value(json_object_get(rec, "event")), "exec") == 0)
            return rec;
    fail_msg("no exec record for pid %ld", pid);
    return NULL;
}

static void test_every_exec_ends_its_image(void **state)
{
    (void)state;
    char log[] = "/tmp/pyfault-test-exec-XXXXXX";
    int fd = mkstemp(log);
    assert_true(fd >= 0);
    close(fd);
    struct proc_result r;
    run_target("exec_family", fmt("log=%s", log), NULL, NULL, &r);
    if (!r.exited || r.exit_code != 0)
        fail_msg("exec_family: exit %d signal %d\n%s%s", r.exit_code, r.signal, r.out, r.err);
    assert_non_null(strstr(r.out, "missing errno ENOENT\n"));
    json_t *events = jsonlog_load(log);
    static const struct {
        const char *way, *events;
        int status;
    } want[] = {
        {"execv", "start,exec,start,summary", 1},
        {"execvp", "start,exec,start,summary", 1},
        {"execl", "start,exec,start,summary", 1},
        {"execlp", "start,exec,start,summary", 1},
        {"execle", "start,exec", 1}, /* an empty environment: no shim after */
        {"missing", "start,exec,start,summary", 0},
    };
    for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
        long pid = 0;
        int status = -1;
        read_child_line(r.out, want[k].way, &pid, &status);
        assert_int_equal(status, want[k].status);
        char seen[128];
        events_of(events, pid, seen, sizeof seen);
        if (strcmp(seen, want[k].events) != 0)
            fail_msg("%s: events %s, expected %s", want[k].way, seen, want[k].events);
        /* the child's three allocations, and none of the parent's */
        assert_int_equal(json_integer_value(json_object_get(exec_of(events, pid), "eligible")), 3);
    }
    json_decref(events);
    proc_result_free(&r);
    unlink(log);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_exec_ends_its_image),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
