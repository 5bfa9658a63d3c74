/* spec_filters.c: a sweep adds the mode to each trial's spec itself
 * (nth=N or from=N), and the shim refuses a second mode token, so a spec
 * meant for a sweep may name none, not even count, which alone would
 * parse as the default mode. */
#include "spec_filters.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pyfault.h"

/* Keys the harness gives its trials itself, or that spoil every trial:
 * beside a sweep's own they would be given twice, or would redirect what
 * the harness reads (junk, sites-py and sites-data stay: a filter of how
 * memory is filled, and what a --plan sites key holds). */
static const struct {
    const char *key, *why;
} harness_keys[] = {
    {"fork-fd", "the fork engine's descriptor, which the harness sets"},
    {"log", "the harness sets each trial's log"},
    {"log-max", "the harness sets each trial's log"},
    {"sites", "the harness's --plan sites table"},
    {"sites-k", "set by --plan sites:K"},
    {"sites-depth", "set by --site-depth"},
    {"sites-pow2", "set by --plan sites:log"},
    {"trap", "a SIGTRAP at every failure would make every trial a signal"},
    {"pad", "the harness pads every trial's spec to one length itself"},
    {"trial-stdio", "every trial has a trial's streams already"},
};

/* -1 with WHY when SPEC (which parses) has a key of harness_keys. */
static int harness_key(const char *spec, char *why, size_t whylen)
{
    for (const char *p = spec; *p;) {
        size_t len = strcspn(p, ","), klen = strcspn(p, ",=");
        for (size_t i = 0; i < sizeof harness_keys / sizeof harness_keys[0]; i++)
            if (strlen(harness_keys[i].key) == klen && !strncmp(p, harness_keys[i].key, klen)) {
                snprintf(why, whylen, "%.*s is not a filter (%s)", (int)len, p, harness_keys[i].why);
                return -1;
            }
        p += len + (p[len] == ',');
    }
    return 0;
}

int pf_spec_filters_only(const char *spec, char *why, size_t whylen)
{
    struct pyfault_spec parsed;
    if (pyfault_spec_parse(spec, &parsed, why, whylen) < 0)
        return -1;
    if (harness_key(spec, why, whylen) < 0)
        return -1;
    if (parsed.plan.mode != PYFAULT_MODE_COUNT)
        return 0;
    if (!spec[0])
        return 1;
    /* the spec a trial gets: it parses only when SPEC named no mode */
    size_t len = strlen(spec) + sizeof "nth=1,";
    char *trial = malloc(len);
    if (!trial) {
        snprintf(why, whylen, "out of memory");
        return -1;
    }
    snprintf(trial, len, "nth=1,%s", spec);
    char ignored[256];
    int filters = pyfault_spec_parse(trial, &parsed, ignored, sizeof ignored) == 0;
    free(trial);
    return filters;
}
