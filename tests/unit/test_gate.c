/*
 * test_gate: the CI gate's judgement, pure: baselines from files and
 * from results, new findings by class + signature, violated cells, the
 * text a CI log shows and the JUnit XML; the repro plan of a trial.
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
    assert_int_equal(pf_gate_judge(&b, &r, &g), 0);
    assert_int_equal(g.n_new, 0);
    /* the fixture's unwind-loop band on vanilla builds is unexpected */
    assert_true(g.n_bad > 0);
    for (size_t i = 0; i < g.n_bad; i++)
        assert_true(r.cells[g.bad_cells[i]].unexpected > 0 || r.cells[g.bad_cells[i]].error);
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
    assert_int_equal(pf_gate_judge(&b, &r, &g), 0);
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
    assert_int_equal(pf_gate_judge(&empty, &r, &g), 0);
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
    assert_int_equal(pf_gate_judge(&b, &r, &g), 0);
    char *xml = capture(pf_gate_junit, &r, &g);
    char want[128];
    snprintf(want, sizeof want, "tests=\"%zu\" failures=\"%zu\"", r.n_cells + b.n, g.n_bad);
    assert_non_null(strstr(xml, want));
    size_t failures = 0;
    for (const char *p = xml; (p = strstr(p, "<failure ")); p++)
        failures++;
    assert_int_equal(failures, g.n_bad);
    free(xml);
    pf_gate_free(&g);
    pf_baseline_free(&b);
    pf_results_free(&r);
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
        cmocka_unit_test(test_new_crash_named),
        cmocka_unit_test(test_baseline_file_roundtrip),
        cmocka_unit_test(test_bad_baselines),
        cmocka_unit_test(test_ok_findings_never_new),
        cmocka_unit_test(test_junit_counts),
        cmocka_unit_test(test_repro_plan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
