/* count.c: the counting run of a sweep. */
#include "count.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sweep.h"

int pf_count_run(struct pf_context *ctx, const char *dir, const struct pf_target *t,
                 const char *inject, double timeout_s, uint64_t *eligible,
                 struct pf_pace *pace, unsigned *layer, char *err, size_t errlen)
{
    struct pf_runner *r = calloc(1, sizeof *r);
    struct pf_result *res = calloc(1, sizeof *res);
    int rc = -1;
    if (!r || !res) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    if (pf_runner_init(r, dir, 9999, err, errlen) < 0)
        goto out;
    ctx->timeout_s = timeout_s;
    ctx->pace = (struct pf_pace){0};
    pf_trial_run(ctx, r, t, inject ? inject : "", res);
    pf_runner_free(r);
    if (res->stop == PF_STOP_INTERRUPTED) {
        snprintf(err, errlen, "interrupted during the counting run");
        goto out;
    }
    if (res->v.cls == PF_HARNESS_ERROR || res->stop != PF_STOP_EXITED) {
        snprintf(err, errlen, "counting run of %s ended as %s (%.300s)", pf_target_label(t),
                 pf_class_name(res->v.cls), res->error[0] ? res->error : res->signature);
        goto out;
    }
    if (!res->attached) {
        snprintf(err, errlen, "counting run of %s: the shim did not attach (a static or setuid "
                 "program?)", pf_target_label(t));
        goto out;
    }
    if (res->allocations == 0) {
        snprintf(err, errlen, "counting run of %s saw no allocation: the target made none",
                 pf_target_label(t));
        goto out;
    }
    if (res->eligible == 0) {
        snprintf(err, errlen, "counting run of %s saw no eligible allocation (filters: %.300s)",
                 pf_target_label(t), inject && inject[0] ? inject : "none");
        goto out;
    }
    *eligible = res->eligible;
    pace->wall_ms = res->duration_ms;
    pace->allocations = res->allocations;
    pace->max_gap_ms = res->max_gap_ms;
    *layer = res->layer;
    rc = 0;
out:
    free(r);
    free(res);
    return rc;
}

int pf_count_target(const struct pf_options *o, struct pf_context *ctx, const char *dir,
                    unsigned index, double count_timeout_s, struct pf_sweep_target *st,
                    char *err, size_t errlen)
{
    char table[4200], spec[6000];
    const char *inject = o->inject;
    if (o->plan_sites) {
        snprintf(table, sizeof table, "%s/sites.%u", dir, index);
        if (strchr(table, ',')) {
            snprintf(err, errlen, "the scratch folder %s has a comma in its path, which a "
                     "spec cannot carry: set TMPDIR", dir);
            return -1;
        }
        if (pf_site_plan_create(table, err, errlen) < 0)
            return -1;
        snprintf(spec, sizeof spec, "%s%ssites=%s,sites-k=%llu,sites-depth=%u%s",
                 inject ? inject : "", inject && inject[0] ? "," : "", table,
                 (unsigned long long)o->plan_sites, o->site_depth,
                 o->plan_pow2 ? ",sites-pow2" : "");
        inject = spec;
    }
    if (pf_count_run(ctx, dir, st->t, inject, o->timeout_s > 0 ? o->timeout_s : count_timeout_s,
                     &st->allocations, &st->pace, &st->layer, err, errlen) < 0)
        return -1;
    if (!o->plan_sites)
        return pf_sweep_plan_make(o, st->allocations, &st->plan, err, errlen);
    struct pf_site_sample sample = {o->stride, o->shard_i, o->shard_n};
    if (pf_site_plan_read(table, st->allocations, &sample, &st->sites, err, errlen) < 0)
        return -1;
    return pf_sweep_plan_make_list(o, st->allocations, st->sites.points, st->sites.npoints,
                                   &st->plan, err, errlen);
}
