/* pytest_json.c: results.json's "pytest" section, spliced in after the
 * opening brace so the sweep's streamed trial lines are kept as written. */
#include "pytest_json.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"

/* The sweep's outcome for target INDEX: trials, counts per class, findings. */
static void add_outcome(json_t *j, const struct pf_sweep *sw, unsigned index)
{
    uint64_t counts[PF_CLASS_COUNT] = {0}, trials = 0;
    json_t *findings = json_array();
    unsigned char *seen = calloc(sw->findings.n + 1, 1);
    for (size_t i = 0; i < sw->ntrials; i++) {
        const struct pf_trial_rec *r = &sw->trials[i];
        if (r->target != index)
            continue;
        trials++;
        if (r->cls < PF_CLASS_COUNT)
            counts[r->cls]++;
        if (seen && r->finding >= 0 && (size_t)r->finding < sw->findings.n &&
            !seen[r->finding]) {
            seen[r->finding] = 1;
            json_array_append_new(findings, json_integer(r->finding));
        }
    }
    free(seen);
    json_t *jc = json_object();
    for (int k = 0; k < PF_CLASS_COUNT; k++)
        if (counts[k])
            json_object_set_new(jc, pf_class_name((enum pf_class)k),
                                json_integer((json_int_t)counts[k]));
    json_object_set_new(j, "trials", json_integer((json_int_t)trials));
    json_object_set_new(j, "counts", jc);
    json_object_set_new(j, "findings", findings);
}

static json_t *section(const struct pf_pytest_suite *s, const struct pf_sweep *sw,
                       const struct pf_sweep_target *targets, int argc, char *const argv[])
{
    json_t *words = json_array(), *tests = json_array();
    for (int i = 0; i < argc; i++)
        json_array_append_new(words, json_string(argv[i]));
    for (size_t i = 0; i < s->n; i++) {
        const struct pf_pytest_test *t = &s->v[i];
        json_t *j = json_pack("{s:s,s:s,s:s,s:[s,s],s:[I,I]}", "nodeid", t->nodeid,
                              "status", pf_pytest_status_name(t->status), "note", t->note,
                              "outcomes", t->outcome[0], t->outcome[1],
                              "allocations", (json_int_t)t->count[0], (json_int_t)t->count[1]);
        if (!j)
            continue; /* a node id that is not UTF-8: left out rather than mangled */
        if (t->target >= 0) {
            const struct pf_sweep_target *st = &targets[t->target];
            json_object_set_new(j, "target", json_integer(t->target));
            /* a test not reached was never counted alone: no plan to show */
            if (t->status != PF_PYTEST_NOT_REACHED) {
                json_object_set_new(j, "points", json_integer((json_int_t)st->plan.count));
                json_object_set_new(j, "region_allocations",
                                    json_integer((json_int_t)st->allocations));
            }
            add_outcome(j, sw, (unsigned)t->target);
        } else {
            json_object_set_new(j, "target", json_null());
        }
        json_array_append_new(tests, j);
    }
    return json_pack("{s:i,s:o,s:o}", "version", 1, "args", words, "tests", tests);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    for (;;) {
        if (n + 65536 > cap) {
            char *nb = realloc(buf, cap = cap ? cap * 2 : 1 << 20);
            if (!nb) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0)
            break;
    }
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

int pf_pytest_json_add(const char *path, const struct pf_pytest_suite *s,
                       const struct pf_sweep *sw, const struct pf_sweep_target *targets,
                       int argc, char *const argv[], char *err, size_t errlen)
{
    size_t len = 0;
    char *text = slurp(path, &len);
    if (!text) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno ? errno : EIO));
        return -1;
    }
    char *brace = strchr(text, '{');
    json_t *j = section(s, sw, targets, argc, argv);
    char *dump = j ? json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
    json_decref(j);
    if (!brace || !dump) {
        free(text);
        free(dump);
        snprintf(err, errlen, "%s: cannot add the pytest section", path);
        return -1;
    }
    struct pf_atomic_file af;
    if (pf_atomic_open(&af, path, err, errlen) < 0) {
        free(text);
        free(dump);
        return -1;
    }
    fwrite(text, 1, (size_t)(brace - text) + 1, af.f);
    fprintf(af.f, "\n  \"pytest\": %s,", dump);
    fwrite(brace + 1, 1, len - (size_t)(brace - text) - 1, af.f);
    free(text);
    free(dump);
    return pf_atomic_commit(&af, err, errlen);
}
