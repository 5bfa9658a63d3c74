/*
 * test_repro: pyfault repro replays trials of real results.json files:
 * a segfault recorded by a sweep (a command target, nth=N derived from
 * its mode and point) and by a matrix (a scenario on Debian's python3.11)
 * replays as a segfault, --times K counts, an ok trial replays as ok,
 * --gdb-batch stops at the injected failure, and on CPython start-up
 * trials at the trial's own allocation; bad input is exit 2; a
 * repro line is whole (a 3,000-byte argument read back by sh) or, too long
 * to show, the marked comment, never cut; a sweep's trial replays in the
 * folder the sweep ran in, from any other (a scenario path relative to
 * it), one whose folder is gone is refused in one line, an older file
 * without "cwd" runs here and says so; an interpreter binary replaced
 * since the sweep is refused in one line unless --any-interpreter; a
 * crafted spec (log=, sites=, fork-fd=, one that does not parse) is
 * refused in one line before anything runs, the named file untouched; a
 * sweep's script or a matrix's scenario deleted or edited since the run
 * is refused in one line (both hashes), --any-input replays an edited one;
 * merge refuses shards of a script edited between them, and repro of
 * shards merged refuses the script edited since, as for one shard; real
 * shards merge into the unsharded sweep member by member (its targets'
 * first_point, step, points_within_m and "shard" too), and shards that
 * counted another M are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness_cli.h"

static char sweep_res[700], matrix_res[700];
static long seg_id = -1, ok_id = -1, seg_point;

static int setup(void **state)
{
    (void)state;
    const char *dir = harness_tmpdir();
    snprintf(sweep_res, sizeof sweep_res, "%s/results.json", dir);
    const char *sargs[] = {"sweep", "-q", "--out", dir, "--", project_path("build/targets/gate_unchecked_malloc"), NULL};
    struct proc_result r;
    harness_cli(sargs, &r, NULL);
    proc_result_free(&r);
    json_error_t je;
    json_t *j = json_load_file(sweep_res, 0, &je);
    if (!j)
        fail_msg("%s: %s", sweep_res, je.text);
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(j, "trials"), i, t) {
        const char *cls = harness_str(t, "class");
        if (strcmp(cls, "segfault") == 0 && seg_id < 0 && json_integer_value(json_object_get(t, "point")) > 2) {
            seg_id = (long)i;
            seg_point = (long)json_integer_value(json_object_get(t, "point"));
        }
        if (strcmp(cls, "ok") == 0 && ok_id < 0)
            ok_id = (long)i;
    }
    json_decref(j);
    if (seg_id < 0 || ok_id < 0)
        fail_msg("the sweep of gate_unchecked_malloc has no segfault past point 2 or no ok trial");

    dir = harness_tmpdir();
    snprintf(matrix_res, sizeof matrix_res, "%s/results.json", dir);
    const char *margs[] = {"matrix", "-q", "--interp", "system=/usr/bin/python3.11", "--startup-stride", "0",
                           "--out", dir, "scenarios/contextvar/gh132002_str_subclass_name.py", NULL};
    harness_cli(margs, &r, NULL);
    if (r.exit_code != 0)
        fail_msg("matrix: %d: %s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);
    return 0;
}

static void repro(const char **extra, struct proc_result *r)
{
    const char *args[16] = {"repro"};
    int n = 1;
    for (int i = 0; extra[i]; i++)
        args[n++] = extra[i];
    args[n] = NULL;
    harness_cli(args, r, NULL);
}

static void test_sweep_segfault_replays(void **state)
{
    (void)state;
    char id[32], want[128];
    snprintf(id, sizeof id, "%ld", seg_id);
    struct proc_result r;
    repro((const char *[]){sweep_res, id, NULL}, &r);
    if (r.exit_code != 0)
        fail_msg("repro: %d: %s%s", r.exit_code, r.out, r.err);
    snprintf(want, sizeof want, "spec 'nth=%ld'", seg_point);
    assert_non_null(strstr(r.out, want));
    assert_non_null(strstr(r.out, "run 1: segfault"));
    assert_non_null(strstr(r.out, "reproduced: 1 of 1 run gave segfault (1 with the same signature)"));
    proc_result_free(&r);

    repro((const char *[]){sweep_res, id, "--times", "4", NULL}, &r);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "reproduced: 4 of 4 runs gave segfault"));
    proc_result_free(&r);
}

static void test_ok_replays_as_ok(void **state)
{
    (void)state;
    char id[32];
    snprintf(id, sizeof id, "%ld", ok_id);
    struct proc_result r;
    repro((const char *[]){sweep_res, id, NULL}, &r);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "run 1: ok"));
    assert_non_null(strstr(r.out, "gave ok"));
    proc_result_free(&r);
}

static void test_matrix_segfault_replays(void **state)
{
    (void)state;
    struct proc_result r;
    repro((const char *[]){matrix_res, "0", "--times", "2", NULL}, &r);
    if (r.exit_code != 0)
        fail_msg("repro: %d: %s%s", r.exit_code, r.out, r.err);
    assert_non_null(strstr(r.out, "gh132002_str_subclass_name.py on /usr/bin/python3.11, spec 'layer=pymem,junk'"));
    assert_non_null(strstr(r.out, "reproduced: 2 of 2 runs gave segfault (2 with the same signature)"));
    proc_result_free(&r);
}

static void test_gdb_stops_at_the_injected_failure(void **state)
{
    (void)state;
    char id[32], want[128];
    snprintf(id, sizeof id, "%ld", seg_id);
    struct proc_result r;
    repro((const char *[]){sweep_res, id, "--gdb-batch", NULL}, &r);
    if (!strstr(r.out, "Breakpoint 1, pyfault_injected_failure"))
        fail_msg("gdb did not stop at the breakpoint: %d: %s%s", r.exit_code, r.out, r.err);
    snprintf(want, sizeof want, "pyfault_injected_failure (n=n@entry=%ld", seg_point);
    assert_non_null(strstr(r.out, want));
    /* the caller that dereferences the NULL: the target's own main */
    assert_non_null(strstr(r.out, " main ()"));
    assert_non_null(strstr(r.err, "set startup-with-shell off"));
    proc_result_free(&r);
}

/* --gdb-batch on CPython start-up trials stops at the trial's own
 * allocation: its site key's function is on gdb's stack. gdb gives its
 * inferior LINES and COLUMNS, and had no PYFAULT_CTL: one variable more,
 * two allocations on 3.11, and every point past os.environ was another
 * allocation (point 17500 of python3.11 -c pass: the trial failed in
 * PyFunction_NewWithQualName, gdb stopped in getfilesystemencoding). And
 * the inferior had gdb's stdin, here a pipe as a terminal would be: 3
 * allocations more at start-up than on a trial's /dev/null. */
static void test_gdb_stops_at_the_trials_allocation_in_cpython(void **state)
{
    (void)state;
    const char *dir = harness_tmpdir();
    char res[700];
    snprintf(res, sizeof res, "%s/results.json", dir);
    /* which points fail in a named function (not "(exe)+0x...", a static
     * one of the stripped binary) moves with the machine: 45 of them, of
     * which the first 4 named are replayed */
    const char *sargs[] = {"sweep", "-q", "--range", "12000:23000", "--stride", "250", "--out",
                           dir, "--", "/usr/bin/python3.11", "-c", "pass", NULL};
    struct proc_result r;
    harness_cli(sargs, &r, NULL);
    proc_result_free(&r);
    json_t *j = harness_results(dir), *t;
    size_t i;
    int checked = 0, saved_stdin = dup(0), in[2];
    assert_int_equal(pipe(in), 0);
    assert_true(saved_stdin >= 0 && dup2(in[0], 0) == 0);
    close(in[0]);
    json_array_foreach(json_object_get(j, "trials"), i, t) {
        const char *key = harness_str(t, "site_key");
        const char *plus = strchr(key, '+');
        if (key[0] == '(' || !plus || plus - key > 100 || checked == 4)
            continue; /* no name to look for, or enough */
        char id[32], func[128], want[160];
        snprintf(id, sizeof id, "%zu", i);
        snprintf(func, sizeof func, " %.*s (", (int)(plus - key), key);
        repro((const char *[]){res, id, "--gdb-batch", NULL}, &r);
        snprintf(want, sizeof want, "pyfault_injected_failure (n=n@entry=%lld",
                 (long long)json_integer_value(json_object_get(t, "point")));
        if (!strstr(r.out, want) || !strstr(r.out, func))
            fail_msg("trial %s (site %s): gdb stopped elsewhere:\n%s%s", id, key, r.out, r.err);
        printf("  trial %s: gdb stopped at point %lld in%s...)\n", id,
               (long long)json_integer_value(json_object_get(t, "point")), func);
        proc_result_free(&r);
        checked++;
    }
    dup2(saved_stdin, 0);
    close(saved_stdin);
    close(in[1]);
    json_decref(j);
    assert_true(checked >= 3);
}

static void test_bad_input(void **state)
{
    (void)state;
    const char *cases[][5] = {
        {sweep_res, "100000", NULL},
        {sweep_res, "-1", NULL},
        {sweep_res, "x", NULL},
        {sweep_res, NULL},
        {"/nonexistent/results.json", "0", NULL},
        {sweep_res, "0", "--times", "0", NULL},
        {sweep_res, "0", "--bogus", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct proc_result r;
        repro(cases[i], &r);
        if (r.exit_code != 2 || !harness_one_line(r.err))
            fail_msg("case %zu: status %d, stderr '%s'", i, r.exit_code, r.err);
        proc_result_free(&r);
    }
}

/* The repro line of `run -- python3.11 -c pass ARG` read back by sh into
 * its words, NUL-separated, into OUT (malloc'd); its length in *LEN. */
static char *repro_words(const char *line, size_t *len)
{
    const char *argv[] = {"/bin/sh", "-c", "eval \"set -- $1\"; printf '%s\\0' \"$@\"", "sh",
                          line, NULL};
    struct proc_result r;
    if (proc_run((char *const *)argv, NULL, &r) != 0 || !r.exited || r.exit_code != 0)
        fail_msg("sh could not read the repro line back: %s", r.err);
    char *words = r.out;
    *len = r.out_len;
    r.out = NULL;
    proc_result_free(&r);
    return words;
}

/* A long argument: the repro line is whole (sh reads back the very argv
 * pyfault ran) or, too long to show, the marked comment; never a cut
 * line, which ended inside a quote or ran another argument. */
static void test_long_argument_repro_line(void **state)
{
    (void)state;
    const size_t sizes[] = {3000, 40000};
    for (size_t k = 0; k < 2; k++) {
        char *arg = malloc(sizes[k] + 3);
        assert_non_null(arg);
        memset(arg, 'y', sizes[k]);
        memcpy(arg + sizes[k], " z", 3);
        const char *args[] = {"--", "/usr/bin/python3.11", "-c", "pass", arg, NULL};
        int status;
        json_t *j = harness_run_json(args, &status, NULL);
        assert_int_equal(status, 0);
        const char *line = harness_str(j, "repro");
        if (k == 1) {
            assert_string_equal(line, "# command line too long to show: pyfault repro replays this trial");
        } else {
            size_t len;
            char *words = repro_words(line, &len);
            /* ... -- /usr/bin/python3.11 -c pass ARG: the last four words */
            char want[3100];
            int n = snprintf(want, sizeof want, "--%c/usr/bin/python3.11%c-c%cpass%c%s%c", 0, 0,
                             0, 0, arg, 0);
            if (len < (size_t)n || memcmp(words + len - (size_t)n, want, (size_t)n) != 0)
                fail_msg("the repro line does not give back the argv: %.200s...", line);
            free(words);
        }
        json_decref(j);
        free(arg);
    }
}

/* build/pyfault with ARGS (NULL-terminated, at most 30) run in folder DIR
 * into R: the test's own folder is put back after. */
static void cli_in(const char *dir, const char *const *args, struct proc_result *r)
{
    char bin[PATH_MAX], here[PATH_MAX];
    const char *argv[32];
    int n = 0;
    snprintf(bin, sizeof bin, "%s", harness_bin()); /* absolute, from here */
    argv[n++] = bin;
    for (int i = 0; args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    if (!getcwd(here, sizeof here) || chdir(dir) < 0)
        fail_msg("cannot go into %s", dir);
    int rc = proc_run((char *const *)argv, NULL, r);
    if (chdir(here) < 0 || rc < 0)
        fail_msg("cannot run %s in %s", bin, dir);
}

/* Writes TEXT to PATH (LEN bytes) with MODE. */
static void put_file(const char *path, const void *text, size_t len, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0 || write(fd, text, len) != (ssize_t)len || close(fd) < 0)
        fail_msg("cannot write %s", path);
}

/* Copies the file FROM to TO, executable (TO replaced, not written into:
 * a binary being run cannot be). */
static void copy_exe(const char *from, const char *to)
{
    FILE *f = fopen(from, "rb");
    if (!f)
        fail_msg("cannot read %s", from);
    char *buf = NULL;
    size_t len = 0, cap = 0, got;
    do {
        if (len + 65536 > cap && !(buf = realloc(buf, cap = 2 * cap + 65536)))
            fail_msg("out of memory");
        got = fread(buf + len, 1, 65536, f);
        len += got;
    } while (got > 0);
    fclose(f);
    unlink(to);
    put_file(to, buf, len, 0755);
    free(buf);
}

/* A sweep of t.py (a few lines) run in folder DIR on PYTHON, results in
 * OUT/results.json (absolute); the index of its first trial of class
 * CLS in *ID. */
static void sweep_script_in(const char *dir, const char *python, const char *out,
                            const char *cls, long *id)
{
    char script[700];
    snprintf(script, sizeof script, "%s/t.py", dir);
    const char *text = "x = [bytearray(100) for i in range(5)]\n";
    put_file(script, text, strlen(text), 0644);
    const char *args[] = {"sweep", "-q", "--python", python, "--inject",
                          "site=_PyRun_SimpleFileObject", "--range", "1:12", "--out", out,
                          "t.py", NULL};
    struct proc_result r;
    cli_in(dir, args, &r);
    proc_result_free(&r);
    char path[800];
    snprintf(path, sizeof path, "%s/results.json", out);
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    if (!j)
        fail_msg("%s: %s", path, je.text);
    size_t i;
    json_t *t;
    *id = -1;
    json_array_foreach(json_object_get(j, "trials"), i, t)
        if (*id < 0 && strcmp(harness_str(t, "class"), cls) == 0)
            *id = (long)i;
    json_decref(j);
    if (*id < 0)
        fail_msg("the sweep of t.py in %s has no %s trial", dir, cls);
}

/* A trial replays where it ran: t.py is found from another folder, the
 * class and signature come back (not python's "can't open file", also an
 * error), the closing repro line starts with cd; an older file without
 * "cwd" runs here and says so; the folder gone, one line and exit 2. */
static void test_replays_in_the_sweeps_folder(void **state)
{
    (void)state;
    char a[700], b[800], out[700], res[800], old[800], id[32], want[800];
    snprintf(a, sizeof a, "%s", harness_tmpdir());
    snprintf(out, sizeof out, "%s/o", harness_tmpdir());
    snprintf(b, sizeof b, "%s/elsewhere", a);
    snprintf(res, sizeof res, "%s/results.json", out);
    long eid;
    sweep_script_in(a, "/usr/bin/python3.11", out, "error", &eid);
    snprintf(id, sizeof id, "%ld", eid);
    if (mkdir(b, 0700) < 0)
        fail_msg("mkdir %s", b);

    struct proc_result r;
    cli_in(b, (const char *[]){"repro", res, id, "--times", "2", NULL}, &r);
    if (r.exit_code != 0 || !strstr(r.out, "reproduced: 2 of 2 runs gave error (2 with the same signature)"))
        fail_msg("repro from another folder: %d: %s%s", r.exit_code, r.out, r.err);
    snprintf(want, sizeof want, "repro: cd %s && ", a);
    assert_non_null(strstr(r.out, want));
    assert_string_equal(r.err, "");
    proc_result_free(&r);

    /* an older results.json: no "cwd"; run here (where t.py is), said */
    json_t *j = json_load_file(res, 0, NULL);
    assert_non_null(j);
    assert_string_equal(harness_str(j, "cwd"), a);
    json_object_del(j, "cwd");
    snprintf(old, sizeof old, "%s/old.json", out);
    assert_int_equal(json_dump_file(j, old, 0), 0);
    json_decref(j);
    cli_in(a, (const char *[]){"repro", old, id, NULL}, &r);
    if (r.exit_code != 0 || !harness_one_line(r.err) ||
        !strstr(r.err, "does not record the folder its trials ran in: running in the current one"))
        fail_msg("repro of a file without cwd: %d: %s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);

    /* the folder gone: no replay anywhere else */
    snprintf(want, sizeof want, "%s/t.py", a);
    if (rmdir(b) < 0 || unlink(want) < 0 || rmdir(a) < 0)
        fail_msg("cannot remove %s", a);
    harness_cli((const char *[]){"repro", res, id, NULL}, &r, NULL);
    snprintf(want, sizeof want, "the folder the trials ran in, %s: No such file or directory", a);
    if (r.exit_code != 2 || !harness_one_line(r.err) || !strstr(r.err, want))
        fail_msg("repro with its folder gone: %d: %s%s", r.exit_code, r.out, r.err);
    assert_null(strstr(r.out, "reproduced"));
    proc_result_free(&r);
}

/* A matrix records its folder too: a trial of a scenario given by a
 * relative name replays from another folder, with its class and
 * signature, and the closing line goes into the matrix's folder. */
static void test_matrix_replays_in_its_folder(void **state)
{
    (void)state;
    char a[700], b[800], script[800], res[800], want[800];
    snprintf(a, sizeof a, "%s", harness_tmpdir());
    snprintf(b, sizeof b, "%s/elsewhere", a);
    snprintf(script, sizeof script, "%s/t.py", a);
    snprintf(res, sizeof res, "%s/o/results.json", a);
    const char *text = "# pyfault-scenario: replay-here\n# issue: none\n# plan: oneshot\n"
                       "# timeout: 10\n# inject: site=_PyRun_SimpleFileObject\n"
                       "# expect: *=ok|error\nx = [bytearray(100) for i in range(5)]\n";
    put_file(script, text, strlen(text), 0644);
    struct proc_result r;
    cli_in(a, (const char *[]){"matrix", "-q", "--interp", "system=/usr/bin/python3.11",
                               "--startup-stride", "0", "--out", "o", "t.py", NULL}, &r);
    proc_result_free(&r);
    json_t *j = json_load_file(res, 0, NULL);
    assert_non_null(j);
    assert_string_equal(harness_str(j, "cwd"), a);
    long id = -1;
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(j, "trials"), i, t)
        if (id < 0 && strcmp(harness_str(t, "class"), "error") == 0)
            id = (long)i;
    json_decref(j);
    if (id < 0)
        fail_msg("the matrix of t.py has no error trial");
    if (mkdir(b, 0700) < 0)
        fail_msg("mkdir %s", b);
    char sid[32];
    snprintf(sid, sizeof sid, "%ld", id);
    cli_in(b, (const char *[]){"repro", res, sid, NULL}, &r);
    if (r.exit_code != 0 || !strstr(r.out, "reproduced: 1 of 1 run gave error (1 with the same signature)"))
        fail_msg("repro of a matrix trial from another folder: %d: %s%s", r.exit_code, r.out, r.err);
    snprintf(want, sizeof want, "repro: cd %s && ", a);
    assert_non_null(strstr(r.out, want));
    proc_result_free(&r);

    /* the scenario's file is recorded too: edited since, refused */
    const char *edited = "# pyfault-scenario: replay-here\n# issue: none\n# plan: oneshot\n"
                         "# timeout: 10\n# inject: site=_PyRun_SimpleFileObject\n"
                         "# expect: *=ok|error\nx = [bytearray(100) for i in range(6)]\n";
    put_file(script, edited, strlen(edited), 0644);
    cli_in(b, (const char *[]){"repro", res, sid, NULL}, &r);
    if (r.exit_code != 2 || !harness_one_line(r.err) ||
        !strstr(r.err, "t.py changed since the sweep: sha256 ") || r.out[0])
        fail_msg("repro of a matrix trial whose scenario changed: %d: %s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);
}

/* The interpreter at the recorded path replaced by another binary (here
 * /bin/true, which "reproduces" an ok trial): refused in one line naming
 * both hashes, exit 2; --any-interpreter replays on it and says so. Run
 * in the sweep's folder: this is about the binary alone. */
static void test_changed_interpreter_refused(void **state)
{
    (void)state;
    char d[700], py[800], out[800], res[900], id[32], want[200];
    snprintf(d, sizeof d, "%s", harness_tmpdir());
    snprintf(py, sizeof py, "%s/python3.11", d);
    snprintf(out, sizeof out, "%s/o", d);
    snprintf(res, sizeof res, "%s/results.json", out);
    copy_exe("/usr/bin/python3.11", py);
    long okid;
    sweep_script_in(d, py, out, "ok", &okid);
    snprintf(id, sizeof id, "%ld", okid);
    json_t *j = json_load_file(res, 0, NULL);
    assert_non_null(j);
    snprintf(want, sizeof want, ", was %s",
             harness_str(json_array_get(json_object_get(j, "interpreters"), 0), "sha256"));
    json_decref(j);

    struct proc_result r;
    cli_in(d, (const char *[]){"repro", res, id, NULL}, &r);
    if (r.exit_code != 0 || !strstr(r.out, "reproduced: 1 of 1 run gave ok"))
        fail_msg("repro on the same binary: %d: %s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);

    copy_exe("/bin/true", py);
    cli_in(d, (const char *[]){"repro", res, id, NULL}, &r);
    if (r.exit_code != 2 || !harness_one_line(r.err) || !strstr(r.err, " changed since the sweep: sha256 ") ||
        !strstr(r.err, py) || !strstr(r.err, want))
        fail_msg("repro on another binary: %d: %s%s", r.exit_code, r.out, r.err);
    assert_null(strstr(r.out, "reproduced"));
    proc_result_free(&r);

    cli_in(d, (const char *[]){"repro", res, id, "--any-interpreter", NULL}, &r);
    if (r.exit_code != 0 || !strstr(r.err, "replaying on it (--any-interpreter)"))
        fail_msg("repro --any-interpreter: %d: %s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);
}

/* A copy of the sweep's results.json at OUT with trial 0's "spec" set to
 * SPEC, or (SPEC NULL) scenario 0's inject set to INJECT. */
static void crafted_copy(const char *out, const char *spec, const char *inject)
{
    json_t *j = json_load_file(sweep_res, 0, NULL);
    assert_non_null(j);
    if (spec)
        json_object_set_new(json_array_get(json_object_get(j, "trials"), 0), "spec", json_string(spec));
    else
        json_object_set_new(json_array_get(json_object_get(j, "scenarios"), 0), "inject",
                            json_string(inject));
    assert_int_equal(json_dump_file(j, out, 0), 0);
    json_decref(j);
}

/* A results.json may come from anyone (a CI artifact): a recorded spec
 * (or a scenario's inject) naming a file for the shim to write (log=,
 * sites=) or the fork engine's descriptor is refused in one line, exit 2,
 * before anything runs, the named file byte for byte as it was; one the
 * shim would reject too, never "reproduced: 0 of 1". */
static void test_crafted_spec_refused(void **state)
{
    (void)state;
    char d[700], victim[800], crafted[800], spec[900];
    snprintf(d, sizeof d, "%s", harness_tmpdir());
    snprintf(victim, sizeof victim, "%s/victim.txt", d);
    snprintf(crafted, sizeof crafted, "%s/crafted.json", d);
    const char *before = "keep me\n";
    put_file(victim, before, strlen(before), 0644);
    struct {
        const char *spec, *inject, *want;
    } cases[] = {
        {"nth=1,log=%s", NULL, "trials[0].spec: log= is not replayed (it names a file to write)"},
        {"nth=1,sites=%s", NULL, "trials[0].spec: sites= is not replayed (it names a file to write)"},
        {"nth=1,fork-fd=9", NULL, "trials[0].spec: fork-fd= is not replayed"},
        {NULL, "log=%s", "trials[0]: scenarios[0].inject: log= is not replayed"},
        {"bogus", NULL, "trials[0].spec: pyfault: bad spec token 'bogus'"},
        {"nth=1,nth=2", NULL, "trials[0].spec: "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        snprintf(spec, sizeof spec, cases[i].spec ? cases[i].spec : cases[i].inject, victim);
        crafted_copy(crafted, cases[i].spec ? spec : NULL, spec);
        struct proc_result r;
        repro((const char *[]){crafted, "0", NULL}, &r);
        if (r.exit_code != 2 || !harness_one_line(r.err) || !strstr(r.err, cases[i].want) ||
            r.out[0])
            fail_msg("case %zu (%s): status %d: %s%s", i, spec, r.exit_code, r.out, r.err);
        proc_result_free(&r);
        FILE *f = fopen(victim, "r");
        char now[64] = "";
        assert_non_null(f);
        size_t got = fread(now, 1, sizeof now - 1, f);
        fclose(f);
        now[got] = '\0';
        if (strcmp(now, before) != 0)
            fail_msg("case %zu (%s): %s was written: '%s'", i, spec, victim, now);
    }
}

/* The one line of R (exit 2, nothing on stdout) holds WANT; WHAT names
 * the case. */
static void expect_refused(const struct proc_result *r, const char *want, const char *what)
{
    if (r->exit_code != 2 || !harness_one_line(r->err) || !strstr(r->err, want) || r->out[0])
        fail_msg("%s: status %d: %s%s", what, r->exit_code, r->out, r->err);
}

/* A sweep's script recorded with its sha256 (targets[].files): deleted
 * since, both an error trial and an ok one are refused in one line
 * (not "reproduced" nor "not reproduced" for a missing file), also with
 * --any-input; written anew with other text, refused naming both hashes;
 * --any-input replays it and says so; a results.json without "files"
 * (older) replays as before. */
static void test_changed_script_refused(void **state)
{
    (void)state;
    char d[700], out[800], res[900], old[900], script[800], eid[32], oid[32], want[1200];
    snprintf(d, sizeof d, "%s", harness_tmpdir());
    snprintf(out, sizeof out, "%s/o", d);
    snprintf(res, sizeof res, "%s/results.json", out);
    snprintf(old, sizeof old, "%s/old.json", out);
    snprintf(script, sizeof script, "%s/t.py", d);
    long e, o;
    sweep_script_in(d, "/usr/bin/python3.11", out, "error", &e);
    sweep_script_in(d, "/usr/bin/python3.11", out, "ok", &o);
    snprintf(eid, sizeof eid, "%ld", e);
    snprintf(oid, sizeof oid, "%ld", o);
    json_t *j = json_load_file(res, 0, NULL);
    assert_non_null(j);
    json_t *files = json_object_get(json_array_get(json_object_get(j, "targets"), 0), "files");
    assert_int_equal(json_array_size(files), 1);
    assert_string_equal(harness_str(json_array_get(files, 0), "path"), "t.py");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(files, 0), "arg")), 1);
    char was[65];
    snprintf(was, sizeof was, "%s", harness_str(json_array_get(files, 0), "sha256"));
    assert_int_equal(strlen(was), 64);
    json_object_del(json_array_get(json_object_get(j, "targets"), 0), "files");
    assert_int_equal(json_dump_file(j, old, 0), 0);
    json_decref(j);

    struct proc_result r;
    cli_in(d, (const char *[]){"repro", res, eid, NULL}, &r);
    if (r.exit_code != 0 || r.err[0])
        fail_msg("repro of an unchanged script: %d: %s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);

    if (unlink(script) < 0)
        fail_msg("cannot remove %s", script);
    const char *gone = "t.py: No such file or directory (the trial ran it)";
    const char *gone_cases[][4] = {{"repro", res, eid, NULL}, {"repro", res, oid, NULL},
                                   {"repro", res, eid, "--any-input"}};
    for (size_t i = 0; i < 3; i++) {
        cli_in(d, (const char *const[]){gone_cases[i][0], gone_cases[i][1], gone_cases[i][2],
                                        gone_cases[i][3], NULL}, &r);
        expect_refused(&r, gone, "repro of a trial whose script is gone");
        proc_result_free(&r);
    }

    const char *text = "x = [bytearray(100) for i in range(5)]\n# edited\n";
    put_file(script, text, strlen(text), 0644);
    cli_in(d, (const char *[]){"repro", res, eid, NULL}, &r);
    snprintf(want, sizeof want, "t.py changed since the sweep: sha256 ");
    expect_refused(&r, want, "repro of a trial whose script changed");
    const char *now = strstr(r.err, want) + strlen(want);
    if (strspn(now, "0123456789abcdef") != 64 || strncmp(now, was, 64) == 0)
        fail_msg("not the script's new sha256: %s", r.err);
    snprintf(want, sizeof want, ", was %s (--any-input replays it anyway)", was);
    expect_refused(&r, want, "repro of a trial whose script changed");
    proc_result_free(&r);

    cli_in(d, (const char *[]){"repro", res, eid, "--any-input", NULL}, &r);
    if (r.exit_code != 0 || !harness_one_line(r.err) || !strstr(r.err, "replaying it (--any-input)") ||
        !strstr(r.out, "reproduced: 1 of 1 run gave error"))
        fail_msg("repro --any-input: %d: %s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);

    cli_in(d, (const char *[]){"repro", old, eid, NULL}, &r);
    if (r.exit_code != 0 || r.err[0] || !strstr(r.out, "reproduced: 1 of 1 run gave error"))
        fail_msg("repro of a file without \"files\": %d: %s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);
}

/* Runs "pyfault sweep --shard SHARD -j 1" of t.py in DIR, WHAT as t.py's
 * text, into DIR/OUT; returns the path of its results.json in RES. */
static void sweep_shard_in(const char *dir, const char *shard, const char *what, const char *out,
                           char *res, size_t reslen)
{
    char script[800];
    snprintf(script, sizeof script, "%s/t.py", dir);
    put_file(script, what, strlen(what), 0644);
    const char *args[] = {"sweep", "-q", "--python", "/usr/bin/python3.11", "--inject",
                          "site=_PyRun_SimpleFileObject", "--range", "1:12", "--shard", shard,
                          "-j", "1", "--out", out, "t.py", NULL};
    struct proc_result r;
    cli_in(dir, args, &r);
    proc_result_free(&r);
    snprintf(res, reslen, "%s/results.json", out);
}

/* Shards of a sweep of t.py, t.py edited between them: merge refuses
 * them in one line (shard, input, both sha256, the other shard), exit 2,
 * nothing written; --any-input merges them, saying so in one line;
 * unedited shards merge, the merged file keeps t.py's
 * hash, and repro of it refuses t.py edited since as for one shard. */
static void test_merged_shards_check_inputs(void **state)
{
    (void)state;
    char d[700], o1[900], o2[900], o2e[900], merged[800], id[32];
    snprintf(d, sizeof d, "%s", harness_tmpdir());
    const char *text = "x = [bytearray(100) for i in range(5)]\n";
    const char *edited = "x = [bytearray(100) for i in range(5)]\n# edited\n";
    sweep_shard_in(d, "1/2", text, "o1", o1, sizeof o1);
    sweep_shard_in(d, "2/2", edited, "o2e", o2e, sizeof o2e);
    sweep_shard_in(d, "2/2", text, "o2", o2, sizeof o2);
    snprintf(merged, sizeof merged, "%s/merged.json", d);

    struct proc_result r;
    cli_in(d, (const char *[]){"merge", o1, o2e, "-o", "merged.json", NULL}, &r);
    expect_refused(&r, "pyfault merge: o2e/results.json: target 0 input t.py (arg 1) is another file "
                       "(sha256 ", "merge of shards with t.py edited between them");
    if (!strstr(r.err, "... in o1/results.json) (--any-input merges them)") || access(merged, F_OK) == 0)
        fail_msg("merge of shards with t.py edited between them: %s", r.err);
    proc_result_free(&r);
    /* --any-input merges them and says the edited input in one line */
    cli_in(d, (const char *[]){"merge", "--any-input", o1, o2e, "-o", "merged.json", NULL}, &r);
    static const char said[] = "pyfault merge: o2e/results.json: target 0 input t.py (arg 1) is another file";
    if (r.exit_code != 0 || !harness_one_line(r.err) || strncmp(r.err, said, sizeof said - 1) ||
        !strstr(r.err, "; merged anyway (--any-input)") || access(merged, F_OK) != 0)
        fail_msg("merge --any-input of shards with t.py edited: %d: %s", r.exit_code, r.err);
    proc_result_free(&r);
    unlink(merged);

    cli_in(d, (const char *[]){"merge", o1, o2, "-o", "merged.json", NULL}, &r);
    if (r.exit_code != 0 || r.err[0])
        fail_msg("merge of shards of one t.py: %d: %s", r.exit_code, r.err);
    proc_result_free(&r);
    char first[1700];
    snprintf(first, sizeof first, "%s/%s", d, o1); /* o1 is relative to D */
    json_t *m = json_load_file(merged, 0, NULL), *one = json_load_file(first, 0, NULL);
    assert_non_null(m);
    assert_non_null(one);
    json_t *files = json_object_get(json_array_get(json_object_get(m, "targets"), 0), "files");
    assert_int_equal(json_array_size(files), 1);
    assert_true(json_equal(files, json_object_get(json_array_get(json_object_get(one, "targets"), 0), "files")));
    size_t i;
    json_t *t;
    long e = -1;
    json_array_foreach(json_object_get(m, "trials"), i, t)
        if (e < 0 && strcmp(harness_str(t, "class"), "error") == 0)
            e = (long)i;
    json_decref(m);
    json_decref(one);
    assert_true(e >= 0);
    snprintf(id, sizeof id, "%ld", e);

    cli_in(d, (const char *[]){"repro", "merged.json", id, NULL}, &r);
    if (r.exit_code != 0 || r.err[0] || !strstr(r.out, "reproduced: 1 of 1 run gave error"))
        fail_msg("repro of the merged file, t.py unchanged: %d: %s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);
    char script[800];
    snprintf(script, sizeof script, "%s/t.py", d);
    put_file(script, edited, strlen(edited), 0644);
    cli_in(d, (const char *[]){"repro", "merged.json", id, NULL}, &r);
    expect_refused(&r, "t.py changed since the sweep: sha256 ", "repro of the merged file, t.py edited");
    proc_result_free(&r);
}

/* Runs "pyfault sweep -q --stride 3000 -j 1 [--shard SHARD]" of DIR's t.py
 * (SHARD NULL: unsharded) into DIR/OUT; returns its results.json, parsed. */
static json_t *sweep_stride_in(const char *dir, const char *shard, const char *out)
{
    const char *args[] = {"sweep", "-q", "--python", "/usr/bin/python3.11", "--stride", "3000", "-j", "1",
                          "--out", out, shard ? "--shard" : "t.py", shard, "t.py", NULL};
    if (!shard)
        args[11] = NULL;
    struct proc_result r;
    cli_in(dir, args, &r);
    if (r.exit_code != 0 && r.exit_code != 1) /* 1: unexpected findings */
        fail_msg("sweep %s: %d: %s", shard ? shard : "unsharded", r.exit_code, r.err);
    proc_result_free(&r);
    char res[1700];
    snprintf(res, sizeof res, "%s/%s/results.json", dir, out);
    json_t *j = json_load_file(res, 0, NULL);
    if (!j)
        fail_msg("cannot read %s", res);
    return j;
}

/* A and B (objects named WHAT) equal in every member but those in SKIP. */
static void same_but(json_t *a, json_t *b, const char *const *skip, const char *what)
{
    const char *key;
    json_t *v;
    json_object_foreach(b, key, v) {
        int skipped = 0;
        for (size_t k = 0; skip[k] && !skipped; k++)
            skipped = strcmp(skip[k], key) == 0;
        if (skipped || json_equal(json_object_get(a, key), v))
            continue;
        char *x = json_dumps(json_object_get(a, key), JSON_COMPACT | JSON_ENCODE_ANY);
        char *y = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        fail_msg("%s.%s: merged %s, unsharded %s", what, key, x ? x : "(absent)", y);
    }
    json_object_foreach(a, key, v)
        if (!json_object_get(b, key))
            fail_msg("%s.%s: in the merged file only", what, key);
}

/* Each element of the arrays KEY of A and B, as same_but. */
static void same_elements(json_t *a, json_t *b, const char *key, const char *const *skip)
{
    json_t *x = json_object_get(a, key), *y = json_object_get(b, key);
    assert_int_equal(json_array_size(x), json_array_size(y));
    for (size_t i = 0; i < json_array_size(y); i++) {
        char what[64];
        snprintf(what, sizeof what, "%s[%zu]", key, i);
        same_but(json_array_get(x, i), json_array_get(y, i), skip, what);
    }
}

/* Real sweeps of t.py, shards 1/2 and 2/2, merge into the unsharded
 * sweep of it: every member equal (targets[] first_point, step,
 * points_within_m, "shard", trials, findings, cells, ...) but the
 * counting runs' and trials' timing. Shard 2/2 rerun with another
 * environment counts another M: merge refuses it in one line naming
 * both shards, the target and both counts, exit 2, nothing written. */
static void test_merged_shards_equal_unsharded(void **state)
{
    (void)state;
    char d[700], script[800], merged[800];
    snprintf(d, sizeof d, "%s", harness_tmpdir());
    snprintf(script, sizeof script, "%s/t.py", d);
    const char *text = "import os\nx = [bytearray(100) for i in range(int(os.environ.get('PF_MERGE_N', '5')))]\n";
    put_file(script, text, strlen(text), 0644);
    json_t *a = sweep_stride_in(d, "1/2", "s1"), *b = sweep_stride_in(d, "2/2", "s2");
    json_t *u = sweep_stride_in(d, NULL, "u");
    setenv("PF_MERGE_N", "60", 1); /* 55 more bytearrays in the counting run */
    json_t *bn = sweep_stride_in(d, "2/2", "s2n");
    unsetenv("PF_MERGE_N");
    snprintf(merged, sizeof merged, "%s/merged.json", d);

    struct proc_result r;
    cli_in(d, (const char *[]){"merge", "s1/results.json", "s2/results.json", "-o", "merged.json", NULL}, &r);
    if (r.exit_code != 0 || r.err[0])
        fail_msg("merge of shards 1/2 and 2/2: %d: %s", r.exit_code, r.err);
    proc_result_free(&r);
    json_t *m = json_load_file(merged, 0, NULL);
    assert_non_null(m);
    /* the shards really are shares of it */
    json_t *at = json_array_get(json_object_get(a, "targets"), 0);
    json_t *ut = json_array_get(json_object_get(u, "targets"), 0);
    assert_true(json_integer_value(json_object_get(at, "step")) == 2 * json_integer_value(json_object_get(ut, "step")));
    assert_true(json_array_size(json_object_get(b, "trials")) > 0);
    static const char *const top[] = {"created", "summary", "timeout_s", "targets",
                                      "cells",   "trials",  "findings",  NULL};
    same_but(m, u, top, "results.json");
    static const char *const summary[] = {"duration_ms", NULL};
    same_but(json_object_get(m, "summary"), json_object_get(u, "summary"), summary, "summary");
    static const char *const target[] = {"count_ms", "pace", NULL};
    same_elements(m, u, "targets", target);
    static const char *const cell[] = {"timeout_s", NULL};
    same_elements(m, u, "cells", cell);
    static const char *const trial[] = {"duration_ms", NULL};
    same_elements(m, u, "trials", trial);
    static const char *const finding[] = {"stderr_tail", NULL}; /* a thread's address */
    same_elements(m, u, "findings", finding);
    json_decref(m);

    /* another M in shard 2: refused, both counts named */
    unlink(merged);
    cli_in(d, (const char *[]){"merge", "s1/results.json", "s2n/results.json", "-o", "merged.json", NULL}, &r);
    char want[300];
    json_int_t ma = json_integer_value(json_object_get(at, "allocations"));
    json_t *bt = json_array_get(json_object_get(bn, "targets"), 0);
    json_int_t mb = json_integer_value(json_object_get(bt, "allocations"));
    assert_true(mb > ma);
    snprintf(want, sizeof want, "pyfault merge: s2n/results.json: target 0 counted %lld allocations, %lld in "
             "s1/results.json: not shards of one run", (long long)mb, (long long)ma);
    expect_refused(&r, want, "merge of shards that counted another M");
    assert_int_equal(access(merged, F_OK), -1);
    proc_result_free(&r);
    json_decref(a);
    json_decref(b);
    json_decref(bn);
    json_decref(u);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sweep_segfault_replays),
        cmocka_unit_test(test_ok_replays_as_ok),
        cmocka_unit_test(test_matrix_segfault_replays),
        cmocka_unit_test(test_gdb_stops_at_the_injected_failure),
        cmocka_unit_test(test_gdb_stops_at_the_trials_allocation_in_cpython),
        cmocka_unit_test(test_bad_input),
        cmocka_unit_test(test_long_argument_repro_line),
        cmocka_unit_test(test_replays_in_the_sweeps_folder),
        cmocka_unit_test(test_changed_interpreter_refused),
        cmocka_unit_test(test_matrix_replays_in_its_folder),
        cmocka_unit_test(test_crafted_spec_refused),
        cmocka_unit_test(test_changed_script_refused),
        cmocka_unit_test(test_merged_shards_check_inputs),
        cmocka_unit_test(test_merged_shards_equal_unsharded),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
