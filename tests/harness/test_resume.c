/*
 * test_resume: `pyfault sweep --resume DIR` after a SIGKILL of the
 * harness. A sweep is killed once some of its trials are journaled, a
 * torn line is added to its journal as a kill in the middle of a write
 * would leave it, and the resumed sweep's results.json must then hold the
 * same trials (class, signature, ...) and findings (count, first example)
 * as an uninterrupted sweep of the same target: a C target with three
 * kinds of crash (targets/resume_mixed.c) and a start-up sweep of
 * /usr/bin/python3.11 (every 300th point), and the C target under the
 * fork engine (whose per-target account must add up too). The journal
 * must end with each trial once: the resumed sweep ran only the rest.
 * Also: resuming a finished sweep changes nothing; options that
 * conflict with the journal's, a corrupt line before the last, a
 * changed target and a trial at a point the plan never chose are
 * refused with one line. A folder a sweep is running in is locked: a
 * second sweep, a --resume, a matrix or a pytest run on it is refused
 * at once (one line, naming the folder and the sweep's pid), and so is
 * a report of it, though a results.json lies there, writing no report;
 * the running sweep's results come out whole; a SIGKILLed sweep leaves
 * no lock behind. A results.json that is a FIFO, a directory or a
 * device is refused by --resume at once, before any trial runs.
 */
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness_cli.h"
#include "report_fixture.h"
#include "tmpfs.h"
#include "skipping.h"

#define PYTHON "/usr/bin/python3.11"

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void path_in(char *out, size_t outlen, const char *dir, const char *name)
{
    snprintf(out, outlen, "%s/%s", dir, name);
}

/* Whole trial lines in DIR's journal (-1: no journal). */
static int journaled_trials(const char *dir)
{
    char path[700];
    path_in(path, sizeof path, dir, "journal.jsonl");
    char *text = tmpfs_slurp(path);
    if (!text)
        return -1;
    int n = 0;
    for (char *line = text, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1)
        n += strstr(line, "\"kind\":\"trial\"") != NULL && strstr(line, "\"kind\":\"trial\"") < nl;
    free(text);
    return n;
}

/* The words "sweep -q -j 2 --out DIR ARGS..." in FULL (room for 64). */
static void sweep_words(const char **full, const char *dir, const char *const *args)
{
    int n = 0;
    full[n++] = "sweep";
    full[n++] = "-q";
    full[n++] = "-j";
    full[n++] = "2";
    full[n++] = "--out";
    full[n++] = dir;
    for (int i = 0; args[i] && n < 63; i++)
        full[n++] = args[i];
    full[n] = NULL;
}

/* Runs pyfault ARGS to its end; returns its exit status. */
static int pyfault(const char *const *args)
{
    struct proc_result r;
    harness_cli(args, &r, NULL);
    int status = r.exited ? r.exit_code : 128 + r.signal;
    if (status != 0 && status != 1)
        fail_msg("pyfault %s: status %d: %s", args[0], status, r.err);
    proc_result_free(&r);
    return status;
}

/* Starts a sweep of ARGS into DIR and SIGKILLs it once AFTER trials are
 * journaled. Returns how many were journaled by then. */
static int sweep_killed(const char *dir, const char *const *args, int after)
{
    const char *full[64];
    sweep_words(full, dir, args);
    char prog[4096];
    snprintf(prog, sizeof prog, "%s", harness_bin());
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        dup2(null, 2);
        const char *argv[66] = {prog};
        for (int i = 0; full[i]; i++)
            argv[i + 1] = full[i];
        execv(prog, (char *const *)argv);
        _exit(127);
    }
    int status = 0;
    for (int i = 0; i < 12000 && journaled_trials(dir) < after; i++) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            fail_msg("the sweep ended (status 0x%x) before %d trials were journaled", status,
                     after);
        sleep_ms(5);
    }
    assert_int_equal(kill(pid, SIGKILL), 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGKILL)
        fail_msg("the sweep was not killed in the middle (status 0x%x)", status);
    char results[700];
    path_in(results, sizeof results, dir, "results.json");
    assert_int_equal(access(results, F_OK), -1); /* it never got that far */
    int n = journaled_trials(dir);
    assert_true(n >= after);
    return n;
}

static json_t *load_results(const char *dir)
{
    char path[700];
    json_error_t je;
    path_in(path, sizeof path, dir, "results.json");
    json_t *j = json_load_file(path, 0, &je);
    if (!j)
        fail_msg("%s: %s", path, je.text);
    return j;
}

/* Fails unless member KEY of A and B are equal; WHAT names them. */
static void same_member(json_t *a, json_t *b, const char *key, const char *what)
{
    json_t *x = json_object_get(a, key), *y = json_object_get(b, key);
    if (!x && !y && (strcmp(key, "stopped_by") == 0 || strcmp(key, "sources") == 0 ||
                     strcmp(key, "site_key") == 0))
        return; /* only there when a limit stopped the trial, a frame had a file:line,
                   or a failure was met */
    if (!x || !json_equal(x, y)) {
        char *sx = x ? json_dumps(x, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        char *sy = y ? json_dumps(y, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
        fail_msg("%s: %s is %s resumed, %s uninterrupted", what, key, sx ? sx : "(none)",
                 sy ? sy : "(none)");
    }
}

/* The resumed sweep's results (R) against the uninterrupted one's (U):
 * every trial and finding as it would have been. */
static void same_results(json_t *r, json_t *u)
{
    static const char *const top[] = {"complete", "planned", "done", "counts", "modes"};
    static const char *const trial[] = {"target", "point", "mode", "class", "subkind",
                                        "signature", "exit_code", "signal", "injected",
                                        "first_injected", "finding", "stopped_by", "site_key"};
    /* not the stderr tail: CPython prints a thread's address there */
    static const char *const finding[] = {"signature", "class", "subkind", "count", "first",
                                          "repro", "id", "sources"};
    for (size_t i = 0; i < sizeof top / sizeof top[0]; i++)
        same_member(r, u, top[i], "results.json");
    assert_true(json_is_true(json_object_get(r, "complete")));
    json_t *rg = json_object_get(r, "targets"), *ug = json_object_get(u, "targets");
    assert_int_equal(json_array_size(rg), json_array_size(ug));
    for (size_t i = 0; i < json_array_size(rg); i++) {
        static const char *const target[] = {"allocations", "points_within_m", "engine"};
        char what[64];
        snprintf(what, sizeof what, "targets[%zu]", i);
        for (size_t k = 0; k < sizeof target / sizeof target[0]; k++)
            same_member(json_array_get(rg, i), json_array_get(ug, i), target[k], what);
    }
    json_t *rt = json_object_get(r, "trials"), *ut = json_object_get(u, "trials");
    assert_int_equal(json_array_size(rt), json_array_size(ut));
    for (size_t i = 0; i < json_array_size(rt); i++) {
        char what[64];
        snprintf(what, sizeof what, "trials[%zu]", i);
        for (size_t k = 0; k < sizeof trial / sizeof trial[0]; k++)
            same_member(json_array_get(rt, i), json_array_get(ut, i), trial[k], what);
    }
    json_t *rf = json_object_get(r, "findings"), *uf = json_object_get(u, "findings");
    assert_int_equal(json_array_size(rf), json_array_size(uf));
    for (size_t i = 0; i < json_array_size(rf); i++) {
        char what[64];
        snprintf(what, sizeof what, "findings[%zu]", i);
        for (size_t k = 0; k < sizeof finding / sizeof finding[0]; k++)
            same_member(json_array_get(rf, i), json_array_get(uf, i), finding[k], what);
    }
}

/* How many findings of R have class CLS. */
static int findings_of(json_t *r, const char *cls)
{
    int n = 0;
    json_t *f = json_object_get(r, "findings");
    for (size_t i = 0; i < json_array_size(f); i++)
        n += strcmp(harness_str(json_array_get(f, i), "class"), cls) == 0;
    return n;
}

static void remove_dir(const char *dir)
{
    char *const argv[] = {"rm", "-rf", (char *)dir, NULL};
    struct proc_result r;
    assert_int_equal(proc_run(argv, NULL, &r), 0);
    proc_result_free(&r);
}

/* Appends TEXT to DIR's journal. */
static void append_journal(const char *dir, const char *text)
{
    char path[700];
    path_in(path, sizeof path, dir, "journal.jsonl");
    FILE *f = fopen(path, "a");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* Every line of DIR's journal is whole JSON (the torn one was cut). */
static void journal_whole(const char *dir)
{
    char path[700];
    path_in(path, sizeof path, dir, "journal.jsonl");
    char *text = tmpfs_slurp(path);
    assert_non_null(text);
    size_t len = strlen(text);
    assert_true(len > 0 && text[len - 1] == '\n');
    for (char *line = text, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
        json_error_t je;
        json_t *o = json_loadb(line, (size_t)(nl - line), 0, &je);
        if (!o)
            fail_msg("%s: a line that is not JSON: %.*s", path, (int)(nl - line), line);
        json_decref(o);
    }
    free(text);
}

/* How many of results U's trials belong to targets before TARGET. */
static int trials_before_target(json_t *u, json_int_t target)
{
    int n = 0;
    size_t i;
    json_t *t;
    json_array_foreach(json_object_get(u, "trials"), i, t)
        n += json_integer_value(json_object_get(t, "target")) < target;
    return n;
}

/* Sweeps ARGS whole, then killed AFTER journaled trials into target
 * INTO_TARGET (its targets before it counted from the whole sweep: their
 * trials follow the interpreter's start-up, which a .pth file in its
 * site-packages lengthens) and resumed, and compares; then resumes the
 * finished sweep once more. Returns the uninterrupted results (a new
 * reference) for more checks. */
static json_t *kill_resume_compare(const char *const *args, int into_target, int after)
{
    char whole[600], killed[600];
    snprintf(whole, sizeof whole, "%s", harness_tmpdir());
    snprintf(killed, sizeof killed, "%s", harness_tmpdir());
    const char *full[64];
    sweep_words(full, whole, args);
    int want = pyfault(full);
    json_t *u = load_results(whole);
    json_int_t total = json_integer_value(json_object_get(u, "done"));

    after += trials_before_target(u, into_target);
    int n = sweep_killed(killed, args, after);
    if (n >= total)
        fail_msg("all %d trials were journaled before the kill", n);
    append_journal(killed, "{\"class\":\"segfault\",\"duration_ms\":3,\"en");

    const char *resume[] = {"sweep", "-q", "--resume", killed, NULL};
    assert_int_equal(pyfault(resume), want);
    json_t *r = load_results(killed);
    same_results(r, u);
    journal_whole(killed);
    assert_int_equal(journaled_trials(killed), (int)total);
    json_decref(r);
    printf("resumed after %d of %lld trials: same results\n", n, (long long)total);

    /* a finished sweep: nothing runs, the same results again */
    assert_int_equal(pyfault(resume), want);
    r = load_results(killed);
    same_results(r, u);
    assert_int_equal(journaled_trials(killed), (int)total);
    json_decref(r);
    remove_dir(whole);
    remove_dir(killed);
    return u;
}

static void test_resume_c_target(void **state)
{
    (void)state;
    char target[4096];
    snprintf(target, sizeof target, "%s", project_path("build/targets/resume_mixed"));
    /* timeouts of their own, as in test_resume_python_startup: the default
     * one follows each sweep's counting run, and a loaded machine makes
     * the two sweeps compared differ in it (and in their repro lines) */
    const char *args[] = {"--timeout", "10", "--mode", "both", "--", target, "150", "10", NULL};
    json_t *u = kill_resume_compare(args, 0, 60);
    /* not vacuous: crashes of two kinds, and errors */
    assert_int_equal(findings_of(u, "segfault"), 1);
    assert_int_equal(findings_of(u, "abort"), 1);
    assert_int_equal(findings_of(u, "error"), 1);
    json_decref(u);
}

/* The fork engine numbers the jobs it serves: a resume skips some. */
static void test_resume_fork_engine(void **state)
{
    (void)state;
    char target[4096];
    snprintf(target, sizeof target, "%s", project_path("build/targets/resume_mixed"));
    const char *args[] = {"--timeout", "10", "--engine", "fork", "--mode", "both", "--",
                          target, "150", "10", NULL};
    json_t *u = kill_resume_compare(args, 0, 60);
    /* forked, mostly (same_results compared the engine's account) */
    json_t *engine = json_object_get(json_array_get(json_object_get(u, "targets"), 0), "engine");
    assert_true(json_integer_value(json_object_get(engine, "forked")) >= 250);
    json_decref(u);
}

static void test_resume_python_startup(void **state)
{
    (void)state;
    if (access(PYTHON, X_OK) != 0)
        skip_because(PYTHON " is not installed");
    /* a timeout of its own: the default one follows the counting run's
     * time, which varies between the two sweeps compared (a resumed sweep
     * keeps its journal's) */
    const char *args[] = {"--stride", "300", "--timeout", "10", "--", PYTHON, "-c", "pass",
                          NULL};
    json_t *u = kill_resume_compare(args, 0, 25);
    /* not vacuous: start-up dies of fatal errors at many points */
    assert_true(findings_of(u, "fatal") >= 10);
    json_decref(u);
}

/* M of R's first target. */
static json_int_t allocations_of(json_t *r)
{
    json_t *t = json_array_get(json_object_get(r, "targets"), 0);
    return json_integer_value(json_object_get(t, "allocations"));
}

/* Whether R's targets ran with a fixed address layout (layout.c). */
static int layout_fixed(json_t *r)
{
    return strcmp(harness_str(r, "address_layout"), "fixed") == 0;
}

/* The second environment: 60 variables more, short ones. They move
 * python3.11's allocation numbers (two per variable) and add no call site:
 * a value past pymalloc's 512 bytes would (posix's environ bytes object
 * then comes from the raw allocator), and whether the stride samples that
 * one site is its key's hash, a coin that fell one way in some checkouts
 * and the other in others while the shim's path was part of a key; a new
 * sampled site is another target to --resume. */
static void set_padding(int on)
{
    for (int i = 0; i < 60; i++) {
        char name[40];
        snprintf(name, sizeof name, "PYFAULT_TEST_PADDING_%d", i);
        if (on)
            setenv(name, "x", 1);
        else
            unsetenv(name);
    }
}

/* A site plan killed in one environment and resumed in another, where
 * its call sites fall at other points (a requeued Slurm task on another
 * node): the journaled trials are found by their sites, and the results
 * are those of an uninterrupted sweep in the second environment. */
static void test_resume_site_plan_elsewhere(void **state)
{
    (void)state;
    if (access(PYTHON, X_OK) != 0)
        skip_because(PYTHON " is not installed");
    const char *args[] = {"--engine", "fork", "--plan", "sites", "--stride", "20", "--timeout",
                          "10", "--", PYTHON, "-c", "pass", NULL};
    char whole[600], killed[600];
    snprintf(whole, sizeof whole, "%s", harness_tmpdir());
    snprintf(killed, sizeof killed, "%s", harness_tmpdir());
    const char *full[64];
    sweep_words(full, whole, args);
    set_padding(1);
    int want = pyfault(full);
    set_padding(0);
    json_t *u = load_results(whole);
    json_int_t total = json_integer_value(json_object_get(u, "done"));

    int n = sweep_killed(killed, args, 25);
    if (n >= total)
        fail_msg("all %d trials were journaled before the kill", n);
    const char *resume[] = {"sweep", "-q", "--resume", killed, NULL};
    set_padding(1);
    int got = pyfault(resume);
    set_padding(0);
    assert_int_equal(got, want);

    char path[700];
    path_in(path, sizeof path, killed, "journal.jsonl");
    char *journal = tmpfs_slurp(path);
    assert_non_null(journal);
    assert_non_null(strstr(journal, "\"sites_hash\":"));
    assert_non_null(strstr(journal, "\"plan_key\":"));
    assert_non_null(strstr(journal, "\"past_m\":")); /* the first point past M */
    char *m = strstr(journal, "\"allocations\":");
    assert_non_null(m);
    json_int_t began = strtoll(m + strlen("\"allocations\":"), NULL, 10);
    free(journal);

    json_t *r = load_results(killed);
    assert_true(json_is_true(json_object_get(r, "complete")));
    /* not vacuous: the environment moved the allocations */
    assert_int_not_equal(began, allocations_of(r));
    assert_int_equal(json_integer_value(json_object_get(r, "done")), total);
    /* with a fixed address layout CPython's count repeats (layout.c); where
     * the kernel refused to fix it, it can move by itself, and the points
     * are compared only when it did not */
    if (layout_fixed(r))
        assert_int_equal(allocations_of(r), allocations_of(u));
    int same_m = allocations_of(r) == allocations_of(u);
    char *tr = harness_trial_lines(r, same_m), *tu = harness_trial_lines(u, same_m);
    assert_string_equal(tr, tu);
    printf("resumed elsewhere after %d of %lld trials: the same trials%s\n", n,
           (long long)total, same_m ? " at the moved points" : " (M differed by itself)");
    free(tr);
    free(tu);

    /* back in the first environment, the finished sweep resumed there is
     * that environment's sweep: the trials run in the second one are at
     * their sites' points here, the one past M at M + 1 here */
    char first[600];
    snprintf(first, sizeof first, "%s", harness_tmpdir());
    sweep_words(full, first, args);
    assert_int_equal(pyfault(full), want);
    json_t *a = load_results(first);
    assert_int_equal(pyfault(resume), want);
    json_t *back = load_results(killed);
    if (layout_fixed(a))
        assert_int_equal(allocations_of(back), allocations_of(a));
    same_m = allocations_of(back) == allocations_of(a);
    char *tb = harness_trial_lines(back, same_m), *ta = harness_trial_lines(a, same_m);
    assert_string_equal(tb, ta);
    free(tb);
    free(ta);
    json_decref(a);
    json_decref(back);
    remove_dir(first);

    /* other call sites than the journal's, where the points moved, are
     * another target */
    journal = tmpfs_slurp(path);
    assert_non_null(journal);
    char *h = strstr(journal, "\"sites_hash\":\"");
    assert_non_null(h);
    h += strlen("\"sites_hash\":\"");
    *h = *h == '0' ? '1' : '0';
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(journal, f);
    assert_int_equal(fclose(f), 0);
    free(journal);
    set_padding(1);
    harness_expect_usage_error(resume, "(other call sites chosen): not the same target");
    set_padding(0);
    json_decref(r);
    json_decref(u);
    remove_dir(whole);
    remove_dir(killed);
}

/* Two scenarios killed in the second one's sweep and resumed: the same
 * results, and the progress lines never count the second one's journaled
 * trials while the first one runs (they said 713/590). */
static void test_resume_two_targets(void **state)
{
    (void)state;
    if (access(PYTHON, X_OK) != 0)
        skip_because(PYTHON " is not installed");
    char a[4096], b[4096], dir[600];
    snprintf(a, sizeof a, "%s", project_path("scenarios/weakref_finalization/bpo38006_nogc_container.py"));
    snprintf(b, sizeof b, "%s", project_path("scenarios/exception_unwind/exception_chaining.py"));
    /* a timeout of its own: see test_resume_c_target */
    const char *args[] = {"--python", PYTHON, "--timeout", "10", "--stride", "100", a, b, NULL};
    /* killed 100 trials into the second target */
    json_t *u = kill_resume_compare(args, 1, 100);
    int first = trials_before_target(u, 1);
    assert_true(first > 0);
    assert_true(json_integer_value(json_object_get(u, "done")) > first + 100);

    snprintf(dir, sizeof dir, "%s", harness_tmpdir());
    sweep_killed(dir, args, first + 100);
    const char *resume[] = {"sweep", "--resume", dir, NULL};
    struct proc_result r;
    harness_cli(resume, &r, NULL);
    assert_true(r.exited && (r.exit_code == 0 || r.exit_code == 1));
    int lines = 0;
    for (char *p = r.err; (p = strstr(p, "sweep: ")) != NULL; p++) {
        unsigned long long done, total;
        if (sscanf(p, "sweep: %llu/%llu trials", &done, &total) != 2)
            continue;
        if (done > total)
            fail_msg("a progress line with more done than planned: %.80s", p);
        lines++;
    }
    assert_true(lines >= 2);
    proc_result_free(&r);
    json_decref(u);
    remove_dir(dir);
}

/* A journal from a sweep of RESUME_MIXED (a short one) in a fresh folder,
 * returned in DIR. */
static void short_sweep(char *dir, size_t dirlen)
{
    snprintf(dir, dirlen, "%s", harness_tmpdir());
    char target[4096];
    snprintf(target, sizeof target, "%s", project_path("build/targets/resume_mixed"));
    const char *args[] = {"--", target, "12", NULL};
    const char *full[64];
    sweep_words(full, dir, args);
    assert_int_equal(pyfault(full), 1);
}

static void test_resume_refusals(void **state)
{
    (void)state;
    char dir[600], path[700], other[600];
    short_sweep(dir, sizeof dir);
    char target[4096];
    snprintf(target, sizeof target, "%s", project_path("build/targets/resume_mixed"));

    const char *mode[] = {"sweep", "--resume", dir, "--mode", "persistent", NULL};
    harness_expect_usage_error(mode, "--mode differs from the sweep's own");
    const char *tgt[] = {"sweep", "--resume", dir, "--", target, "13", NULL};
    harness_expect_usage_error(tgt, "the target differs from the sweep's own");
    snprintf(other, sizeof other, "%s", harness_tmpdir());
    const char *out[] = {"sweep", "--resume", dir, "--out", other, NULL};
    harness_expect_usage_error(out, "is another folder");
    const char *none[] = {"sweep", "--resume", other, NULL};
    harness_expect_usage_error(none, "journal.jsonl: No such file or directory");
    /* the same options again, and -j, are no conflict */
    const char *same[] = {"sweep", "-q", "-j", "1", "--resume", dir, "--", target, "12", NULL};
    assert_int_equal(pyfault(same), 1);

    /* a corrupt line before the last is an error, not ignored */
    append_journal(dir, "not json\n{\"kind\":\"trial\"}\n");
    const char *resume[] = {"sweep", "-q", "--resume", dir, NULL};
    harness_expect_usage_error(resume, "not a JSON object");

    /* another target than the one counted when the sweep began */
    remove_dir(dir);
    short_sweep(dir, sizeof dir);
    path_in(path, sizeof path, dir, "journal.jsonl");
    char *text = tmpfs_slurp(path);
    char *m = text ? strstr(text, "\"allocations\":") : NULL;
    assert_non_null(m);
    char *digits = m + strlen("\"allocations\":");
    assert_true(*digits >= '1' && *digits <= '8');
    (*digits)++; /* one more allocation than counted now */
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    free(text);
    harness_expect_usage_error(resume, "not the same target");
    remove_dir(dir);
    remove_dir(other);
}

/* A journaled trial at a point the sweep's plan never chose (point 5
 * under --stride 3: 1, 4, 7, ... and past M 13, 16, ...) is refused by
 * --resume as a trial journaled twice is: one line naming the journal and
 * the trial's line, exit 2, the journal as it was (found by a black-box
 * review: the resume took it in, 11 trials for 10 planned). The journal
 * unedited, points past M among them, resumes. */
static void test_resume_unplanned_point_refused(void **state)
{
    (void)state;
    char dir[600], path[700], target[4096];
    snprintf(dir, sizeof dir, "%s", harness_tmpdir());
    snprintf(target, sizeof target, "%s", project_path("build/targets/resume_mixed"));
    const char *args[] = {"--stride", "3", "--", target, "12", NULL};
    const char *full[64];
    sweep_words(full, dir, args);
    assert_int_equal(pyfault(full), 1);
    const char *resume[] = {"sweep", "-q", "--resume", dir, NULL};
    assert_int_equal(pyfault(resume), 1);

    path_in(path, sizeof path, dir, "journal.jsonl");
    char *text = tmpfs_slurp(path);
    assert_non_null(text);
    /* the last trial line's point becomes 5 */
    char *edited = NULL;
    int lineno = 0, at_line = 0;
    for (char *line = text, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
        lineno++;
        char *pt = strstr(line, "\"point\":");
        if (strstr(line, "\"kind\":\"trial\"") && pt && pt < nl) {
            edited = pt + strlen("\"point\":");
            at_line = lineno;
        }
    }
    assert_non_null(edited);
    size_t digits = strspn(edited, "0123456789");
    assert_true(digits > 0 && strncmp(edited, "5", digits) != 0);
    char *changed = malloc(strlen(text) + 2);
    assert_non_null(changed);
    snprintf(changed, strlen(text) + 2, "%.*s5%s", (int)(edited - text), text, edited + digits);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(changed, f);
    assert_int_equal(fclose(f), 0);

    char want[900];
    snprintf(want, sizeof want, "%s: line %d: a trial of target 0 at point 5, which its plan", path,
             at_line);
    harness_expect_usage_error(resume, want);
    char *after = tmpfs_slurp(path);
    assert_non_null(after);
    assert_string_equal(after, changed);
    free(after);
    free(changed);
    free(text);
    remove_dir(dir);
}

/* DIR's journal cut to its head and first trial, as a sweep killed after
 * one trial leaves it. Returns its new text (malloc'd). */
static char *journal_cut_to_one_trial(const char *dir)
{
    char path[700];
    path_in(path, sizeof path, dir, "journal.jsonl");
    char *text = tmpfs_slurp(path);
    assert_non_null(text);
    char *kept = calloc(strlen(text) + 1, 1);
    assert_non_null(kept);
    int trials = 0;
    for (char *line = text, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1) {
        *nl = '\0';
        int trial = strstr(line, "\"kind\":\"trial\"") != NULL;
        if (!trial || trials++ == 0)
            strcat(strcat(kept, line), "\n");
    }
    free(text);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(kept, f);
    assert_int_equal(fclose(f), 0);
    return kept;
}

/* --resume of a folder whose results.json is not a regular file (a FIFO,
 * a directory, a char device: the writer at the end would refuse it) is
 * refused at the start with the writer's line, exit 2, before any trial
 * runs: the journal, with trials still to run, stays as it was, and so
 * does the node. Without the node the same resume finishes the sweep. */
static void test_resume_results_not_regular(void **state)
{
    (void)state;
    char dir[600], abs[PATH_MAX], results[700], journal[700], want[PATH_MAX + 64];
    short_sweep(dir, sizeof dir);
    int total = journaled_trials(dir);
    assert_true(total > 1);
    char *kept = journal_cut_to_one_trial(dir);
    assert_int_equal(journaled_trials(dir), 1);
    path_in(results, sizeof results, dir, "results.json");
    path_in(journal, sizeof journal, dir, "journal.jsonl");
    assert_non_null(realpath(dir, abs));
    assert_int_equal(unlink(results), 0);
    const char *resume[] = {"sweep", "-q", "--resume", dir, NULL};
    struct stat st;
    for (int k = 0; k < 3; k++) {
        if (k == 0)
            assert_int_equal(mkfifo(results, 0600), 0);
        else if (k == 1)
            assert_int_equal(mkdir(results, 0700), 0);
        else if (mknod(results, S_IFCHR | 0600, makedev(1, 3)) < 0) {
            printf("no char device: mknod refused (not root?)\n");
            break;
        }
        snprintf(want, sizeof want, "%s/results.json: %s", abs,
                 k == 1 ? strerror(EISDIR) : "not a regular file");
        harness_expect_usage_error_within(resume, want, 60);
        char *now = tmpfs_slurp(journal);
        if (!now || strcmp(now, kept) != 0)
            fail_msg("case %d: the journal changed: trials ran", k);
        free(now);
        assert_int_equal(lstat(results, &st), 0);
        assert_int_equal(st.st_mode & S_IFMT, k == 0 ? S_IFIFO : k == 1 ? S_IFDIR : S_IFCHR);
        assert_int_equal(k == 1 ? rmdir(results) : unlink(results), 0);
    }
    free(kept);
    /* the trials were there to run: the node gone, the resume runs them */
    assert_int_equal(pyfault(resume), 1);
    assert_int_equal(journaled_trials(dir), total);
    assert_int_equal(lstat(results, &st), 0);
    assert_true(S_ISREG(st.st_mode));
    remove_dir(dir);
}

/* Starts a slow sweep of RESUME_MIXED into a fresh folder (in DIR) and
 * returns its pid once it has journaled a trial, so it holds the lock. */
static pid_t busy_sweep(char *dir, size_t dirlen)
{
    snprintf(dir, dirlen, "%s", harness_tmpdir());
    char target[4096];
    snprintf(target, sizeof target, "%s", project_path("build/targets/resume_mixed"));
    /* 31 trials of 120 ms each, one at a time: ~4 s to refuse others in */
    const char *args[] = {"sweep", "-q", "-j", "1", "--mode", "oneshot", "--out", dir,
                          "--", target, "30", "120", NULL};
    pid_t pid = harness_start(args, NULL);
    int status;
    for (int i = 0; i < 6000 && journaled_trials(dir) < 1; i++) {
        if (waitpid(pid, &status, WNOHANG) == pid)
            fail_msg("the sweep ended (status 0x%x) before it journaled a trial", status);
        sleep_ms(5);
    }
    assert_true(journaled_trials(dir) >= 1);
    return pid;
}

/* Runs ARGS and fails unless they are refused with "OPT DIR: in use by
 * another pyfault (pid PID)" (OPT NULL: "DIR: ...") while the sweep PID
 * still runs. */
static void expect_busy(const char *const *args, const char *opt, const char *dir, pid_t pid)
{
    char want[800];
    snprintf(want, sizeof want, "%s%s%s: in use by another pyfault (pid %d)", opt ? opt : "",
             opt ? " " : "", dir, (int)pid);
    harness_expect_usage_error(args, want);
    int status;
    if (waitpid(pid, &status, WNOHANG) != 0)
        fail_msg("the busy sweep ended before '%s %s' was tried: make it slower", args[0], opt);
}

/* Waits for the sweep PID into DIR and checks that its results are whole:
 * complete, every planned trial done and journaled, its own journal. */
static void busy_sweep_whole(pid_t pid, const char *dir)
{
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 1)
        fail_msg("the busy sweep: status 0x%x (wanted exit 1: findings)", status);
    json_t *r = load_results(dir);
    json_int_t done = json_integer_value(json_object_get(r, "done"));
    assert_true(json_is_true(json_object_get(r, "complete")));
    assert_int_equal(done, json_integer_value(json_object_get(r, "planned")));
    assert_int_equal(done, 31);
    assert_int_equal(journaled_trials(dir), (int)done);
    json_decref(r);
    char path[700];
    path_in(path, sizeof path, dir, "journal.jsonl");
    char *text = tmpfs_slurp(path);
    assert_non_null(text);
    char *nl = strchr(text, '\n');
    assert_non_null(nl);
    *nl = '\0';
    if (!strstr(text, "resume_mixed") || strstr(text, "h_exit0"))
        fail_msg("the journal's invocation is not the busy sweep's: %s", text);
    free(text);
}

static void test_busy_folder_refused(void **state)
{
    (void)state;
    char dir[600], other[4096];
    pid_t pid = busy_sweep(dir, sizeof dir);
    snprintf(other, sizeof other, "%s", project_path("build/targets/h_exit0"));
    const char *sweep[] = {"sweep", "-q", "--out", dir, "--", other, NULL};
    expect_busy(sweep, "--out", dir, pid);
    /* the other commands that own an --out folder the same way */
    const char *pytest[] = {"pytest", "-q", "--out", dir, "--", "/dev/null", NULL};
    expect_busy(pytest, "--out", dir, pid);
    if (access(PYTHON, X_OK) == 0) {
        char scenario[4096];
        snprintf(scenario, sizeof scenario, "%s",
                 project_path("scenarios/set_nomemory/except_past_256.py"));
        const char *matrix[] = {"matrix", "-q", "--interp", "x=" PYTHON, "--out", dir,
                                scenario, NULL};
        expect_busy(matrix, "--out", dir, pid);
    }
    /* report writes into DIR too: a results.json put there (the sweep's
     * own comes at its end) is not reported while the sweep runs */
    char path[700];
    path_in(path, sizeof path, dir, "results.json");
    json_t *stale = report_fixture(0, 0);
    report_fixture_write(stale, path);
    json_decref(stale);
    const char *report[] = {"report", dir, NULL};
    expect_busy(report, NULL, dir, pid);
    static const char *const reports[] = {"junit.xml", "summary.md", "index.html"};
    for (int i = 0; i < 3; i++) {
        path_in(path, sizeof path, dir, reports[i]);
        /* the sweep writes them too, once ended (not reaped here) */
        siginfo_t ended = {0};
        if (access(path, F_OK) == 0 &&
            waitid(P_PID, (id_t)pid, &ended, WEXITED | WNOHANG | WNOWAIT) == 0 &&
            ended.si_pid == 0)
            fail_msg("the refused report wrote %s", path);
    }
    busy_sweep_whole(pid, dir);
    remove_dir(dir);
}

static void test_busy_folder_resume_refused(void **state)
{
    (void)state;
    char dir[600];
    pid_t pid = busy_sweep(dir, sizeof dir);
    const char *resume[] = {"sweep", "-q", "--resume", dir, NULL};
    expect_busy(resume, "--resume", dir, pid);
    busy_sweep_whole(pid, dir);
    /* once it has ended, the folder is free again */
    assert_int_equal(pyfault(resume), 1);
    remove_dir(dir);
}

/* The lock dies with the sweep: a --resume right after a SIGKILL goes on
 * (a trial or the janitor, which outlive it briefly, never hold it). */
static void test_killed_sweep_leaves_no_lock(void **state)
{
    (void)state;
    char dir[600], target[4096];
    snprintf(dir, sizeof dir, "%s", harness_tmpdir());
    snprintf(target, sizeof target, "%s", project_path("build/targets/resume_mixed"));
    const char *args[] = {"--mode", "oneshot", "--", target, "30", "60", NULL};
    sweep_killed(dir, args, 3);
    const char *resume[] = {"sweep", "-q", "--resume", dir, NULL};
    assert_int_equal(pyfault(resume), 1);
    json_t *r = load_results(dir);
    assert_true(json_is_true(json_object_get(r, "complete")));
    assert_int_equal(json_integer_value(json_object_get(r, "done")), 31);
    json_decref(r);
    remove_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resume_c_target),
        cmocka_unit_test(test_resume_fork_engine),
        cmocka_unit_test(test_resume_python_startup),
        cmocka_unit_test(test_resume_site_plan_elsewhere),
        cmocka_unit_test(test_resume_two_targets),
        cmocka_unit_test(test_resume_refusals),
        cmocka_unit_test(test_resume_unplanned_point_refused),
        cmocka_unit_test(test_resume_results_not_regular),
        cmocka_unit_test(test_busy_folder_refused),
        cmocka_unit_test(test_busy_folder_resume_refused),
        cmocka_unit_test(test_killed_sweep_leaves_no_lock),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
