/*
 * test_report: pyfault report and pyfault merge as a person and a CI
 * system meet them: results.json valid against the schema (python3
 * jsonschema), junit.xml valid against reports/junit.xsd (xmllint),
 * index.html rendered by headless Chromium with no console output, atomic
 * files, one-line errors; a report name taken by a directory, a FIFO or a
 * device refused before any report is written; a SIGTERM while the
 * reports are written leaves no temp file and exits 130; the temp files
 * a SIGKILL leaves go at the next report, nothing else of a like name.
 */
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
#include <unistd.h>
#include <cmocka.h>

#include "harness_cli.h"
#include "report_fixture.h"
#include "skipping.h"

/* Where the screenshot stays for a person to look at (and for reports/). */
#define SCREENSHOT "build/report-screenshot.png"

static char *path_in(const char *dir, const char *name)
{
    static char buf[4][700];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    rewind(f);
    char *buf = malloc((size_t)n + 1);
    if (fread(buf, 1, (size_t)n, f) != (size_t)n)
        n = 0;
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

/* A fresh directory holding the fixture run (shard I of N) as results.json. */
static const char *run_dir(int shard_i, int shard_n)
{
    const char *dir = harness_tmpdir();
    json_t *j = report_fixture(shard_i, shard_n);
    report_fixture_write(j, path_in(dir, "results.json"));
    json_decref(j);
    return dir;
}

static void rm_dir(const char *dir)
{
    char cmd[2100];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fail_msg("cannot remove %s", dir);
}

static int run(const char *const *argv, struct proc_result *r)
{
    if (proc_run((char *const *)argv, NULL, r) < 0)
        fail_msg("cannot start %s", argv[0]);
    return r->exited ? r->exit_code : 128 + r->signal;
}

/* Validates the JSON file DOC against reports/results.schema.json with
 * python3-jsonschema (Draft 2020-12, as the schema declares). */
static int schema_valid(const char *doc, char **why)
{
    static const char script[] =
        "import json, sys, jsonschema\n"
        "schema = json.load(open(sys.argv[2]))\n"
        "jsonschema.validators.validator_for(schema).check_schema(schema)\n"
        "v = jsonschema.validators.validator_for(schema)(schema)\n"
        "errs = sorted(v.iter_errors(json.load(open(sys.argv[1]))), key=lambda e: list(e.path))\n"
        "for e in errs[:3]: print(list(e.path), e.message[:200])\n"
        "sys.exit(1 if errs else 0)\n";
    const char *argv[] = {"/usr/bin/python3.11", "-c", script, doc, project_path("reports/results.schema.json"), NULL};
    struct proc_result r;
    int rc = run(argv, &r);
    *why = strdup(rc ? (r.out_len ? r.out : r.err) : "");
    proc_result_free(&r);
    return rc == 0;
}

static int junit_valid(const char *xml, char **why)
{
    const char *argv[] = {"/usr/bin/xmllint", "--noout", "--schema", project_path("reports/junit.xsd"), xml, NULL};
    struct proc_result r;
    int rc = run(argv, &r);
    *why = strdup(r.err);
    proc_result_free(&r);
    return rc == 0;
}

/* Headless Chromium on file://PAGE with ACTION ("--dump-dom" or
 * "--screenshot=FILE"); R gets its output, stderr with console logging. */
static void chromium(const char *page, const char *action, struct proc_result *r)
{
    char url[800], profile[] = "/tmp/pf-chromium-XXXXXX";
    snprintf(url, sizeof url, "file://%s", page);
    if (!mkdtemp(profile))
        fail_msg("mkdtemp failed");
    char user_data[64];
    snprintf(user_data, sizeof user_data, "--user-data-dir=%s", profile);
    const char *argv[] = {"/usr/bin/timeout", "120", "/usr/bin/chromium", "--headless", "--no-sandbox",
                          "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                          "--disable-component-update", "--disable-sync", "--hide-scrollbars", user_data,
                          "--window-size=1280,900", "--enable-logging=stderr", "--v=0", action, url, NULL};
    int rc = run(argv, r);
    rm_dir(profile);
    if (rc != 0)
        fail_msg("chromium exited %d: %.2000s", rc, r->err);
}

/* The page's console messages (Chromium logs them as "CONSOLE"), one per
 * line, or "" when there were none. */
static char *console_lines(const char *err)
{
    size_t cap = strlen(err) + 1, n = 0;
    char *out = calloc(1, cap);
    for (const char *l = err; *l;) {
        const char *e = strchr(l, '\n');
        size_t len = e ? (size_t)(e - l + 1) : strlen(l);
        if (memmem(l, len, ":CONSOLE", 8)) {
            memcpy(out + n, l, len);
            n += len;
        }
        l += len;
    }
    return out;
}

static void test_report_writes_three_valid_files(void **state)
{
    (void)state;
    const char *dir = run_dir(0, 0);
    char *why;
    if (!schema_valid(path_in(dir, "results.json"), &why))
        fail_msg("fixture not valid against the schema: %s", why);
    free(why);
    const char *args[] = {"report", dir, NULL};
    struct proc_result r;
    harness_cli(args, &r, NULL);
    if (r.exit_code != 0)
        fail_msg("status %d: %s", r.exit_code, r.err);
    char want[1500];
    snprintf(want, sizeof want, "%s/index.html\n%s/summary.md\n", dir, dir);
    assert_string_equal(r.out, want);
    proc_result_free(&r);
    /* results.json, the three reports and the lock file report held the
     * folder by; no temp file left */
    assert_int_equal(harness_count_files(dir), 5);
    if (!junit_valid(path_in(dir, "junit.xml"), &why))
        fail_msg("junit.xml not valid against reports/junit.xsd: %s", why);
    free(why);
    char *md = slurp(path_in(dir, "summary.md"), NULL);
    assert_non_null(strstr(md, "# pyfault: 5838 trials, 1317 unexpected"));
    assert_true(strlen(md) < 20000);
    free(md);
    rm_dir(dir);
}

static void test_validators_can_say_no(void **state)
{
    (void)state;
    /* a class the schema does not know */
    const char *dir = run_dir(0, 0);
    json_t *j = report_fixture(0, 0);
    json_object_set_new(json_array_get(json_object_get(j, "trials"), 3), "class", json_string("crash"));
    report_fixture_write(j, path_in(dir, "bad.json"));
    json_decref(j);
    char *why;
    assert_false(schema_valid(path_in(dir, "bad.json"), &why));
    assert_non_null(strstr(why, "crash"));
    free(why);
    /* a testcase without a name */
    FILE *f = fopen(path_in(dir, "bad.xml"), "w");
    fputs("<?xml version=\"1.0\"?>\n<testsuites><testsuite name=\"s\" tests=\"1\"><testcase classname=\"c\"/>"
          "</testsuite></testsuites>\n", f);
    fclose(f);
    assert_false(junit_valid(path_in(dir, "bad.xml"), &why));
    free(why);
    rm_dir(dir);
}

static void test_chromium_renders_the_page(void **state)
{
    (void)state;
    const char *dir = run_dir(0, 0);
    const char *args[] = {"report", dir, NULL};
    struct proc_result r;
    harness_cli(args, &r, NULL);
    assert_int_equal(r.exit_code, 0);
    proc_result_free(&r);
    const char *page = path_in(dir, "index.html");

    /* the DOM after the page's script ran */
    chromium(page, "--dump-dom", &r);
    char *console = console_lines(r.err);
    if (console[0])
        fail_msg("console output from the page:\n%s", console);
    free(console);
    assert_non_null(strstr(r.out, "<title>pyfault report: 5838 trials, 1317 unexpected</title>"));
    assert_int_equal(count_of(r.out, "<svg class=\"strip\""), 9);
    assert_true(count_of(r.out, "<rect ") > 300);
    assert_non_null(strstr(r.out, "aria-label=\"startup on 3.11-vanilla, persistent\""));
    assert_non_null(strstr(r.out, "id=\"findings-table\""));
    assert_int_equal(count_of(r.out, "<button class=\"copy\" type=\"button\">copy</button>"), 22);
    /* the filter script ran and counted every findings row */
    assert_non_null(strstr(r.out, "<span class=\"shown meta\">22 shown</span>"));
    proc_result_free(&r);

    /* the picture */
    char shot[700];
    snprintf(shot, sizeof shot, "--screenshot=%s", project_path(SCREENSHOT));
    unlink(project_path(SCREENSHOT));
    chromium(page, shot, &r);
    proc_result_free(&r);
    size_t len;
    unsigned char *png = (unsigned char *)slurp(project_path(SCREENSHOT), &len);
    assert_non_null(png);
    assert_true(len > 30000); /* a blank page is a few KB */
    assert_memory_equal(png, "\x89PNG\r\n\x1a\n", 8);
    /* IHDR: width, height big-endian at 16 and 20 */
    unsigned w = (unsigned)png[16] << 24 | png[17] << 16 | png[18] << 8 | png[19];
    unsigned h = (unsigned)png[20] << 24 | png[21] << 16 | png[22] << 8 | png[23];
    assert_int_equal(w, 1280);
    assert_int_equal(h, 900);
    free(png);
    rm_dir(dir);
}

/* Clicks and types through the page's script: sort by count both ways,
 * filter by text and by "unexpected only", copy a repro. */
static const char page_probe[] =
    "<script>(function(){\n"
    "var t=document.getElementById('findings-table');\n"
    "var th=[].slice.call(t.tHead.rows[0].cells).filter(function(h){return h.textContent==='count'})[0];\n"
    "function first(){return [].slice.call(t.tBodies[0].rows).filter(function(r){return !r.hidden})[0].cells[4].textContent}\n"
    "th.click();var asc=first();th.click();var desc=first();\n"
    "var box=document.querySelector('.filters[data-table=findings-table]');\n"
    "var q=box.querySelector('input[type=search]');q.value='segfault';q.dispatchEvent(new Event('input',{bubbles:true}));\n"
    "var text=box.querySelector('.shown').textContent;q.value='';q.dispatchEvent(new Event('input',{bubbles:true}));\n"
    "var cb=box.querySelector('input[type=checkbox]');cb.checked=true;cb.dispatchEvent(new Event('change',{bubbles:true}));\n"
    "var unexp=box.querySelector('.shown').textContent;\n"
    "var b=t.querySelector('button.copy');b.click();\n"
    "document.body.setAttribute('data-probe',[asc,desc,text,unexp,b.textContent].join('|'));\n"
    "})();</script>\n";

static void test_page_script_sorts_filters_copies(void **state)
{
    (void)state;
    const char *dir = run_dir(0, 0);
    const char *args[] = {"report", dir, NULL};
    struct proc_result r;
    harness_cli(args, &r, NULL);
    assert_int_equal(r.exit_code, 0);
    proc_result_free(&r);
    char *html = slurp(path_in(dir, "index.html"), NULL);
    char *end = strstr(html, "</body>");
    assert_non_null(end);
    *end = '\0';
    FILE *f = fopen(path_in(dir, "probe.html"), "w");
    fprintf(f, "%s%s</body></html>\n", html, page_probe);
    fclose(f);
    free(html);
    chromium(path_in(dir, "probe.html"), "--dump-dom", &r);
    char *console = console_lines(r.err);
    if (console[0])
        fail_msg("console output from the page:\n%s", console);
    free(console);
    /* counts 1 .. 2294; 4 findings mention segfault; 5 are unexpected
     * (two unwind-loops, three segfaults) */
    if (!strstr(r.out, "data-probe=\"1|2294|4 shown|5 shown|copied\""))
        fail_msg("probe: %.200s", strstr(r.out, "data-probe") ? strstr(r.out, "data-probe") : "(no data-probe)");
    proc_result_free(&r);
    rm_dir(dir);
}

static void test_console_check_catches_errors(void **state)
{
    (void)state;
    const char *dir = harness_tmpdir();
    FILE *f = fopen(path_in(dir, "bad.html"), "w");
    fputs("<!DOCTYPE html><title>t</title><script>undefinedFunction();</script>\n", f);
    fclose(f);
    struct proc_result r;
    chromium(path_in(dir, "bad.html"), "--dump-dom", &r);
    char *console = console_lines(r.err);
    assert_non_null(strstr(console, "undefinedFunction"));
    free(console);
    proc_result_free(&r);
    rm_dir(dir);
}

static void test_baseline(void **state)
{
    (void)state;
    const char *dir = run_dir(0, 0);
    /* a baseline without the regress build's crash */
    json_t *old = report_fixture(0, 0);
    json_t *fs = json_object_get(old, "findings");
    for (size_t i = 0; i < json_array_size(fs); i++) {
        json_t *x = json_array_get(fs, i);
        if (strstr(json_string_value(json_object_get(x, "signature")), "_PyFrame_ClearExceptCode"))
            json_object_set_new(x, "signature", json_string("segfault: somewhere_else"));
    }
    report_fixture_write(old, path_in(dir, "old.json"));
    json_decref(old);
    const char *args[] = {"report", dir, "--baseline", path_in(dir, "old.json"), NULL};
    struct proc_result r;
    harness_cli(args, &r, NULL);
    if (r.exit_code != 0)
        fail_msg("status %d: %s", r.exit_code, r.err);
    proc_result_free(&r);
    char *md = slurp(path_in(dir, "summary.md"), NULL);
    assert_non_null(strstr(md, "## New findings since the baseline (1)"));
    assert_non_null(strstr(md, "## Fixed since the baseline (1)"));
    assert_non_null(strstr(md, "somewhere_else"));
    free(md);
    char *html = slurp(path_in(dir, "index.html"), NULL);
    assert_int_equal(count_of(html, "<span class=\"new\">new</span>"), 1);
    free(html);
    rm_dir(dir);
}

/* A results.json that is a directory says so (not "'[' or '{' expected");
 * one that is a FIFO is refused at once by report, merge, repro and gate
 * instead of waiting for a writer. */
static void expect_non_regular_refused(void)
{
    const char *dir = harness_tmpdir();
    char res[700], fifo[700];
    snprintf(res, sizeof res, "%s", path_in(dir, "results.json"));
    assert_int_equal(mkdir(res, 0700), 0);
    const char *isdir[] = {"report", dir, NULL};
    harness_expect_usage_error(isdir, "results.json: Is a directory");
    const char *gate_dir[] = {"gate", "--baseline", res, res, NULL};
    harness_expect_usage_error(gate_dir, "results.json: Is a directory");
    assert_int_equal(rmdir(res), 0);
    assert_int_equal(mkfifo(res, 0600), 0);
    snprintf(fifo, sizeof fifo, "%s", res);
    harness_expect_usage_error_within(isdir, "results.json: not a regular file", 20);
    const char *merge[] = {"merge", fifo, fifo, "-o", path_in(dir, "m.json"), NULL};
    harness_expect_usage_error_within(merge, "results.json: not a regular file", 20);
    const char *repro[] = {"repro", fifo, "0", NULL};
    harness_expect_usage_error_within(repro, "results.json: not a regular file", 20);
    const char *gate[] = {"gate", "--baseline", fifo, fifo, NULL};
    harness_expect_usage_error_within(gate, "results.json: not a regular file", 20);
    rm_dir(dir);
}

static void test_report_bad_input(void **state)
{
    (void)state;
    const char *none[] = {"report", NULL};
    harness_expect_usage_error(none, "missing DIR");
    const char *opt[] = {"report", "/tmp", "--frob", NULL};
    harness_expect_usage_error(opt, "unknown option '--frob'");
    const char *nodir[] = {"report", "/nonexistent/dir", NULL};
    harness_expect_usage_error(nodir, "not a directory");
    const char *dir = harness_tmpdir();
    const char *empty[] = {"report", dir, NULL};
    harness_expect_usage_error(empty, "results.json");
    /* an invalid file: an error naming the JSON path, and the old reports stay */
    json_t *j = report_fixture(0, 0);
    json_object_set_new(json_array_get(json_object_get(j, "trials"), 5), "finding", json_integer(4242));
    report_fixture_write(j, path_in(dir, "results.json"));
    json_decref(j);
    FILE *f = fopen(path_in(dir, "index.html"), "w");
    fputs("previous report\n", f);
    fclose(f);
    const char *bad[] = {"report", dir, NULL};
    harness_expect_usage_error(bad, "trials[5].finding: 4242 is past the 22 findings");
    char *old = slurp(path_in(dir, "index.html"), NULL);
    assert_string_equal(old, "previous report\n");
    free(old);
    /* with the lock file the reports hold the folder by */
    assert_int_equal(harness_count_files(dir), 3);
    /* not JSON at all */
    f = fopen(path_in(dir, "results.json"), "w");
    fputs("{\"schema\": \n", f);
    fclose(f);
    harness_expect_usage_error(bad, "results.json:");
    const char *base[] = {"report", dir, "--baseline", NULL};
    harness_expect_usage_error(base, "--baseline needs");
    rm_dir(dir);
    expect_non_regular_refused();
    struct proc_result r;
    const char *help[] = {"report", "--help", NULL};
    harness_cli(help, &r, NULL);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "usage: pyfault report DIR"));
    proc_result_free(&r);
}

/* Is NAME in DIR? */
static int has(const char *dir, const char *name)
{
    return access(path_in(dir, name), F_OK) == 0;
}

/* index.html a directory, summary.md a FIFO, junit.xml a char device (or
 * a link to one): each is refused in one line, exit 2, before any of the
 * three reports is written (none appears in a fresh folder) and the node
 * is left as it was. */
static void test_report_names_checked_first(void **state)
{
    (void)state;
    const char *dir = run_dir(0, 0);
    assert_int_equal(mkdir(path_in(dir, "index.html"), 0755), 0);
    const char *args[] = {"report", dir, NULL};
    harness_expect_usage_error(args, "index.html: Is a directory");
    assert_false(has(dir, "junit.xml"));
    assert_false(has(dir, "summary.md"));
    assert_int_equal(harness_temp_files(dir), 0);
    assert_int_equal(rmdir(path_in(dir, "index.html")), 0);

    assert_int_equal(mkfifo(path_in(dir, "summary.md"), 0644), 0);
    harness_expect_usage_error_within(args, "summary.md: not a regular file", 20);
    assert_false(has(dir, "junit.xml"));
    assert_false(has(dir, "index.html"));
    assert_int_equal(harness_temp_files(dir), 0);
    struct stat st;
    assert_int_equal(lstat(path_in(dir, "summary.md"), &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    assert_int_equal(unlink(path_in(dir, "summary.md")), 0);

    char node[700];
    snprintf(node, sizeof node, "%s", path_in(dir, "nulldev"));
    if (mknod(node, S_IFCHR | 0666, makedev(1, 3)) == 0) {
        for (int link = 0; link < 2; link++) {
            if (link)
                assert_int_equal(symlink("nulldev", path_in(dir, "junit.xml")), 0);
            else
                assert_int_equal(rename(node, path_in(dir, "junit.xml")), 0);
            harness_expect_usage_error_within(args, "junit.xml: not a regular file", 20);
            assert_false(has(dir, "summary.md"));
            assert_false(has(dir, "index.html"));
            assert_int_equal(harness_temp_files(dir), 0);
            assert_int_equal(stat(path_in(dir, "junit.xml"), &st), 0);
            assert_true(S_ISCHR(st.st_mode));
            if (!link)
                assert_int_equal(rename(path_in(dir, "junit.xml"), node), 0);
        }
    }
    rm_dir(dir);
}

/* Member KEY of O, an integer, times N. */
static void times(json_t *o, const char *key, json_int_t n)
{
    json_t *v = json_object_get(o, key);
    assert_true(json_is_integer(v));
    json_integer_set(v, json_integer_value(v) * n);
}

/* Every member of the counts object O times N. */
static void counts_times(json_t *o, json_int_t n)
{
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v)
        times(o, k, n);
}

/* A results.json of 11 copies of the fixture's trials in DIR: about 2 s
 * of work for pyfault report. Each copy's points lie past the last and
 * every total is raised to match: a file whose totals disagree is
 * refused before any report is written. */
static void big_results(const char *dir)
{
    json_t *j = report_fixture(0, 0), *sum = json_object_get(j, "summary"), *v;
    json_t *trials = json_object_get(j, "trials");
    size_t n = json_array_size(trials), i;
    const char *k;
    for (json_int_t copy = 1; copy < 11; copy++)
        for (i = 0; i < n; i++) {
            json_t *t = json_deep_copy(json_array_get(trials, i));
            json_t *pt = json_object_get(t, "point");
            if (json_is_integer(pt))
                json_integer_set(pt, json_integer_value(pt) + copy * 1000000);
            assert_int_equal(json_array_append_new(trials, t), 0);
        }
    json_array_foreach(json_object_get(j, "cells"), i, v) {
        counts_times(json_object_get(v, "counts"), 11);
        times(v, "trials", 11);
        times(v, "unexpected", 11);
    }
    json_array_foreach(json_object_get(j, "findings"), i, v)
        times(v, "count", 11);
    counts_times(json_object_get(sum, "counts"), 11);
    json_object_foreach(json_object_get(sum, "by_interpreter"), k, v)
        counts_times(v, 11);
    times(sum, "trials", 11);
    times(sum, "unexpected", 11);
    report_fixture_write(j, path_in(dir, "results.json"));
    json_decref(j);
}

/* Starts pyfault report DIR and sends it SIG as soon as one of its temp
 * files appears; *STATUS gets its wait status. Returns 0 when the report
 * ended before a temp file was seen (no signal sent), else 1. */
static int signal_at_temp(const char *dir, int sig, int *status)
{
    const char *args[] = {"report", dir, NULL};
    pid_t pid = harness_start(args, NULL);
    while (waitpid(pid, status, WNOHANG) == 0) {
        if (harness_temp_files(dir) > 0) {
            assert_int_equal(kill(pid, sig), 0);
            assert_int_equal(waitpid(pid, status, 0), pid);
            return 1;
        }
        usleep(500);
    }
    /* ended on its own: a refusal would skip the test, never fail it */
    if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0)
        fail_msg("report ended before a temp file was seen: %s %d, want exit 0",
                 WIFEXITED(*status) ? "exit" : "signal",
                 WIFEXITED(*status) ? WEXITSTATUS(*status) : WTERMSIG(*status));
    return 0;
}

/* pyfault report on a results.json of 11 copies of the fixture's trials
 * (about 2 s of work), sent SIGTERM as soon as one of its temp files
 * appears: it exits 130 and leaves no temp file, however far it got. No
 * timing is assumed: a report that ends before a temp file is seen is
 * tried again. */
static void test_report_sigterm(void **state)
{
    (void)state;
    const char *dir = harness_tmpdir();
    big_results(dir);
    for (int attempt = 0; attempt < 10; attempt++) {
        int status;
        if (!signal_at_temp(dir, SIGTERM, &status))
            continue;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 130)
            fail_msg("report after SIGTERM: %s %d, want exit 130", WIFEXITED(status) ? "exit" : "signal",
                     WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        assert_int_equal(harness_temp_files(dir), 0);
        rm_dir(dir);
        return;
    }
    rm_dir(dir);
    skip_because("every report ended before a temp file was seen");
}

/* Writes TEXT to DIR/NAME. */
static void put_in(const char *dir, const char *name, const char *text)
{
    FILE *f = fopen(path_in(dir, name), "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* The temp files a SIGKILLed report leaves go at the next report (which
 * holds the folder's lock), first planted by name, then left by a real
 * SIGKILL (retried when the report ends before a temp file is seen). Only
 * those go: another name, another suffix length or alphabet, a folder of
 * such a name and a link of such a name (its target untouched) stay. */
static void test_report_removes_stale_temps(void **state)
{
    (void)state;
    char dir[600], outside[600];
    snprintf(outside, sizeof outside, "%s", harness_tmpdir());
    snprintf(dir, sizeof dir, "%s", run_dir(0, 0));
    static const char *const stale[] = {"junit.xml.tmp.a1B2c3", "summary.md.tmp.ZZZZZZ",
                                        "index.html.tmp.000000"};
    static const char *const kept[] = {"junit.xml.tmp.12345",     "junit.xml.tmp.1234567",
                                       "results.json.tmp.abcdef", "summary.md.tmp.ab-def",
                                       "xjunit.xml.tmp.abcdef",   "junit.xml.tmp.abcdef.bak"};
    for (size_t i = 0; i < sizeof stale / sizeof *stale; i++)
        put_in(dir, stale[i], "stale\n");
    for (size_t i = 0; i < sizeof kept / sizeof *kept; i++)
        put_in(dir, kept[i], "kept\n");
    assert_int_equal(mkdir(path_in(dir, "index.html.tmp.folder"), 0755), 0);
    put_in(outside, "victim", "untouched\n");
    assert_int_equal(symlink(path_in(outside, "victim"), path_in(dir, "summary.md.tmp.LiNk00")), 0);

    struct proc_result r;
    const char *args[] = {"report", dir, NULL};
    harness_cli(args, &r, NULL);
    if (r.exit_code != 0)
        fail_msg("report: status %d: %s", r.exit_code, r.err);
    proc_result_free(&r);
    for (size_t i = 0; i < sizeof stale / sizeof *stale; i++)
        if (has(dir, stale[i]))
            fail_msg("%s left", stale[i]);
    for (size_t i = 0; i < sizeof kept / sizeof *kept; i++)
        assert_true(has(dir, kept[i]));
    struct stat st;
    assert_int_equal(lstat(path_in(dir, "summary.md.tmp.LiNk00"), &st), 0);
    assert_true(S_ISLNK(st.st_mode));
    assert_int_equal(lstat(path_in(dir, "index.html.tmp.folder"), &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    char *victim = slurp(path_in(outside, "victim"), NULL);
    assert_string_equal(victim, "untouched\n");
    free(victim);
    rm_dir(dir);
    rm_dir(outside);

    /* a real SIGKILL: its temp files stay, the next report takes them */
    snprintf(dir, sizeof dir, "%s", harness_tmpdir());
    big_results(dir);
    for (int attempt = 0; attempt < 10; attempt++) {
        int status;
        if (!signal_at_temp(dir, SIGKILL, &status))
            continue;
        assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        if (harness_temp_files(dir) == 0)
            fail_msg("no temp file left by the SIGKILL: nothing to test");
        harness_cli(args, &r, NULL);
        if (r.exit_code != 0)
            fail_msg("report after SIGKILL: status %d: %s", r.exit_code, r.err);
        proc_result_free(&r);
        assert_int_equal(harness_temp_files(dir), 0);
        rm_dir(dir);
        return;
    }
    rm_dir(dir);
    skip_because("every report ended before a temp file was seen");
}

static void test_merge_command(void **state)
{
    (void)state;
    const char *a = run_dir(1, 3);
    char d[3][600];
    snprintf(d[0], sizeof d[0], "%s", a);
    snprintf(d[1], sizeof d[1], "%s", run_dir(2, 3));
    snprintf(d[2], sizeof d[2], "%s", run_dir(3, 3));
    char s[3][2048], out[700];
    for (int k = 0; k < 3; k++)
        snprintf(s[k], sizeof s[k], "%s/results.json", d[k]);
    const char *outdir = harness_tmpdir();
    snprintf(out, sizeof out, "%s/results.json", outdir);
    const char *args[] = {"merge", s[2], s[0], s[1], "-o", out, NULL};
    struct proc_result r;
    harness_cli(args, &r, NULL);
    if (r.exit_code != 0)
        fail_msg("status %d: %s", r.exit_code, r.err);
    proc_result_free(&r);
    char *why;
    if (!schema_valid(out, &why))
        fail_msg("merged file not valid against the schema: %s", why);
    free(why);
    /* equal to the unsharded run in totals, findings and counts */
    json_t *m = json_load_file(out, 0, NULL), *whole = report_fixture(0, 0);
    assert_non_null(m);
    assert_true(json_equal(json_object_get(m, "findings"), json_object_get(whole, "findings")));
    assert_true(json_equal(json_object_get(m, "cells"), json_object_get(whole, "cells")));
    assert_true(json_equal(json_object_get(m, "trials"), json_object_get(whole, "trials")));
    json_t *ms = json_object_get(m, "summary"), *ws = json_object_get(whole, "summary");
    assert_true(json_equal(json_object_get(ms, "counts"), json_object_get(ws, "counts")));
    assert_true(json_equal(json_object_get(ms, "by_interpreter"), json_object_get(ws, "by_interpreter")));
    assert_int_equal(json_integer_value(json_object_get(ms, "trials")), 5838);
    json_decref(m);
    json_decref(whole);
    /* and it renders */
    const char *rep[] = {"report", outdir, NULL};
    harness_cli(rep, &r, NULL);
    assert_int_equal(r.exit_code, 0);
    proc_result_free(&r);
    assert_int_equal(harness_count_files(outdir), 5); /* and report's .lock */

    /* refusals: one line, status 2, no output file */
    json_t *j = report_fixture(2, 3);
    json_object_set_new(json_array_get(json_object_get(j, "interpreters"), 0), "sha256",
                        json_string("1111111111111111111111111111111111111111111111111111111111111111"));
    report_fixture_write(j, s[1]);
    json_decref(j);
    char out2[700];
    snprintf(out2, sizeof out2, "%s/other.json", outdir);
    const char *sha[] = {"merge", s[0], s[1], "-o", out2, NULL};
    harness_expect_usage_error(sha, "interpreter 3.11-vanilla is another binary");
    assert_int_equal(access(out2, F_OK), -1);
    const char *dup[] = {"merge", s[0], s[0], "-o", out2, NULL};
    harness_expect_usage_error(dup, "both shard 1/3");
    const char *one[] = {"merge", s[0], "-o", out2, NULL};
    harness_expect_usage_error(one, "at least two");
    const char *noout[] = {"merge", s[0], s[2], NULL};
    harness_expect_usage_error(noout, "missing -o");
    const char *missing[] = {"merge", s[0], "/nonexistent/x.json", "-o", out2, NULL};
    harness_expect_usage_error(missing, "/nonexistent/x.json");
    const char *same[] = {"merge", s[0], s[2], "-o", s[0], NULL};
    harness_expect_usage_error(same, "both an input and the output");
    assert_int_equal(access(out2, F_OK), -1);
    const char *help[] = {"merge", "--help", NULL};
    harness_cli(help, &r, NULL);
    assert_int_equal(r.exit_code, 0);
    assert_non_null(strstr(r.out, "usage: pyfault merge"));
    proc_result_free(&r);
    for (int k = 0; k < 3; k++)
        rm_dir(d[k]);
    rm_dir(outdir);
}

/* A target whose fatal message holds characters XML forbids (U+FFFF,
 * U+FFFE), terminal controls (an OSC title, BEL, a screen clear, a colour,
 * a C1 CSI) and a right-to-left override, then aborts. */
static const char hostile_target[] =
    "import os, sys\n"
    "sys.stderr.buffer.write('Fatal Python error: bad\\uffff\\ufffe\\x1b]0;PWNED\\x07evil"
    "\\x1b[2J: msg\\x1b[31m red\\x9b1m\\u202edecoy\\n'.encode())\n"
    "sys.stderr.flush(); os.abort()\n";

/* Fails the test when TEXT (LEN bytes, named WHAT) holds ESC, BEL, a C1
 * CSI or a right-to-left override, or when XML a character XML forbids
 * (U+FFFF, U+FFFE). */
static void expect_clean(const char *what, const char *text, size_t len, int xml)
{
    static const char *const bad[] = {"\x1b", "\x07", "\xc2\x9b", "\xe2\x80\xae", "\xef\xbf\xbf", "\xef\xbf\xbe"};
    for (size_t k = 0; k < 6; k++) {
        if (!xml && k >= 4)
            continue;
        for (size_t i = 0; i + strlen(bad[k]) <= len; i++)
            if (memcmp(text + i, bad[k], strlen(bad[k])) == 0)
                fail_msg("%s: byte %02x at %zu", what, (unsigned char)bad[k][0], i);
    }
}

static void expect_clean_file(const char *path, int xml)
{
    size_t len;
    char *text = slurp(path, &len);
    if (!text)
        fail_msg("%s: not written", path);
    expect_clean(path, text, len, xml);
    free(text);
}

static void test_hostile_fatal_message(void **state)
{
    (void)state;
    const char *dir = harness_tmpdir();
    const char *script = path_in(dir, "hostile.py");
    FILE *f = fopen(script, "w");
    assert_non_null(f);
    fputs(hostile_target, f);
    assert_int_equal(fclose(f), 0);
    char out[600]; /* short enough for path_in's buffers */
    snprintf(out, sizeof out, "%s/out", dir);
    const char *sweep[] = {"sweep", "--stride", "9000", "--python", "/usr/bin/python3.11", "--out", out,
                           script, NULL};
    struct proc_result r;
    harness_cli(sweep, &r, NULL);
    if (r.exit_code != 1)
        fail_msg("sweep: status %d: %s", r.exit_code, r.err);
    /* the classifier made each control one '?'; U+FFFF and U+FFFE are
     * no control and stay, for the XML writers to replace */
    assert_non_null(strstr(r.out, "fatal: bad\xef\xbf\xbf\xef\xbf\xbe?]0;PWNED?evil?[2J: msg?[31m red?1m?decoy"));
    expect_clean("sweep's stdout", r.out, r.out_len, 0);
    expect_clean("sweep's stderr", r.err, r.err_len, 0);
    proc_result_free(&r);
    char res[700];
    snprintf(res, sizeof res, "%s/results.json", out);
    expect_clean_file(path_in(out, "junit.xml"), 1);
    expect_clean_file(path_in(out, "summary.md"), 0);
    expect_clean_file(path_in(out, "index.html"), 1);
    char *xml = slurp(path_in(out, "junit.xml"), NULL);
    assert_non_null(strstr(xml, "fatal: bad???]0;PWNED?evil?[2J: msg?[31m red?1m?decoy"));
    free(xml);
    /* new to the gate (it judges before it writes the baseline): its JUnit
     * names the finding in attributes */
    const char *gate[] = {"gate", "--baseline", path_in(dir, "base.json"), "--update-baseline",
                          "--junit", path_in(dir, "gate.xml"), res, NULL};
    harness_cli(gate, &r, NULL);
    if (r.exit_code != 1)
        fail_msg("gate: status %d: %s", r.exit_code, r.err);
    assert_non_null(strstr(r.out, "NEW fatal: fatal: bad"));
    expect_clean("gate's stdout", r.out, r.out_len, 0);
    expect_clean("gate's stderr", r.err, r.err_len, 0);
    proc_result_free(&r);
    expect_clean_file(path_in(dir, "gate.xml"), 1);
    xml = slurp(path_in(dir, "gate.xml"), NULL);
    assert_non_null(strstr(xml, "name=\"fatal: bad???]0;PWNED?evil?[2J: msg?[31m red?1m?decoy\""));
    free(xml);
    rm_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_report_writes_three_valid_files),
        cmocka_unit_test(test_validators_can_say_no),
        cmocka_unit_test(test_chromium_renders_the_page),
        cmocka_unit_test(test_page_script_sorts_filters_copies),
        cmocka_unit_test(test_console_check_catches_errors),
        cmocka_unit_test(test_baseline),
        cmocka_unit_test(test_report_bad_input),
        cmocka_unit_test(test_report_names_checked_first),
        cmocka_unit_test(test_report_sigterm),
        cmocka_unit_test(test_report_removes_stale_temps),
        cmocka_unit_test(test_merge_command),
        cmocka_unit_test(test_hostile_fatal_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
