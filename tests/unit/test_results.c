/*
 * test_results: what the harness writes and reads: the --json object,
 * atomic writes, findings dedup, bounded capture, repro quoting, progress
 * lines, event-log lines, /proc stat lines, a matrix's results.json that
 * leaves nothing out, the --out folder of sweep and pytest made and checked.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "capture.h"
#include "harness_cli.h"
#include "matrix.h"
#include "matrix_json.h"
#include "out_dir.h"
#include "eventlog.h"
#include "findings.h"
#include "procstat.h"
#include "progress.h"
#include "report_model.h"
#include "result_json.h"
#include "shellquote.h"
#include "sweep.h"
#include "sweep_json.h"
#include "tmpdir.h"

static void test_result_json_fields(void **state)
{
    (void)state;
    struct pf_result *res = calloc(1, sizeof *res);
    assert_non_null(res);
    res->v.cls = PF_FATAL;
    snprintf(res->v.func, sizeof res->v.func, "f");
    snprintf(res->v.detail, sizeof res->v.detail, "boom");
    res->signal = 6;
    res->exit_code = -1;
    res->duration_ms = 12;
    res->allocations = 100;
    res->injected = 3;
    res->first_injected = 42;
    snprintf(res->signature, sizeof res->signature, "fatal: f: boom");
    pf_frames_push(&res->frames, 0x1234, "main", "/bin/x");
    snprintf(res->stderr_tail, sizeof res->stderr_tail, "Fatal Python error: f: boom\n");
    snprintf(res->repro, sizeof res->repro, "pyfault run --inject nth=42 -- x");
    json_t *j = pf_result_json(res);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "class")), "fatal");
    assert_string_equal(json_string_value(json_object_get(j, "subkind")), "");
    assert_true(json_is_null(json_object_get(j, "exit_code")));
    assert_int_equal(json_integer_value(json_object_get(j, "signal")), 6);
    assert_int_equal(json_integer_value(json_object_get(j, "duration_ms")), 12);
    assert_string_equal(json_string_value(json_object_get(j, "signature")), "fatal: f: boom");
    json_t *fr = json_object_get(j, "frames");
    assert_int_equal(json_array_size(fr), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(fr, 0), "ip")), "0x1234");
    assert_int_equal(json_integer_value(json_object_get(j, "allocations")), 100);
    json_t *inj = json_object_get(j, "injected");
    assert_int_equal(json_integer_value(json_object_get(inj, "count")), 3);
    assert_int_equal(json_integer_value(json_object_get(inj, "first")), 42);
    assert_non_null(strstr(json_string_value(json_object_get(j, "stderr_tail")), "boom"));
    assert_string_equal(json_string_value(json_object_get(j, "repro")), res->repro);
    assert_string_equal(json_string_value(json_object_get(j, "fatal_function")), "f");
    assert_string_equal(json_string_value(json_object_get(j, "fatal_message")), "boom");
    json_decref(j);
    free(res);
}

static void test_json_text_sanitizes(void **state)
{
    (void)state;
    json_t *j = pf_json_text("ok \xc3\xa9 bad \xff\xfe cut \xe2\x82");
    assert_non_null(j);
    assert_string_equal(json_string_value(j), "ok \xc3\xa9 bad ?? cut ??");
    json_decref(j);
    /* the --json object survives binary output on stderr */
    struct pf_result *res = calloc(1, sizeof *res);
    snprintf(res->stderr_tail, sizeof res->stderr_tail, "\x80\x81 garbage");
    j = pf_result_json(res);
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "stderr_tail")), "?? garbage");
    json_decref(j);
    free(res);
}

static void test_atomic_write(void **state)
{
    (void)state;
    char dir[512];
    assert_int_equal(pf_tmpdir_create(dir, sizeof dir), 0);
    char path[600];
    snprintf(path, sizeof path, "%s/r.json", dir);
    char err[256];
    json_t *j = json_pack("{s:i}", "a", 1);
    assert_int_equal(pf_json_write_atomic(path, j, err, sizeof err), 0);
    json_decref(j);
    json_error_t je;
    json_t *back = json_load_file(path, 0, &je);
    assert_non_null(back);
    assert_int_equal(json_integer_value(json_object_get(back, "a")), 1);
    json_decref(back);
    /* nothing else is left in the directory (no temp file) */
    assert_int_equal(harness_count_files(dir), 1);
    /* a path in a missing directory fails with a one-line message */
    snprintf(path, sizeof path, "%s/missing/r.json", dir);
    j = json_pack("{s:i}", "a", 1);
    assert_int_equal(pf_json_write_atomic(path, j, err, sizeof err), -1);
    json_decref(j);
    assert_non_null(strstr(err, "/missing/r.json: No such file or directory"));
    assert_null(strchr(err, '\n'));
    pf_tmpdir_remove(dir);
    struct stat st;
    assert_int_not_equal(stat(dir, &st), 0);
}

/* The loader report, gate, merge and repro share names a directory as
 * one and refuses a FIFO before reading: no wait for a writer. */
static void test_load_refuses_non_regular(void **state)
{
    (void)state;
    char dir[4096], path[4200], err[512];
    assert_int_equal(pf_tmpdir_create(dir, sizeof dir), 0);
    snprintf(path, sizeof path, "%s/results.json", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    struct pf_results r;
    assert_int_equal(pf_results_load(&r, path, err, sizeof err), -1);
    assert_non_null(strstr(err, "results.json: Is a directory"));
    assert_int_equal(rmdir(path), 0);
    assert_int_equal(mkfifo(path, 0600), 0);
    alarm(20); /* a hang kills the test rather than stopping the suite */
    assert_int_equal(pf_results_load(&r, path, err, sizeof err), -1);
    alarm(0);
    assert_non_null(strstr(err, "results.json: not a regular file"));
    assert_null(strchr(err, '\n'));
    pf_tmpdir_remove(dir);
}

/* The --out folder of sweep and pytest: made when missing, kept when
 * there, refused in one line when it is a file. */
static void test_out_dir_make(void **state)
{
    (void)state;
    char dir[4096], path[4200], err[8400];
    assert_int_equal(pf_tmpdir_create(dir, sizeof dir), 0);
    snprintf(path, sizeof path, "%s/out", dir);
    assert_int_equal(pf_out_dir_make(path, err, sizeof err), 0);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(pf_out_dir_make(path, err, sizeof err), 0);
    assert_int_equal(rmdir(path), 0);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    char want[8400];
    assert_int_equal(pf_out_dir_make(path, err, sizeof err), -1);
    snprintf(want, sizeof want, "--out %s: not a directory", path);
    assert_string_equal(err, want);
    assert_int_equal(unlink(path), 0);
    pf_tmpdir_remove(dir);
}

/* A one-cell matrix of scenario NAME, not run. */
static void tiny_matrix(struct pf_matrix *m, const char *name)
{
    struct pf_interp *in = calloc(1, sizeof *in);
    struct pf_scenario *sc = calloc(1, sizeof *sc);
    assert_non_null(in);
    assert_non_null(sc);
    snprintf(in->id, sizeof in->id, "sys");
    snprintf(in->path, sizeof in->path, "/usr/bin/python3.11");
    snprintf(sc->name, sizeof sc->name, "%s", name);
    snprintf(sc->path, sizeof sc->path, "x.py");
    struct pf_matrix_config cfg = {.jobs = 1};
    char err[512];
    if (pf_matrix_init(m, &cfg, in, 1, sc, 1, err, sizeof err) != 0)
        fail_msg("%s", err);
}

/* The matrix writer drops nothing silently: what jansson refuses (an id
 * that is not UTF-8) fails the check the command makes before the run,
 * and the write, leaving no file; what the run met (a cell's error) is
 * kept, its bad bytes as '?'. */
static void test_matrix_json_drops_nothing(void **state)
{
    (void)state;
    char dir[4096], path[4200], err[1024];
    assert_int_equal(pf_tmpdir_create(dir, sizeof dir), 0);
    snprintf(path, sizeof path, "%s/results.json", dir);
    struct pf_matrix m;
    tiny_matrix(&m, "x\xff");
    assert_int_equal(pf_matrix_json_check(path, &m, err, sizeof err), -1);
    assert_non_null(strstr(err, "results.json: cannot write scenarios: text that is not UTF-8"));
    assert_null(strchr(err, '\n'));
    assert_int_equal(pf_matrix_json_write(path, &m, err, sizeof err), -1);
    assert_int_equal(harness_count_files(dir), 0);
    pf_matrix_free(&m);
    tiny_matrix(&m, "x");
    snprintf(pf_matrix_cell(&m, 0, 0)->error, sizeof m.cells[0].error, "boom\xff");
    assert_int_equal(pf_matrix_json_check(path, &m, err, sizeof err), 0);
    if (pf_matrix_json_write(path, &m, err, sizeof err) != 0)
        fail_msg("%s", err);
    pf_matrix_free(&m);
    json_error_t je;
    json_t *r = json_load_file(path, 0, &je);
    assert_non_null(r);
    assert_int_equal(json_array_size(json_object_get(r, "scenarios")), 1);
    json_t *cell = json_array_get(json_object_get(r, "cells"), 0);
    assert_string_equal(harness_str(cell, "error"), "boom?");
    json_decref(r);
    pf_tmpdir_remove(dir);
}

/* A sweep's results.json, from hand-made trial records: well-formed,
 * trials sorted, findings with counts, nothing half-written. */
static void test_sweep_results_file(void **state)
{
    (void)state;
    struct pf_options o;
    char err[256];
    char *argv[] = {"--mode", "both", "--", "prog", "arg"};
    assert_int_equal(pf_options_parse(PF_CMD_SWEEP, 5, argv, &o, err, sizeof err), 0);
    struct pf_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.timeout_s = 3;
    struct pf_sweep sw;
    pf_sweep_init(&sw, &o, &ctx, "/nonexistent", 2);
    sw.trials = calloc(4, sizeof *sw.trials);
    sw.cap = 4;
    const uint64_t points[] = {2, 1, 2, 1};
    for (int i = 0; i < 4; i++) {
        struct pf_trial_rec *t = &sw.trials[sw.ntrials++];
        t->point = points[i];
        t->mode = i < 2 ? PF_MODE_PERSISTENT : PF_MODE_ONESHOT;
        t->cls = i == 0 ? PF_UNWIND_LOOP : PF_ERROR;
        t->exit_code = i == 0 ? -1 : 1;
        t->finding = (int32_t)pf_findings_add(&sw.findings, i == 0 ? "unwind-loop: f" : "error: \xff g",
                                               t->cls, 0, "pyfault run --inject x -- prog", "",
                                               0, t->point, t->mode);
        sw.counts[t->cls]++;
    }
    sw.planned = 4;
    pf_sweep_sort(&sw);
    struct pf_target tg = {0};
    char *targv[] = {"prog", "arg", NULL};
    tg.argv = targv;
    tg.argc = 2;
    struct pf_sweep_target st = {.t = &tg, .allocations = 2, .pace = {.wall_ms = 5}};

    /* a program that is no Python: no version asked, but named and hashed */
    struct pf_interp interp = {.id = "prog", .path = "/bin/true", .version = "",
                               .sha256 = "0000000000000000000000000000000000000000000000000000000000000000"};
    char *scen_ids[] = {"prog arg"}, *scen_paths[] = {"prog arg"};
    struct pf_sweep_names names = {.interp = &interp, .scenario = scen_ids, .path = scen_paths};
    char dir[512], path[600];
    assert_int_equal(pf_tmpdir_create(dir, sizeof dir), 0);
    snprintf(path, sizeof path, "%s/results.json", dir);
    assert_int_equal(pf_sweep_json_write(path, &sw, &st, 1, 0, &names, err, sizeof err), 0);
    json_error_t je;
    json_t *j = json_load_file(path, 0, &je);
    if (!j)
        fail_msg("results.json does not parse: %s (line %d)", je.text, je.line);
    assert_true(json_is_false(json_object_get(j, "complete")));
    assert_int_equal(json_integer_value(json_object_get(j, "done")), 4);
    json_t *trials = json_object_get(j, "trials");
    assert_int_equal(json_array_size(trials), 4);
    /* sorted by point, then mode (oneshot before persistent) */
    assert_int_equal(json_integer_value(json_object_get(json_array_get(trials, 0), "point")), 1);
    assert_string_equal(json_string_value(json_object_get(json_array_get(trials, 0), "mode")), "oneshot");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(trials, 3), "point")), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(trials, 3), "class")), "unwind-loop");
    json_t *findings = json_object_get(j, "findings");
    assert_int_equal(json_array_size(findings), 2);
    /* ordered by their first trial (point 1 before 2), whatever came first,
     * and the trials' finding ids follow */
    assert_int_equal(json_integer_value(json_object_get(json_array_get(findings, 0), "count")), 3);
    assert_string_equal(json_string_value(json_object_get(json_array_get(findings, 0), "signature")), "error: ? g");
    assert_string_equal(json_string_value(json_object_get(json_array_get(findings, 1), "signature")), "unwind-loop: f");
    assert_int_equal(json_integer_value(json_object_get(json_array_get(trials, 0), "finding")), 0);
    assert_int_equal(json_integer_value(json_object_get(json_array_get(trials, 3), "finding")), 1);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "counts"), "error")), 3);
    /* schema v1: one interpreter, one cell, trials naming them */
    assert_string_equal(json_string_value(json_object_get(j, "schema")), "pyfault-results");
    json_t *cell = json_array_get(json_object_get(j, "cells"), 0);
    assert_int_equal(json_integer_value(json_object_get(cell, "trials")), 4);
    assert_string_equal(json_string_value(json_object_get(cell, "interpreter")), "prog");
    assert_string_equal(json_string_value(json_object_get(json_array_get(trials, 0), "scenario")), "prog arg");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "summary"), "trials")), 4);
    json_decref(j);
    /* an unwritable place fails cleanly */
    snprintf(path, sizeof path, "%s/no/such/dir/results.json", dir);
    assert_int_equal(pf_sweep_json_write(path, &sw, &st, 1, 1, &names, err, sizeof err), -1);
    assert_non_null(strstr(err, "/no/such/dir/results.json: No such file or directory"));
    pf_sweep_free(&sw);
    pf_tmpdir_remove(dir);
}

/* A finding's failure points across cells: one per site key and rank, a
 * keyless trial one per cell, N and mode. */
static void test_findings_points_by_site_key(void **state)
{
    (void)state;
    struct pf_findings f;
    pf_findings_init(&f);
    long k = pf_findings_add(&f, "segfault: crash_site < main", PF_SEGFAULT, 0, "r", "t", 0, 6, 1);
    assert_int_equal(k, 0);
    /* vanilla's N=6 and patched's N=7: the same call, one point */
    assert_int_equal(pf_findings_point(&f, k, "crash_site+0x11", 0, 6, 1), 0);
    assert_int_equal(pf_findings_point(&f, k, "crash_site+0x11", 1, 7, 1), 0);
    assert_int_equal(f.v[k].points, 1);
    /* the key's second trial in a cell is another point (N breaks the tie);
     * in the other cell, its second trial is that same point */
    pf_findings_point(&f, k, "crash_site+0x11", 0, 9, 1);
    assert_int_equal(f.v[k].points, 2);
    pf_findings_point(&f, k, "crash_site+0x11", 1, 10, 1);
    assert_int_equal(f.v[k].points, 2);
    /* the same key in the other mode: its own ranks */
    pf_findings_point(&f, k, "crash_site+0x11", 0, 6, 2);
    assert_int_equal(f.v[k].points, 2);
    /* another key at the same N: another point */
    pf_findings_point(&f, k, "row_site+0x20", 0, 6, 1);
    assert_int_equal(f.v[k].points, 3);
    /* no key: N in its cell and mode */
    pf_findings_point(&f, k, "", 0, 12, 1);
    pf_findings_point(&f, k, "", 1, 12, 1);
    pf_findings_point(&f, k, "", 1, 12, 1);
    assert_int_equal(f.v[k].points, 5);
    /* an index out of range is ignored */
    assert_int_equal(pf_findings_point(&f, 7, "x", 0, 1, 1), 0);
    pf_findings_free(&f);
}

static void test_findings_dedup(void **state)
{
    (void)state;
    struct pf_findings f;
    pf_findings_init(&f);
    char sig[64];
    for (int round = 0; round < 3; round++)
        for (int i = 0; i < 500; i++) {
            snprintf(sig, sizeof sig, "segfault: f%d", i);
            long idx = pf_findings_add(&f, sig, PF_SEGFAULT, 0, "repro", "tail", 0,
                                       (uint64_t)(round * 1000 + i), 1);
            assert_int_equal(idx, i);
        }
    assert_int_equal(f.n, 500);
    for (size_t i = 0; i < f.n; i++) {
        assert_int_equal(f.v[i].count, 3);
        assert_int_equal(f.v[i].point, i); /* the first trial is kept */
    }
    /* a lower point seen later becomes the example */
    long idx = pf_findings_add(&f, "segfault: f7", PF_SEGFAULT, 0, "earlier", "t", 0, 0, 1);
    assert_int_equal(idx, 7);
    assert_int_equal(f.v[7].point, 0);
    assert_string_equal(f.v[7].repro, "earlier");
    pf_findings_free(&f);
}

static void test_capture_bounded(void **state)
{
    (void)state;
    static struct pf_capture c;
    pf_capture_reset(&c);
    char chunk[1000];
    for (int i = 0; i < 1000; i++) {
        memset(chunk, 'a' + (i % 26), sizeof chunk);
        pf_capture_add(&c, chunk, sizeof chunk);
    }
    pf_capture_add(&c, "THE END\n", 8);
    assert_int_equal(c.total, 1000 * 1000 + 8);
    static char text[PF_CAPTURE_HEAD + PF_CAPTURE_TAIL + 64];
    size_t n = pf_capture_text(&c, text, sizeof text);
    assert_true(n < sizeof text);
    assert_non_null(strstr(text, "bytes dropped"));
    assert_int_equal(text[0], 'a');
    assert_string_equal(text + n - 8, "THE END\n");
    char tail[33];
    pf_capture_tail(&c, tail, 32);
    assert_int_equal(strlen(tail), 32);
    assert_string_equal(tail + 24, "THE END\n");
    /* small output: text and tail are the whole output */
    pf_capture_reset(&c);
    pf_capture_add(&c, "hello\n", 6);
    pf_capture_text(&c, text, sizeof text);
    assert_string_equal(text, "hello\n");
    pf_capture_tail(&c, tail, 32);
    assert_string_equal(tail, "hello\n");
    /* a NUL byte is kept as '?': nothing after it is lost, in the head
     * and in the ring */
    pf_capture_reset(&c);
    pf_capture_add(&c, "a\0b\0", 4);
    pf_capture_text(&c, text, sizeof text);
    assert_string_equal(text, "a?b?");
    static char zeros[PF_CAPTURE_HEAD + 100];
    pf_capture_reset(&c);
    pf_capture_add(&c, zeros, sizeof zeros);
    pf_capture_add(&c, "end", 3);
    pf_capture_tail(&c, tail, 32);
    assert_string_equal(tail, "?????????????????????????????end");
}

static void test_shell_quote(void **state)
{
    (void)state;
    char out[256] = "";
    size_t used = 0;
    pf_shell_append(out, sizeof out, &used, "pyfault");
    pf_shell_append(out, sizeof out, &used, "nth=5,log-max=1");
    pf_shell_append(out, sizeof out, &used, "-c");
    pf_shell_append(out, sizeof out, &used, "print('hi there')");
    pf_shell_append(out, sizeof out, &used, "");
    assert_string_equal(out, "pyfault nth=5,log-max=1 -c 'print('\\''hi there'\\'')' ''");
    char small[8] = "";
    used = 0;
    pf_shell_append(small, sizeof small, &used, "abcdefghijkl");
    assert_int_equal(strlen(small), 7);
    assert_int_equal(used, sizeof small); /* cut: the caller can tell */
    pf_shell_append(small, sizeof small, &used, "x");
    assert_int_equal(used, sizeof small);
    /* exactly full is not cut */
    used = 0;
    pf_shell_append(small, sizeof small, &used, "abcdefg");
    assert_int_equal(used, 7);
    assert_string_equal(small, "abcdefg");
    /* a closing quote that does not fit is a cut too */
    used = 0;
    pf_shell_append(small, sizeof small, &used, "a b c ");
    assert_int_equal(used, sizeof small);
}

static void test_progress_line(void **state)
{
    (void)state;
    struct pf_progress_counts c;
    memset(&c, 0, sizeof c);
    c.done = 50;
    c.total = 150;
    c.counts[PF_OK] = 40;
    c.counts[PF_UNWIND_LOOP] = 10;
    char line[256];
    pf_progress_format(&c, 10000, line, sizeof line);
    assert_string_equal(line, "50/150 trials, 5.0/s, ETA 0:20, ok 40, unwind-loop 10");
    /* trials read from a resumed sweep's journal are done, but not in the rate */
    c.journaled = 30;
    pf_progress_format(&c, 10000, line, sizeof line);
    assert_string_equal(line, "50/150 trials, 2.0/s, ETA 0:50, ok 40, unwind-loop 10");
}

static void test_event_lines(void **state)
{
    (void)state;
    struct pf_events ev;
    memset(&ev, 0, sizeof ev);
    assert_int_equal(pf_events_parse_line("{\"event\":\"start\",\"pid\":1,\"spec\":\"nth=1\"}", &ev), 0);
    assert_int_equal(pf_events_parse_line(
        "{\"event\":\"fail\",\"pid\":1,\"n\":7,\"size\":16,\"func\":\"malloc\",\"frames\":"
        "[{\"ip\":\"0x10\",\"sym\":\"malloc+0x4\",\"obj\":\"/b/libpyfault.so\"},"
        "{\"ip\":\"0x20\",\"sym\":\"main+0x9\",\"obj\":\"/b/prog\"}]}", &ev), 0);
    assert_int_equal(pf_events_parse_line(
        "{\"event\":\"fail\",\"pid\":1,\"n\":8,\"size\":16,\"func\":\"malloc\",\"frames\":[]}", &ev), 0);
    assert_int_equal(pf_events_parse_line(
        "{\"event\":\"crash\",\"pid\":1,\"signal\":11,\"name\":\"SIGSEGV\",\"addr\":\"0x7ff0\","
        "\"stack_overflow\":true,\"frames\":[{\"ip\":\"0x30\",\"sym\":\"f\",\"obj\":\"p\"}]}", &ev), 0);
    assert_int_equal(pf_events_parse_line(
        "{\"event\":\"summary\",\"pid\":1,\"allocations\":10,\"eligible\":9,\"injected\":2,"
        "\"first\":7,\"streak_max\":1}", &ev), 0);
    assert_false(ev.unforked);
    assert_int_equal(pf_events_parse_line(
        "{\"event\":\"unforked\",\"pid\":1,\"what\":\"an eventfd counter\",\"fd\":5,"
        "\"errno\":\"EPERM\"}", &ev), 0);
    assert_int_equal(pf_events_parse_line(
        "{\"event\":\"unforked\",\"pid\":1,\"what\":\"a pipe\",\"fd\":9,\"errno\":\"EMFILE\"}",
        &ev), 0);
    assert_true(ev.unforked);
    assert_string_equal(ev.unforked_why, "an eventfd counter at fd 5: EPERM"); /* the first */
    /* the end of an image at an exec: known, and no summary's counts */
    assert_int_equal(pf_events_parse_line("{\"event\":\"exec\",\"pid\":1,\"eligible\":4}", &ev),
                     0);
    assert_int_equal(pf_events_parse_line("not json", &ev), -1);
    assert_int_equal(pf_events_parse_line("{\"event\":\"nonsense\"}", &ev), -1);
    assert_true(ev.have_fail);
    assert_int_equal(ev.fail_n, 7); /* the first failure is kept */
    assert_int_equal(ev.fail_frames.n, 2);
    assert_string_equal(ev.fail_frames.f[1].sym, "main");
    assert_string_equal(ev.fail_frames.f[0].obj, "libpyfault.so");
    assert_true(ev.have_crash);
    assert_int_equal(ev.crash_signal, 11);
    assert_int_equal(ev.crash_addr, 0x7ff0);
    assert_true(ev.crash_stack_overflow);
    assert_int_equal(ev.allocations, 10);
    assert_int_equal(ev.eligible, 9); /* the exec's count is not added */
    assert_int_equal(ev.first, 7);
}

static void test_proc_stat_line(void **state)
{
    (void)state;
    struct pf_stat st;
    const char *line =
        "1234 (a (weird) name) R 1 777 777 0 -1 4194304 100 0 0 0 250 50 0 0 20 0 1 0 98765 1000";
    assert_int_equal(pf_parse_stat(line, &st), 0);
    assert_int_equal(st.pgrp, 777);
    assert_int_equal(st.ticks, 300);
    assert_int_equal(st.start, 98765);
    assert_int_equal(pf_parse_stat("garbage", &st), -1);
    /* a line cut before its start time names no process */
    assert_int_equal(pf_parse_stat("1 (x) R 1 2 2 0 -1 0 0 0 0 0 5 5 0 0 20 0 1 0", &st), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_result_json_fields),
        cmocka_unit_test(test_json_text_sanitizes),
        cmocka_unit_test(test_atomic_write),
        cmocka_unit_test(test_sweep_results_file),
        cmocka_unit_test(test_findings_dedup),
        cmocka_unit_test(test_capture_bounded),
        cmocka_unit_test(test_shell_quote),
        cmocka_unit_test(test_progress_line),
        cmocka_unit_test(test_event_lines),
        cmocka_unit_test(test_findings_points_by_site_key),
        cmocka_unit_test(test_proc_stat_line),
        cmocka_unit_test(test_load_refuses_non_regular),
        cmocka_unit_test(test_out_dir_make),
        cmocka_unit_test(test_matrix_json_drops_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
