/* matrix_json.c: results.json for a matrix, built with jansson. */
#include "matrix_json.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "atomic_file.h"
#include "options.h"
#include "result_json.h"

/* What build() could not put into the JSON: the first place it failed
 * (NULL: none). jansson drops a member or element that is NULL (text
 * that is not UTF-8, or no memory) and only says so in a return value:
 * every one is checked, so results.json never lacks one silently. */
struct lost {
    const char *where;
};

/* Appends V to the array A; notes WHERE in L when it cannot. */
static void add(struct lost *l, json_t *a, json_t *v, const char *where)
{
    if (json_array_append_new(a, v) < 0 && !l->where)
        l->where = where;
}

/* Sets O's KEY to V; notes WHERE in L when it cannot. */
static void set(struct lost *l, json_t *o, const char *key, json_t *v, const char *where)
{
    if (json_object_set_new(o, key, v) < 0 && !l->where)
        l->where = where;
}

/* The N bytes at P as a JSON string, invalid UTF-8 as '?' (a piece of a
 * signature: symbol names and file names are any bytes). */
static json_t *text_n(const char *p, size_t n)
{
    char *copy = strndup(p, n);
    json_t *j = copy ? pf_json_text(copy) : NULL;
    free(copy);
    return j;
}

static const char *mode_name(unsigned mode)
{
    switch (mode) {
    case PF_MMODE_ONESHOT: return "oneshot";
    case PF_MMODE_PERSISTENT: return "persistent";
    case PF_MMODE_RUNTIME: return "runtime";
    }
    return "none";
}

json_t *pf_json_created_now(void)
{
    char created[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(created, sizeof created, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return json_string(created);
}

json_t *pf_json_classes(unsigned mask)
{
    json_t *a = json_array();
    for (int k = 0; k < PF_CLASS_COUNT; k++)
        if (mask & (1u << k))
            json_array_append_new(a, json_string(pf_class_name((enum pf_class)k)));
    return a;
}

json_t *pf_json_counts(const uint64_t *counts)
{
    json_t *o = json_object();
    for (int k = 0; k < PF_CLASS_COUNT; k++)
        if (counts[k])
            json_object_set_new(o, pf_class_name((enum pf_class)k), json_integer((json_int_t)counts[k]));
    return o;
}

static json_t *scenario_json(const struct pf_matrix *m, unsigned s, struct lost *l)
{
    const struct pf_scenario *sc = &m->scen[s];
    int startup = m->cfg.startup_stride && s == m->nscen - 1;
    json_t *expect = json_object();
    if (startup) {
        for (unsigned i = 0; i < m->ninterps; i++)
            set(l, expect, m->interps[i].id,
                pf_json_classes(pf_matrix_startup_expectation(m->interps[i].id)), "scenarios");
    } else {
        for (int k = 0; k < sc->nexpect; k++)
            set(l, expect, sc->expect[k].variant, pf_json_classes(sc->expect[k].classes),
                "scenarios");
    }
    char site_plan[64];
    pf_plan_name(m->cfg.plan_sites, m->cfg.plan_pow2, m->cfg.site_depth, site_plan,
                 sizeof site_plan);
    json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:f, s:i, s:s, s:o}",
                     "id", sc->name, "path", sc->path, "issue", sc->issue,
                     "plan", startup ? "startup" : pf_plan_kind_name(sc->plan),
                     "inject", sc->inject, "timeout_s", sc->timeout_s,
                     "stride", (json_int_t)sc->stride, "site_plan", site_plan, "expect", expect);
    /* its trials ran "PYTHON SCENARIO": the scenario is arg 1, for repro
     * to find unchanged ("-c pass", the start-up sweep's, is no file) */
    char *argv[] = {"", (char *)sc->path};
    if (j)
        set(l, j, "files", pf_json_input_files(2, argv), "scenarios");
    return j;
}

json_t *pf_json_signature_frames(const char *signature)
{
    json_t *a = json_array();
    const char *p = strstr(signature, ": ");
    p = p ? p + 2 : signature;
    while (*p) {
        const char *sep = strstr(p, " < ");
        size_t n = sep ? (size_t)(sep - p) : strlen(p);
        json_array_append_new(a, text_n(p, n));
        if (!sep)
            break;
        p = sep + 3;
    }
    return a;
}

json_t *pf_json_sources(const char *sources)
{
    json_t *a = json_array();
    const char *p = sources;
    while (*p) {
        const char *sep = strstr(p, " < ");
        size_t n = sep ? (size_t)(sep - p) : strlen(p);
        /* "?": that frame has no source position */
        json_array_append_new(a, n == 1 && *p == '?' ? json_string("") : text_n(p, n));
        if (!sep)
            break;
        p = sep + 3;
    }
    return a;
}

static json_t *finding_json(const struct pf_matrix *m, size_t k, struct lost *l)
{
    const struct pf_finding *f = &m->findings.v[k];
    const struct pf_mfinding *x = &m->extra[k];
    json_t *interps = json_array(), *scen = json_array();
    for (unsigned i = 0; i < m->ninterps; i++)
        if (x->interps & (1ull << i))
            add(l, interps, json_string(m->interps[i].id), "findings");
    for (unsigned s = 0; s < m->nscen; s++) {
        uint64_t bits = s < 64 ? x->scenarios_lo : x->scenarios_hi;
        if (bits & (1ull << (s % 64)))
            add(l, scen, json_string(m->scen[s].name), "findings");
    }
    /* what the run met is any bytes: mangled, as sweep results have it */
    return json_pack("{s:i, s:o, s:s, s:s, s:i, s:i, s:o, s:o, s:o, s:o, s:o}",
                     "id", (json_int_t)k, "signature", pf_json_text(f->signature),
                     "class", pf_class_name((enum pf_class)f->cls),
                     "subkind", f->sub ? pf_subkind_name((enum pf_subkind)f->sub) : "",
                     "count", (json_int_t)f->count, "points", (json_int_t)f->points,
                     "frames", pf_json_signature_frames(f->signature),
                     "repro", pf_json_text(f->repro), "interpreters", interps, "scenarios", scen,
                     "detail", pf_json_text(x->detail));
}

static json_t *build(const struct pf_matrix *m, struct lost *l)
{
    json_t *interps = json_array();
    for (unsigned i = 0; i < m->ninterps; i++)
        add(l, interps, json_pack("{s:s, s:s, s:s, s:s, s:s}",
            "id", m->interps[i].id, "path", m->interps[i].path,
            "version", m->interps[i].version, "variant", m->interps[i].id,
            "sha256", m->interps[i].sha256), "interpreters");
    json_t *scen = json_array();
    for (unsigned s = 0; s < m->nscen; s++)
        add(l, scen, scenario_json(m, s, l), "scenarios");

    json_t *cells = json_array();
    uint64_t total[PF_CLASS_COUNT] = {0};
    uint64_t (*per_interp)[PF_CLASS_COUNT] = calloc(m->ninterps, sizeof *per_interp);
    if (!per_interp && !l->where)
        l->where = "summary";
    uint64_t unexpected = 0;
    for (size_t k = 0; k < (size_t)m->nscen * m->ninterps; k++) {
        const struct pf_mcell *c = &m->cells[k];
        json_t *cell = json_pack("{s:s, s:s, s:o, s:o, s:i, s:i, s:i}",
            "scenario", m->scen[c->scenario].name, "interpreter", m->interps[c->interp].id,
            "expected", pf_json_classes(c->expected), "counts", pf_json_counts(c->counts),
            "trials", (json_int_t)c->trials, "unexpected", (json_int_t)c->unexpected,
            "allocations", (json_int_t)c->allocations);
        if (!cell) {
            add(l, cells, cell, "cells");
            continue;
        }
        json_object_set_new(cell, "layer", pf_json_layer(c->layer));
        if (c->error[0])
            set(l, cell, "error", pf_json_text(c->error), "cells");
        if (c->timeout_s > 0)
            json_object_set_new(cell, "timeout_s", json_real(c->timeout_s));
        if (m->cfg.plan_sites && c->sites)
            json_object_set_new(cell, "sites",
                                json_pack("{s:I, s:I, s:I}", "sites", (json_int_t)c->sites,
                                          "chosen", (json_int_t)c->sites_chosen,
                                          "sampled", (json_int_t)c->sites_sampled));
        if (c->engine_fork)
            json_object_set_new(cell, "engine",
                                json_pack("{s:I, s:I, s:I, s:I, s:I}",
                                          "forked", (json_int_t)c->forked,
                                          "exec_threads", (json_int_t)c->exec_threads,
                                          "exec_state", (json_int_t)c->exec_state,
                                          "exec_other", (json_int_t)c->exec_other,
                                          "precopied", (json_int_t)c->precopied));
        add(l, cells, cell, "cells");
        for (int cls = 0; cls < PF_CLASS_COUNT; cls++) {
            total[cls] += c->counts[cls];
            if (per_interp)
                per_interp[c->interp][cls] += c->counts[cls];
        }
        unexpected += c->unexpected;
    }
    json_t *trials = json_array();
    for (size_t k = 0; k < m->ntrials; k++) {
        const struct pf_mtrial *t = &m->trials[k];
        json_t *trial = json_pack("{s:s, s:s, s:o, s:s, s:s, s:s, s:o, s:i, s:i, s:b}",
            "scenario", m->scen[t->scenario].name, "interpreter", m->interps[t->interp].id,
            "point", t->point ? json_integer((json_int_t)t->point) : json_null(),
            "mode", mode_name(t->mode), "class", pf_class_name((enum pf_class)t->cls),
            "subkind", t->sub ? pf_subkind_name((enum pf_subkind)t->sub) : "",
            "signature", pf_json_text(m->findings.v[t->finding].signature),
            "duration_ms", (json_int_t)t->duration_ms, "finding", (json_int_t)t->finding,
            "expected", t->expected);
        if (trial && t->site >= 0)
            set(l, trial, "site_key", pf_json_text(pf_strtab_get(&m->site_keys, t->site)),
                "trials");
        add(l, trials, trial, "trials");
    }
    json_t *findings = json_array();
    for (size_t k = 0; k < m->findings.n; k++)
        add(l, findings, finding_json(m, k, l), "findings");
    json_t *by_interp = json_object();
    for (unsigned i = 0; i < m->ninterps && per_interp; i++)
        set(l, by_interp, m->interps[i].id, pf_json_counts(per_interp[i]), "summary");
    free(per_interp);
    json_t *summary = json_pack("{s:i, s:o, s:i, s:i, s:o}",
        "trials", (json_int_t)m->ntrials, "counts", pf_json_counts(total),
        "unexpected", (json_int_t)unexpected, "duration_ms", (json_int_t)m->duration_ms,
        "by_interpreter", by_interp);
    json_t *shard = m->cfg.shard_n > 1
        ? json_pack("{s:i, s:i}", "index", (int)m->cfg.shard_i, "count", (int)m->cfg.shard_n)
        : json_null();
    return json_pack("{s:s, s:i, s:b, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
        "schema", "pyfault-results", "version", 1, "complete", m->complete,
        "address_layout", pf_layout_name(m->layout),
        "created", pf_json_created_now(), "shard", shard, "interpreters", interps, "scenarios", scen,
        "cells", cells, "trials", trials, "findings", findings, "summary", summary);
}

/* M's results.json in memory (a new reference), or NULL with a one-line
 * message naming PATH in ERR: nothing is left out of it silently. */
static json_t *build_all(const char *path, const struct pf_matrix *m, char *err, size_t errlen)
{
    struct lost l = {NULL};
    json_t *root = build(m, &l);
    if (root && !l.where) {
        pf_json_add_cwd(root); /* matrix runs where it was started */
        return root;
    }
    json_decref(root);
    snprintf(err, errlen, "%.900s: cannot write %s: text that is not UTF-8, or out of memory",
             path, l.where ? l.where : "it");
    return NULL;
}

int pf_matrix_json_check(const char *path, const struct pf_matrix *m,
                         char *err, size_t errlen)
{
    json_t *root = build_all(path, m, err, errlen);
    json_decref(root);
    return root ? 0 : -1;
}

int pf_matrix_json_write(const char *path, const struct pf_matrix *m,
                         char *err, size_t errlen)
{
    json_t *root = build_all(path, m, err, errlen);
    if (!root)
        return -1;
    struct pf_atomic_file af;
    if (pf_atomic_open(&af, path, err, errlen) < 0) {
        json_decref(root);
        return -1;
    }
    int rc = json_dumpf(root, af.f, JSON_INDENT(1) | JSON_ENSURE_ASCII);
    json_decref(root);
    if (rc < 0 || fputc('\n', af.f) == EOF)
        return pf_atomic_fail(&af, err, errlen);
    return pf_atomic_commit(&af, err, errlen);
}
