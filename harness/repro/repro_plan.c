/* repro_plan.c: a trial's replay recipe from results.json. Version 1
 * files need not carry a trial's spec: it follows from its mode, point
 * and scenario inject exactly as the sweep composed it. */
#include "repro_plan.h"

#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "repro_spec.h"
#include "sweep_plan.h"

int pf_repro_plan(const struct pf_results *r, size_t id, struct pf_repro_plan *p,
                  char *err, size_t errlen)
{
    memset(p, 0, sizeof *p);
    if (id >= r->n_trials) {
        snprintf(err, errlen, "trial %zu: the file has %zu trials (0 to %zu)", id, r->n_trials,
                 r->n_trials ? r->n_trials - 1 : 0);
        return -1;
    }
    const struct pf_rtrial *t = &r->trials[id];
    const struct pf_rscenario *sc = &r->scenarios[t->scenario];
    /* its "spec", which the model does not keep, from the trial itself */
    json_t *jt = pf_results_trial_json(r, id);
    if (!jt) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    const char *given = json_string_value(json_object_get(jt, "spec"));
    int has_spec = given != NULL, spec_fits = given && strlen(given) < sizeof p->spec;
    if (spec_fits)
        snprintf(p->spec, sizeof p->spec, "%s", given);
    json_decref(jt); /* GIVEN with it */
    json_t *js = json_array_get(json_object_get(r->root, "scenarios"), (size_t)t->scenario);
    json_t *jc = json_array_get(json_object_get(r->root, "cells"), (size_t)t->cell);
    p->python = r->interps[t->interp].path;
    p->scenario = sc->path;
    p->cls = t->cls;
    p->signature = t->signature;
    p->site_key = t->site_key ? t->site_key : "";

    /* a command target: scenarios[].argv, or the sweep's targets[].argv */
    json_t *argv = json_object_get(js, "argv");
    json_t *tg = t->target >= 0 ? json_array_get(json_object_get(r->root, "targets"),
                                                 (size_t)t->target) : NULL;
    p->files = tg ? json_object_get(tg, "files") : json_object_get(js, "files");
    if (!json_is_array(argv) && tg)
        argv = json_object_get(tg, "argv");
    if (json_is_array(argv) && json_array_size(argv) > 0) {
        p->argc = json_array_size(argv);
        p->argv = calloc(p->argc + 1, sizeof *p->argv);
        if (!p->argv) {
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        for (size_t k = 0; k < p->argc; k++)
            if (!(p->argv[k] = json_string_value(json_array_get(argv, k)))) {
                snprintf(err, errlen, "scenarios[%d].argv[%zu]: expected a string", t->scenario, k);
                pf_repro_plan_free(p);
                return -1;
            }
    }

    if (has_spec) {
        if (!spec_fits) { /* a cut spec is another spec */
            snprintf(err, errlen, "trials[%zu].spec: longer than %zu bytes", id, sizeof p->spec - 1);
            pf_repro_plan_free(p);
            return -1;
        }
    } else {
        unsigned mode = strcmp(t->mode, "oneshot") == 0 ? PF_MODE_ONESHOT
                      : strcmp(t->mode, "persistent") == 0 ? PF_MODE_PERSISTENT : 0;
        if (mode && t->point < 1) {
            snprintf(err, errlen, "trials[%zu]: a %s trial without a point", id, t->mode);
            pf_repro_plan_free(p);
            return -1;
        }
        if (mode)
            pf_sweep_mode_spec(mode, (uint64_t)t->point, p->spec, sizeof p->spec);
        if (sc->inject && sc->inject[0]) {
            size_t n = strlen(p->spec);
            if (n + 1 + strlen(sc->inject) >= sizeof p->spec) {
                snprintf(err, errlen, "scenarios[%d].inject: longer than %zu bytes", t->scenario,
                         sizeof p->spec - n - 2);
                pf_repro_plan_free(p);
                return -1;
            }
            snprintf(p->spec + n, sizeof p->spec - n, "%s%s", n ? "," : "", sc->inject);
        }
    }
    char why[300];
    if (pf_repro_spec_ok(p->spec, why, sizeof why) < 0) {
        if (has_spec)
            snprintf(err, errlen, "trials[%zu].spec: %s", id, why);
        else
            snprintf(err, errlen, "trials[%zu]: scenarios[%d].inject: %s", id, t->scenario, why);
        pf_repro_plan_free(p);
        return -1;
    }
    json_t *to = json_object_get(jc, "timeout_s");
    json_t *top = json_object_get(r->root, "timeout_s");
    p->timeout_s = json_is_number(to) && json_number_value(to) > 0 ? json_number_value(to)
                 : sc->timeout_s > 0 ? sc->timeout_s
                 : json_is_number(top) && json_number_value(top) > 0 ? json_number_value(top)
                 : PF_REPRO_TIMEOUT;
    return 0;
}

void pf_repro_plan_free(struct pf_repro_plan *p)
{
    free(p->argv);
    p->argv = NULL;
}
