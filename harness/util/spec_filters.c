/* spec_filters.c: a sweep adds the mode to each trial's spec itself
 * (nth=N or from=N), and the shim refuses a second mode token, so a spec
 * meant for a sweep may name none, not even count, which alone would
 * parse as the default mode. */
#include "spec_filters.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pyfault.h"

int pf_spec_filters_only(const char *spec, char *why, size_t whylen)
{
    struct pyfault_spec parsed;
    if (pyfault_spec_parse(spec, &parsed, why, whylen) < 0)
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
