/* sweep_json.c: results.json, built from the compact trial records. */
#include "sweep_json.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "atomic_file.h"
#include "clock.h"

#include "count.h"
#include "matrix_json.h"
#include "result_json.h"
#include "utf8.h"

/* The plan of a target: which points were chosen, out of how many. */
static json_t *plan_json(const struct pf_options *v, const struct pf_sweep_target *st)
{
    if (!v->plan_sites)
        return json_pack("{s:s,s:I,s:I}", "kind", "all", "chosen", (json_int_t)st->allocations,
                         "of", (json_int_t)st->allocations);
    /* sampled: the points of the sites this stride and shard took */
    return json_pack("{s:s,s:I,s:b,s:i,s:I,s:I,s:I,s:I}", "kind", "sites",
                     "k", (json_int_t)v->plan_sites, "log", v->plan_pow2, "depth", (int)v->site_depth,
                     "sites", (json_int_t)st->sites.keys, "chosen", (json_int_t)st->sites.chosen,
                     "sampled", (json_int_t)st->sites.npoints, "of", (json_int_t)st->allocations);
}

/* The counting run's pace and the verdict limits it set (pace.h). */
static json_t *pace_json(const struct pf_sweep_target *st)
{
    return json_pack("{s:I,s:I,s:I,s:I}", "max_gap_ms", (json_int_t)st->pace.max_gap_ms,
                     "loop_window_ms", (json_int_t)pf_pace_loop_window_ms(&st->pace),
                     "stall_ms", (json_int_t)pf_pace_stall_ms(&st->pace),
                     "wall_ms", (json_int_t)st->pace.wall_ms);
}

static json_t *target_json(const struct pf_options *v, const struct pf_sweep_target *st)
{
    json_t *argv = json_array();
    for (int i = 0; i < st->t->argc; i++)
        json_array_append_new(argv, pf_json_text(st->t->argv[i]));
    uint64_t first = st->plan.list ? st->plan.list[st->plan.start] : st->plan.start;
    json_t *engine = v->engine_fork
        ? json_pack("{s:s,s:I,s:I,s:I,s:I,s:I,s:o}", "kind", "fork",
                    "forked", (json_int_t)st->forked,
                    "exec_threads", (json_int_t)st->exec_threads,
                    "exec_state", (json_int_t)st->exec_state,
                    "exec_other", (json_int_t)st->exec_other,
                    "precopied", (json_int_t)st->precopied,
                    "error", st->engine_error[0] ? pf_json_text(st->engine_error) : json_null())
        : json_pack("{s:s}", "kind", "exec");
    json_t *j = json_pack("{s:o,s:I,s:I,s:I,s:I,s:I,s:o,s:o,s:o,s:o}", "argv", argv,
                     "allocations", (json_int_t)st->allocations,
                     "count_ms", (json_int_t)st->pace.wall_ms,
                     "first_point", (json_int_t)first,
                     "step", (json_int_t)st->plan.step,
                     "points_within_m", (json_int_t)st->plan.count,
                     "layer", pf_json_layer(st->layer),
                     "plan", plan_json(v, st), "engine", engine, "pace", pace_json(st));
    /* the script and other files it ran, for repro to find unchanged;
     * hashed here, in the folder the trials ran in */
    if (j)
        json_object_set_new(j, "files", pf_json_input_files(st->t->argc, st->t->argv));
    return j;
}

static json_t *trial_json(const struct pf_sweep *sw, const struct pf_trial_rec *t,
                          const struct pf_sweep_names *names)
{
    const char *sig = t->finding >= 0 ? sw->findings.v[t->finding].signature : "";
    json_t *j = json_pack("{s:i,s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:I,s:I,s:I,s:i}",
                     "target", t->target,
                     "point", (json_int_t)t->point,
                     "mode", pf_sweep_mode_name(t->mode),
                     "class", pf_class_name(t->cls),
                     "subkind", pf_subkind_name(t->sub),
                     "signature", pf_json_text(sig),
                     "exit_code", t->exit_code >= 0 ? json_integer(t->exit_code) : json_null(),
                     "signal", t->signal ? json_integer(t->signal) : json_null(),
                     "duration_ms", (json_int_t)t->duration_ms,
                     "injected", (json_int_t)t->injected,
                     "first_injected", (json_int_t)t->first_injected,
                     "finding", (int)t->finding);
    if (j) {
        json_object_set_new(j, "scenario", pf_json_text(names->scenario[t->target]));
        json_object_set_new(j, "interpreter", pf_json_text(names->interp->id));
        json_object_set_new(j, "expected",
                            json_boolean(sw->o->accept_mask & (1u << t->cls)));
        if (t->site >= 0)
            json_object_set_new(j, "site_key",
                                pf_json_text(pf_strtab_get(&sw->site_keys, t->site)));
        const char *by = pf_stop_name(t->stop);
        if (by)
            json_object_set_new(j, "stopped_by", json_string(by));
    }
    return j;
}

/* The targets (as scenario ids) whose trials met finding K. */
static json_t *finding_targets(const struct pf_sweep *sw, size_t k,
                               const struct pf_sweep_names *names, unsigned nt)
{
    json_t *a = json_array();
    unsigned char *seen = calloc(nt ? nt : 1, 1);
    for (size_t i = 0; seen && i < sw->ntrials; i++)
        if (sw->trials[i].finding == (int32_t)k)
            seen[sw->trials[i].target] = 1;
    for (unsigned i = 0; seen && i < nt; i++)
        if (seen[i])
            json_array_append_new(a, pf_json_text(names->scenario[i]));
    free(seen);
    return a;
}

static json_t *finding_json(const struct pf_sweep *sw, size_t k,
                            const struct pf_sweep_names *names, unsigned nt)
{
    const struct pf_finding *f = &sw->findings.v[k];
    json_t *j = json_pack("{s:o,s:s,s:s,s:I,s:{s:i,s:I,s:s,s:o},s:o}",
                     "signature", pf_json_text(f->signature),
                     "class", pf_class_name(f->cls),
                     "subkind", pf_subkind_name(f->sub),
                     "count", (json_int_t)f->count,
                     "first", "target", (int)f->target, "point", (json_int_t)f->point,
                              "mode", pf_sweep_mode_name(f->mode), "repro", pf_json_text(f->repro),
                     "stderr_tail", pf_json_text(f->stderr_tail));
    if (j) {
        json_object_set_new(j, "id", json_integer((json_int_t)k));
        json_object_set_new(j, "frames", pf_json_signature_frames(f->signature));
        if (f->sources && f->sources[0])
            json_object_set_new(j, "sources", pf_json_sources(f->sources));
        json_object_set_new(j, "repro", pf_json_text(f->repro));
        json_object_set_new(j, "interpreters", json_pack("[o]", pf_json_text(names->interp->id)));
        json_object_set_new(j, "scenarios", finding_targets(sw, k, names, nt));
        json_object_set_new(j, "detail", json_string(""));
    }
    return j;
}

/* The schema-v1 part: interpreters, scenarios, cells and summary. */
static int add_v1(json_t *j, const struct pf_sweep *sw, const struct pf_sweep_target *targets,
                  unsigned nt, const struct pf_sweep_names *names)
{
    const struct pf_options *o = sw->o;
    const struct pf_interp *in = names->interp;
    uint64_t (*counts)[PF_CLASS_COUNT] = calloc(nt ? nt : 1, sizeof *counts);
    uint64_t *unexpected = calloc(nt ? nt : 1, sizeof *unexpected);
    if (!counts || !unexpected) {
        free(counts);
        free(unexpected);
        return -1;
    }
    for (size_t i = 0; i < sw->ntrials; i++) {
        const struct pf_trial_rec *t = &sw->trials[i];
        counts[t->target][t->cls]++;
        unexpected[t->target] += !(o->accept_mask & (1u << t->cls));
    }
    const char *plan = sw->nmodes == 2 ? "both"
                     : sw->modes[0] == PF_MODE_ONESHOT ? "oneshot" : "persistent";
    char site_plan[64];
    pf_plan_name(o->plan_sites, o->plan_pow2, o->site_depth, site_plan, sizeof site_plan);
    json_t *scen = json_array(), *cells = json_array();
    uint64_t total_unexpected = 0;
    for (unsigned i = 0; i < nt; i++) {
        json_t *expect = json_object();
        json_object_set_new(expect, "*", pf_json_classes(o->accept_mask));
        json_array_append_new(scen, json_pack("{s:o,s:o,s:s,s:s,s:o,s:f,s:I,s:s,s:o}",
            "id", pf_json_text(names->scenario[i]), "path", pf_json_text(names->path[i]),
            "issue", "", "plan", plan, "inject", pf_json_text(o->inject ? o->inject : ""),
            "timeout_s", sw->ctx->timeout_s, "stride", (json_int_t)o->stride,
            "site_plan", site_plan, "expect", expect));
        json_array_append_new(cells, json_pack("{s:o,s:o,s:o,s:o,s:I,s:I,s:I}",
            "scenario", pf_json_text(names->scenario[i]), "interpreter", pf_json_text(in->id),
            "expected", pf_json_classes(o->accept_mask), "counts", pf_json_counts(counts[i]),
            "trials", (json_int_t)(counts[i][0] + 0), "unexpected", (json_int_t)unexpected[i],
            "allocations", (json_int_t)targets[i].allocations));
        json_object_set_new(json_array_get(cells, i), "layer", pf_json_layer(targets[i].layer));
        uint64_t n = 0;
        for (int k = 0; k < PF_CLASS_COUNT; k++)
            n += counts[i][k];
        json_object_set_new(json_array_get(cells, i), "trials", json_integer((json_int_t)n));
        json_object_set_new(json_array_get(cells, i), "timeout_s",
                            json_real(o->timeout_s > 0 ? o->timeout_s
                                                       : pf_pace_timeout_s(&targets[i].pace)));
        total_unexpected += unexpected[i];
    }
    free(counts);
    free(unexpected);
    json_t *by = json_object();
    json_object_set_new(by, in->id, pf_json_counts(sw->counts));
    json_object_set_new(j, "schema", json_string("pyfault-results"));
    json_object_set_new(j, "created", pf_json_created_now());
    json_object_set_new(j, "interpreters", json_pack("[{s:o,s:o,s:o,s:o,s:o}]",
        "id", pf_json_text(in->id), "path", pf_json_text(in->path),
        "version", pf_json_text(in->version), "variant", pf_json_text(in->id),
        "sha256", pf_json_text(in->sha256)));
    json_object_set_new(j, "scenarios", scen);
    json_object_set_new(j, "cells", cells);
    json_object_set_new(j, "summary", json_pack("{s:I,s:o,s:I,s:I,s:o}",
        "trials", (json_int_t)sw->ntrials, "counts", pf_json_counts(sw->counts),
        "unexpected", (json_int_t)total_unexpected,
        "duration_ms", (json_int_t)(pf_now_ms() - sw->started_ms), "by_interpreter", by));
    return 0;
}

/* Everything but the trials (those are streamed, see below). */
static json_t *header_json(const struct pf_sweep *sw, const struct pf_sweep_target *targets,
                           unsigned nt, int complete, const struct pf_sweep_names *names)
{
    const struct pf_options *o = sw->o;
    json_t *jt = json_array(), *findings = json_array();
    json_t *counts = json_object(), *modes = json_array(), *accept = json_array();
    for (unsigned i = 0; i < nt; i++)
        json_array_append_new(jt, target_json(sw->o, &targets[i]));
    for (size_t i = 0; i < sw->findings.n; i++)
        json_array_append_new(findings, finding_json(sw, i, names, nt));
    for (int k = 0; k < PF_CLASS_COUNT; k++) {
        if (sw->counts[k])
            json_object_set_new(counts, pf_class_name((enum pf_class)k),
                                json_integer((json_int_t)sw->counts[k]));
        if (o->accept_mask & (1u << k))
            json_array_append_new(accept, json_string(pf_class_name((enum pf_class)k)));
    }
    for (unsigned i = 0; i < sw->nmodes; i++)
        json_array_append_new(modes, json_string(pf_sweep_mode_name(sw->modes[i])));
    json_t *j = json_pack(
        "{s:i,s:b,s:o,s:o,s:o,s:{s:I,s:o},s:I,s:{s:i,s:i},s:i,s:f,s:I,s:I,s:o,s:o}",
        "version", 1,
        "complete", complete,
        "targets", jt,
        "modes", modes,
        "accept", accept,
        "range", "start", (json_int_t)(o->range_a ? o->range_a : 1),
                 "end", o->range_b ? json_integer((json_int_t)o->range_b) : json_null(),
        "stride", (json_int_t)o->stride,
        "shard", "index", (int)o->shard_i, "count", (int)o->shard_n,
        "jobs", (int)sw->jobs,
        "timeout_s", sw->ctx->timeout_s,
        "planned", (json_int_t)sw->planned,
        "done", (json_int_t)sw->ntrials,
        "counts", counts,
        "findings", findings);
    if (j && o->inject)
        json_object_set_new(j, "inject", pf_json_text(o->inject));
    if (j) {
        json_object_set_new(j, "address_layout", json_string(pf_layout_name(sw->ctx->layout)));
        pf_json_add_cwd(j); /* a sweep never changes folder after its start (a
                               * --resume goes into the journal's "cwd" first) */
    }
    if (j && add_v1(j, sw, targets, nt, names) < 0) {
        json_decref(j);
        return NULL;
    }
    if (j && sw->harness_error)
        json_object_set_new(j, "error", pf_json_text(sw->error));
    return j;
}

int pf_sweep_json_write(const char *path, const struct pf_sweep *sw,
                        const struct pf_sweep_target *targets, unsigned nt, int complete,
                        const struct pf_sweep_names *names, char *err, size_t errlen)
{
    json_t *h = header_json(sw, targets, nt, complete, names);
    char *text = h ? json_dumps(h, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
    json_decref(h);
    size_t len = text ? strlen(text) : 0;
    if (len < 2 || text[len - 1] != '}') {
        free(text);
        snprintf(err, errlen, "cannot build results.json");
        return -1;
    }
    struct pf_atomic_file af;
    if (pf_atomic_open(&af, path, err, errlen) < 0) {
        free(text);
        return -1;
    }
    /* the header object, reopened to append "trials": one compact trial
     * per line, so memory stays flat however long the sweep */
    len--;
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
        len--;
    fwrite(text, 1, len, af.f);
    free(text);
    fputs(",\n  \"trials\": [", af.f);
    for (size_t i = 0; i < sw->ntrials; i++) {
        json_t *t = trial_json(sw, &sw->trials[i], names);
        fputs(i ? ",\n    " : "\n    ", af.f);
        if (!t) {
            pf_atomic_abort(&af);
            snprintf(err, errlen, "cannot build results.json (out of memory)");
            return -1;
        }
        if (json_dumpf(t, af.f, JSON_COMPACT | JSON_SORT_KEYS) < 0) {
            json_decref(t);
            return pf_atomic_fail(&af, err, errlen);
        }
        json_decref(t);
    }
    fputs(sw->ntrials ? "\n  ]\n}\n" : "]\n}\n", af.f);
    return pf_atomic_commit(&af, err, errlen);
}
