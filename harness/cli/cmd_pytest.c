/* cmd_pytest.c: "pyfault pytest": a pytest suite's tests, each swept in
 * its own call region (harness/pytest/README.md). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "controls.h"
#include "count.h"
#include "dir_lock.h"
#include "interp.h"
#include "interrupt.h"
#include "optparse.h"
#include "options.h"
#include "out_dir.h"
#include "pytest_command.h"
#include "pytest_json.h"
#include "pytest_suite.h"
#include "report_dir.h"
#include "shellquote.h"
#include "sweep.h"
#include "sweep_json.h"
#include "tmpdir.h"
#include "trial.h"

#define COUNT_TIMEOUT 600.0
/* the trial record's target index is one byte */
#define MAX_TESTS 255

enum { O_PYTHON = 1, O_MODE, O_ENGINE, O_PLAN, O_SITE_DEPTH, O_STRIDE, O_JOBS, O_INJECT,
       O_TIMEOUT, O_ACCEPT, O_OUT, O_QUIET };

static const struct pf_opt opts[] = {
    {O_PYTHON, "python", 0, "PY", "the interpreter that runs pytest (default: python3)"},
    {O_MODE, "mode", 0, "MODE", "oneshot (nth=N), persistent (from=N) or both\n(default both)"},
    {O_ENGINE, "engine", 0, "ENGINE", "fork: trials fork from one run of the test stopped at\n"
                                      "each point (default); exec: each trial starts afresh"},
    {O_PLAN, "plan", 0, "PLAN", "all (default), sites, sites:K or sites:log, as for sweep"},
    {O_SITE_DEPTH, "site-depth", 0, "D", "frames that make a call site for --plan sites"},
    {O_STRIDE, "stride", 0, "K", "every Kth point of each test; with --plan sites,\n"
                                 "one call site in K, by its key"},
    {O_JOBS, "jobs", 'j', "N", "trials in parallel (default: number of cores, one\n"
                               "more with --engine fork)"},
    {O_INJECT, "inject", 0, "FILTERS", "spec filters added to `region` for every run:\n"
                                       "dso=GLOB (your extension's .so), site=, min-size=,\n"
                                       "skip-site=, layer=, junk, no-precopy; no mode\n"
                                       "token, nor log=, fork-fd=, sites=, sites-k=,\n"
                                       "sites-depth=, trap"},
    {O_TIMEOUT, "timeout", 0, "SECONDS", "per trial (default: from each test's counting run)"},
    {O_ACCEPT, "accept", 0, "LIST", "classes that do not fail the run (default ok,error)"},
    {O_OUT, "out", 0, "DIR", "write DIR/results.json (atomically) and the reports"},
    {O_QUIET, "quiet", 'q', NULL, "no progress or summary"},
    {0},
};

/* The parsed command line: a sweep's options plus the pytest words. */
struct pt_args {
    struct pf_options o;
    char **pytest;
    int npytest;
};

static int take(void *dst, const struct pf_arg *a, char *err, size_t errlen)
{
    struct pt_args *p = dst;
    struct pf_options *o = &p->o;
    uint64_t v;
    switch (a->key) {
    case PF_ARG_WORD:
        snprintf(err, errlen, "'%s': pytest's words go after '--'", a->val);
        return -1;
    case PF_ARG_COMMAND:
        p->pytest = a->argv;
        p->npytest = a->argc;
        return 0;
    case O_PYTHON:
        o->python = a->val;
        return 0;
    case O_MODE:
        return pf_parse_mode(a->val, &o->modes, err, errlen);
    case O_ENGINE:
        return pf_parse_engine(a->val, &o->engine_fork, err, errlen);
    case O_PLAN:
        return pf_parse_plan(a->val, &o->plan_sites, &o->plan_pow2, err, errlen);
    case O_SITE_DEPTH:
        if (pf_opt_count(a->name, a->val, 1, PYFAULT_SITES_DEPTH_MAX, &v, err, errlen) < 0)
            return -1;
        o->site_depth = (unsigned)v;
        return 0;
    case O_STRIDE:
        return pf_opt_count(a->name, a->val, 1, UINT64_MAX, &o->stride, err, errlen);
    case O_JOBS:
        if (pf_opt_count(a->name, a->val, 1, 1024, &v, err, errlen) < 0)
            return -1;
        o->jobs = (unsigned)v;
        return 0;
    case O_INJECT:
        if (pf_parse_inject(a->name, a->val, 1, err, errlen) < 0)
            return -1;
        o->inject = a->val;
        return 0;
    case O_TIMEOUT:
        return pf_opt_seconds(a->name, a->val, 86400, &o->timeout_s, err, errlen);
    case O_ACCEPT:
        return pf_parse_accept(a->name, a->val, &o->accept_mask, err, errlen);
    case O_OUT:
        o->out_dir = a->val;
        return 0;
    case O_QUIET:
        o->quiet = 1;
        return 0;
    }
    return 0;
}

static int check(void *dst, char *err, size_t errlen)
{
    const struct pt_args *p = dst;
    if (p->pytest)
        return pf_pytest_args_check(p->npytest, p->pytest, err, errlen);
    snprintf(err, errlen, "no tests: give '-- PYTEST ARGS...' (paths, -k, ...)");
    return -1;
}

static const struct pf_cli cli = {
    .name = "pytest",
    .usage = "usage: pyfault pytest [OPTIONS] -- PYTEST ARGS...\n"
             "Runs `PY -m pytest -p pyfault_pytest PYTEST ARGS` twice without injection,\n"
             "with each test function's call as a region (set-up, fixtures and collection\n"
             "are never swept), then sweeps every test that passed both times with the\n"
             "same allocations, alone (--pyfault-select=NODEID), at each of its points.\n",
    .opts = opts,
    .epilog = "A test whose outcome or allocation count differs between the two counting\n"
              "runs is flaky: skipped with a note, never a finding. results.json gets a\n"
              "\"pytest\" section (outcomes by test); each target is one test, named by\n"
              "its node id, and each repro line reruns that one test at that one point.\n"
              "The plugin's own options (--pyfault-*), -p no:pyfault_pytest and the options\n"
              "with which pytest runs no test (--collect-only, --co, --setup-only,\n"
              "--setup-plan, --fixtures, --markers, -h, -V ...) are refused. A counting run\n"
              "that dies (a segfault, os._exit) stops the run with pytest's exit status\n"
              "or signal, its last error line and the test that was running: leave it\n"
              "out with --deselect NODEID.\n"
              "Exit status: 0 every class accepted, 1 not, 2 bad usage or a harness\n"
              "error, and when no test was swept (none collected, or none passed both\n"
              "counting runs with points: the error says how many failed, were skipped,\n"
              "flaky or had no points; no results.json is written), 130 interrupted\n"
              "(tests not reached are marked so in results.json).\n"
              "Example: pyfault pytest --inject 'dso=_speedups*' --python /usr/bin/python3.11\n"
              "         --out out -- tests/test_escape.py\n",
    .command = 1,
    .take = take,
    .check = check,
};

/* No file the run writes in --out is the interpreter or a file pytest is
 * given (a test file named results.json there). Returns 0, or -1 with a
 * one-line message in ERR. */
static int check_out_inputs(const struct pt_args *p, char *err, size_t errlen)
{
    const char **inputs = calloc((size_t)p->npytest + 1, sizeof *inputs);
    if (!inputs) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    inputs[0] = p->o.python;
    for (int i = 0; i < p->npytest; i++)
        inputs[i + 1] = p->pytest[i];
    int rc = pf_out_dir_check_inputs(p->o.out_dir, inputs, (size_t)p->npytest + 1, err, errlen);
    free(inputs);
    return rc;
}

/* The line of TEXT (a run's output tail) that says most, into OUT: the
 * last one naming an error ("Fatal Python error: Segmentation fault",
 * "error: unrecognized arguments", "ModuleNotFoundError: ..."), else the
 * last non-blank one, faulthandler's frames ("File ..., line N in F",
 * "Current thread ...") aside: the stack's outermost frame says nothing,
 * and an error line is not one of pytest's "=== ... ===" banners;
 * its control characters scrubbed and its ends trimmed, so an error
 * message stays one line. "" when TEXT has none, or with ERRORS_ONLY
 * none naming an error. */
static void telling_line(const char *text, int errors_only, char *out, size_t outlen)
{
    const char *last = NULL, *error = NULL;
    size_t last_n = 0, error_n = 0;
    /* a full tail begins inside a line: skip that part line */
    if (strlen(text) >= PF_STDERR_TAIL && strchr(text, '\n'))
        text = strchr(text, '\n') + 1;
    for (const char *line = text; *line;) {
        size_t n = strcspn(line, "\n");
        const char *b = line, *e = line + n;
        while (b < e && (*b == ' ' || *b == '\t' || *b == '\r'))
            b++;
        while (e > b && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
            e--;
        if (e > b && strncmp(b, "File \"", 6) != 0 && strncmp(b, "Current thread ", 15) != 0 &&
            strncmp(b, "Thread 0x", 9) != 0) {
            last = b;
            last_n = (size_t)(e - b);
            char probe[PF_STDERR_TAIL + 1];
            snprintf(probe, sizeof probe, "%.*s", (int)last_n, b);
            /* pytest's banners ("=== 1 error in 0.03s ===") aside */
            int banner = strncmp(probe, "===", 3) == 0 || strncmp(probe, "!!!", 3) == 0;
            if (!banner && (strstr(probe, "rror") || strstr(probe, "No module named"))) {
                error = b;
                error_n = last_n;
            }
        }
        line += n + (line[n] == '\n');
    }
    if (error || errors_only) {
        last = error;
        last_n = error_n;
    }
    snprintf(out, outlen, "%.*s", last ? (int)last_n : 0, last ? last : "");
    pf_scrub_controls(out);
}

/* The node id the plugin left in PATH (its report's PATH.running) when
 * the run ended inside a test, into OUT, scrubbed; "" when none. */
static void running_test(const char *report, char *out, size_t outlen)
{
    char path[4300];
    snprintf(path, sizeof path, "%s.running", report);
    out[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    size_t n = fread(out, 1, outlen - 1, f);
    fclose(f);
    out[n] = '\0';
    out[strcspn(out, "\n")] = '\0';
    pf_scrub_controls(out);
}

/* How RES, a counting run, ended, into OUT: "exited 1", "died of signal
 * 11 (Segmentation fault)", "timed out after 600s", ... */
static void how_it_ended(const struct pf_result *res, double timeout_s, char *out, size_t outlen)
{
    if (res->stop == PF_STOP_TIMEOUT)
        snprintf(out, outlen, "timed out after %gs", timeout_s);
    else if (res->stop != PF_STOP_EXITED)
        snprintf(out, outlen, "was stopped as %s", pf_class_name(res->v.cls));
    else if (res->signal)
        snprintf(out, outlen, "died of signal %d (%s)", res->signal, strsignal(res->signal));
    else if (res->exit_code >= 0)
        snprintf(out, outlen, "exited %d", res->exit_code);
    else
        snprintf(out, outlen, "ended as %s", pf_class_name(res->v.cls));
}

/* pytest's exit status: 0 all passed, 1 some failed, 5 none collected;
 * any other, it stopped before its tests ran to their end (2 interrupted
 * or a collection error, 3 internal error, 4 usage error) */
static int pytest_ran(int status)
{
    return status == 0 || status == 1 || status == 5;
}

/* Counting run RUN (0 or 1) of the whole selection; its report into S,
 * pytest's exit status into *STATUS. When the run dies or writes no
 * report, the one-line error says how it ended, the line of its output
 * that says most and the test that was running. */
static int count_suite(struct pt_args *p, struct pf_context *ctx, const char *dir, int run,
                       struct pf_pytest_suite *s, int *status, char *err, size_t errlen)
{
    char report[4200], opt[4300];
    snprintf(report, sizeof report, "%s/suite.%d.json", dir, run);
    snprintf(opt, sizeof opt, "--pyfault-report=%s", report);
    int argc;
    char **cmd = pf_pytest_command(p->o.python, opt, p->npytest, p->pytest, &argc);
    struct pf_target t;
    struct pf_runner *r = calloc(1, sizeof *r);
    struct pf_result *res = calloc(1, sizeof *res);
    int rc = -1;
    if (!cmd || !r || !res) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (pf_target_command(&t, argc, cmd, err, errlen) < 0)
        goto out;
    if (pf_runner_init(r, dir, 9000 + (unsigned)run, err, errlen) < 0) {
        pf_target_free(&t);
        goto out;
    }
    ctx->timeout_s = p->o.timeout_s > 0 ? p->o.timeout_s * 100 : COUNT_TIMEOUT;
    pf_trial_run(ctx, r, &t, p->o.inject, res);
    pf_runner_free(r);
    pf_target_free(&t);
    *status = res->exit_code;
    if (pf_interrupted)
        goto out;
    if (res->error[0]) {
        snprintf(err, errlen, "counting run %d of pytest: %.500s", run + 1, res->error);
        goto out;
    }
    int ended = res->stop != PF_STOP_EXITED || res->signal || !pytest_ran(res->exit_code);
    if (ended || access(report, F_OK) != 0) {
        char how[200], line[400], test[600];
        how_it_ended(res, ctx->timeout_s, how, sizeof how);
        telling_line(res->stderr_tail, 0, line, sizeof line);
        if (!line[0]) /* pytest's own errors (collection, usage) go to stdout */
            telling_line(res->stdout_tail, 1, line, sizeof line);
        running_test(report, test, sizeof test);
        int used = snprintf(err, errlen, "counting run %d of pytest %s%s", run + 1, how,
                            ended ? "" : " without the plugin's report");
        if (test[0]) {
            char quoted[700] = "";
            size_t q = 0;
            pf_shell_append(quoted, sizeof quoted, &q, test);
            used += snprintf(err + used, errlen - (size_t)used, " in test %s%s%.300s; to "
                             "sweep the rest, leave it out with --deselect %s", test,
                             line[0] ? ": " : "", line, q < sizeof quoted ? quoted : test);
        } else {
            /* pytest ran and did not load the plugin (-p no:pyfault_pytest
             * in its addopts), unless Python could not find a module */
            int hint = !ended && !strstr(line, "No module named");
            snprintf(err + used, errlen - (size_t)used, "%s%.300s%s", line[0] ? ": " : "",
                     line, hint ? " (did pytest load -p pyfault_pytest?)" : "");
        }
        goto out;
    }
    if (res->allocations == 0) {
        snprintf(err, errlen, "counting run %d saw no allocation: the shim did not attach",
                 run + 1);
        goto out;
    }
    rc = pf_pytest_suite_read(s, report, run, err, errlen);
out:
    pf_pytest_command_free(cmd);
    free(r);
    free(res);
    return rc;
}

/* Results: each target named by its test's node id. */
static int write_results(const struct pt_args *p, const struct pf_sweep *sw,
                         const struct pf_sweep_target *sts, char **cmds[], unsigned nt,
                         const struct pf_pytest_suite *s, int complete, char *err, size_t errlen)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/results.json", p->o.out_dir);
    struct pf_interp interp;
    char id[64];
    char **scen = calloc(nt + 1, sizeof *scen), **paths = calloc(nt + 1, sizeof *paths);
    int rc = -1;
    if (!scen || !paths) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    pf_interp_default_id(p->o.python, id, sizeof id);
    if (pf_interp_describe(&interp, id, nt ? sts[0].t->exe : p->o.python, err, errlen) < 0)
        goto out;
    for (size_t i = 0; i < s->n; i++) {
        int k = s->v[i].target;
        if (k < 0)
            continue;
        char line[4096] = "";
        for (int w = 0; cmds[k][w]; w++) {
            size_t used = strlen(line);
            snprintf(line + used, sizeof line - used, "%s%s", w ? " " : "", cmds[k][w]);
        }
        scen[k] = strdup(s->v[i].nodeid);
        paths[k] = strdup(line);
        if (!scen[k] || !paths[k]) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
    }
    struct pf_sweep_names names = {.interp = &interp, .scenario = scen, .path = paths};
    if (pf_sweep_json_write(path, sw, sts, nt, complete, &names, err, errlen) < 0 ||
        pf_pytest_json_add(path, s, sw, sts, p->npytest, p->pytest, err, errlen) < 0)
        goto out;
    rc = 0;
out:
    for (unsigned i = 0; scen && paths && i < nt; i++) {
        free(scen[i]);
        free(paths[i]);
    }
    free(scen);
    free(paths);
    return rc;
}

static void print_suite(const struct pf_pytest_suite *s, const struct pf_sweep_target *sts)
{
    for (size_t i = 0; i < s->n; i++) {
        const struct pf_pytest_test *t = &s->v[i];
        if (t->target >= 0 && t->status != PF_PYTEST_NOT_REACHED)
            printf("  %s: %llu points, %llu allocations in its region%s%s\n", t->nodeid,
                   (unsigned long long)sts[t->target].plan.count,
                   (unsigned long long)sts[t->target].allocations, t->note[0] ? "; " : "",
                   t->note);
        else
            printf("  %s: %s\n", t->nodeid, t->note);
    }
}

static void print_summary(const struct pf_sweep *sw, const struct pf_pytest_suite *s,
                          const struct pf_sweep_target *sts, int complete)
{
    printf("pytest sweep %s: %zu tests, %zu trials", complete ? "complete" : "INCOMPLETE",
           s->n, sw->ntrials);
    for (int k = 0; k < PF_CLASS_COUNT; k++)
        if (sw->counts[k])
            printf(", %s %llu", pf_class_name((enum pf_class)k), (unsigned long long)sw->counts[k]);
    printf("\n");
    print_suite(s, sts);
    printf("findings: %zu\n", sw->findings.n);
    for (size_t i = 0; i < sw->findings.n; i++) {
        const struct pf_finding *f = &sw->findings.v[i];
        printf("  %6llu x %s\n           first: %s\n", (unsigned long long)f->count,
               f->signature, f->repro);
    }
}

int pf_cmd_pytest(int argc, char **argv)
{
    struct pt_args p;
    memset(&p, 0, sizeof p);
    struct pf_options *o = &p.o;
    o->cmd = PF_CMD_SWEEP;
    o->python = "python3";
    o->accept_mask = (1u << PF_OK) | (1u << PF_ERROR);
    o->modes = PF_MODE_ONESHOT | PF_MODE_PERSISTENT;
    o->engine_fork = 1;
    o->stride = 1;
    o->shard_i = o->shard_n = 1;
    o->site_depth = PYFAULT_SITES_DEPTH_DEFAULT;
    int quit = pf_cli_args(&cli, argc, argv, &p);
    if (quit >= 0)
        return quit;
    /* every run's spec: the region flag plus the user's filters */
    char spec[2048];
    snprintf(spec, sizeof spec, "region%s%s", o->inject ? "," : "", o->inject ? o->inject : "");
    o->inject = spec;

    char err[1024], why[900], dir[4096] = "";
    int status = 2, have_ctx = 0, have_sw = 0, failed = 0;
    int lock = -1; /* the --out folder's (dir_lock.h), held to the end */
    unsigned nt = 0;
    struct pf_context ctx;
    struct pf_janitor jan = {.pid = -1, .fd = -1};
    struct pf_pytest_suite suite = {0};
    struct pf_sweep sw;
    struct pf_target *ts = NULL;
    struct pf_sweep_target *sts = NULL;
    char ***cmds = NULL;

    if (o->out_dir && (check_out_inputs(&p, err, sizeof err) < 0 ||
                       pf_out_dir_make(o->out_dir, err, sizeof err) < 0))
        goto fail;
    /* one command per folder: another's results.json is not overwritten */
    if (o->out_dir && (lock = pf_dir_lock(o->out_dir, why, sizeof why)) < 0) {
        snprintf(err, sizeof err, "--out %s", why);
        goto fail;
    }
    pf_no_core_dumps();
    if (pf_context_init(&ctx, COUNT_TIMEOUT, err, sizeof err) < 0)
        goto fail;
    have_ctx = 1;
    if (pf_tmpdir_create_guarded(dir, sizeof dir, &jan) < 0) {
        snprintf(err, sizeof err, "%s", dir);
        dir[0] = '\0';
        goto fail;
    }
    if (strchr(dir, ',')) {
        snprintf(err, sizeof err, "the scratch folder %s has a comma in its path: set TMPDIR", dir);
        goto fail;
    }
    pf_interrupt_install();
    /* two counting runs: a test that differs between them is flaky */
    for (int run = 0; run < 2; run++) {
        int pytest_status = -1;
        if (!o->quiet)
            fprintf(stderr, "pytest: counting run %d of the whole selection\n", run + 1);
        if (count_suite(&p, &ctx, dir, run, &suite, &pytest_status, err, sizeof err) < 0)
            goto fail;
        if (suite.n == 0) {
            /* pytest collected nothing (5: paths, -k, -m), or ran nothing
             * it collected (--collect-only from its addopts) */
            snprintf(err, sizeof err, "no test was swept: pytest ran no test (exit %d%s)",
                     pytest_status, pytest_status == 5 ? ": none collected, or all deselected"
                     : "");
            goto fail;
        }
    }
    pf_pytest_suite_judge(&suite);
    for (size_t i = 0; i < suite.n; i++)
        if (suite.v[i].status == PF_PYTEST_SWEEP)
            suite.v[i].target = (int)nt++;
    if (nt == 0) {
        /* not a clean pass: nothing was tried */
        if (!o->quiet)
            print_suite(&suite, NULL);
        pf_pytest_suite_why_none(&suite, why, sizeof why);
        snprintf(err, sizeof err, "no test was swept: %s", why);
        goto fail;
    }
    if (nt > MAX_TESTS) {
        snprintf(err, sizeof err, "%u tests to sweep, at most %d at once: select fewer "
                 "(paths, -k)", nt, MAX_TESTS);
        goto fail;
    }
    ts = calloc(nt + 1, sizeof *ts);
    sts = calloc(nt + 1, sizeof *sts);
    cmds = calloc(nt + 1, sizeof *cmds);
    if (!ts || !sts || !cmds) {
        snprintf(err, sizeof err, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < suite.n; i++) {
        int k = suite.v[i].target, n;
        if (k < 0)
            continue;
        char *sel = NULL;
        if (asprintf(&sel, "--pyfault-select=%s", suite.v[i].nodeid) < 0) {
            snprintf(err, sizeof err, "out of memory");
            goto fail;
        }
        cmds[k] = pf_pytest_command(o->python, sel, p.npytest, p.pytest, &n);
        free(sel);
        if (!cmds[k]) {
            snprintf(err, sizeof err, "out of memory");
            goto fail;
        }
        if (pf_target_command(&ts[k], n, cmds[k], err, sizeof err) < 0) {
            pf_pytest_command_free(cmds[k]);
            cmds[k] = NULL;
            goto fail;
        }
        sts[k].t = &ts[k];
    }
    pf_sweep_init(&sw, o, &ctx, dir, o->jobs ? o->jobs : pf_default_jobs(o->engine_fork));
    have_sw = 1;
    sw.progress = o->quiet ? 0 : isatty(2) ? 1 : 2;
    unsigned started = 0; /* targets whose sweep began */
    int cut = -1;         /* the target whose sweep was cut short */
    for (unsigned i = 0; i < nt && !pf_interrupted && !failed; i++) {
        if (pf_count_target(o, &ctx, dir, i, COUNT_TIMEOUT, &sts[i], err, sizeof err) < 0) {
            if (!pf_interrupted)
                fprintf(stderr, "pyfault pytest: %s\n", err);
            snprintf(sw.error, sizeof sw.error, "%.500s", err);
            sw.harness_error = 1;
            failed = 1;
            break;
        }
        ctx.pace = sts[i].pace;
        ctx.timeout_s = o->timeout_s > 0 ? o->timeout_s : pf_pace_timeout_s(&sts[i].pace);
        if (!o->quiet)
            fprintf(stderr, "pytest: test %u/%u: %llu allocations in its region; %llu points "
                    "x %u mode(s), timeout %gs\n", i + 1, nt,
                    (unsigned long long)sts[i].allocations, (unsigned long long)sts[i].plan.count,
                    sw.nmodes, ctx.timeout_s);
        started = i + 1;
        if (pf_sweep_run(&sw, i, &sts[i]) < 0) {
            fprintf(stderr, "pyfault pytest: %s\n", sw.error);
            failed = 1;
        }
        if (pf_interrupted || failed)
            cut = (int)i;
    }
    int complete = !pf_interrupted && !failed;
    /* a stopped run: the tests it never came to, and the one it stopped in */
    for (size_t i = 0; i < suite.n && !complete; i++) {
        struct pf_pytest_test *t = &suite.v[i];
        const char *why_stop = pf_interrupted ? "the run was interrupted" : "a harness error "
                               "stopped the run";
        if (t->target >= (int)started) {
            t->status = PF_PYTEST_NOT_REACHED;
            snprintf(t->note, sizeof t->note, "not reached: %s before its sweep", why_stop);
        } else if (t->target == cut) {
            t->status = PF_PYTEST_INTERRUPTED;
            snprintf(t->note, sizeof t->note, "its sweep was cut short: %s", why_stop);
        }
    }
    pf_sweep_sort(&sw);
    if (o->out_dir) {
        if (write_results(&p, &sw, sts, cmds, nt, &suite, complete, err, sizeof err) < 0)
            goto fail;
    }
    if (!o->quiet)
        print_summary(&sw, &suite, sts, complete);
    if (o->out_dir && !pf_interrupted) {
        if (pf_report_dir(o->out_dir, NULL, err, sizeof err) < 0)
            goto fail;
        if (!o->quiet)
            printf("report: %s/index.html\nsummary: %s/summary.md\n", o->out_dir, o->out_dir);
    }
    status = pf_interrupted ? 130 : failed || sw.harness_error ? 2 : sw.not_accepted ? 1 : 0;
    goto out;
fail:
    if (pf_interrupted)
        status = 130;
    else
        fprintf(stderr, "pyfault pytest: %s\n", err);
out:
    if (have_sw)
        pf_sweep_free(&sw);
    if (dir[0])
        pf_tmpdir_release(dir, &jan);
    if (have_ctx)
        pf_context_free(&ctx);
    for (unsigned i = 0; cmds && ts && sts && i < nt; i++) {
        if (cmds[i])
            pf_target_free(&ts[i]);
        pf_site_plan_free(&sts[i].sites);
        pf_pytest_command_free(cmds[i]);
    }
    free(ts);
    free(sts);
    free(cmds);
    pf_pytest_suite_free(&suite);
    pf_dir_unlock(lock);
    return status;
}
