/* matrix.c: running the cells of a matrix and recording what they gave.
 * Each cell reuses the run and sweep engines (trial.h, sweep.h); what is
 * the matrix's own is the per-interpreter set-up (extensions, paths), the
 * judging against expectations and the cross-cell deduplication. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "matrix.h"

#include "array.h"
#include "clock.h"
#include "count.h"
#include "interrupt.h"
#include "locate.h"
#include "replay.h"
#include "options.h"
#include "sweep.h"
#include "tmpdir.h"
#include "trial.h"

#define COUNT_TIMEOUT 120.0

unsigned pf_matrix_startup_expectation(const char *id)
{
    /* start-up cannot recover from every failure (Py_FatalError is its
     * answer) and has known crashes, which show up as findings; what the
     * cell judges is the loop: never on a patched build, and no hang or
     * harness error anywhere */
    unsigned any = (1u << PF_CLASS_COUNT) - 1;
    unsigned never = (1u << PF_HANG) | (1u << PF_HARNESS_ERROR);
    size_t n = strlen(id);
    if (n >= 8 && strcmp(id + n - 8, "-patched") == 0)
        never |= 1u << PF_UNWIND_LOOP;
    return any & ~never;
}

struct pf_mcell *pf_matrix_cell(struct pf_matrix *m, unsigned s, unsigned i)
{
    return &m->cells[(size_t)s * m->ninterps + i];
}

/* Each expect: key of SCEN names "*", a variant the project builds
 * (pf_interp_known_variant) or one of INTERPS[0..NI): a misspelt one
 * ("3.11-vanila") would judge nothing and accept every class in silence. */
static int check_expect_names(const struct pf_scenario *sc, const struct pf_interp *interps,
                              unsigned ni, char *err, size_t errlen)
{
    for (int e = 0; e < sc->nexpect; e++) {
        const char *v = sc->expect[e].variant;
        int known = strcmp(v, "*") == 0 || pf_interp_known_variant(v);
        for (unsigned i = 0; !known && i < ni; i++)
            known = strcmp(v, interps[i].id) == 0;
        if (!known) {
            snprintf(err, errlen, "%.900s: expect: '%.64s' is no interpreter of this matrix and no "
                     "variant pyfault builds (system, %s, ..., or *): misspelt, or give --interp "
                     "%.64s=PATH", sc->path, v, pf_interp_variants[0], v);
            return -1;
        }
    }
    return 0;
}

/* The scenarios' ids must be unique, the start-up sweep's "startup"
 * among them, and their paths UTF-8: results.json names each scenario
 * by id, and its reader refuses a file that does not. Their expect: keys
 * name interpreters (check_expect_names). Checked here, so a matrix
 * results.json cannot hold or that could judge nothing is refused before
 * it runs. */
static int check_scenarios(const struct pf_scenario *scen, unsigned nscen, int startup,
                           const struct pf_interp *interps, unsigned ni, char *err, size_t errlen)
{
    if (pf_scenarios_check(scen, nscen, err, errlen) < 0)
        return -1;
    for (unsigned s = 0; s < nscen; s++)
        if (check_expect_names(&scen[s], interps, ni, err, errlen) < 0)
            return -1;
    for (unsigned s = 0; startup && s < nscen; s++)
        if (strcmp(scen[s].name, "startup") == 0) {
            snprintf(err, errlen, "%.900s: scenario id 'startup' is the start-up sweep's "
                     "(rename it, or give --startup-stride 0)", scen[s].path);
            return -1;
        }
    return 0;
}

int pf_matrix_init(struct pf_matrix *m, const struct pf_matrix_config *cfg,
                   struct pf_interp *interps, unsigned ninterps,
                   struct pf_scenario *scen, unsigned nscen,
                   char *err, size_t errlen)
{
    memset(m, 0, sizeof *m);
    pf_findings_init(&m->findings);
    pf_strtab_init(&m->site_keys);
    m->cfg = *cfg;
    if (!m->cfg.site_depth)
        m->cfg.site_depth = PYFAULT_SITES_DEPTH_DEFAULT;
    m->interps = interps;
    m->ninterps = ninterps;
    m->scen = scen;
    m->nscen = nscen;
    /* every failure gives back the arrays through m (pf_matrix_free): a
     * grown scenario array's old pointer is freed already and only m->scen
     * is still the array's */
    if (ninterps == 0 || ninterps > PF_MATRIX_MAX_INTERPS ||
        nscen + (cfg->startup_stride ? 1 : 0) > PF_MATRIX_MAX_SCENARIOS) {
        snprintf(err, errlen, "a matrix takes 1 to %d interpreters and at most %d scenarios",
                 PF_MATRIX_MAX_INTERPS, PF_MATRIX_MAX_SCENARIOS - 1);
        goto fail;
    }
    if (check_scenarios(scen, nscen, cfg->startup_stride != 0, interps, ninterps, err, errlen) < 0)
        goto fail;
    if (cfg->startup_stride) {
        size_t cap = nscen;
        if (pf_array_reserve(m->scen, cap, (size_t)nscen + 1, 1) < 0) {
            snprintf(err, errlen, "out of memory");
            goto fail;
        }
        struct pf_scenario *s = &m->scen[m->nscen++];
        memset(s, 0, sizeof *s);
        snprintf(s->name, sizeof s->name, "startup");
        snprintf(s->path, sizeof s->path, "-c pass");
        snprintf(s->issue, sizeof s->issue, "https://github.com/python/cpython/issues/134163");
        s->plan = PF_PLAN_PERSISTENT;
        s->stride = cfg->startup_stride;
        s->timeout_s = 0; /* from the counting run */
    }
    m->cells = calloc((size_t)m->nscen * ninterps, sizeof *m->cells);
    if (!m->cells) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    for (unsigned s = 0; s < m->nscen; s++)
        for (unsigned i = 0; i < ninterps; i++) {
            struct pf_mcell *c = pf_matrix_cell(m, s, i);
            c->scenario = s;
            c->interp = i;
            c->expected = (cfg->startup_stride && s == m->nscen - 1)
                              ? pf_matrix_startup_expectation(interps[i].id)
                              : pf_scenario_expected(&m->scen[s], interps[i].id);
        }
    m->complete = 1;
    return 0;
fail:
    pf_matrix_free(m);
    return -1;
}

static int is_startup(const struct pf_matrix *m, unsigned s)
{
    return m->cfg.startup_stride && s == m->nscen - 1;
}

/* The finding of SIGNATURE (findings.h keeps the example of the lowest
 * cell, point and mode: cells run in order, so the first met), with its
 * matrix extras. Returns its index, or -1 on ENOMEM. */
static long finding_for(struct pf_matrix *m, const struct pf_mcell *c, uint64_t point,
                        unsigned mode, const char *signature, int cls, int sub,
                        const char *repro, const char *detail)
{
    size_t before = m->findings.n;
    unsigned cell = c->scenario * m->ninterps + c->interp;
    long f = pf_findings_add(&m->findings, signature, cls, sub, repro, NULL, cell, point, mode);
    if (f < 0 || m->findings.n == before)
        return f;
    if (pf_array_reserve(m->extra, m->extra_cap, m->findings.n, 64) < 0)
        return -1;
    struct pf_mfinding *x = &m->extra[f];
    memset(x, 0, sizeof *x);
    x->detail = strdup(detail ? detail : "");
    return x->detail ? f : -1;
}

/* Records one trial of cell C. Returns 0, or -1 on ENOMEM. */
static int record(struct pf_matrix *m, struct pf_mcell *c, uint64_t point, unsigned mode,
                  int cls, int sub, uint32_t duration_ms, const char *signature,
                  const char *repro, const char *detail, const char *site_key)
{
    long f = finding_for(m, c, point, mode, signature, cls, sub, repro, detail);
    if (f < 0)
        return -1;
    long site = site_key[0] ? pf_strtab_intern(&m->site_keys, site_key) : -1;
    if (site_key[0] && site < 0)
        return -1;
    /* the cross-cell dedup: the same call in two cells is one point (a
     * cell's trials come in N order) */
    if (pf_findings_point(&m->findings, f, site_key, c->scenario * m->ninterps + c->interp,
                          point, mode) < 0)
        return -1;
    if (pf_array_reserve(m->trials, m->cap, m->ntrials + 1, 1024) < 0)
        return -1;
    int expected = !c->expected || (c->expected & (1u << cls));
    m->trials[m->ntrials++] = (struct pf_mtrial){
        .scenario = c->scenario, .interp = c->interp, .point = point,
        .duration_ms = duration_ms, .finding = f, .mode = (uint8_t)mode,
        .cls = (uint8_t)cls, .sub = (uint8_t)sub, .expected = (uint8_t)expected,
        .site = (int32_t)site};
    struct pf_mfinding *fi = &m->extra[f];
    fi->interps |= 1ull << c->interp;
    if (c->scenario < 64)
        fi->scenarios_lo |= 1ull << c->scenario;
    else
        fi->scenarios_hi |= 1ull << (c->scenario - 64);
    c->counts[cls]++;
    c->trials++;
    c->unexpected += !expected;
    return 0;
}

/* Builds the extensions scenario S needs against interpreter I into a
 * directory of that interpreter's own, written into EXTDIR. */
static int build_extensions(const struct pf_matrix *m, unsigned s, unsigned i,
                            char *extdir, size_t extlen, char *err, size_t errlen)
{
    const struct pf_scenario *sc = &m->scen[s];
    extdir[0] = '\0';
    if (sc->nneeds == 0)
        return 0;
    char root[PATH_MAX];
    if (pf_project_root(root, sizeof root) < 0) {
        snprintf(err, errlen, "cannot find the project's scenarios/ beside pyfault");
        return -1;
    }
    snprintf(extdir, extlen, "%.3900s/build/ext/%s-%.12s", root, m->interps[i].id,
             m->interps[i].sha256);
    for (int k = 0; k < sc->nneeds; k++)
        if (pf_build_ext(m->interps[i].path, sc->needs[k], extdir, err, errlen) < 0)
            return -1;
    return 0;
}

static int make_target(const struct pf_matrix *m, unsigned s, unsigned i,
                       struct pf_target *t, char *err, size_t errlen)
{
    if (is_startup(m, s)) {
        char *argv[] = {m->interps[i].path, "-c", "pass", NULL};
        return pf_target_command(t, 3, argv, err, errlen);
    }
    if (m->scen[s].pty) {
        /* the interactive interpreter; the scenario's lines are typed */
        char *argv[] = {m->interps[i].path, "-q", NULL};
        if (pf_target_command(t, 2, argv, err, errlen) < 0)
            return -1;
        t->pty_input = pf_scenario_typed_input(m->scen[s].path);
        if (!t->pty_input) {
            snprintf(err, errlen, "%.400s: cannot read the lines to type", m->scen[s].path);
            pf_target_free(t);
            return -1;
        }
        return 0;
    }
    return pf_target_scenario(t, m->interps[i].path, m->scen[s].path, err, errlen);
}

static int run_single(struct pf_matrix *m, struct pf_mcell *c, struct pf_context *ctx,
                      const char *dir, const struct pf_target *t, char *err, size_t errlen)
{
    const struct pf_scenario *sc = &m->scen[c->scenario];
    struct pf_runner *r = calloc(1, sizeof *r);
    struct pf_result *res = calloc(1, sizeof *res);
    int rc = -1;
    if (!r || !res) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (pf_runner_init(r, dir, c->scenario * 100u + c->interp, err, errlen) < 0)
        goto out;
    ctx->pace = (struct pf_pace){0}; /* one run, no counting run: fixed limits */
    ctx->timeout_s = sc->timeout_s > 0 ? sc->timeout_s : 30;
    c->timeout_s = ctx->timeout_s;
    pf_trial_run(ctx, r, t, sc->inject, res);
    pf_runner_free(r);
    if (res->v.cls == PF_HARNESS_ERROR)
        snprintf(c->error, sizeof c->error, "%s", res->error);
    c->allocations = res->allocations;
    c->layer = res->layer;
    rc = record(m, c, 0, sc->plan == PF_PLAN_RUNTIME ? PF_MMODE_RUNTIME : PF_MMODE_NONE,
                res->v.cls, res->v.sub, (uint32_t)res->duration_ms, res->signature,
                res->repro, res->v.detail, res->site_key);
    if (rc < 0)
        snprintf(err, errlen, "out of memory");
out:
    free(r);
    free(res);
    return rc;
}

static int run_sweep(struct pf_matrix *m, struct pf_mcell *c, struct pf_context *ctx,
                     const char *dir, const struct pf_target *t, char *err, size_t errlen)
{
    const struct pf_scenario *sc = &m->scen[c->scenario];
    struct pf_options o;
    memset(&o, 0, sizeof o);
    o.cmd = PF_CMD_SWEEP;
    o.quiet = 1;
    o.inject = sc->inject[0] ? sc->inject : NULL;
    o.modes = sc->plan == PF_PLAN_ONESHOT ? PF_MODE_ONESHOT
            : sc->plan == PF_PLAN_PERSISTENT ? PF_MODE_PERSISTENT
            : PF_MODE_ONESHOT | PF_MODE_PERSISTENT;
    o.stride = sc->stride ? sc->stride : 1;
    /* a shard takes every Nth point of every sweep: shards split exactly */
    o.shard_i = m->cfg.shard_n ? m->cfg.shard_i : 1;
    o.shard_n = m->cfg.shard_n ? m->cfg.shard_n : 1;
    o.accept_mask = c->expected ? c->expected : ~0u;
    o.engine_fork = m->cfg.engine_fork;
    o.plan_sites = m->cfg.plan_sites;
    o.plan_pow2 = m->cfg.plan_pow2;
    o.site_depth = m->cfg.site_depth;
    struct pf_sweep_target st;
    memset(&st, 0, sizeof st);
    st.t = t;
    /* counts, and plans (a site plan's table is per cell: its index) */
    if (pf_count_target(&o, ctx, dir, (unsigned)(c - m->cells), COUNT_TIMEOUT, &st,
                        c->error, sizeof c->error) < 0) {
        pf_site_plan_free(&st.sites);
        return record(m, c, 0, PF_MMODE_NONE, PF_HARNESS_ERROR, PF_SUB_NONE, 0,
                      st.allocations ? "harness-error: empty sweep"
                                     : "harness-error: counting run failed",
                      "", c->error, "") < 0 ? -1 : 0;
    }
    c->allocations = st.allocations;
    c->layer = st.layer;
    c->sites = st.sites.keys;
    c->sites_chosen = st.sites.chosen;
    c->sites_sampled = st.sites.npoints;
    ctx->pace = st.pace;
    ctx->timeout_s = sc->timeout_s > 0 ? sc->timeout_s : pf_pace_timeout_s(&st.pace);
    c->timeout_s = ctx->timeout_s;
    struct pf_sweep sw;
    pf_sweep_init(&sw, &o, ctx, dir, m->cfg.jobs);
    int rc = pf_sweep_run(&sw, 0, &st);
    pf_site_plan_free(&st.sites);
    if (rc < 0)
        snprintf(c->error, sizeof c->error, "%s", sw.error);
    c->engine_fork = o.engine_fork;
    c->forked = st.forked;
    c->exec_threads = st.exec_threads;
    c->exec_state = st.exec_state;
    c->exec_other = st.exec_other;
    c->precopied = st.precopied;
    pf_sweep_sort(&sw);
    for (size_t k = 0; k < sw.ntrials; k++) {
        const struct pf_trial_rec *tr = &sw.trials[k];
        const struct pf_finding *f = tr->finding >= 0 ? &sw.findings.v[tr->finding] : NULL;
        if (record(m, c, tr->point, tr->mode, tr->cls, tr->sub, tr->duration_ms,
                   f ? f->signature : "?", f ? f->repro : "", "",
                   pf_strtab_get(&sw.site_keys, tr->site)) < 0) {
            pf_sweep_free(&sw);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    pf_sweep_free(&sw);
    return 0;
}

/* Runs one cell; a cell that cannot be set up is a harness-error trial. */
static int run_cell(struct pf_matrix *m, struct pf_mcell *c, const char *dir,
                    char *err, size_t errlen)
{
    char extdir[PATH_MAX];
    struct pf_context ctx;
    struct pf_target t;
    int have_t = 0, rc = 0;
    pf_no_core_dumps();
    if (pf_context_init(&ctx, 30, err, errlen) < 0)
        return -1;
    if (build_extensions(m, c->scenario, c->interp, extdir, sizeof extdir,
                         c->error, sizeof c->error) < 0 ||
        (extdir[0] && pf_env_prepend(&ctx.env, "PYTHONPATH", extdir, ':') < 0) ||
        make_target(m, c->scenario, c->interp, &t, c->error, sizeof c->error) < 0) {
        rc = record(m, c, 0, PF_MMODE_NONE, PF_HARNESS_ERROR, PF_SUB_NONE, 0,
                    "harness-error: cell set-up failed", "", c->error, "");
        goto out;
    }
    have_t = 1;
    if (m->scen[c->scenario].plan == PF_PLAN_NONE || m->scen[c->scenario].plan == PF_PLAN_RUNTIME) {
        /* a single run belongs to shard 1 alone */
        if (m->cfg.shard_n <= 1 || m->cfg.shard_i == 1)
            rc = run_single(m, c, &ctx, dir, &t, err, errlen);
    } else {
        rc = run_sweep(m, c, &ctx, dir, &t, err, errlen);
    }
out:
    if (have_t)
        pf_target_free(&t);
    pf_context_free(&ctx);
    return rc;
}

int pf_matrix_run(struct pf_matrix *m, char *err, size_t errlen)
{
    char dir[4096];
    struct pf_janitor jan = {.pid = -1, .fd = -1};
    if (pf_tmpdir_create_guarded(dir, sizeof dir, &jan) < 0) {
        snprintf(err, errlen, "%s", dir);
        return -1;
    }
    /* every cell's context finds it as fixed here */
    m->layout = pf_layout_fix();
    uint64_t t0 = pf_now_ms();
    int rc = 0;
    for (unsigned s = 0; s < m->nscen && rc == 0; s++)
        for (unsigned i = 0; i < m->ninterps && rc == 0; i++) {
            if (pf_interrupted) {
                m->complete = 0;
                break;
            }
            struct pf_mcell *c = pf_matrix_cell(m, s, i);
            uint64_t c0 = pf_now_ms();
            rc = run_cell(m, c, dir, err, errlen);
            if (m->cfg.progress)
                fprintf(stderr, "matrix: %-44s %-14s %5llu trial(s) %6.1fs%s\n",
                        m->scen[s].name, m->interps[i].id, (unsigned long long)c->trials,
                        (double)(pf_now_ms() - c0) / 1000.0,
                        c->unexpected || c->error[0] ? "  UNEXPECTED" : "");
        }
    if (pf_interrupted)
        m->complete = 0;
    m->duration_ms = pf_now_ms() - t0;
    pf_tmpdir_release(dir, &jan);
    return rc;
}

unsigned pf_matrix_unexpected_cells(const struct pf_matrix *m)
{
    unsigned n = 0;
    for (size_t k = 0; k < (size_t)m->nscen * m->ninterps; k++)
        n += m->cells[k].unexpected > 0 || m->cells[k].error[0];
    return n;
}

/* "unwind-loop" for a cell with one class, else the two biggest counts. */
static void cell_text(const struct pf_mcell *c, char *out, size_t outlen)
{
    int first = -1, second = -1;
    for (int k = 0; k < PF_CLASS_COUNT; k++) {
        if (!c->counts[k])
            continue;
        if (first < 0 || c->counts[k] > c->counts[first]) {
            second = first;
            first = k;
        } else if (second < 0 || c->counts[k] > c->counts[second]) {
            second = k;
        }
    }
    if (first < 0)
        snprintf(out, outlen, "-");
    else if (c->trials == 1)
        snprintf(out, outlen, "%s", pf_class_name((enum pf_class)first));
    else if (second < 0)
        snprintf(out, outlen, "%s %llu", pf_class_name((enum pf_class)first),
                 (unsigned long long)c->counts[first]);
    else
        snprintf(out, outlen, "%s %llu %s %llu%s", pf_class_name((enum pf_class)first),
                 (unsigned long long)c->counts[first], pf_class_name((enum pf_class)second),
                 (unsigned long long)c->counts[second],
                 c->trials > c->counts[first] + c->counts[second] ? " +" : "");
    if (c->unexpected || c->error[0]) {
        size_t n = strlen(out);
        if (n + 2 < outlen) {
            out[n] = '!';
            out[n + 1] = '\0';
        }
    }
}

void pf_matrix_print(const struct pf_matrix *m, FILE *out)
{
    int w0 = 8;
    for (unsigned s = 0; s < m->nscen; s++)
        if ((int)strlen(m->scen[s].name) > w0)
            w0 = (int)strlen(m->scen[s].name);
    int w = 24;
    fprintf(out, "%-*s", w0, "scenario");
    for (unsigned i = 0; i < m->ninterps; i++)
        fprintf(out, "  %-*s", w, m->interps[i].id);
    fputc('\n', out);
    for (unsigned s = 0; s < m->nscen; s++) {
        fprintf(out, "%-*s", w0, m->scen[s].name);
        for (unsigned i = 0; i < m->ninterps; i++) {
            char text[128];
            cell_text(&m->cells[(size_t)s * m->ninterps + i], text, sizeof text);
            fprintf(out, "  %-*s", w, text);
        }
        fputc('\n', out);
    }
    unsigned bad = pf_matrix_unexpected_cells(m);
    fprintf(out, "%u cell(s) differ from their expectation (marked !)%s\n", bad,
            m->complete ? "" : "; INTERRUPTED: the matrix is incomplete");
    for (size_t k = 0; k < (size_t)m->nscen * m->ninterps; k++) {
        const struct pf_mcell *c = &m->cells[k];
        if (c->error[0])
            fprintf(out, "  %s on %s: %s\n", m->scen[c->scenario].name,
                    m->interps[c->interp].id, c->error);
    }
}

void pf_matrix_free(struct pf_matrix *m)
{
    for (size_t k = 0; k < m->findings.n; k++)
        free(m->extra[k].detail);
    free(m->extra);
    pf_findings_free(&m->findings);
    pf_strtab_free(&m->site_keys);
    free(m->trials);
    free(m->cells);
    free(m->interps);
    free(m->scen);
    memset(m, 0, sizeof *m);
}
