/* report_model.c: results.json into structs. Every check names the JSON
 * path, so a bad file costs its author one look, not a debugging session. */
#include "report_model.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ld {
    char *err;
    size_t errlen;
    const char *file;
    int failed;
};

static void bad(struct ld *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bad(struct ld *l, const char *fmt, ...)
{
    if (l->failed)
        return;
    l->failed = 1;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(l->err, l->errlen, "%.300s: %s", l->file, msg);
}

/* Member KEY of O as a string; "" (and an error when REQUIRED) if absent. */
static const char *str(struct ld *l, json_t *o, const char *where, const char *key, int required)
{
    json_t *v = json_object_get(o, key);
    if (json_is_string(v))
        return json_string_value(v);
    if (v || required)
        bad(l, "%s.%s: %s", where, key, v ? "not a string" : "missing");
    return "";
}

/* Member KEY of O as a non-negative integer; DFLT when absent and optional. */
static long num(struct ld *l, json_t *o, const char *where, const char *key, int required, long dflt)
{
    json_t *v = json_object_get(o, key);
    if (!v && !required)
        return dflt;
    if (!json_is_integer(v) || json_integer_value(v) < 0) {
        bad(l, "%s.%s: %s", where, key, v ? "not a non-negative integer" : "missing");
        return dflt;
    }
    return (long)json_integer_value(v);
}

static json_t *arr(struct ld *l, json_t *o, const char *where, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_array(v))
        bad(l, "%s.%s: %s", where, key, v ? "not an array" : "missing");
    return v;
}

static int cls(struct ld *l, json_t *v, const char *where)
{
    int c = json_is_string(v) ? pf_class_from_name(json_string_value(v)) : -1;
    if (c < 0)
        bad(l, "%s: not a class (ok, error, fatal, abort, segfault, stack-overflow, "
               "unwind-loop, hang, signal, harness-error)", where);
    return c < 0 ? PF_HARNESS_ERROR : c;
}

static void counts(struct ld *l, json_t *o, const char *where, long out[PF_CLASS_COUNT])
{
    memset(out, 0, sizeof(long) * PF_CLASS_COUNT);
    if (!json_is_object(o)) {
        bad(l, "%s: %s", where, o ? "not an object" : "missing");
        return;
    }
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        int c = pf_class_from_name(k);
        if (c < 0)
            bad(l, "%s: unknown class \"%.40s\"", where, k);
        else if (!json_is_integer(v) || json_integer_value(v) < 0)
            bad(l, "%s.%s: not a non-negative integer", where, k);
        else
            out[c] = (long)json_integer_value(v);
    }
}

static const char **strings(struct ld *l, json_t *a, const char *where, size_t *n)
{
    *n = json_array_size(a);
    const char **out = calloc(*n ? *n : 1, sizeof *out);
    if (!out) {
        bad(l, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < *n; i++) {
        json_t *v = json_array_get(a, i);
        out[i] = json_is_string(v) ? json_string_value(v) : "";
        if (!json_is_string(v))
            bad(l, "%s[%zu]: not a string", where, i);
    }
    return out;
}

static int is_hex64(const char *s)
{
    if (strlen(s) != 64)
        return 0;
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
            return 0;
    return 1;
}

static const char *const plans[] = {"none", "oneshot", "persistent", "both", "runtime", "startup", NULL};
static const char *const modes[] = {"oneshot", "persistent", "none", "runtime", NULL};

static int one_of(const char *s, const char *const *set)
{
    for (; *set; set++)
        if (strcmp(s, *set) == 0)
            return 1;
    return 0;
}

static void *alloc_n(struct ld *l, size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        bad(l, "out of memory");
    return p;
}

static void load_interps(struct ld *l, struct pf_results *r)
{
    json_t *a = arr(l, r->root, "$", "interpreters");
    r->n_interps = json_array_size(a);
    r->interps = alloc_n(l, r->n_interps, sizeof *r->interps);
    for (size_t i = 0; !l->failed && i < r->n_interps; i++) {
        json_t *o = json_array_get(a, i);
        char w[64];
        snprintf(w, sizeof w, "interpreters[%zu]", i);
        struct pf_rinterp *p = &r->interps[i];
        p->id = str(l, o, w, "id", 1);
        p->path = str(l, o, w, "path", 1);
        p->version = str(l, o, w, "version", 1);
        p->variant = str(l, o, w, "variant", 1);
        p->sha256 = str(l, o, w, "sha256", 1);
        if (!l->failed && !is_hex64(p->sha256))
            bad(l, "%s.sha256: not 64 lowercase hex digits", w);
        for (size_t j = 0; !l->failed && j < i; j++)
            if (strcmp(r->interps[j].id, p->id) == 0)
                bad(l, "%s.id: \"%.60s\" appears twice", w, p->id);
    }
}

static void load_scenarios(struct ld *l, struct pf_results *r)
{
    json_t *a = arr(l, r->root, "$", "scenarios");
    r->n_scenarios = json_array_size(a);
    r->scenarios = alloc_n(l, r->n_scenarios, sizeof *r->scenarios);
    for (size_t i = 0; !l->failed && i < r->n_scenarios; i++) {
        json_t *o = json_array_get(a, i);
        char w[64];
        snprintf(w, sizeof w, "scenarios[%zu]", i);
        struct pf_rscenario *s = &r->scenarios[i];
        s->id = str(l, o, w, "id", 1);
        s->path = str(l, o, w, "path", 1);
        s->issue = str(l, o, w, "issue", 1);
        s->plan = str(l, o, w, "plan", 1);
        s->inject = str(l, o, w, "inject", 1);
        s->stride = num(l, o, w, "stride", 0, 0);
        json_t *t = json_object_get(o, "timeout_s");
        if (!json_is_number(t))
            bad(l, "%s.timeout_s: %s", w, t ? "not a number" : "missing");
        s->timeout_s = json_number_value(t);
        if (!l->failed && !one_of(s->plan, plans))
            bad(l, "%s.plan: \"%.40s\" is not none, oneshot, persistent, both, runtime or startup", w, s->plan);
        json_t *e = json_object_get(o, "expect");
        if (!json_is_object(e))
            bad(l, "%s.expect: %s", w, e ? "not an object" : "missing");
        for (size_t j = 0; !l->failed && j < i; j++)
            if (strcmp(r->scenarios[j].id, s->id) == 0)
                bad(l, "%s.id: \"%.60s\" appears twice", w, s->id);
    }
}

static void load_cells(struct ld *l, struct pf_results *r)
{
    json_t *a = arr(l, r->root, "$", "cells");
    r->n_cells = json_array_size(a);
    r->cells = alloc_n(l, r->n_cells, sizeof *r->cells);
    for (size_t i = 0; !l->failed && i < r->n_cells; i++) {
        json_t *o = json_array_get(a, i);
        char w[64], w2[96];
        snprintf(w, sizeof w, "cells[%zu]", i);
        struct pf_rcell *c = &r->cells[i];
        const char *sid = str(l, o, w, "scenario", 1);
        const char *iid = str(l, o, w, "interpreter", 1);
        if (l->failed)
            return;
        c->scenario = pf_results_scenario(r, sid);
        c->interp = pf_results_interp(r, iid);
        if (c->scenario < 0)
            bad(l, "%s.scenario: \"%.60s\" is not in scenarios", w, sid);
        else if (c->interp < 0)
            bad(l, "%s.interpreter: \"%.60s\" is not in interpreters", w, iid);
        else if (pf_results_cell(r, c->scenario, c->interp) != (int)i)
            bad(l, "%s: a second cell for %.60s x %.60s", w, sid, iid);
        json_t *ex = arr(l, o, w, "expected");
        for (size_t k = 0; !l->failed && k < json_array_size(ex); k++) {
            snprintf(w2, sizeof w2, "%s.expected[%zu]", w, k);
            c->expected |= 1u << cls(l, json_array_get(ex, k), w2);
        }
        snprintf(w2, sizeof w2, "%s.counts", w);
        counts(l, json_object_get(o, "counts"), w2, c->counts);
        c->trials = num(l, o, w, "trials", 1, 0);
        c->unexpected = num(l, o, w, "unexpected", 1, 0);
        c->allocations = num(l, o, w, "allocations", 0, -1);
        json_t *e = json_object_get(o, "error");
        c->error = json_is_string(e) ? json_string_value(e) : NULL;
    }
}

static void load_trials(struct ld *l, struct pf_results *r)
{
    json_t *a = arr(l, r->root, "$", "trials");
    r->n_trials = json_array_size(a);
    r->trials = alloc_n(l, r->n_trials, sizeof *r->trials);
    for (size_t i = 0; !l->failed && i < r->n_trials; i++) {
        json_t *o = json_array_get(a, i);
        char w[64], w2[96];
        snprintf(w, sizeof w, "trials[%zu]", i);
        struct pf_rtrial *t = &r->trials[i];
        const char *sid = str(l, o, w, "scenario", 1);
        const char *iid = str(l, o, w, "interpreter", 1);
        t->mode = str(l, o, w, "mode", 1);
        t->subkind = str(l, o, w, "subkind", 1);
        t->signature = str(l, o, w, "signature", 1);
        t->duration_ms = num(l, o, w, "duration_ms", 1, 0);
        t->finding = num(l, o, w, "finding", 1, 0);
        snprintf(w2, sizeof w2, "%s.class", w);
        t->cls = cls(l, json_object_get(o, "class"), w2);
        json_t *p = json_object_get(o, "point");
        if (json_is_null(p))
            t->point = -1;
        else if (json_is_integer(p) && json_integer_value(p) >= 1)
            t->point = (long)json_integer_value(p);
        else
            bad(l, "%s.point: %s", w, p ? "not null or an integer >= 1" : "missing");
        if (l->failed)
            return;
        if (!one_of(t->mode, modes))
            bad(l, "%s.mode: \"%.40s\" is not oneshot, persistent, none or runtime", w, t->mode);
        t->scenario = pf_results_scenario(r, sid);
        t->interp = pf_results_interp(r, iid);
        t->cell = t->scenario < 0 || t->interp < 0 ? -1 : pf_results_cell(r, t->scenario, t->interp);
        if (t->cell < 0)
            bad(l, "%s: no cell for %.60s x %.60s", w, sid, iid);
        else if ((size_t)t->finding >= r->n_findings)
            bad(l, "%s.finding: %ld is past the %zu findings", w, t->finding, r->n_findings);
        if (l->failed)
            return;
        json_t *e = json_object_get(o, "expected");
        const struct pf_rcell *c = &r->cells[t->cell];
        if (json_is_boolean(e))
            t->expected = json_is_true(e);
        else if (e)
            bad(l, "%s.expected: not a boolean", w);
        else
            t->expected = c->expected == 0 || (c->expected & (1u << t->cls)) != 0;
        if (!t->expected)
            r->findings[t->finding].unexpected = 1;
    }
}

static void load_findings(struct ld *l, struct pf_results *r)
{
    json_t *a = arr(l, r->root, "$", "findings");
    r->n_findings = json_array_size(a);
    r->findings = alloc_n(l, r->n_findings, sizeof *r->findings);
    for (size_t i = 0; !l->failed && i < r->n_findings; i++) {
        json_t *o = json_array_get(a, i);
        char w[64], w2[96];
        snprintf(w, sizeof w, "findings[%zu]", i);
        struct pf_rfinding *f = &r->findings[i];
        f->id = num(l, o, w, "id", 1, 0);
        f->signature = str(l, o, w, "signature", 1);
        f->subkind = str(l, o, w, "subkind", 0);
        f->repro = str(l, o, w, "repro", 1);
        f->detail = str(l, o, w, "detail", 0);
        f->count = num(l, o, w, "count", 1, 0);
        snprintf(w2, sizeof w2, "%s.class", w);
        f->cls = cls(l, json_object_get(o, "class"), w2);
        snprintf(w2, sizeof w2, "%s.frames", w);
        f->frames = strings(l, arr(l, o, w, "frames"), w2, &f->n_frames);
        snprintf(w2, sizeof w2, "%s.interpreters", w);
        f->interps = strings(l, arr(l, o, w, "interpreters"), w2, &f->n_interps);
        snprintf(w2, sizeof w2, "%s.scenarios", w);
        f->scenarios = strings(l, arr(l, o, w, "scenarios"), w2, &f->n_scenarios);
    }
}

static void load_summary(struct ld *l, struct pf_results *r)
{
    json_t *s = json_object_get(r->root, "summary");
    if (!json_is_object(s)) {
        bad(l, "$.summary: %s", s ? "not an object" : "missing");
        return;
    }
    r->total_trials = num(l, s, "summary", "trials", 1, 0);
    r->total_unexpected = num(l, s, "summary", "unexpected", 1, 0);
    r->duration_ms = num(l, s, "summary", "duration_ms", 0, 0);
    counts(l, json_object_get(s, "counts"), "summary.counts", r->counts);
    json_t *bi = json_object_get(s, "by_interpreter");
    if (!json_is_object(bi))
        bad(l, "summary.by_interpreter: %s", bi ? "not an object" : "missing");
}

static const struct pf_results *sort_r;

/* Trials of a cell together, then by mode, then single runs before points. */
static int order_cmp(const void *a, const void *b)
{
    const struct pf_rtrial *x = &sort_r->trials[*(const size_t *)a];
    const struct pf_rtrial *y = &sort_r->trials[*(const size_t *)b];
    if (x->cell != y->cell)
        return x->cell < y->cell ? -1 : 1;
    int m = strcmp(x->mode, y->mode);
    if (m)
        return m;
    if (x->point != y->point)
        return x->point < y->point ? -1 : 1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static void build_order(struct ld *l, struct pf_results *r)
{
    r->order = alloc_n(l, r->n_trials, sizeof *r->order);
    if (l->failed)
        return;
    for (size_t i = 0; i < r->n_trials; i++)
        r->order[i] = i;
    sort_r = r;
    qsort(r->order, r->n_trials, sizeof *r->order, order_cmp);
    sort_r = NULL;
    for (size_t i = 0; i < r->n_trials; i++) {
        struct pf_rcell *c = &r->cells[r->trials[r->order[i]].cell];
        if (c->n++ == 0)
            c->first = i;
    }
}

int pf_results_from_json(struct pf_results *r, json_t *root, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    struct ld l = {err, errlen, "results.json", 0};
    if (!json_is_object(root)) {
        bad(&l, "not a JSON object");
        return -1;
    }
    r->root = json_incref(root);
    json_t *schema = json_object_get(root, "schema");
    json_t *version = json_object_get(root, "version");
    if (!json_is_string(schema) || strcmp(json_string_value(schema), "pyfault-results") != 0)
        bad(&l, "$.schema: not \"pyfault-results\" (a pyfault sweep file? render the matrix's results.json)");
    else if (!json_is_integer(version) || json_integer_value(version) != 1)
        bad(&l, "$.version: this pyfault reads version 1 only");
    json_t *complete = json_object_get(root, "complete");
    if (!json_is_boolean(complete))
        bad(&l, "$.complete: %s", complete ? "not a boolean" : "missing");
    r->complete = json_is_true(complete);
    r->created = str(&l, root, "$", "created", 1);
    json_t *shard = json_object_get(root, "shard");
    if (json_is_object(shard)) {
        r->shard_index = (int)num(&l, shard, "shard", "index", 1, 0);
        r->shard_count = (int)num(&l, shard, "shard", "count", 1, 0);
        if (!l.failed && (r->shard_index < 1 || r->shard_index > r->shard_count))
            bad(&l, "$.shard: index %d is not in 1..%d", r->shard_index, r->shard_count);
    } else if (shard && !json_is_null(shard)) {
        bad(&l, "$.shard: not an object or null");
    }
    if (!l.failed)
        load_interps(&l, r);
    if (!l.failed)
        load_scenarios(&l, r);
    if (!l.failed)
        load_cells(&l, r);
    if (!l.failed)
        load_findings(&l, r);
    if (!l.failed)
        load_trials(&l, r);
    if (!l.failed)
        load_summary(&l, r);
    if (!l.failed)
        build_order(&l, r);
    if (l.failed) {
        pf_results_free(r);
        return -1;
    }
    return 0;
}

int pf_results_load(struct pf_results *r, const char *path, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        if (je.line > 0)
            snprintf(err, errlen, "%.300s:%d: %.200s", path, je.line, je.text);
        else
            snprintf(err, errlen, "%.300s: %.200s", path, je.text);
        return -1;
    }
    int rc = pf_results_from_json(r, root, err, errlen);
    json_decref(root);
    if (rc < 0) {
        /* name the real file, not "results.json" */
        const char *msg = strchr(err, ':');
        char tmp[600];
        snprintf(tmp, sizeof tmp, "%.300s%s", path, msg ? msg : "");
        snprintf(err, errlen, "%s", tmp);
    }
    return rc;
}

int pf_results_check_totals(const struct pf_results *r, char *err, size_t errlen)
{
    long sum[PF_CLASS_COUNT] = {0}, trials = 0, unexpected = 0;
    long *fcount = calloc(r->n_findings ? r->n_findings : 1, sizeof *fcount);
    if (!fcount) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = -1;
    for (size_t t = 0; t < r->n_trials; t++)
        fcount[r->trials[t].finding]++;
    for (size_t i = 0; i < r->n_cells; i++) {
        const struct pf_rcell *c = &r->cells[i];
        long n = 0, u = 0;
        for (int k = 0; k < PF_CLASS_COUNT; k++) {
            n += c->counts[k];
            sum[k] += c->counts[k];
        }
        for (size_t j = c->first; j < c->first + c->n; j++)
            u += !r->trials[r->order[j]].expected;
        const char *who = r->scenarios[c->scenario].id, *iid = r->interps[c->interp].id;
        if (n != c->trials || (long)c->n != c->trials) {
            snprintf(err, errlen, "cell %.60s x %.60s: trials %ld, counts sum to %ld, %zu trials listed",
                     who, iid, c->trials, n, c->n);
            goto out;
        }
        if (u != c->unexpected) {
            snprintf(err, errlen, "cell %.60s x %.60s: unexpected %ld, %ld trials listed unexpected",
                     who, iid, c->unexpected, u);
            goto out;
        }
        trials += c->trials;
        unexpected += c->unexpected;
    }
    for (size_t f = 0; f < r->n_findings; f++)
        if (fcount[f] != r->findings[f].count) {
            snprintf(err, errlen, "finding %zu (%.100s): count %ld, %ld trials name it", f,
                     r->findings[f].signature, r->findings[f].count, fcount[f]);
            goto out;
        }
    if (trials != r->total_trials || unexpected != r->total_unexpected) {
        snprintf(err, errlen, "summary: %ld trials, %ld unexpected; the cells hold %ld, %ld",
                 r->total_trials, r->total_unexpected, trials, unexpected);
        goto out;
    }
    for (int k = 0; k < PF_CLASS_COUNT; k++)
        if (sum[k] != r->counts[k]) {
            snprintf(err, errlen, "summary.counts.%s: %ld; the cells hold %ld", pf_class_name(k),
                     r->counts[k], sum[k]);
            goto out;
        }
    rc = 0;
out:
    free(fcount);
    return rc;
}

void pf_results_free(struct pf_results *r)
{
    for (size_t i = 0; r->findings && i < r->n_findings; i++) {
        free(r->findings[i].frames);
        free(r->findings[i].interps);
        free(r->findings[i].scenarios);
    }
    free(r->interps);
    free(r->scenarios);
    free(r->cells);
    free(r->trials);
    free(r->findings);
    free(r->order);
    json_decref(r->root);
    memset(r, 0, sizeof *r);
}

int pf_results_cell(const struct pf_results *r, int s, int i)
{
    for (size_t c = 0; c < r->n_cells; c++)
        if (r->cells[c].scenario == s && r->cells[c].interp == i)
            return (int)c;
    return -1;
}

int pf_results_interp(const struct pf_results *r, const char *id)
{
    for (size_t i = 0; i < r->n_interps; i++)
        if (strcmp(r->interps[i].id, id) == 0)
            return (int)i;
    return -1;
}

int pf_results_scenario(const struct pf_results *r, const char *id)
{
    for (size_t i = 0; i < r->n_scenarios; i++)
        if (strcmp(r->scenarios[i].id, id) == 0)
            return (int)i;
    return -1;
}

long pf_results_finding(const struct pf_results *r, enum pf_class cls, const char *sig)
{
    for (size_t i = 0; i < r->n_findings; i++)
        if (r->findings[i].cls == cls && strcmp(r->findings[i].signature, sig) == 0)
            return (long)i;
    return -1;
}
