/*
 * test_gate: the CI gate's judgement, pure: baselines from files and
 * from results, new findings by class + signature, violated cells (the
 * unexpected trials a baseline does not know), incomplete runs, the text
 * a CI log shows and the JUnit XML; the repro plan of a trial.
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

#include "gate.h"
#include "report_fixture.h"
#include "repro_plan.h"

#define NEW_SIG "segfault: gate_test_new_crash < PyObject_Call < main"
#define NEW_SIG_XML "segfault: gate_test_new_crash &lt; PyObject_Call &lt; main"

static void load(struct pf_results *r, json_t *j)
{
    char err[512];
    if (pf_results_from_json(r, j, err, sizeof err) < 0)
        fail_msg("%s", err);
    json_decref(j);
}

/* The fixture with finding K renamed: a crash the baseline never saw. */
static json_t *with_new_crash(size_t *k_out)
{
    json_t *j = report_fixture(0, 0), *fs = json_object_get(j, "findings");
    for (size_t k = 0; k < json_array_size(fs); k++) {
        json_t *f = json_array_get(fs, k);
        if (strcmp(json_string_value(json_object_get(f, "class")), "segfault") == 0) {
            json_object_set_new(f, "signature", json_string(NEW_SIG));
            *k_out = k;
            return j;
        }
    }
    fail_msg("the fixture has no segfault finding");
    return NULL;
}

static char *capture(void (*fn)(FILE *, const struct pf_results *, const struct pf_gate *),
                     const struct pf_results *r, const struct pf_gate *g)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fn(f, r, g);
    fclose(f);
    return buf;
}

static void print_plain(FILE *f, const struct pf_results *r, const struct pf_gate *g)
{
    pf_gate_print(f, r, g, "base.json", 7);
}

static void test_against_itself_nothing_new(void **state)
{
    (void)state;
    struct pf_results r;
    struct pf_baseline b;
    struct pf_gate g;
    load(&r, report_fixture(0, 0));
    assert_int_equal(pf_baseline_from_results(&b, &r), 0);
    assert_true(b.n > 0);
    assert_int_equal(pf_gate_judge(&b, &r, 0, &g), 0);
    assert_int_equal(g.n_new, 0);
    /* the fixture's unwind-loop band on vanilla builds is unexpected, and
     * known to a baseline made of the same run */
    assert_true(r.total_unexpected > 0);
    assert_int_equal(g.n_bad, 0);
    assert_int_equal(g.known, r.total_unexpected);
    assert_true(pf_gate_passed(&g));
    char *text = capture(print_plain, &r, &g);
    char want[128];
    snprintf(want, sizeof want, "; %ld unexpected trials known to the baseline\n", r.total_unexpected);
    assert_non_null(strstr(text, "gate: PASS: 0 new findings, 0 violated expectations"));
    assert_non_null(strstr(text, want));
    free(text);
    pf_gate_free(&g);
    pf_baseline_free(&b);
    pf_results_free(&r);
}

/* Without the baseline the same cells are violated, each counted by the
 * classes of its unexpected trials; a baseline that knows all but one
 * finding leaves exactly the cells where that finding is unexpected. */
static void test_violated_cells_are_the_unknown_ones(void **state)
{
    (void)state;
    struct pf_results r;
    struct pf_baseline empty = {NULL, 0}, b;
    struct pf_gate g;
    load(&r, report_fixture(0, 0));
    assert_int_equal(pf_gate_judge(&empty, &r, 0, &g), 0);
    assert_true(g.n_bad > 0);
    assert_int_equal(g.known, 0);
    size_t bad = 0;
    for (size_t i = 0; i < r.n_cells; i++)
        bad += r.cells[i].unexpected > 0 || r.cells[i].error;
    assert_int_equal(g.n_bad, bad);
    for (size_t k = 0; k < g.n_bad; k++) {
        const struct pf_gate_cell *bc = &g.bad_cells[k];
        const struct pf_rcell *c = &r.cells[bc->cell];
        assert_int_equal(bc->unaccepted, c->unexpected);
        for (int cl = 0; cl < PF_CLASS_COUNT; cl++)
            assert_int_equal(bc->counts[cl], (c->expected & (1u << cl)) ? 0 : c->counts[cl]);
    }
    char *text = capture(print_plain, &r, &g);
    assert_non_null(strstr(text, "trials outside ok|error|fatal (unwind-loop "));
    free(text);
    pf_gate_free(&g);
    /* drop the unwind-loop finding of the most unexpected trials */
    assert_int_equal(pf_baseline_from_results(&b, &r), 0);
    long most = -1;
    size_t drop = 0;
    for (size_t i = 0; i < r.n_findings; i++)
        if (r.findings[i].unexpected && r.findings[i].count > most) {
            most = r.findings[i].count;
            drop = i;
        }
    assert_true(most > 0);
    size_t w = 0;
    for (size_t i = 0; i < b.n; i++)
        if (b.v[i].cls == r.findings[drop].cls && strcmp(b.v[i].signature, r.findings[drop].signature) == 0)
            free(b.v[i].signature);
        else
            b.v[w++] = b.v[i];
    assert_int_equal(w, b.n - 1);
    b.n = w;
    assert_int_equal(pf_gate_judge(&b, &r, 0, &g), 0);
    assert_int_equal(g.n_new, 1);
    long unaccepted = 0;
    for (size_t k = 0; k < g.n_bad; k++) {
        unaccepted += g.bad_cells[k].unaccepted;
        assert_int_equal(g.bad_cells[k].unaccepted, g.bad_cells[k].counts[r.findings[drop].cls]);
    }
    assert_true(g.n_bad > 0);
    assert_int_equal(unaccepted + g.known, r.total_unexpected);
    long of_drop = 0;
    for (size_t t = 0; t < r.n_trials; t++)
        of_drop += (size_t)r.trials[t].finding == drop && !r.trials[t].expected;
    assert_int_equal(unaccepted, of_drop);
    pf_gate_free(&g);
    pf_baseline_free(&b);
    pf_results_free(&r);
}

/* A cell that counts more unexpected trials than it lists: the unlisted
 * ones are not known to any baseline. */
static void test_unlisted_unexpected_trials(void **state)
{
    (void)state;
    struct pf_results base, r;
    struct pf_baseline b;
    struct pf_gate g;
    load(&base, report_fixture(0, 0));
    json_t *j = report_fixture(0, 0);
    json_t *c0 = json_array_get(json_object_get(j, "cells"), 0);
    long u = (long)json_integer_value(json_object_get(c0, "unexpected"));
    json_object_set_new(c0, "unexpected", json_integer(u + 3));
    load(&r, j);
    assert_int_equal(pf_baseline_from_results(&b, &base), 0);
    assert_int_equal(pf_gate_judge(&b, &r, 0, &g), 0);
    assert_int_equal(g.n_bad, 1);
    assert_int_equal(g.bad_cells[0].cell, 0);
    assert_int_equal(g.bad_cells[0].unaccepted, 3);
    char *text = capture(print_plain, &r, &g);
    assert_non_null(strstr(text, " (unlisted 3)\n"));
    free(text);
    pf_gate_free(&g);
    pf_baseline_free(&b);
    pf_results_free(&r);
    pf_results_free(&base);
}

/* "complete": false fails the gate on its own, with its own line, unless
 * allowed; the JUnit XML has a failed (or skipped) "complete" testcase. */
static void test_incomplete_run(void **state)
{
    (void)state;
    struct pf_results r;
    struct pf_baseline b;
    struct pf_gate g;
    json_t *j = report_fixture(0, 0);
    json_object_set_new(j, "complete", json_false());
    load(&r, j);
    assert_int_equal(pf_baseline_from_results(&b, &r), 0);
    assert_int_equal(pf_gate_judge(&b, &r, 0, &g), 0);
    assert_int_equal(g.n_new, 0);
    assert_int_equal(g.n_bad, 0);
    assert_true(g.incomplete);
    assert_false(pf_gate_passed(&g));
    char *text = capture(print_plain, &r, &g);
    /* nothing new, nothing violated: its line comes first */
    static const char incomplete[] = "INCOMPLETE run (\"complete\": false): ";
    assert_int_equal(strncmp(text, incomplete, sizeof incomplete - 1), 0);
    assert_non_null(strstr(text, "gate: FAIL: 0 new findings, 0 violated expectations"));
    assert_non_null(strstr(text, "; the run is INCOMPLETE\n"));
    free(text);
    char *xml = capture(pf_gate_junit, &r, &g);
    assert_non_null(strstr(xml, "failures=\"1\""));
    assert_non_null(strstr(xml, "<failure type=\"incomplete\""));
    free(xml);
    pf_gate_free(&g);
    assert_int_equal(pf_gate_judge(&b, &r, 1, &g), 0);
    assert_false(g.incomplete);
    assert_true(pf_gate_passed(&g));
    text = capture(print_plain, &r, &g);
    assert_null(strstr(text, "INCOMPLETE run"));
    assert_non_null(strstr(text, "gate: PASS: "));
    assert_non_null(strstr(text, "; the run is INCOMPLETE (allowed)\n"));
    free(text);
    xml = capture(pf_gate_junit, &r, &g);
    assert_non_null(strstr(xml, "failures=\"0\" errors=\"0\" skipped=\"1\""));
    assert_non_null(strstr(xml, "<skipped message=\"incomplete run allowed\"/>"));
    free(xml);
    pf_gate_free(&g);
    pf_baseline_free(&b);
    pf_results_free(&r);
}

static void test_new_crash_named(void **state)
{
    (void)state;
    struct pf_results base, r;
    struct pf_baseline b;
    struct pf_gate g;
    size_t k;
    load(&base, report_fixture(0, 0));
    load(&r, with_new_crash(&k));
    assert_int_equal(pf_baseline_from_results(&b, &base), 0);
    assert_int_equal(pf_gate_judge(&b, &r, 0, &g), 0);
    assert_int_equal(g.n_new, 1);
    assert_int_equal(g.new_findings[0], k);
    assert_false(pf_gate_passed(&g));
    char *text = capture(print_plain, &r, &g);
    assert_non_null(strstr(text, "NEW segfault: " NEW_SIG "\n"));
    assert_non_null(strstr(text, "  repro: "));
    assert_non_null(strstr(text, "gate: FAIL: 1 new finding,"));
    free(text);
    char *xml = capture(pf_gate_junit, &r, &g);
    assert_non_null(strstr(xml, "message=\"new finding (not in the baseline): " NEW_SIG_XML "\""));
    free(xml);
    pf_gate_free(&g);
    pf_baseline_free(&b);
    pf_results_free(&r);
    pf_results_free(&base);
}

static void test_baseline_file_roundtrip(void **state)
{
    (void)state;
    struct pf_results r;
    struct pf_baseline b, from;
    char err[512], path[] = "/tmp/pyfault-gate-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    load(&r, report_fixture(0, 0));
    assert_int_equal(pf_baseline_write(path, &r, err, sizeof err), 0);
    assert_int_equal(pf_baseline_load(&b, path, err, sizeof err), 0);
    assert_int_equal(pf_baseline_from_results(&from, &r), 0);
    assert_int_equal(b.n, from.n);
    for (size_t i = 0; i < b.n; i++) {
        assert_int_equal(b.v[i].cls, from.v[i].cls);
        assert_string_equal(b.v[i].signature, from.v[i].signature);
        assert_int_not_equal(b.v[i].cls, PF_OK);
    }
    for (size_t i = 0; i < r.n_findings; i++)
        if (r.findings[i].cls != PF_OK)
            assert_true(pf_baseline_has(&b, r.findings[i].cls, r.findings[i].signature));
    /* same signature, other class: not known */
    assert_false(pf_baseline_has(&b, PF_HANG, b.v[0].signature));
    pf_baseline_free(&b);
    pf_baseline_free(&from);
    pf_results_free(&r);
    unlink(path);
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_bad_baselines(void **state)
{
    (void)state;
    struct pf_baseline b;
    char err[512], path[] = "/tmp/pyfault-gate-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    static const struct {
        const char *text, *says;
    } bad[] = {
        {"{", "/tmp/pyfault-gate-"},
        {"{\"schema\": \"other\"}", "schema: expected"},
        {"{\"schema\": \"pyfault-baseline\", \"version\": 2, \"findings\": []}", "version: expected 1"},
        {"{\"schema\": \"pyfault-baseline\", \"version\": 1}", "findings: expected an array"},
        {"{\"schema\": \"pyfault-baseline\", \"version\": 1, \"findings\": [{\"class\": \"crash\", \"signature\": \"x\"}]}",
         "findings[0]"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        write_text(path, bad[i].text);
        assert_int_equal(pf_baseline_load(&b, path, err, sizeof err), -1);
        if (!strstr(err, bad[i].says))
            fail_msg("case %zu: '%s' does not say '%s'", i, err, bad[i].says);
        assert_null(strchr(err, '\n'));
        assert_int_equal(b.n, 0);
    }
    assert_int_equal(pf_baseline_load(&b, "/nonexistent/base.json", err, sizeof err), -1);
    write_text(path, "{\"schema\": \"pyfault-baseline\", \"version\": 1, \"findings\": ["
                     "{\"class\": \"segfault\", \"signature\": \"b\"}, {\"class\": \"segfault\", \"signature\": \"a\"},"
                     "{\"class\": \"segfault\", \"signature\": \"b\"}]}");
    assert_int_equal(pf_baseline_load(&b, path, err, sizeof err), 0);
    assert_int_equal(b.n, 2); /* sorted, duplicates dropped */
    assert_string_equal(b.v[0].signature, "a");
    assert_true(pf_baseline_has(&b, PF_SEGFAULT, "b"));
    pf_baseline_free(&b);
    unlink(path);
}

static void test_ok_findings_never_new(void **state)
{
    (void)state;
    struct pf_results r;
    struct pf_baseline empty = {NULL, 0};
    struct pf_gate g;
    load(&r, report_fixture(0, 0));
    assert_int_equal(pf_gate_judge(&empty, &r, 0, &g), 0);
    size_t not_ok = 0;
    for (size_t i = 0; i < r.n_findings; i++)
        not_ok += r.findings[i].cls != PF_OK;
    assert_int_equal(g.n_new, not_ok);
    for (size_t i = 0; i < g.n_new; i++)
        assert_int_not_equal(r.findings[g.new_findings[i]].cls, PF_OK);
    pf_gate_free(&g);
    pf_results_free(&r);
}

static void test_junit_counts(void **state)
{
    (void)state;
    struct pf_results r;
    struct pf_baseline b;
    struct pf_gate g;
    load(&r, report_fixture(0, 0));
    assert_int_equal(pf_baseline_from_results(&b, &r), 0);
    assert_int_equal(pf_gate_judge(&b, &r, 0, &g), 0);
    char *xml = capture(pf_gate_junit, &r, &g);
    char want[128];
    /* a testcase for completeness, each cell, each finding but ok ones */
    snprintf(want, sizeof want, "tests=\"%zu\" failures=\"%zu\"", 1 + r.n_cells + b.n, g.n_bad);
    assert_non_null(strstr(xml, want));
    size_t failures = 0;
    for (const char *p = xml; (p = strstr(p, "<failure ")); p++)
        failures++;
    assert_int_equal(failures, g.n_bad);
    assert_non_null(strstr(xml, "<testcase classname=\"pyfault.gate.run\" name=\"complete\"/>"));
    free(xml);
    pf_gate_free(&g);
    /* against no baseline: each violated cell and new finding fails */
    struct pf_baseline empty = {NULL, 0};
    assert_int_equal(pf_gate_judge(&empty, &r, 0, &g), 0);
    assert_true(g.n_bad > 0);
    xml = capture(pf_gate_junit, &r, &g);
    snprintf(want, sizeof want, "failures=\"%zu\"", g.n_bad + g.n_new);
    assert_non_null(strstr(xml, want));
    assert_non_null(strstr(xml, "trials have a class the scenario does not expect here and the baseline does not know"));
    free(xml);
    pf_gate_free(&g);
    pf_baseline_free(&b);
    pf_results_free(&r);
}

/* What tests/fuzz/fuzz_results found in the results.json reader that the
 * gate, merge, report and repro share (its inputs are in the fuzz corpus
 * too): a count near LONG_MAX made the readers' sums overflow (UBSan),
 * and a newline in a quoted string split the one-line error. */
static void expect_rejected(json_t *j, const char *says)
{
    char err[1024], path[] = "/tmp/pyfault-gate-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    report_fixture_write(j, path);
    json_decref(j);
    struct pf_results r;
    struct pf_baseline b;
    assert_int_equal(pf_results_load(&r, path, err, sizeof err), -1);
    if (!strstr(err, says) || strchr(err, '\n'))
        fail_msg("'%s' is not one line saying '%s'", err, says);
    assert_int_equal(pf_baseline_load(&b, path, err, sizeof err), -1);
    if (!strstr(err, says) || strchr(err, '\n'))
        fail_msg("baseline: '%s' is not one line saying '%s'", err, says);
    unlink(path);
}

static void test_reader_fuzz_findings(void **state)
{
    (void)state;
    json_t *j = report_fixture(0, 0);
    json_t *c0 = json_array_get(json_object_get(j, "cells"), 0);
    json_t *counts = json_object_get(c0, "counts");
    json_object_set_new(counts, "ok", json_integer(INT64_MAX));
    json_object_set_new(counts, "error", json_integer(INT64_MAX));
    expect_rejected(j, "cells[0].counts.");
    j = report_fixture(0, 0);
    json_object_set_new(json_array_get(json_object_get(j, "cells"), 1), "trials", json_integer(INT64_MAX));
    expect_rejected(j, "cells[1].trials: not an integer from 0 to 2^40");
    j = report_fixture(0, 0);
    json_object_set_new(json_array_get(json_object_get(j, "trials"), 0), "scenario", json_string("start\nup"));
    expect_rejected(j, "trials[0]: no cell for start?up x ");
    j = report_fixture(0, 0);
    json_object_set_new(json_array_get(json_object_get(j, "scenarios"), 0), "plan", json_string("a\r\nb"));
    expect_rejected(j, "scenarios[0].plan: \"a??b\" is not none");
    /* a right-to-left override would reorder the message on the reader's
     * screen, and a C1 control (NEL) is a line break to some terminals */
    j = report_fixture(0, 0);
    json_object_set_new(json_array_get(json_object_get(j, "scenarios"), 0), "plan",
                        json_string("a\xe2\x80\xae" "b\xc2\x85" "c"));
    expect_rejected(j, "scenarios[0].plan: \"a?b?c\" is not none");
}

static void test_repro_plan(void **state)
{
    (void)state;
    struct pf_results r;
    struct pf_repro_plan p;
    char err[512];
    json_t *j = report_fixture(0, 0);
    /* a trial of the start-up sweep and one single run */
    json_t *ts = json_object_get(j, "trials");
    size_t sweep = (size_t)-1, single = (size_t)-1;
    for (size_t i = 0; i < json_array_size(ts); i++) {
        const char *mode = json_string_value(json_object_get(json_array_get(ts, i), "mode"));
        if (strcmp(mode, "persistent") == 0 && sweep == (size_t)-1)
            sweep = i;
        if (strcmp(mode, "none") == 0 && single == (size_t)-1)
            single = i;
    }
    assert_true(sweep != (size_t)-1 && single != (size_t)-1);
    json_object_set_new(json_array_get(ts, single), "spec", json_string("junk,nth=3"));
    load(&r, j);
    assert_int_equal(pf_repro_plan(&r, sweep, &p, err, sizeof err), 0);
    char want[64];
    snprintf(want, sizeof want, "from=%ld", r.trials[sweep].point);
    assert_string_equal(p.spec, want);
    assert_string_equal(p.python, r.interps[r.trials[sweep].interp].path);
    assert_string_equal(p.scenario, r.scenarios[r.trials[sweep].scenario].path);
    assert_int_equal(p.cls, r.trials[sweep].cls);
    assert_true(p.timeout_s > 0);
    pf_repro_plan_free(&p);
    assert_int_equal(pf_repro_plan(&r, single, &p, err, sizeof err), 0);
    assert_string_equal(p.spec, "junk,nth=3"); /* the file's spec wins */
    pf_repro_plan_free(&p);
    assert_int_equal(pf_repro_plan(&r, r.n_trials, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "trials"));
    pf_results_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_itself_nothing_new),
        cmocka_unit_test(test_violated_cells_are_the_unknown_ones),
        cmocka_unit_test(test_unlisted_unexpected_trials),
        cmocka_unit_test(test_incomplete_run),
        cmocka_unit_test(test_new_crash_named),
        cmocka_unit_test(test_baseline_file_roundtrip),
        cmocka_unit_test(test_bad_baselines),
        cmocka_unit_test(test_ok_findings_never_new),
        cmocka_unit_test(test_junit_counts),
        cmocka_unit_test(test_reader_fuzz_findings),
        cmocka_unit_test(test_repro_plan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
