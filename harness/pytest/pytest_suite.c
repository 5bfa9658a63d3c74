/* pytest_suite.c: the plugin's reports read and each test judged. */
#include "pytest_suite.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"

static struct pf_pytest_test *find_or_add(struct pf_pytest_suite *s, const char *nodeid)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i].nodeid, nodeid) == 0)
            return &s->v[i];
    if (pf_array_reserve(s->v, s->cap, s->n + 1, 16) < 0)
        return NULL;
    struct pf_pytest_test *t = &s->v[s->n];
    memset(t, 0, sizeof *t);
    t->nodeid = strdup(nodeid);
    if (!t->nodeid)
        return NULL;
    snprintf(t->outcome[0], sizeof t->outcome[0], "absent");
    snprintf(t->outcome[1], sizeof t->outcome[1], "absent");
    t->target = -1;
    s->n++;
    return t;
}

int pf_pytest_suite_read(struct pf_pytest_suite *s, const char *path, int run,
                         char *err, size_t errlen)
{
    json_error_t je;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        snprintf(err, errlen, "the pytest plugin's report %s: %s (did pytest load "
                 "-p pyfault_pytest and reach the end of its session?)", path, je.text);
        return -1;
    }
    int rc = -1;
    if (json_is_false(json_object_get(root, "region"))) {
        snprintf(err, errlen, "the pytest plugin's report %s: made without regions "
                 "(--pyfault-no-region, from pytest's addopts?): nothing would be swept", path);
        goto out;
    }
    json_t *tests = json_object_get(root, "tests");
    if (!json_is_array(tests)) {
        snprintf(err, errlen, "the pytest plugin's report %s: no \"tests\" list", path);
        goto out;
    }
    size_t i;
    json_t *e;
    json_array_foreach(tests, i, e) {
        const char *id = json_string_value(json_object_get(e, "nodeid"));
        const char *outcome = json_string_value(json_object_get(e, "outcome"));
        json_t *first = json_object_get(e, "first"), *last = json_object_get(e, "last");
        if (!id || !outcome || !json_is_integer(first) || !json_is_integer(last) ||
            json_integer_value(last) + 1 < json_integer_value(first) ||
            json_integer_value(first) < 0) {
            snprintf(err, errlen, "the pytest plugin's report %s: test %zu is malformed", path, i);
            goto out;
        }
        struct pf_pytest_test *t = find_or_add(s, id);
        if (!t) {
            snprintf(err, errlen, "out of memory");
            goto out;
        }
        snprintf(t->outcome[run], sizeof t->outcome[run], "%s", outcome);
        /* a test that never reached its call has first = last = 0 */
        t->count[run] = json_integer_value(first) == 0
            ? 0 : (uint64_t)(json_integer_value(last) + 1 - json_integer_value(first));
    }
    rc = 0;
out:
    json_decref(root);
    return rc;
}

void pf_pytest_suite_judge(struct pf_pytest_suite *s)
{
    for (size_t i = 0; i < s->n; i++) {
        struct pf_pytest_test *t = &s->v[i];
        t->note[0] = '\0';
        if (strcmp(t->outcome[0], t->outcome[1]) != 0) {
            t->status = PF_PYTEST_FLAKY;
            snprintf(t->note, sizeof t->note, "flaky without injection: %s in the first "
                     "counting run, %s in the second; not swept", t->outcome[0], t->outcome[1]);
        } else if (strcmp(t->outcome[0], "passed") != 0) {
            t->status = PF_PYTEST_NOT_PASSING;
            snprintf(t->note, sizeof t->note, "%s without injection; not swept", t->outcome[0]);
        } else if (t->count[0] != t->count[1]) {
            /* nth=N would not name the same allocation from run to run */
            t->status = PF_PYTEST_FLAKY;
            snprintf(t->note, sizeof t->note, "flaky without injection: %" PRIu64 " eligible "
                     "allocations in the first counting run, %" PRIu64 " in the second; not "
                     "swept", t->count[0], t->count[1]);
        } else if (t->count[0] == 0) {
            t->status = PF_PYTEST_NO_POINTS;
            snprintf(t->note, sizeof t->note, "no eligible allocation in its call: no points");
        } else {
            t->status = PF_PYTEST_SWEEP;
        }
    }
}

void pf_pytest_suite_why_none(const struct pf_pytest_suite *s, char *buf, size_t len)
{
    if (s->n == 0) {
        snprintf(buf, len, "pytest ran no test");
        return;
    }
    /* failed (in its call, set-up or tear-down), skipped, xfailed and the
     * rest, then flaky and no points */
    size_t failed = 0, skipped = 0, other = 0, flaky = 0, none = 0;
    for (size_t i = 0; i < s->n; i++) {
        const struct pf_pytest_test *t = &s->v[i];
        if (t->status == PF_PYTEST_FLAKY)
            flaky++;
        else if (t->status == PF_PYTEST_NO_POINTS)
            none++;
        else if (t->status != PF_PYTEST_NOT_PASSING)
            continue; /* to be swept: not asked of such a suite */
        else if (strstr(t->outcome[0], "failed"))
            failed++;
        else if (strstr(t->outcome[0], "skipped"))
            skipped++;
        else
            other++;
    }
    size_t used = (size_t)snprintf(buf, len, "of %zu test%s run without injection:", s->n,
                                       s->n == 1 ? "" : "s");
    const struct {
        size_t n;
        const char *what;
    } parts[] = {
        {failed, "failed"},
        {skipped, "skipped"},
        {other, "did not pass otherwise (xfail, error, not run)"},
        {flaky, "flaky"},
        {none, "made no eligible allocation in its call (no points)"},
    };
    int first = 1;
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
        if (!parts[k].n || used >= len)
            continue;
        used += (size_t)snprintf(buf + used, len - used, "%s %zu %s", first ? "" : ",",
                                 parts[k].n, parts[k].what);
        first = 0;
    }
}

const char *pf_pytest_status_name(enum pf_pytest_status st)
{
    switch (st) {
    case PF_PYTEST_SWEEP: return "sweep";
    case PF_PYTEST_NO_POINTS: return "no-points";
    case PF_PYTEST_FLAKY: return "flaky";
    case PF_PYTEST_NOT_PASSING: return "not-passing";
    case PF_PYTEST_NOT_REACHED: return "not-reached";
    case PF_PYTEST_INTERRUPTED: return "interrupted";
    }
    return "?";
}

void pf_pytest_suite_free(struct pf_pytest_suite *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->v[i].nodeid);
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}
