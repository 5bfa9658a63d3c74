/*
 * test_interrupt: Ctrl-C in the middle of a sweep stops it, leaves no
 * process behind and still writes a readable results.json marked
 * incomplete. A scheduler's SIGTERM to every process of the job (Slurm's
 * requeue), the trial's a moment before the harness's, is no finding:
 * the trial is not recorded, and the resumed sweep runs it again.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness_cli.h"

/* How many live processes have MARKER among their arguments. */
static int count_marked(const char *marker)
{
    int n = 0;
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        char path[300], buf[4096];
        snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            continue;
        ssize_t len = read(fd, buf, sizeof buf - 1);
        close(fd);
        for (ssize_t i = 0; i < len; i += (ssize_t)strlen(buf + i) + 1) {
            buf[len] = '\0';
            if (strcmp(buf + i, marker) == 0) {
                n++;
                break;
            }
        }
    }
    if (d)
        closedir(d);
    return n;
}

/* The first live process whose first argument is PROGRAM and that has
 * MARKER among its arguments, or 0. */
static pid_t find_marked(const char *program, const char *marker)
{
    pid_t found = 0;
    DIR *d = opendir("/proc");
    struct dirent *e;
    while (d && !found && (e = readdir(d)) != NULL) {
        pid_t pid = (pid_t)atoi(e->d_name);
        if (pid <= 0)
            continue;
        char path[300], buf[4096];
        snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            continue;
        ssize_t len = read(fd, buf, sizeof buf - 1);
        close(fd);
        if (len <= 0)
            continue;
        buf[len] = '\0';
        if (strcmp(buf, program) != 0)
            continue;
        for (ssize_t i = 0; i < len && !found; i += (ssize_t)strlen(buf + i) + 1)
            if (strcmp(buf + i, marker) == 0)
                found = pid;
    }
    if (d)
        closedir(d);
    return found;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Waits up to 15 s for PID to exit; returns its wait status. */
static int wait_exit(pid_t pid)
{
    int status = 0;
    pid_t r = 0;
    for (int i = 0; i < 300 && r == 0; i++) {
        r = waitpid(pid, &status, WNOHANG);
        if (r == 0)
            sleep_ms(50);
    }
    if (r == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        fail_msg("pyfault sweep did not stop within 15 s");
    }
    return status;
}

/* A sweep's out folder, its two files, and a marker word for its trials'
 * command lines (NAME and our pid: unique to this test). */
struct sweep_paths {
    char dir[600], results[700], journal[700], marker[64];
};

static void sweep_paths_init(struct sweep_paths *p, const char *name)
{
    snprintf(p->dir, sizeof p->dir, "%s", harness_tmpdir());
    snprintf(p->results, sizeof p->results, "%s/results.json", p->dir);
    snprintf(p->journal, sizeof p->journal, "%s/journal.jsonl", p->dir);
    snprintf(p->marker, sizeof p->marker, "pyfault-%s-test-%d", name, (int)getpid());
}

static void test_ctrl_c_mid_sweep(void **state)
{
    (void)state;
    struct sweep_paths p;
    sweep_paths_init(&p, "interrupt");
    const char *dir = p.dir, *results = p.results, *journal = p.journal, *marker = p.marker;
    const char *args[] = {"sweep", "-j", "2", "--mode", "both", "--out", dir, "--",
                          "/usr/bin/python3.11", "-c", "import time; time.sleep(0.3)", marker,
                          NULL};
    pid_t pid = harness_start(args, NULL);
    /* let the counting run finish and trials get going */
    int seen = 0;
    for (int i = 0; i < 100 && !seen; i++) {
        sleep_ms(50);
        seen = count_marked(marker) > 0;
    }
    assert_true(seen);
    sleep_ms(2000);
    assert_int_equal(kill(pid, SIGINT), 0);
    int status = wait_exit(pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 130);
    assert_int_equal(count_marked(marker), 0);

    json_error_t je;
    json_t *j = json_load_file(results, 0, &je);
    if (!j)
        fail_msg("results.json unreadable: %s", je.text);
    assert_true(json_is_false(json_object_get(j, "complete")));
    json_int_t done = json_integer_value(json_object_get(j, "done"));
    json_int_t planned = json_integer_value(json_object_get(j, "planned"));
    assert_true(done < planned);
    assert_int_equal((json_int_t)json_array_size(json_object_get(j, "trials")), done);
    json_decref(j);
    /* nothing but results.json, the journal (to resume from) and the
     * folder's lock file in the out directory: no temp files */
    char lock[700];
    snprintf(lock, sizeof lock, "%s/.lock", dir);
    assert_int_equal(harness_count_files(dir), 3);
    assert_int_equal(access(journal, F_OK), 0);
    assert_int_equal(access(lock, F_OK), 0);
    unlink(results);
    unlink(journal);
    unlink(lock);
    rmdir(dir);
}

/* How many lines the file at PATH has (0 when it does not exist). */
static int lines_in(const char *path)
{
    FILE *f = fopen(path, "r");
    int n = 0, c;
    while (f && (c = fgetc(f)) != EOF)
        n += c == '\n';
    if (f)
        fclose(f);
    return n;
}

/* How many of the results.json at PATH's trials have class CLS; fails
 * the test unless its "complete" is COMPLETE. */
static int trials_of_class(const char *path, const char *cls, int complete)
{
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    if (!j)
        fail_msg("%s unreadable: %s", path, je.text);
    assert_int_equal(json_is_true(json_object_get(j, "complete")), complete);
    size_t i;
    json_t *t;
    int n = 0;
    json_array_foreach(json_object_get(j, "trials"), i, t)
        n += strcmp(harness_str(t, "class"), cls) == 0;
    json_decref(j);
    return n;
}

static void test_job_sigterm_is_no_finding(void **state)
{
    (void)state;
    struct sweep_paths p;
    sweep_paths_init(&p, "jobsignal");
    const char *dir = p.dir, *results = p.results, *journal = p.journal, *marker = p.marker;
    char first[32];
    /* its last allocations come after the sleep: each trial sleeps first */
    const char *target[] = {"--", "/usr/bin/python3.11", "-c", "import time; time.sleep(0.5)",
                            marker, NULL};
    int status;
    json_t *count = harness_run_json(target, &status, NULL);
    json_int_t m = json_integer_value(json_object_get(count, "eligible"));
    json_decref(count);
    assert_true(m > 10);
    snprintf(first, sizeof first, "%lld:", (long long)(m - 3));
    const char *args[] = {"sweep", "-j", "1", "--range", first, "--out", dir, "--",
                          "/usr/bin/python3.11", "-c", "import time; time.sleep(0.5)", marker,
                          NULL};
    pid_t pid = harness_start(args, NULL);
    /* the journal's target line follows the counting run: what runs then
     * is a trial */
    pid_t trial = 0;
    for (int i = 0; i < 400 && !trial; i++) {
        sleep_ms(25);
        if (lines_in(journal) >= 2)
            trial = find_marked("/usr/bin/python3.11", marker);
    }
    assert_true(trial > 0);
    /* as Slurm stops a job: every process, here the trial first */
    assert_int_equal(kill(trial, SIGTERM), 0);
    sleep_ms(20);
    assert_int_equal(kill(pid, SIGTERM), 0);
    status = wait_exit(pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 130);
    assert_int_equal(trials_of_class(results, "signal", 0), 0);

    /* the resumed sweep runs that trial again, to its own end */
    const char *resume[] = {"sweep", "-q", "--resume", dir, NULL};
    struct proc_result r;
    harness_cli(resume, &r, NULL);
    if (r.exit_code > 1)
        fail_msg("sweep --resume exited %d: %s", r.exit_code, r.err);
    proc_result_free(&r);
    assert_int_equal(trials_of_class(results, "signal", 1), 0);
    json_t *j = json_load_file(results, 0, NULL);
    assert_int_equal(json_integer_value(json_object_get(j, "done")), 5); /* 4 and one past M */
    json_decref(j);
    assert_int_equal(count_marked(marker), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ctrl_c_mid_sweep),
        cmocka_unit_test(test_job_sigterm_is_no_finding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
