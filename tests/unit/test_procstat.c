/*
 * test_procstat: a trial's process group read from /proc
 * (harness/run/procstat.c), as the supervisor reads it for a hang's or a
 * loop's CPU use: a member that outlived its parent and came back to us,
 * the subreaper, is still found below us, with its CPU time and its run
 * state, and a group with no process left has none. CPU spent between two
 * readings counts only processes both saw: a member reaped between them
 * takes its CPU time away without reading as negative time spent, and one
 * a listing missed counts from when it is first seen.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "procstat.h"

/* Starts a group leader that starts a child burning CPU and exits: the
 * child, orphaned, comes back to us. Returns the group; *SPIN is the
 * child. */
static pid_t orphaned_spinner(pid_t *spin)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t leader = fork();
    assert_true(leader >= 0);
    if (leader == 0) {
        setpgid(0, 0);
        pid_t c = fork();
        if (c == 0) {
            alarm(20); /* never outlives a broken test for long */
            for (;;)
                __asm__ volatile("" ::: "memory");
        }
        (void)!write(fds[1], &c, sizeof c);
        _exit(0);
    }
    close(fds[1]);
    assert_int_equal(read(fds[0], spin, sizeof *spin), (ssize_t)sizeof *spin);
    close(fds[0]);
    int status;
    assert_int_equal(waitpid(leader, &status, 0), leader);
    return leader;
}

static void test_orphan_in_the_group(void **state)
{
    (void)state;
    assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    pid_t spin;
    pid_t group = orphaned_spinner(&spin);
    struct timespec t = {0, 400 * 1000000L};
    nanosleep(&t, NULL);
    unsigned count = 0;
    uint64_t ticks = pf_group_cpu_ticks(group, &count);
    assert_int_equal(count, 1);
    /* 400 ms of one core, counted in ticks of 1/CLK_TCK s */
    assert_true(ticks >= (uint64_t)pf_ticks_per_second() / 10);
    assert_int_equal(pf_group_busy_threads(group), 1);

    assert_int_equal(kill(spin, SIGKILL), 0);
    assert_int_equal(waitpid(spin, NULL, 0), spin);
    assert_int_equal(pf_group_cpu_ticks(group, &count), 0);
    assert_int_equal(count, 0);
    assert_int_equal(pf_group_busy_threads(group), -1);
}

static void test_spent_by_a_reaped_member(void **state)
{
    (void)state;
    assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    pid_t spin;
    pid_t group = orphaned_spinner(&spin);
    struct pf_group_cpu a, b;
    pf_group_cpu_read(group, &a);
    struct timespec t = {0, 300 * 1000000L};
    nanosleep(&t, NULL);
    pf_group_cpu_read(group, &b);
    assert_int_equal(a.n, 1);
    assert_int_equal(b.n, 1);
    assert_int_equal(b.proc[0].pid, spin);
    /* 300 ms of one core while it spun */
    assert_true(pf_group_cpu_spent(&a, &b) >= (uint64_t)pf_ticks_per_second() / 10);

    uint64_t before = pf_group_cpu_ticks(group, NULL);
    assert_int_equal(kill(spin, SIGKILL), 0);
    assert_int_equal(waitpid(spin, NULL, 0), spin);
    pf_group_cpu_read(group, &b);
    assert_int_equal(b.n, 0);
    /* the group's sum fell by the spinner's whole time: no time spent */
    assert_true(pf_group_cpu_ticks(group, NULL) < before);
    assert_int_equal(pf_group_cpu_spent(&a, &b), 0);
}

static void test_spent_from_first_sight(void **state)
{
    (void)state;
    struct pf_group_cpu since = {.n = 1, .proc = {{10, 1, 5}}};
    /* pid 11 was missed by the first listing: its 500 ticks are not
     * spent since then; pid 10 is the same process for 4 more */
    struct pf_group_cpu now = {.n = 2, .proc = {{11, 2, 500}, {10, 1, 9}}};
    assert_int_equal(pf_group_cpu_spent(&since, &now), 4);
    assert_int_equal(since.n, 2);
    /* from its first sight on, pid 11 counts; pid 10 started anew (the
     * pid reused) is another process, pid 12 a newcomer */
    struct pf_group_cpu later = {.n = 3, .proc = {{10, 7, 300}, {11, 2, 520}, {12, 8, 40}}};
    assert_int_equal(pf_group_cpu_spent(&since, &later), 20);
    assert_int_equal(since.n, 4);
    /* a reading lower than the last (never from the kernel) is none */
    struct pf_group_cpu lower = {.n = 1, .proc = {{11, 2, 1}}};
    assert_int_equal(pf_group_cpu_spent(&since, &lower), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_orphan_in_the_group),
        cmocka_unit_test(test_spent_by_a_reaped_member),
        cmocka_unit_test(test_spent_from_first_sight),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
