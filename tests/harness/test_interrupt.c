/*
 * test_interrupt: Ctrl-C in the middle of a sweep stops it, leaves no
 * process behind and still writes a readable results.json marked
 * incomplete.
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

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void test_ctrl_c_mid_sweep(void **state)
{
    (void)state;
    char dir[600], results[700], marker[64];
    snprintf(dir, sizeof dir, "%s", harness_tmpdir());
    snprintf(results, sizeof results, "%s/results.json", dir);
    snprintf(marker, sizeof marker, "pyfault-interrupt-test-%d", (int)getpid());
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
        fail_msg("pyfault sweep did not stop within 15 s of SIGINT");
    }
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
    /* nothing but results.json and the journal (to resume from) in the
     * out directory: no temp files */
    assert_int_equal(harness_count_files(dir), 2);
    char journal[700];
    snprintf(journal, sizeof journal, "%s/journal.jsonl", dir);
    assert_int_equal(access(journal, F_OK), 0);
    unlink(results);
    unlink(journal);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ctrl_c_mid_sweep),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
