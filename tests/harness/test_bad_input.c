/*
 * test_bad_input: bad usage gets status 2 and one line on stderr, before
 * anything runs; --help works for every subcommand; closed standard fds
 * (fd 0, 1 or 2) change nothing; an output file that is a device node, a
 * FIFO or a link to one is refused, never replaced; merge's -o naming one
 * of its inputs (by another name too: DIR/./A.json, a link) is refused,
 * the input kept; a FIFO as sweep --resume's journal or matrix's scenario
 * is refused at once, never waited on; timeouts that are not plain
 * decimal seconds from 1 ms up are refused.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness_cli.h"
#include "report_fixture.h"
#include "skipping.h"
#include "tmpfs.h"

static void test_unknown_option(void **state)
{
    (void)state;
    const char *run[] = {"run", "--bogus", "x.py", NULL};
    harness_expect_usage_error(run, "unknown option '--bogus'");
    const char *sweep[] = {"sweep", "--frob=1", "--", "true", NULL};
    harness_expect_usage_error(sweep, "unknown option '--frob'");
    /* the word is quoted back with its escape sequence made harmless */
    const char *escape[] = {"sweep", "--b\x1b]0;PWNED\x07", "--", "true", NULL};
    harness_expect_usage_error(escape, "unknown option '--b?]0;PWNED?'");
}

static void test_malformed_inject(void **state)
{
    (void)state;
    const char *args[] = {"run", "--inject", "nth=banana", "--", "true", NULL};
    harness_expect_usage_error(args, "nth=banana");
    const char *args2[] = {"run", "--inject", "nth=1,,from=2", "--", "true", NULL};
    harness_expect_usage_error(args2, "--inject");
    /* a sweep adds nth=N itself: count beside it would fail every trial */
    const char *sweep_count[] = {"sweep", "--inject", "count", "--", "true", NULL};
    harness_expect_usage_error(sweep_count, "no mode, not even count");
    const char *pytest_count[] = {"pytest", "--inject", "region,count", "--", "true", NULL};
    harness_expect_usage_error(pytest_count, "no mode, not even count");
    /* nor what the harness gives its trials itself, nor trap (every trial
     * would be a SIGTRAP); junk and sites-data are filters */
    static const char *const harness_own[] = {"fork-fd=5", "sites=/tmp/x", "sites-k=5", "trap",
                                              "log=/tmp/x", "log-max=3", "sites-depth=4",
                                              "site=x,sites-pow2", "region,pad=...",
                                              "trial-stdio"};
    for (size_t k = 0; k < sizeof harness_own / sizeof harness_own[0]; k++) {
        const char *sw[] = {"sweep", "--inject", harness_own[k], "--", "true", NULL};
        harness_expect_usage_error(sw, "is not a filter");
        const char *pt[] = {"pytest", "--inject", harness_own[k], "--", "true", NULL};
        harness_expect_usage_error(pt, "is not a filter");
    }
}

static void test_missing_interpreter_or_scenario(void **state)
{
    (void)state;
    const char *py[] = {"run", "--python", "/nonexistent/python9", project_path("scenarios/set_nomemory/early_handler.py"), NULL};
    harness_expect_usage_error(py, "interpreter '/nonexistent/python9' not found");
    const char *scen[] = {"run", "--python", "/bin/sh", "/nonexistent/scenario.py", NULL};
    harness_expect_usage_error(scen, "scenario '/nonexistent/scenario.py'");
    const char *cmd[] = {"sweep", "--", "/nonexistent/prog", NULL};
    harness_expect_usage_error(cmd, "command '/nonexistent/prog' not found");
    /* a --python that is not a Python would "pass" every trial */
    static const char *const not_python[] = {"/bin/true", "/bin/sh"};
    for (size_t k = 0; k < 2; k++) {
        const char *run[] = {"run", "--python", not_python[k],
                             project_path("scenarios/set_nomemory/early_handler.py"), NULL};
        harness_expect_usage_error(run, "does not run as a Python");
        const char *sweep[] = {"sweep", "--python", not_python[k],
                               project_path("scenarios/set_nomemory/early_handler.py"), NULL};
        harness_expect_usage_error(sweep, "does not run as a Python");
    }
}

/* An expect: key naming no interpreter of the matrix and no variant the
 * project builds judged nothing: a misspelt variant accepted every class.
 * It is refused before anything runs and no --out is made; the same key
 * given as an --interp name judges that interpreter's cell. */
static void test_expect_names_no_interpreter(void **state)
{
    (void)state;
    const char *dir = harness_tmpdir();
    char script[700], out[700];
    snprintf(script, sizeof script, "%s/typo.py", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    FILE *f = fopen(script, "w");
    assert_non_null(f);
    fputs("# pyfault-scenario: typo\n# issue: https://example.org/1\n# plan: none\n# timeout: 30\n"
          "# expect: 3.11-vanila=ok\nimport os\nos.abort()\n", f);
    assert_int_equal(fclose(f), 0);
    const char *typo[] = {"matrix", "--startup-stride", "0", "--interp", "3.11-vanilla=/usr/bin/python3.11",
                          "--out", out, script, NULL};
    harness_expect_usage_error(typo, "expect: '3.11-vanila' is no interpreter of this matrix");
    assert_int_equal(access(out, F_OK), -1);
    const char *named[] = {"matrix", "--startup-stride", "0", "--interp", "3.11-vanila=/usr/bin/python3.11",
                           "--out", out, script, NULL};
    struct proc_result r;
    harness_cli(named, &r, NULL);
    /* the cell aborted where ok was expected: it differs, exit 1 */
    if (r.exit_code != 1 || !strstr(r.out, "1 cell(s) differ"))
        fail_msg("status %d: %s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);
}

/* A script that prints a version whatever it is asked is no Python: its
 * cells judged a scenario that never ran. matrix --interp, run --python
 * and sweep --python refuse it; a wrapper that execs CPython passes. */
static void test_fake_python_refused(void **state)
{
    (void)state;
    const char *dir = harness_tmpdir();
    char fake[700], wrapper[700], iarg[800], warg[800], out[700];
    snprintf(fake, sizeof fake, "%s/fakepy", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    snprintf(wrapper, sizeof wrapper, "%s/wrappy", dir);
    FILE *f = fopen(fake, "w");
    assert_non_null(f);
    fputs("#!/bin/sh\necho 3.11.0\n", f);
    assert_int_equal(fclose(f), 0);
    f = fopen(wrapper, "w");
    assert_non_null(f);
    fputs("#!/bin/sh\nexec /usr/bin/python3.11 \"$@\"\n", f);
    assert_int_equal(fclose(f), 0);
    assert_int_equal(chmod(fake, 0755), 0);
    assert_int_equal(chmod(wrapper, 0755), 0);
    const char *scenario = project_path("scenarios/set_nomemory/early_handler.py");
    snprintf(iarg, sizeof iarg, "fake=%s", fake);
    const char *matrix[] = {"matrix", "--startup-stride", "0", "--interp", iarg, scenario, NULL};
    harness_expect_usage_error(matrix, "does not run as a Python");
    const char *run[] = {"run", "--python", fake, scenario, NULL};
    harness_expect_usage_error(run, "does not run as a Python");
    const char *sweep[] = {"sweep", "--python", fake, scenario, NULL};
    harness_expect_usage_error(sweep, "does not run as a Python");
    snprintf(warg, sizeof warg, "wrapped=%s", wrapper);
    const char *wrapped[] = {"matrix", "--startup-stride", "0", "--interp", warg, "--out", out, scenario,
                             NULL};
    struct proc_result r;
    harness_cli(wrapped, &r, NULL);
    if (r.exit_code != 0 && r.exit_code != 1)
        fail_msg("a wrapper that execs CPython: status %d: %s", r.exit_code, r.err);
    proc_result_free(&r);
}

static void test_backwards_range(void **state)
{
    (void)state;
    const char *args[] = {"sweep", "--range", "9:3", "--", "true", NULL};
    harness_expect_usage_error(args, "--range 9:3");
}

static void test_bad_plan(void **state)
{
    (void)state;
    const char *args[] = {"sweep", "--plan", "sites:0", "--", "/bin/true", NULL};
    harness_expect_usage_error(args, "--plan 'sites:0'");
    const char *depth[] = {"sweep", "--plan", "sites", "--site-depth", "99", "--", "/bin/true", NULL};
    harness_expect_usage_error(depth, "--site-depth");
}

/* More scenarios than a sweep takes: one line, exit 2, and (in the
 * sanitized builds) nothing leaked on the way out. */
static void test_too_many_scenarios(void **state)
{
    (void)state;
    char *argv[] = {"/bin/sh", "-c", "exec \"$0\" sweep --python /usr/bin/python3.11 $(seq -f s%g.py 256)",
                    (char *)harness_bin(), NULL};
    struct proc_result r;
    if (proc_run(argv, NULL, &r) < 0)
        fail_msg("cannot run /bin/sh");
    if (r.exit_code != 2 || !harness_one_line(r.err) || !strstr(r.err, "at most 255 scenarios per sweep"))
        fail_msg("status %d: %s", r.exit_code, r.err);
    assert_int_equal(r.out_len, 0);
    proc_result_free(&r);
}

/* "--" ends the options: an option that needs a value never takes it. */
static void test_dashdash_is_no_value(void **state)
{
    (void)state;
    const char *sets[][7] = {
        {"run", "--json", "--", "/bin/true", NULL},
        {"sweep", "--out", "--", "--", "/bin/true", NULL},
        {"pytest", "--python", "--", "-x", NULL},
        {"matrix", "-j", "--", NULL},
        {"report", "--baseline", "--", "dir", NULL},
        {"merge", "a.json", "-o", "--", "b.json", NULL},
        {"gate", "--baseline", "--", "r.json", NULL},
        {"repro", "r.json", "0", "--times", "--", NULL},
    };
    const char *want[] = {"--json needs a value", "--out needs a value", "--python needs a value",
                          "-j needs a value", "--baseline needs a value", "-o needs a value",
                          "--baseline needs a value", "--times needs a value"};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++)
        harness_expect_usage_error(sets[i], want[i]);
}

/* repro's usage gives them as alternatives: the pair is refused, not
 * settled by whichever came last. */
static void test_repro_gdb_alternatives(void **state)
{
    (void)state;
    const char *both[] = {"repro", "r.json", "0", "--gdb", "--gdb-batch", NULL};
    harness_expect_usage_error(both, "--gdb and --gdb-batch");
    const char *swapped[] = {"repro", "--gdb-batch", "r.json", "0", "--gdb", NULL};
    harness_expect_usage_error(swapped, "--gdb and --gdb-batch");
}

static void test_unknown_subcommand(void **state)
{
    (void)state;
    const char *args[] = {"frobnicate", NULL};
    harness_expect_usage_error(args, "unknown command 'frobnicate'");
    const char *none[] = {NULL};
    harness_expect_usage_error(none, "missing command");
    /* --help and --version take no word: one would be ignored silently */
    const char *version[] = {"--version", "x", NULL};
    harness_expect_usage_error(version, "--version: unexpected argument 'x'");
    const char *help[] = {"--help", "x", NULL};
    harness_expect_usage_error(help, "--help: unexpected argument 'x'");
    const char *h[] = {"-h", "run", NULL};
    harness_expect_usage_error(h, "-h: unexpected argument 'run'");
}

/* Fails the test unless ERR names every command "pyfault --help" lists:
 * the usage errors must not fall behind the command table. */
static void expect_all_commands(const char *err)
{
    struct proc_result h;
    const char *help[] = {"--help", NULL};
    harness_cli(help, &h, NULL);
    const char *p = strstr(h.out, "Commands:\n");
    assert_non_null(p);
    int seen = 0;
    for (p = strchr(p, '\n') + 1; strncmp(p, "  ", 2) == 0; p = strchr(p, '\n') + 1) {
        char name[32];
        assert_int_equal(sscanf(p, " %31s", name), 1);
        if (!strstr(err, name))
            fail_msg("'%s' is not named in: %s", name, err);
        seen++;
    }
    assert_true(seen >= 10);
    proc_result_free(&h);
}

static void test_command_errors_name_every_command(void **state)
{
    (void)state;
    const char *sets[][2] = {{"bogus", NULL}, {NULL, NULL}};
    for (int i = 0; i < 2; i++) {
        struct proc_result r;
        harness_cli(sets[i], &r, NULL);
        assert_int_equal(r.exit_code, 2);
        assert_true(harness_one_line(r.err));
        expect_all_commands(r.err);
        proc_result_free(&r);
    }
}

static void test_help(void **state)
{
    (void)state;
    const char *sets[][3] = {{"--help", NULL, NULL}, {"run", "--help", NULL}, {"sweep", "-h", NULL}};
    const char *want[] = {"usage: pyfault COMMAND", "usage: pyfault run", "usage: pyfault sweep"};
    for (int i = 0; i < 3; i++) {
        struct proc_result r;
        harness_cli(sets[i], &r, NULL);
        assert_int_equal(r.exit_code, 0);
        if (!strstr(r.out, want[i]))
            fail_msg("help output lacks '%s': %s", want[i], r.out);
        proc_result_free(&r);
    }
}

/* Runs build/pyfault ARGS... (NULL-terminated, at most 30) with the
 * standard fds in CLOSED (bit K: fd K) closed between fork and exec, as a
 * shell's `<&-`, `>&-`, `2>&-` do; returns its exit status, or -1 when it
 * did not exit. */
static int run_closed(unsigned closed, const char *const *args)
{
    const char *argv[32];
    int n = 0;
    argv[n++] = harness_bin();
    for (int i = 0; args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        fail_msg("cannot fork");
    if (pid == 0) {
        /* the open ones on /dev/null: the test's output stays quiet */
        int null = open("/dev/null", O_RDWR);
        for (int fd = 0; fd < 3; fd++)
            if (closed & (1u << fd))
                close(fd);
            else
                dup2(null, fd);
        if (null > 2)
            close(null);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* `run --json FILE` with fd 0, 1 or 2 closed: the class is ok, exit 0. Our
 * own pipes and files must not land on a closed standard fd (the janitor
 * lost its pipe and cleaned the scratch folder away mid-trial; a trial's
 * pipe was taken for our stderr): each case runs several times, as the
 * old failures came at random. */
static void test_closed_standard_fds_run(void **state)
{
    (void)state;
    const char *dir = harness_tmpdir();
    char json[4200];
    snprintf(json, sizeof json, "%s/run.json", dir);
    const char *targets[][4] = {{"/bin/true", NULL},
                                {"/usr/bin/python3.11", "-c", "pass", NULL}};
    for (int t = 0; t < 2; t++) {
        if (access(targets[t][0], X_OK) != 0)
            continue;
        for (unsigned fd = 0; fd < 3; fd++)
            for (int round = 0; round < 4; round++) {
                unlink(json);
                const char *args[12] = {"run", "--json", json, "--"};
                for (int i = 0; targets[t][i]; i++)
                    args[4 + i] = targets[t][i];
                int status = run_closed(1u << fd, args);
                json_error_t e;
                json_t *r = json_load_file(json, 0, &e);
                if (!r)
                    fail_msg("%s with fd %u closed: no JSON (%s), exit %d", targets[t][0],
                             fd, e.text, status);
                if (strcmp(harness_str(r, "class"), "ok") != 0 || status != 0)
                    fail_msg("%s with fd %u closed: class %s, exit %d", targets[t][0], fd,
                             harness_str(r, "class"), status);
                json_decref(r);
            }
    }
}

/* A sweep with stdout and stderr closed: its progress lines stay out of
 * the journal (every line a JSON object), and a --resume of the folder
 * and its results.json work. */
static void test_closed_standard_fds_sweep(void **state)
{
    (void)state;
    char out[4200];
    snprintf(out, sizeof out, "%s/sweep", harness_tmpdir());
    const char *args[] = {"sweep", "-j", "2", "--range", "1:3", "--out", out, "--",
                          "/usr/bin/python3.11", "-c", "pass", NULL};
    int status = run_closed(6u, args);
    assert_in_range(status, 0, 1);
    char path[4300];
    snprintf(path, sizeof path, "%s/journal.jsonl", out);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[65536];
    int lines = 0;
    while (fgets(line, sizeof line, f)) {
        json_error_t e;
        json_t *o = json_loads(line, JSON_DISABLE_EOF_CHECK, &e);
        if (!json_is_object(o))
            fail_msg("journal line %d is not a JSON object: %.80s", lines + 1, line);
        json_decref(o);
        lines++;
    }
    fclose(f);
    assert_true(lines > 3);
    const char *resume[] = {"sweep", "-q", "--resume", out, NULL};
    struct proc_result r;
    harness_cli(resume, &r, NULL);
    if (!r.exited || r.exit_code > 1)
        fail_msg("sweep --resume: exit %d: %s", r.exit_code, r.err);
    proc_result_free(&r);
    json_t *res = harness_results(out);
    assert_int_equal(json_array_size(json_object_get(res, "trials")), 3);
    json_decref(res);
}

/* Fails the test unless PATH is still what MODE (S_IFCHR, S_IFIFO) says,
 * a link to it when LINK. */
static void expect_node(const char *path, mode_t mode, int link)
{
    struct stat st;
    assert_int_equal(lstat(path, &st), 0);
    if (link) {
        if (!S_ISLNK(st.st_mode))
            fail_msg("%s: the link was replaced", path);
        assert_int_equal(stat(path, &st), 0);
    }
    if ((st.st_mode & S_IFMT) != mode)
        fail_msg("%s: no longer a %s (mode %o)", path, mode == S_IFIFO ? "FIFO" : "char device",
                 (unsigned)st.st_mode);
}

/* Every writer of an output file (run --json, gate --junit and
 * --update-baseline, merge -o, the results.json of sweep, matrix and
 * pytest) refuses a char device, a FIFO and a link to a device at the
 * name with "PATH: not a regular file" and status 2, before writing
 * anything: its rename would put a regular file in the node's place. */
static void test_output_not_regular_file(void **state)
{
    (void)state;
    char dir[600];
    snprintf(dir, sizeof dir, "%s", harness_tmpdir());
    char nulldev[700], fulldev[700], fifo[700], link[700];
    snprintf(nulldev, sizeof nulldev, "%s/nulldev", dir);
    snprintf(fulldev, sizeof fulldev, "%s/fulldev", dir);
    snprintf(fifo, sizeof fifo, "%s/fifo", dir);
    snprintf(link, sizeof link, "%s/link", dir);
    if (mknod(nulldev, S_IFCHR | 0666, makedev(1, 3)) < 0)
        skip_because("mknod of a char device refused (not root?)");
    assert_int_equal(mknod(fulldev, S_IFCHR | 0666, makedev(1, 7)), 0);
    assert_int_equal(mkfifo(fifo, 0666), 0);
    assert_int_equal(symlink(nulldev, link), 0);
    char whole[700], a[700], b[700];
    snprintf(whole, sizeof whole, "%s/R.json", dir);
    snprintf(a, sizeof a, "%s/A.json", dir);
    snprintf(b, sizeof b, "%s/B.json", dir);
    json_t *j = report_fixture(0, 0);
    report_fixture_write(j, whole);
    json_decref(j);
    for (int i = 0; i < 2; i++) {
        j = report_fixture(i + 1, 2);
        report_fixture_write(j, i ? b : a);
        json_decref(j);
    }
    /* sweep's and matrix's --out with a FIFO for results.json */
    char outdir[700], outfifo[800];
    snprintf(outdir, sizeof outdir, "%s/out", dir);
    assert_int_equal(mkdir(outdir, 0755), 0);
    snprintf(outfifo, sizeof outfifo, "%s/results.json", outdir);
    assert_int_equal(mkfifo(outfifo, 0666), 0);
    int files = harness_count_files(dir), outfiles = harness_count_files(outdir);

    const char *nodes[] = {nulldev, fulldev, fifo, link};
    const mode_t modes[] = {S_IFCHR, S_IFCHR, S_IFIFO, S_IFCHR};
    for (int i = 0; i < 4; i++) {
        char want[800];
        snprintf(want, sizeof want, "%s: not a regular file", nodes[i]);
        const char *run[] = {"run", "-q", "--json", nodes[i], "--", "/bin/true", NULL};
        const char *junit[] = {"gate", "--baseline", whole, whole, "--junit", nodes[i], NULL};
        const char *merge[] = {"merge", a, b, "-o", nodes[i], NULL};
        const char *const *sets[] = {run, junit, merge};
        for (int k = 0; k < 3; k++) {
            harness_expect_usage_error_within(sets[k], want, 60);
            expect_node(nodes[i], modes[i], i == 3);
        }
    }
    char want[900];
    snprintf(want, sizeof want, "%s: not a regular file", outfifo);
    const char *sweep[] = {"sweep", "-q", "--out", outdir, "--", "/bin/true", NULL};
    const char *matrix[] = {"matrix", "--interp", "sys=/usr/bin/python3.11", "--out", outdir, NULL};
    harness_expect_usage_error_within(sweep, want, 60);
    expect_node(outfifo, S_IFIFO, 0);
    harness_expect_usage_error_within(matrix, want, 60);
    expect_node(outfifo, S_IFIFO, 0);
    /* a link into /proc names an open stream even when what it reaches is
     * a regular file (/dev/stdout redirected to one): refused, the link
     * kept; here one to /proc/self/exe, always a regular file */
    char proclink[700];
    snprintf(proclink, sizeof proclink, "%s/proclink", dir);
    assert_int_equal(symlink("/proc/self/exe", proclink), 0);
    snprintf(want, sizeof want, "%s: not a regular file", proclink);
    const char *run[] = {"run", "-q", "--json", proclink, "--", "/bin/true", NULL};
    harness_expect_usage_error_within(run, want, 60);
    struct stat st;
    assert_int_equal(lstat(proclink, &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    /* nothing left beside them: no temp file, no report */
    assert_int_equal(harness_count_files(dir), files + 1);
    assert_int_equal(harness_count_files(outdir), outfiles);
}

/* A timeout is plain decimal seconds from 1 ms up: strtod's exponents
 * (1e-9 ran "hang/blocked after 0 ms"), hex (0x10 was 16 s) and values
 * past the maximum are refused in one line, for --timeout and a
 * scenario's timeout: header alike. */
static void test_bad_timeout(void **state)
{
    (void)state;
    const char *tiny[] = {"run", "--timeout", "1e-9", "--", "/bin/true", NULL};
    harness_expect_usage_error(tiny, "--timeout '1e-9': not a number of seconds");
    const char *hex[] = {"run", "--timeout", "0x10", "--", "/bin/true", NULL};
    harness_expect_usage_error(hex, "--timeout '0x10': not a number of seconds");
    const char *small[] = {"run", "--timeout", "0.0001", "--", "/bin/true", NULL};
    harness_expect_usage_error(small, "--timeout '0.0001': too small: at least 0.001 s");
    const char *big[] = {"sweep", "--timeout", "99999999999", "--", "/bin/true", NULL};
    harness_expect_usage_error(big, "--timeout '99999999999': too large: at most 604800 s");
    char scen[700];
    snprintf(scen, sizeof scen, "%s/tiny.py", harness_tmpdir());
    FILE *f = fopen(scen, "w");
    assert_non_null(f);
    fputs("# pyfault-scenario: tiny\n# issue: none\n# plan: none\n# timeout: 0.0001\n"
          "# expect: *=ok\npass\n", f);
    assert_int_equal(fclose(f), 0);
    const char *matrix[] = {"matrix", "-q", "--interp", "sys=/usr/bin/python3.11",
                            "--startup-stride", "0", scen, NULL};
    harness_expect_usage_error_within(matrix, "tiny.py:4: timeout: too small: at least 0.001 s",
                                      60);
}

/* Inputs read whole that are a FIFO: sweep --resume's journal and
 * matrix's scenario are refused at once with "PATH: not a regular file",
 * exit 2; an open(2) that waited for a writer would hang (timeout(1)
 * turns that into a failure). */
static void test_input_not_regular_file(void **state)
{
    (void)state;
    char dir[600], jdir[700], journal[800], scen[700], out[700], want[900];
    snprintf(dir, sizeof dir, "%s", harness_tmpdir());
    snprintf(jdir, sizeof jdir, "%s/j", dir);
    snprintf(journal, sizeof journal, "%s/journal.jsonl", jdir);
    snprintf(scen, sizeof scen, "%s/sc.py", dir);
    snprintf(out, sizeof out, "%s/out", dir);
    assert_int_equal(mkdir(jdir, 0755), 0);
    assert_int_equal(mkfifo(journal, 0666), 0);
    assert_int_equal(mkfifo(scen, 0666), 0);
    snprintf(want, sizeof want, "%s: not a regular file", journal);
    const char *resume[] = {"sweep", "--resume", jdir, NULL};
    harness_expect_usage_error_within(resume, want, 20);
    expect_node(journal, S_IFIFO, 0);
    snprintf(want, sizeof want, "%s: not a regular file", scen);
    const char *matrix[] = {"matrix", "-q", "--interp", "sys=/usr/bin/python3.11",
                            "--startup-stride", "0", "--out", out, scen, NULL};
    harness_expect_usage_error_within(matrix, want, 20);
    expect_node(scen, S_IFIFO, 0);
}

/* merge -o naming one of its inputs, by its name or another one for the
 * same file (DIR/./A.json, a link to it, the input a link and -o the
 * file), is refused before anything is read, as gate refuses its outputs
 * over its inputs: one line, exit 2, the shards byte for byte as they
 * were, the link a link, no temp file. */
static void test_merge_output_is_an_input(void **state)
{
    (void)state;
    char dir[600];
    snprintf(dir, sizeof dir, "%s", harness_tmpdir());
    char a[700], b[700], alias[700], link[700];
    snprintf(a, sizeof a, "%s/A.json", dir);
    snprintf(b, sizeof b, "%s/B.json", dir);
    snprintf(alias, sizeof alias, "%s/./A.json", dir);
    snprintf(link, sizeof link, "%s/L.json", dir);
    for (int i = 0; i < 2; i++) {
        json_t *j = report_fixture(i + 1, 2);
        report_fixture_write(j, i ? b : a);
        json_decref(j);
    }
    assert_int_equal(symlink("A.json", link), 0);
    char *orig_a = tmpfs_slurp(a), *orig_b = tmpfs_slurp(b);
    assert_non_null(orig_a);
    assert_non_null(orig_b);
    int files = harness_count_files(dir);
    struct {
        const char *args[8];
        const char *want;
    } cases[] = {
        {{"merge", a, b, "-o", a, NULL}, "A.json is both an input and the output"},
        {{"merge", a, b, "-o", alias, NULL}, "/./A.json is both an input and the output"},
        {{"merge", a, b, "-o", link, NULL}, "L.json is both an input and the output"},
        {{"merge", link, b, "-o", a, NULL}, "A.json is both an input and the output"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        harness_expect_usage_error(cases[i].args, cases[i].want);
        char *now_a = tmpfs_slurp(a), *now_b = tmpfs_slurp(b);
        if (!now_a || strcmp(now_a, orig_a) != 0)
            fail_msg("case %zu rewrote A.json", i);
        if (!now_b || strcmp(now_b, orig_b) != 0)
            fail_msg("case %zu rewrote B.json", i);
        free(now_a);
        free(now_b);
        struct stat st;
        assert_int_equal(lstat(link, &st), 0);
        assert_true(S_ISLNK(st.st_mode));
        assert_int_equal(harness_count_files(dir), files);
    }
    free(orig_a);
    free(orig_b);
}

/* Writes TEXT to PATH, failing the test on an error. */
static void put_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

/* An output that is a file the run reads is refused before the run, one
 * line and exit 2, the input byte for byte as it was: run --json naming
 * the scenario (by name or a link) or the program, run's log= and sites=,
 * and a script, scenario or test file named results.json, journal.jsonl,
 * summary.md or index.html in sweep's, matrix's or pytest's --out. Each
 * was overwritten with exit 0. */
static void test_output_is_an_input(void **state)
{
    (void)state;
    char dir[600], scen[700], link[700], prog[700], mx[700], mxs[800], sw[700], sws[800];
    char pt[700], pts[800];
    snprintf(dir, sizeof dir, "%s", harness_tmpdir());
    snprintf(scen, sizeof scen, "%s/s.py", dir);
    snprintf(link, sizeof link, "%s/l.py", dir);
    snprintf(prog, sizeof prog, "%s/prog", dir);
    snprintf(sw, sizeof sw, "%s/sw", dir);
    snprintf(sws, sizeof sws, "%s/journal.jsonl", sw);
    snprintf(mx, sizeof mx, "%s/mx", dir);
    snprintf(mxs, sizeof mxs, "%s/summary.md", mx);
    snprintf(pt, sizeof pt, "%s/pt", dir);
    snprintf(pts, sizeof pts, "%s/index.html", pt);
    const char *text = "x = [str(i) for i in range(50)]\n";
    const char *scenario = "# pyfault-scenario: clash\n# issue: none\n# plan: none\n"
                           "# timeout: 20\n# expect: *=ok\nprint(1)\n";
    put_file(scen, text);
    assert_int_equal(symlink("s.py", link), 0);
    put_file(prog, "#!/bin/sh\nexit 0\n");
    assert_int_equal(chmod(prog, 0755), 0);
    assert_int_equal(mkdir(sw, 0755), 0);
    put_file(sws, text);
    assert_int_equal(mkdir(mx, 0755), 0);
    put_file(mxs, scenario);
    assert_int_equal(mkdir(pt, 0755), 0);
    put_file(pts, "def test_a():\n    pass\n");
    char log[800], sites[800], want[4][900];
    snprintf(log, sizeof log, "count,log=%s", scen);
    snprintf(sites, sizeof sites, "count,sites=%s", link);
    snprintf(want[0], sizeof want[0], "%s is both an input and the output", scen);
    snprintf(want[1], sizeof want[1], "%s is both an input and the output", link);
    snprintf(want[2], sizeof want[2], "%s is both an input and the output", prog);
    snprintf(want[3], sizeof want[3], "%s is both an input and an output", sws);
    struct {
        const char *args[12];
        const char *want;
    } cases[] = {
        {{"run", "--json", scen, "--python", "/usr/bin/python3.11", scen, NULL}, want[0]},
        {{"run", "--json", link, "--python", "/usr/bin/python3.11", scen, NULL}, want[1]},
        {{"run", "--json", prog, "--", prog, NULL}, want[2]},
        {{"run", "--inject", log, "--python", "/usr/bin/python3.11", scen, NULL}, want[0]},
        {{"run", "--inject", sites, "--python", "/usr/bin/python3.11", scen, NULL}, want[1]},
        {{"sweep", "-q", "--out", sw, "--", "/usr/bin/python3.11", sws, NULL}, want[3]},
        {{"matrix", "-q", "--interp", "s=/usr/bin/python3.11", "--startup-stride", "0", "--out",
          mx, mxs, NULL},
         "summary.md is both an input and an output"},
        {{"pytest", "-q", "--python", "/usr/bin/python3.11", "--out", pt, "--", pts, NULL},
         "index.html is both an input and an output"},
    };
    const char *const kept[] = {scen, prog, sws, mxs, pts};
    char *orig[5];
    for (size_t k = 0; k < 5; k++)
        assert_non_null(orig[k] = tmpfs_slurp(kept[k]));
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        harness_expect_usage_error(cases[i].args, cases[i].want);
        for (size_t k = 0; k < 5; k++) {
            char *now = tmpfs_slurp(kept[k]);
            if (!now || strcmp(now, orig[k]) != 0)
                fail_msg("case %zu rewrote %s", i, kept[k]);
            free(now);
        }
        struct stat st;
        assert_int_equal(lstat(link, &st), 0);
        assert_true(S_ISLNK(st.st_mode));
    }
    for (size_t k = 0; k < 5; k++)
        free(orig[k]);
    /* an --out the journal could not name is refused before it is made */
    char bad[700];
    snprintf(bad, sizeof bad, "%s/bad\xff", dir);
    const char *bad_out[] = {"sweep", "-q", "--out", bad, "--", "/usr/bin/python3.11", scen, NULL};
    harness_expect_usage_error(bad_out, "is not UTF-8: the journal could not hold");
    struct stat bst;
    assert_int_equal(lstat(bad, &bst), -1);
    /* the folders hold what they held: no lock, journal or report */
    assert_int_equal(harness_count_files(sw), 1);
    assert_int_equal(harness_count_files(mx), 1);
    assert_int_equal(harness_count_files(pt), 1);
}

/* A program the shim cannot enter (static): run says nothing was counted
 * or injected and --json has attached false; sweep's counting run says
 * the shim did not attach. A dynamic program that allocates nothing
 * (/bin/true) is told apart: the shim ran, the target made no allocation. */
static void test_shim_not_attached(void **state)
{
    (void)state;
    char json[700];
    snprintf(json, sizeof json, "%s/r.json", harness_tmpdir());
    const char *target = project_path("build/targets/static_alloc");
    struct proc_result r;
    harness_cli((const char *[]){"run", "--inject", "nth=1", "--json", json, "--", target, NULL},
                &r, NULL);
    /* no verdict: exit 2, whatever --accept says (the JSON is written) */
    if (r.exit_code != 2 || !harness_one_line(r.err) ||
        !strstr(r.err, "the shim did not attach") || !strstr(r.err, "nothing was counted or injected"))
        fail_msg("run of a static program: %d: %s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);
    json_t *j = json_load_file(json, 0, NULL);
    assert_non_null(j);
    assert_true(json_is_false(json_object_get(j, "attached")));
    json_decref(j);

    harness_cli((const char *[]){"run", "--inject", "nth=1", "--json", json, "--", "/bin/true", NULL},
                &r, NULL);
    assert_int_equal(r.exit_code, 0);
    assert_string_equal(r.err, "");
    proc_result_free(&r);
    j = json_load_file(json, 0, NULL);
    assert_non_null(j);
    assert_true(json_is_true(json_object_get(j, "attached")));
    json_decref(j);

    char out[700];
    snprintf(out, sizeof out, "%s/s", harness_tmpdir());
    harness_cli((const char *[]){"sweep", "-q", "--out", out, "--", target, NULL}, &r, NULL);
    if (r.exit_code != 2 || !harness_one_line(r.err) || !strstr(r.err, "the shim did not attach"))
        fail_msg("sweep of a static program: %d: %s", r.exit_code, r.err);
    proc_result_free(&r);
    /* what ran is written, incomplete, and the reports do not call it
     * interrupted */
    j = harness_results(out);
    assert_true(json_is_false(json_object_get(j, "complete")));
    json_decref(j);
    char md[760];
    snprintf(md, sizeof md, "%s/summary.md", out);
    char *text = tmpfs_slurp(md);
    if (!text || !strstr(text, "**Incomplete: the run was interrupted or cut short by a harness error.**"))
        fail_msg("summary.md of a sweep cut short: %s", text ? text : "(none)");
    free(text);
    snprintf(out, sizeof out, "%s/t", harness_tmpdir());
    harness_cli((const char *[]){"sweep", "-q", "--out", out, "--", "/bin/true", NULL}, &r, NULL);
    if (r.exit_code != 2 || !harness_one_line(r.err) || !strstr(r.err, "saw no allocation: the target made none"))
        fail_msg("sweep of /bin/true: %d: %s", r.exit_code, r.err);
    proc_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_option),
        cmocka_unit_test(test_malformed_inject),
        cmocka_unit_test(test_missing_interpreter_or_scenario),
        cmocka_unit_test(test_backwards_range),
        cmocka_unit_test(test_bad_plan),
        cmocka_unit_test(test_expect_names_no_interpreter),
        cmocka_unit_test(test_fake_python_refused),
        cmocka_unit_test(test_too_many_scenarios),
        cmocka_unit_test(test_dashdash_is_no_value),
        cmocka_unit_test(test_repro_gdb_alternatives),
        cmocka_unit_test(test_unknown_subcommand),
        cmocka_unit_test(test_command_errors_name_every_command),
        cmocka_unit_test(test_help),
        cmocka_unit_test(test_closed_standard_fds_run),
        cmocka_unit_test(test_closed_standard_fds_sweep),
        cmocka_unit_test(test_output_not_regular_file),
        cmocka_unit_test(test_merge_output_is_an_input),
        cmocka_unit_test(test_output_is_an_input),
        cmocka_unit_test(test_input_not_regular_file),
        cmocka_unit_test(test_bad_timeout),
        cmocka_unit_test(test_shim_not_attached),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
