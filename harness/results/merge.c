/* merge.c: an exact merge. The shards' trials are the truth; everything
 * else (findings, cells, summary) is rebuilt or summed from them, so the
 * merged file equals the unsharded one wherever the run is deterministic. */
#include "merge.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "controls.h"
#include "findings.h"

struct ref {
    size_t shard, trial;
    int s, i;            /* scenario, interpreter: indexes in shard 0 */
};

static const struct pf_results *g_shards;

static int ref_cmp_key(const struct ref *a, const struct ref *b)
{
    const struct pf_rtrial *x = &g_shards[a->shard].trials[a->trial];
    const struct pf_rtrial *y = &g_shards[b->shard].trials[b->trial];
    if (a->s != b->s)
        return a->s < b->s ? -1 : 1;
    if (a->i != b->i)
        return a->i < b->i ? -1 : 1;
    if (x->point != y->point)
        return x->point < y->point ? -1 : 1;
    return strcmp(x->mode, y->mode);
}

static int ref_cmp(const void *pa, const void *pb)
{
    const struct ref *a = pa, *b = pb;
    int c = ref_cmp_key(a, b);
    if (c)
        return c;
    if (a->shard != b->shard)
        return a->shard < b->shard ? -1 : 1;
    return a->trial < b->trial ? -1 : a->trial > b->trial;
}

/* MASK's classes as "ok,error" ("any class" for no expectation). */
static const char *classes_text(unsigned mask, char *buf, size_t len)
{
    size_t at = 0;
    buf[0] = 0;
    for (int k = 0; k < PF_CLASS_COUNT && at < len; k++)
        if (mask & (1u << k))
            at += (size_t)snprintf(buf + at, len - at, "%s%s", at ? "," : "", pf_class_name((enum pf_class)k));
    return buf[0] ? buf : "any class";
}

/* Each cell of B that A has too expects the same classes there (--accept,
 * a scenario's expect: header): else the merged cells' unexpected counts
 * would sum judgements by different lists. */
static int check_same_expectations(const struct pf_results *a, const struct pf_results *b, const char *bname,
                                   const char *aname, char *err, size_t errlen)
{
    for (size_t c = 0; c < b->n_cells; c++) {
        const struct pf_rcell *y = &b->cells[c];
        for (size_t d = 0; d < a->n_cells; d++) {
            const struct pf_rcell *x = &a->cells[d];
            if (strcmp(x->scenario_id, y->scenario_id) || strcmp(x->interp_id, y->interp_id))
                continue;
            if (x->expected != y->expected) {
                char want[128], got[128];
                snprintf(err, errlen,
                         "%.200s: cell %.60s x %.60s accepts %s, in %.200s %s (another --accept or expect:): "
                         "not shards of one run",
                         bname, y->scenario_id, y->interp_id, classes_text(y->expected, got, sizeof got), aname,
                         classes_text(x->expected, want, sizeof want));
                return -1;
            }
            break;
        }
    }
    return 0;
}

/* True when X and Y record the same input: the same argument, or (a
 * file without "arg" on either side) the same path. */
static int same_input(const struct pf_rfile *x, const struct pf_rfile *y)
{
    if (x->arg >= 0 && y->arg >= 0)
        return x->arg == y->arg;
    return strcmp(x->path, y->path) == 0;
}

/* Each input file B records (for WHAT, "target 0" or "scenario x") that
 * A records too has A's sha256: a script edited between two shards ran
 * other code in each, and their trials do not add up to one run. A side
 * without "files" (an older results.json) has nothing to compare. */
static int check_files(const struct pf_rfile *a, size_t na, const struct pf_rfile *b, size_t nb, const char *what,
                       const char *bname, const char *aname, char *err, size_t errlen)
{
    for (size_t i = 0; i < nb; i++)
        for (size_t j = 0; j < na; j++) {
            if (!same_input(&b[i], &a[j]) || strcmp(b[i].sha256, a[j].sha256) == 0)
                continue;
            char arg[32] = "";
            if (b[i].arg >= 0)
                snprintf(arg, sizeof arg, " (arg %ld)", b[i].arg);
            snprintf(err, errlen, "%.200s: %.80s input %.200s%s is another file (sha256 %.12s..., %.12s... in %.200s)",
                     bname, what, b[i].path, arg, b[i].sha256, a[j].sha256, aname);
            pf_scrub_controls(err); /* a newline in a path: still one line */
            return -1;
        }
    return 0;
}

/* B's targets (by index) and scenarios (by id, all in A) read the same
 * input files as A's, wherever both record them. */
static int check_same_inputs(const struct pf_results *a, const struct pf_results *b, const char *bname,
                             const char *aname, char *err, size_t errlen)
{
    char what[96];
    for (size_t t = 0; t < b->n_targets && t < a->n_targets; t++) {
        snprintf(what, sizeof what, "target %zu", t);
        if (check_files(a->targets[t].files, a->targets[t].n_files, b->targets[t].files, b->targets[t].n_files, what,
                        bname, aname, err, errlen) < 0)
            return -1;
    }
    for (size_t i = 0; i < b->n_scenarios; i++) {
        const struct pf_rscenario *x = &b->scenarios[i], *y = &a->scenarios[pf_results_scenario(a, x->id)];
        snprintf(what, sizeof what, "scenario %.60s", x->id);
        if (check_files(y->files, y->n_files, x->files, x->n_files, what, bname, aname, err, errlen) < 0)
            return -1;
    }
    return 0;
}

/* B's sweep targets (by index) were counted as A's: the same number of
 * targets, M allocations in the same layer, the same plan kind and (a
 * site plan) the same call sites and points chosen. Else "point N" is
 * another allocation in each shard and their trials are not one sweep's.
 * What each shard's counting run may time differently (count_ms, pace)
 * and what is each shard's share (first_point, step, points_within_m,
 * plan.sampled) may differ; a side without a field (an older file) is
 * not compared. */
static int check_same_targets(const struct pf_results *a, const struct pf_results *b, const char *bname,
                              const char *aname, char *err, size_t errlen)
{
    if (b->n_targets != a->n_targets) {
        snprintf(err, errlen, "%.200s: %zu targets, %.200s has %zu: not shards of one run", bname, b->n_targets,
                 aname, a->n_targets);
        return -1;
    }
    for (size_t t = 0; t < b->n_targets; t++) {
        const struct pf_rtarget *x = &a->targets[t], *y = &b->targets[t];
        const char *what = NULL;
        long was = 0, now = 0;
        if (x->allocations >= 0 && y->allocations >= 0 && x->allocations != y->allocations)
            what = "allocations", was = x->allocations, now = y->allocations;
        else if (x->plan_sites >= 0 && y->plan_sites >= 0 && x->plan_sites != y->plan_sites)
            what = "call sites", was = x->plan_sites, now = y->plan_sites;
        else if (x->plan_chosen >= 0 && y->plan_chosen >= 0 && x->plan_chosen != y->plan_chosen)
            what = "points chosen by the plan", was = x->plan_chosen, now = y->plan_chosen;
        if (what) {
            snprintf(err, errlen, "%.200s: target %zu counted %ld %s, %ld in %.200s: not shards of one run",
                     bname, t, now, what, was, aname);
            return -1;
        }
        if (x->layer && y->layer && strcmp(x->layer, y->layer)) {
            snprintf(err, errlen, "%.200s: target %zu counted in layer %.20s, %.20s in %.200s: not shards of one run",
                     bname, t, y->layer, x->layer, aname);
            pf_scrub_controls(err);
            return -1;
        }
        if (x->plan_kind[0] && y->plan_kind[0] && strcmp(x->plan_kind, y->plan_kind)) {
            snprintf(err, errlen, "%.200s: target %zu has plan %.20s, %.20s in %.200s: not shards of one run", bname,
                     t, y->plan_kind, x->plan_kind, aname);
            pf_scrub_controls(err);
            return -1;
        }
    }
    return 0;
}

/* A sweep scenario: its cells' allocations are a counting run's M. */
static int is_sweep_plan(const char *plan)
{
    return strcmp(plan, "none") && strcmp(plan, "runtime");
}

/* Each cell of B that A has too and that both counted (a sweep's, no
 * error, allocations > 0: a single run belongs to shard 1 alone, the
 * others record 0) counted the same M. */
static int check_same_allocations(const struct pf_results *a, const struct pf_results *b, const char *bname,
                                  const char *aname, char *err, size_t errlen)
{
    for (size_t c = 0; c < b->n_cells; c++) {
        const struct pf_rcell *y = &b->cells[c];
        int j = pf_results_cell(a, pf_results_scenario(a, y->scenario_id), pf_results_interp(a, y->interp_id));
        if (j < 0 || !is_sweep_plan(b->scenarios[y->scenario].plan))
            continue;
        const struct pf_rcell *x = &a->cells[j];
        if (x->error || y->error || x->allocations <= 0 || y->allocations <= 0 || x->allocations == y->allocations)
            continue;
        snprintf(err, errlen,
                 "%.200s: cell %.60s x %.60s counted %ld allocations, %ld in %.200s: not shards of one run", bname,
                 y->scenario_id, y->interp_id, y->allocations, x->allocations, aname);
        pf_scrub_controls(err);
        return -1;
    }
    return 0;
}

/* Same interpreter binaries and scenarios as shard 0, a compatible shard. */
static int check_same_run(const struct pf_results *s, const char *const *names, size_t n,
                          struct pf_merge_opts *o, char *err, size_t errlen)
{
    const struct pf_results *a = &s[0];
    for (size_t k = 0; k < n; k++) {
        const struct pf_results *b = &s[k];
        if (pf_results_check_totals(b, err, errlen) < 0) {
            char tmp[600];
            snprintf(tmp, sizeof tmp, "%.200s: inconsistent totals: %.350s", names[k], err);
            snprintf(err, errlen, "%s", tmp);
            return -1;
        }
        if (k == 0)
            continue;
        if (b->n_interps != a->n_interps) {
            snprintf(err, errlen, "%.200s: %zu interpreters, %.200s has %zu: not shards of one run", names[k],
                     b->n_interps, names[0], a->n_interps);
            return -1;
        }
        for (size_t i = 0; i < b->n_interps; i++) {
            int j = pf_results_interp(a, b->interps[i].id);
            if (j < 0) {
                snprintf(err, errlen, "%.200s: interpreter %.60s is not in %.200s: not shards of one run", names[k],
                         b->interps[i].id, names[0]);
                return -1;
            }
            if (strcmp(a->interps[j].sha256, b->interps[i].sha256) != 0) {
                snprintf(err, errlen, "%.200s: interpreter %.60s is another binary (sha256 %.12s..., %.12s... in %.200s)",
                         names[k], b->interps[i].id, b->interps[i].sha256, a->interps[j].sha256, names[0]);
                return -1;
            }
        }
        if (b->n_scenarios != a->n_scenarios) {
            snprintf(err, errlen, "%.200s: %zu scenarios, %.200s has %zu: not shards of one run", names[k],
                     b->n_scenarios, names[0], a->n_scenarios);
            return -1;
        }
        for (size_t i = 0; i < b->n_scenarios; i++) {
            int j = pf_results_scenario(a, b->scenarios[i].id);
            const struct pf_rscenario *x = &b->scenarios[i], *y = j < 0 ? NULL : &a->scenarios[j];
            if (!y || strcmp(x->plan, y->plan) || strcmp(x->inject, y->inject) || x->stride != y->stride ||
                strcmp(x->site_plan, y->site_plan)) {
                snprintf(err, errlen, "%.200s: scenario %.60s %s %.200s: not shards of one run", names[k], x->id,
                         y ? "has another plan, site plan, inject or stride than in" : "is not in", names[0]);
                return -1;
            }
        }
        if (check_same_expectations(a, b, names[k], names[0], err, errlen) < 0 ||
            check_same_targets(a, b, names[k], names[0], err, errlen) < 0 ||
            check_same_allocations(a, b, names[k], names[0], err, errlen) < 0)
            return -1;
        /* against every earlier shard: shard 0 may be too old to record files */
        for (size_t m = 0; m < k; m++) {
            char why[sizeof o->said];
            if (check_same_inputs(&s[m], b, names[k], names[m], why, sizeof why) == 0)
                continue;
            if (!o || !o->any_input) {
                snprintf(err, errlen, "%s (--any-input merges them)", why);
                return -1;
            }
            if (!o->said[0])
                memcpy(o->said, why, sizeof why);
        }
        if (b->shard_count != a->shard_count) {
            snprintf(err, errlen, "%.200s: shard of %d, %.200s a shard of %d", names[k], b->shard_count, names[0],
                     a->shard_count);
            return -1;
        }
        for (size_t m = 0; m < k && b->shard_count; m++)
            if (s[m].shard_index == b->shard_index) {
                snprintf(err, errlen, "%.200s and %.200s are both shard %d/%d", names[m], names[k], b->shard_index,
                         b->shard_count);
                return -1;
            }
    }
    return 0;
}

static json_t *union_strings(const struct pf_results *a, int interps, json_t *have, const char **add, size_t n)
{
    /* keep shard 0's order of interpreters / scenarios */
    size_t total = interps ? a->n_interps : a->n_scenarios;
    json_t *out = json_array();
    for (size_t i = 0; i < total; i++) {
        const char *id = interps ? a->interps[i].id : a->scenarios[i].id;
        int in = 0;
        for (size_t k = 0; k < json_array_size(have) && !in; k++)
            in = strcmp(json_string_value(json_array_get(have, k)), id) == 0;
        for (size_t k = 0; k < n && !in; k++)
            in = strcmp(add[k], id) == 0;
        if (in)
            json_array_append_new(out, json_string(id));
    }
    return out;
}

struct mfind {
    enum pf_class cls;
    const char *sig;
    json_t *obj;
};

static long find_merged(struct mfind *mf, size_t n, enum pf_class cls, const char *sig)
{
    for (size_t i = 0; i < n; i++)
        if (mf[i].cls == cls && strcmp(mf[i].sig, sig) == 0)
            return (long)i;
    return -1;
}

static void add_counts(json_t *into, json_t *from)
{
    const char *k;
    json_t *v;
    json_object_foreach(from, k, v) {
        json_int_t old = json_integer_value(json_object_get(into, k));
        json_object_set_new(into, k, json_integer(old + json_integer_value(v)));
    }
}

static json_t *merge_cells(const struct pf_results *s, size_t n)
{
    json_t *cells = json_array();
    for (size_t k = 0; k < n; k++) {
        json_t *src = json_object_get(s[k].root, "cells");
        for (size_t c = 0; c < s[k].n_cells; c++) {
            const struct pf_rcell *cl = &s[k].cells[c];
            int sc = pf_results_scenario(&s[0], s[k].scenarios[cl->scenario].id);
            int ip = pf_results_interp(&s[0], s[k].interps[cl->interp].id);
            json_t *o = NULL;
            for (size_t m = 0; m < json_array_size(cells) && !o; m++) {
                json_t *x = json_array_get(cells, m);
                if (strcmp(json_string_value(json_object_get(x, "scenario")), s[0].scenarios[sc].id) == 0 &&
                    strcmp(json_string_value(json_object_get(x, "interpreter")), s[0].interps[ip].id) == 0)
                    o = x;
            }
            json_t *in = json_array_get(src, c);
            if (!o) {
                json_array_append_new(cells, json_deep_copy(in));
                continue;
            }
            add_counts(json_object_get(o, "counts"), json_object_get(in, "counts"));
            json_object_set_new(o, "trials", json_integer(json_integer_value(json_object_get(o, "trials")) + cl->trials));
            json_object_set_new(o, "unexpected",
                                json_integer(json_integer_value(json_object_get(o, "unexpected")) + cl->unexpected));
            if (json_is_object(json_object_get(o, "engine")))
                add_counts(json_object_get(o, "engine"), json_object_get(in, "engine"));
            /* a site plan's sample: each shard's share of the call sites */
            json_t *sites = json_object_get(o, "sites");
            json_t *more = json_object_get(json_object_get(in, "sites"), "sampled");
            if (json_is_integer(json_object_get(sites, "sampled")) && json_is_integer(more))
                json_object_set_new(sites, "sampled",
                                    json_integer(json_integer_value(json_object_get(sites, "sampled")) +
                                                 json_integer_value(more)));
            if (cl->allocations > json_integer_value(json_object_get(o, "allocations")))
                json_object_set_new(o, "allocations", json_integer(cl->allocations));
            if (cl->error && !json_object_get(o, "error"))
                json_object_set_new(o, "error", json_string(cl->error));
        }
    }
    return cells;
}

static json_t *summary_of(json_t *cells, const struct pf_results *s, size_t n)
{
    json_t *sum = json_deep_copy(json_object_get(s[0].root, "summary"));
    json_t *counts = json_object(), *by = json_object();
    json_int_t trials = 0, unexpected = 0;
    long dur = -1;
    for (size_t i = 0; i < json_array_size(cells); i++) {
        json_t *c = json_array_get(cells, i);
        trials += json_integer_value(json_object_get(c, "trials"));
        unexpected += json_integer_value(json_object_get(c, "unexpected"));
        add_counts(counts, json_object_get(c, "counts"));
        const char *ip = json_string_value(json_object_get(c, "interpreter"));
        if (!json_object_get(by, ip))
            json_object_set_new(by, ip, json_object());
        add_counts(json_object_get(by, ip), json_object_get(c, "counts"));
    }
    for (size_t k = 0; k < n; k++)
        if (json_object_get(json_object_get(s[k].root, "summary"), "duration_ms") && s[k].duration_ms > dur)
            dur = s[k].duration_ms; /* shards run side by side: the slowest is the wall time */
    json_object_set_new(sum, "trials", json_integer(trials));
    json_object_set_new(sum, "counts", counts);
    json_object_set_new(sum, "unexpected", json_integer(unexpected));
    json_object_set_new(sum, "by_interpreter", by);
    if (dur >= 0)
        json_object_set_new(sum, "duration_ms", json_integer(dur));
    return sum;
}

/* A trial mode as a number, for pf_points_add. */
static unsigned mode_code(const char *mode)
{
    static const char *const modes[] = {"oneshot", "persistent", "none", "runtime"};
    for (unsigned i = 0; i < 4; i++)
        if (strcmp(mode, modes[i]) == 0)
            return i;
    return 4;
}

/* True when the "files" array HAVE has an entry for the input F names
 * (same_input's rule, on the JSON the loader checked). */
static int has_input(json_t *have, json_t *f)
{
    json_t *arg = json_object_get(f, "arg"), *path = json_object_get(f, "path");
    size_t k;
    json_t *h;
    json_array_foreach(have, k, h) {
        json_t *harg = json_object_get(h, "arg");
        if (json_is_integer(arg) && json_is_integer(harg) ? json_integer_value(arg) == json_integer_value(harg)
                                                          : json_equal(path, json_object_get(h, "path")))
            return 1;
    }
    return 0;
}

/* Adds to OBJ's "files" (a merged target or scenario) the entries of
 * FROM (a shard's) it lacks: a shard 0 older than "files" must not leave
 * the merged file without them, or repro of it would check nothing. */
static void unite_files(json_t *obj, json_t *from)
{
    json_t *have = json_object_get(obj, "files");
    if (!json_is_array(from))
        return;
    if (!json_is_array(have)) {
        json_object_set_new(obj, "files", json_deep_copy(from));
        return;
    }
    size_t k;
    json_t *f;
    json_array_foreach(from, k, f)
        if (!has_input(have, f))
            json_array_append_new(have, json_deep_copy(f));
}

/* OUT's targets and scenarios (shard 0's copies) carry every shard's
 * recorded input files (check_same_inputs made them agree). */
static void unite_inputs(json_t *out, const struct pf_results *s, size_t n)
{
    json_t *targets = json_object_get(out, "targets"), *scenarios = json_object_get(out, "scenarios");
    for (size_t k = 1; k < n; k++) {
        json_t *from = json_object_get(s[k].root, "targets");
        for (size_t t = 0; t < json_array_size(targets) && t < s[k].n_targets; t++)
            unite_files(json_array_get(targets, t), json_object_get(json_array_get(from, t), "files"));
        from = json_object_get(s[k].root, "scenarios");
        for (size_t i = 0; i < s[k].n_scenarios; i++)
            unite_files(json_array_get(scenarios, (size_t)pf_results_scenario(&s[0], s[k].scenarios[i].id)),
                        json_object_get(json_array_get(from, i), "files"));
    }
}

/* The stride of the merged points' progression, in shard steps: each
 * shard I of N runs first + (I-1)*stride + k*N*stride, so shards
 * I0, I0+D, ... (N/D of them, D dividing N) run every Dth point of the
 * unsharded progression, first + (I0-1)*stride + k*D*stride. All N
 * shards: 1; one shard: N; any other choice is no one progression and
 * gets 1, the unsharded one its points lie on (points_within_m counts
 * those merged). */
static long merged_stride(const struct pf_results *s, size_t n)
{
    long count = s[0].shard_count > 0 ? s[0].shard_count : 1, lo = count + 1, hi = 0;
    for (size_t k = 0; k < n; k++) {
        long i = s[k].shard_index > 0 ? s[k].shard_index : 1;
        lo = i < lo ? i : lo;
        hi = i > hi ? i : hi;
    }
    if (n == 1)
        return count;
    long d = (hi - lo) / (long)(n - 1);
    if (d <= 0 || count % d || (long)n != count / d || lo + d * (long)(n - 1) != hi)
        return 1;
    /* the shards between lo and hi are exactly every Dth */
    for (size_t k = 0; k < n; k++)
        if (((s[k].shard_index > 0 ? s[k].shard_index : 1) - lo) % d)
            return 1;
    return d;
}

/* The integer KEY of OBJ's object member IN (NULL: of OBJ) set to the sum
 * of it over the shards' target T where each has it; removed where one
 * lacks it. */
static void sum_target_key(json_t *obj, const struct pf_results *s, size_t n, size_t t, const char *in,
                           const char *key)
{
    json_t *into = in ? json_object_get(obj, in) : obj;
    if (!json_is_integer(json_object_get(into, key)))
        return;
    json_int_t total = 0;
    for (size_t k = 0; k < n; k++) {
        json_t *o = json_array_get(json_object_get(s[k].root, "targets"), t);
        json_t *v = json_object_get(in ? json_object_get(o, in) : o, key);
        if (!json_is_integer(v)) {
            /* a shard that did not count it (an older build): no sum,
             * rather than shard 0's count passed off as one */
            json_object_del(into, key);
            return;
        }
        total += json_integer_value(v);
    }
    json_object_set_new(into, key, json_integer(total));
}

/* OUT's $.targets (shard 0's copies) as the unsharded sweep writes them:
 * points_within_m (and a site plan's plan.sampled, a fork engine's
 * counts) the shards' sum, first_point their lowest, step the stride of
 * the progression the merged shards' points make (merged_stride); M,
 * layer and plan agree (check_same_targets). count_ms and pace are shard
 * 0's counting run's. A merge with shards missing says so in its sums:
 * they count the points merged. */
static void rebuild_targets(json_t *out, const struct pf_results *s, size_t n)
{
    json_t *targets = json_object_get(out, "targets");
    long count = s[0].shard_count > 0 ? s[0].shard_count : 1, d = merged_stride(s, n);
    for (size_t t = 0; t < json_array_size(targets) && t < s[0].n_targets; t++) {
        json_t *o = json_array_get(targets, t);
        long first = -1, first_any = -1;
        for (size_t k = 0; k < n; k++) {
            const struct pf_rtarget *x = &s[k].targets[t];
            if (x->first_point < 0)
                continue;
            if (first_any < 0 || x->first_point < first_any)
                first_any = x->first_point;
            /* a shard with no point in 1..M has a first point past M */
            if (x->points_within_m > 0 && (first < 0 || x->first_point < first))
                first = x->first_point;
        }
        if (json_is_integer(json_object_get(o, "first_point")) && first_any >= 0)
            json_object_set_new(o, "first_point", json_integer(first >= 0 ? first : first_any));
        sum_target_key(o, s, n, t, NULL, "points_within_m");
        /* a site plan's list goes one point at a time in every shard */
        if (strcmp(s[0].targets[t].plan_kind, "sites") != 0 && s[0].targets[t].step > 0 &&
            s[0].targets[t].step % count == 0)
            json_object_set_new(o, "step", json_integer(s[0].targets[t].step / count * d));
        if (strcmp(s[0].targets[t].plan_kind, "sites") == 0)
            sum_target_key(o, s, n, t, "plan", "sampled");
        json_t *engine = json_object_get(o, "engine");
        const char *kind = json_string_value(json_object_get(engine, "kind"));
        if (kind && strcmp(kind, "fork") == 0) {
            sum_target_key(o, s, n, t, "engine", "forked");
            sum_target_key(o, s, n, t, "engine", "exec_threads");
            sum_target_key(o, s, n, t, "engine", "exec_state");
            sum_target_key(o, s, n, t, "engine", "exec_other");
            sum_target_key(o, s, n, t, "engine", "precopied");
        }
    }
}

/* A sweep's integer KEY (planned, done) summed over its N shards. */
static json_int_t shards_total(const struct pf_results *s, size_t n, const char *key)
{
    json_int_t total = 0;
    for (size_t k = 0; k < n; k++)
        total += json_integer_value(json_object_get(s[k].root, key));
    return total;
}

int pf_merge(const struct pf_results *s, const char *const *names, size_t n, struct pf_merge_opts *opts,
             struct pf_merged *merged, char *err, size_t errlen)
{
    memset(merged, 0, sizeof *merged);
    if (n == 0) {
        snprintf(err, errlen, "nothing to merge");
        return -1;
    }
    if (check_same_run(s, names, n, opts, err, errlen) < 0)
        return -1;
    size_t total = 0;
    for (size_t k = 0; k < n; k++)
        total += s[k].n_trials;
    struct ref *refs = malloc((total + 1) * sizeof *refs);
    struct mfind *mf = malloc((total + 1) * sizeof *mf);
    merged->trials = malloc((total + 1) * sizeof *merged->trials);
    if (!refs || !mf || !merged->trials) {
        free(refs);
        free(mf);
        pf_merged_free(merged);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t m = 0;
    for (size_t k = 0; k < n; k++)
        for (size_t t = 0; t < s[k].n_trials; t++) {
            const struct pf_rtrial *tr = &s[k].trials[t];
            refs[m++] = (struct ref){k, t, pf_results_scenario(&s[0], s[k].scenarios[tr->scenario].id),
                                     pf_results_interp(&s[0], s[k].interps[tr->interp].id)};
        }
    g_shards = s;
    qsort(refs, m, sizeof *refs, ref_cmp);
    json_t *findings = json_array(), *out = NULL;
    struct pf_points points;
    memset(&points, 0, sizeof points);
    size_t nf = 0;
    for (size_t j = 0; j < m; j++) {
        const struct pf_results *sh = &s[refs[j].shard];
        const struct pf_rtrial *t = &sh->trials[refs[j].trial];
        if (j > 0 && refs[j - 1].shard != refs[j].shard && ref_cmp_key(&refs[j - 1], &refs[j]) == 0) {
            snprintf(err, errlen, "trial %.60s x %.60s point %ld (%s) is in both %.200s and %.200s",
                     s[0].scenarios[refs[j].s].id, s[0].interps[refs[j].i].id, t->point, t->mode,
                     names[refs[j - 1].shard], names[refs[j].shard]);
            goto done;
        }
        const struct pf_rfinding *fd = &sh->findings[t->finding];
        long f = find_merged(mf, nf, fd->cls, fd->signature);
        if (f < 0) {
            /* the first trial of a finding: its shard's example is the lowest point */
            json_t *o = json_deep_copy(json_array_get(json_object_get(sh->root, "findings"), t->finding));
            json_object_set_new(o, "id", json_integer((json_int_t)nf));
            json_object_set_new(o, "count", json_integer(0));
            if (json_object_get(o, "points"))
                json_object_set_new(o, "points", json_integer(0));
            json_object_set_new(o, "interpreters", json_array());
            json_object_set_new(o, "scenarios", json_array());
            json_array_append_new(findings, o);
            mf[nf] = (struct mfind){fd->cls, fd->signature, o};
            f = (long)nf++;
        }
        json_t *o = mf[f].obj;
        json_object_set_new(o, "count", json_integer(json_integer_value(json_object_get(o, "count")) + 1));
        /* a matrix's findings count their points across cells (findings.h);
         * the trials come sorted by cell, then N */
        if (json_object_get(o, "points")) {
            int added = pf_points_add(&points, f, t->site_key,
                                      (unsigned)(refs[j].s * (int)s[0].n_interps + refs[j].i),
                                      (uint64_t)(t->point > 0 ? t->point : 0), mode_code(t->mode));
            if (added < 0) {
                snprintf(err, errlen, "out of memory");
                goto done;
            }
            json_object_set_new(o, "points", json_integer(json_integer_value(json_object_get(o, "points")) + added));
        }
        json_object_set_new(o, "interpreters",
                            union_strings(&s[0], 1, json_object_get(o, "interpreters"), fd->interps, fd->n_interps));
        json_object_set_new(o, "scenarios",
                            union_strings(&s[0], 0, json_object_get(o, "scenarios"), fd->scenarios, fd->n_scenarios));
        merged->trials[j] = (struct pf_merged_trial){refs[j].shard, refs[j].trial, f};
    }
    json_t *cells = merge_cells(s, n);
    out = json_object();
    const char *key;
    json_t *v;
    int complete = 1, covered = s[0].shard_count == 0 || (size_t)s[0].shard_count == n;
    const char *created = s[0].created;
    for (size_t k = 0; k < n; k++) {
        complete &= s[k].complete;
        if (strcmp(s[k].created, created) > 0)
            created = s[k].created;
    }
    json_t *sum = summary_of(cells, s, n);
    /* shards run in different folders leave repro none to go into */
    int one_cwd = 1;
    for (size_t k = 1; k < n; k++)
        one_cwd &= strcmp(s[k].cwd ? s[k].cwd : "", s[0].cwd ? s[0].cwd : "") == 0;
    json_object_foreach(s[0].root, key, v) {
        if (strcmp(key, "complete") == 0)
            json_object_set_new(out, key, json_boolean(complete && covered));
        else if (strcmp(key, "created") == 0)
            json_object_set_new(out, key, json_string(created));
        else if (strcmp(key, "shard") == 0) /* all N there: a whole sweep writes 1/1, a whole matrix null */
            json_object_set_new(out, key, covered && s[0].n_targets
                                              ? json_pack("{s:i,s:i}", "index", 1, "count", 1) : json_null());
        else if ((strcmp(key, "cwd") == 0 && !one_cwd) || strcmp(key, "trials") == 0)
            continue;
        else if (strcmp(key, "cells") == 0)
            json_object_set(out, key, cells);
        else if (strcmp(key, "findings") == 0)
            json_object_set(out, key, findings);
        else if (strcmp(key, "summary") == 0)
            json_object_set(out, key, sum);
        else if (strcmp(key, "counts") == 0) /* a sweep's: all shards' trials */
            json_object_set_new(out, key, json_deep_copy(json_object_get(sum, "counts")));
        else if ((strcmp(key, "planned") == 0 || strcmp(key, "done") == 0) && json_is_integer(v))
            json_object_set_new(out, key, json_integer(shards_total(s, n, key)));
        else
            json_object_set_new(out, key, json_deep_copy(v));
    }
    unite_inputs(out, s, n);
    rebuild_targets(out, s, n);
    json_decref(sum);
    json_decref(cells);
done:
    g_shards = NULL;
    pf_points_free(&points);
    json_decref(findings);
    free(refs);
    free(mf);
    if (!out) {
        pf_merged_free(merged);
        return -1;
    }
    merged->root = out;
    merged->shards = s;
    merged->n_trials = m;
    return 0;
}

json_t *pf_merged_trial_json(const struct pf_merged *m, size_t i)
{
    if (i >= m->n_trials)
        return NULL;
    const struct pf_merged_trial *t = &m->trials[i];
    json_t *j = pf_results_trial_json(&m->shards[t->shard], t->trial);
    if (j && json_object_set_new(j, "finding", json_integer((json_int_t)t->finding)) < 0) {
        json_decref(j);
        return NULL;
    }
    return j;
}

void pf_merged_free(struct pf_merged *m)
{
    json_decref(m->root);
    free(m->trials);
    memset(m, 0, sizeof *m);
}

static int dump(json_t *v, FILE *f)
{
    return json_dumpf(v, f, JSON_COMPACT | JSON_ENCODE_ANY);
}

/* KEY: ARRAY, each element on a line of its own: the I-th from AT(I). */
static int write_array(FILE *f, const char *key, size_t n, json_t *(*at)(const void *, size_t),
                       const void *from)
{
    json_t *k = json_string(key);
    int bad = !k || dump(k, f);
    json_decref(k);
    fputs(n ? ": [\n" : ": []", f);
    for (size_t i = 0; i < n && !bad; i++) {
        json_t *v = at(from, i);
        fputs("    ", f);
        bad |= !v || dump(v, f);
        json_decref(v);
        fputs(i + 1 < n ? ",\n" : "\n  ]", f);
    }
    return bad;
}

static json_t *array_element(const void *array, size_t i)
{
    return json_incref(json_array_get(array, i));
}

static json_t *merged_trial(const void *m, size_t i)
{
    return pf_merged_trial_json(m, i);
}

int pf_merge_write(const char *path, const struct pf_merged *m, char *err, size_t errlen)
{
    struct pf_atomic_file af;
    if (pf_atomic_open(&af, path, err, errlen) < 0)
        return -1;
    FILE *f = af.f;
    const char *key;
    json_t *v;
    int bad = 0;
    fputs("{\n", f);
    json_object_foreach(m->root, key, v) {
        fputs("  ", f);
        if (json_is_array(v)) {
            bad |= write_array(f, key, json_array_size(v), array_element, v);
        } else {
            json_t *k = json_string(key);
            bad |= !k || dump(k, f);
            json_decref(k);
            fputs(": ", f);
            bad |= dump(v, f);
        }
        fputs(",\n", f);
    }
    /* last, as a sweep writes them: each read from its shard, written and dropped */
    fputs("  ", f);
    bad |= write_array(f, "trials", m->n_trials, merged_trial, m);
    fputs("\n}\n", f);
    if (bad)
        return pf_atomic_fail(&af, err, errlen);
    return pf_atomic_commit(&af, err, errlen);
}
