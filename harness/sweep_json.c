/* sweep_json.c: results.json, built from the compact trial records. */
#include "sweep_json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"

#include "result_json.h"

static json_t *target_json(const struct pf_sweep_target *st)
{
    json_t *argv = json_array();
    for (int i = 0; i < st->t->argc; i++)
        json_array_append_new(argv, pf_json_text(st->t->argv[i]));
    return json_pack("{s:o,s:I,s:I,s:I,s:I,s:I}", "argv", argv,
                     "allocations", (json_int_t)st->allocations,
                     "count_ms", (json_int_t)st->count_ms,
                     "first_point", (json_int_t)st->plan.start,
                     "step", (json_int_t)st->plan.step,
                     "points_within_m", (json_int_t)st->plan.count);
}

static json_t *trial_json(const struct pf_sweep *sw, const struct pf_trial_rec *t)
{
    const char *sig = t->finding >= 0 ? sw->findings.v[t->finding].signature : "";
    return json_pack("{s:i,s:I,s:s,s:s,s:s,s:o,s:o,s:o,s:I,s:I,s:I,s:i}",
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
}

static json_t *finding_json(const struct pf_finding *f)
{
    return json_pack("{s:o,s:s,s:s,s:I,s:{s:i,s:I,s:s,s:o},s:o}",
                     "signature", pf_json_text(f->signature),
                     "class", pf_class_name(f->cls),
                     "subkind", pf_subkind_name(f->sub),
                     "count", (json_int_t)f->count,
                     "first", "target", (int)f->target, "point", (json_int_t)f->point,
                              "mode", pf_sweep_mode_name(f->mode), "repro", pf_json_text(f->repro),
                     "stderr_tail", pf_json_text(f->stderr_tail));
}

/* Everything but the trials (those are streamed, see below). */
static json_t *header_json(const struct pf_sweep *sw, const struct pf_sweep_target *targets,
                           unsigned nt, int complete)
{
    const struct pf_options *o = sw->o;
    json_t *jt = json_array(), *findings = json_array();
    json_t *counts = json_object(), *modes = json_array(), *accept = json_array();
    for (unsigned i = 0; i < nt; i++)
        json_array_append_new(jt, target_json(&targets[i]));
    for (size_t i = 0; i < sw->findings.n; i++)
        json_array_append_new(findings, finding_json(&sw->findings.v[i]));
    for (int k = 0; k < PF_CLASS_COUNT; k++) {
        if (sw->counts[k])
            json_object_set_new(counts, pf_class_name((enum pf_class)k),
                                json_integer((json_int_t)sw->counts[k]));
        if (o->accept_mask & (1u << k))
            json_array_append_new(accept, json_string(pf_class_name((enum pf_class)k)));
    }
    for (unsigned i = 0; i < sw->nmodes; i++)
        json_array_append_new(modes, json_string(pf_sweep_mode_name(sw->modes[i])));
    char shard[32];
    snprintf(shard, sizeof shard, "%u/%u", o->shard_i, o->shard_n);
    json_t *j = json_pack(
        "{s:i,s:b,s:o,s:o,s:o,s:{s:I,s:o},s:I,s:s,s:i,s:f,s:I,s:I,s:o,s:o}",
        "version", 1,
        "complete", complete,
        "targets", jt,
        "modes", modes,
        "accept", accept,
        "range", "start", (json_int_t)(o->range_a ? o->range_a : 1),
                 "end", o->range_b ? json_integer((json_int_t)o->range_b) : json_null(),
        "stride", (json_int_t)o->stride,
        "shard", shard,
        "jobs", (int)sw->jobs,
        "timeout_s", sw->ctx->timeout_s,
        "planned", (json_int_t)sw->planned,
        "done", (json_int_t)sw->ntrials,
        "counts", counts,
        "findings", findings);
    if (j && o->inject)
        json_object_set_new(j, "inject", pf_json_text(o->inject));
    if (j && sw->harness_error)
        json_object_set_new(j, "error", pf_json_text(sw->error));
    return j;
}

int pf_sweep_json_write(const char *path, const struct pf_sweep *sw,
                        const struct pf_sweep_target *targets, unsigned nt, int complete,
                        char *err, size_t errlen)
{
    json_t *h = header_json(sw, targets, nt, complete);
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
        json_t *t = trial_json(sw, &sw->trials[i]);
        fputs(i ? ",\n    " : "\n    ", af.f);
        if (!t || json_dumpf(t, af.f, JSON_COMPACT | JSON_SORT_KEYS) < 0) {
            json_decref(t);
            snprintf(err, errlen, "cannot write %.300s", af.tmp);
            pf_atomic_abort(&af);
            return -1;
        }
        json_decref(t);
    }
    fputs(sw->ntrials ? "\n  ]\n}\n" : "]\n}\n", af.f);
    return pf_atomic_commit(&af, err, errlen);
}
