/* spec_pad.c: one PYFAULT length for every run of one target and filters. */
#include "spec_pad.h"

#include <string.h>

/* "from=" and 20 digits, ",log=" DIR "/log." and 10 digits, ",log-max=1",
 * or the server's DIR "/log.fork" and ",fork-fd=65535"; ",pad=" */
#define PF_SPEC_SLACK 64

/* The width for filters FILTERS_LEN long (0: none, and no comma before
 * the harness's own tokens). */
static size_t width_for(size_t filters_len, size_t dir_len)
{
    return (filters_len ? filters_len + 1 : 0) + dir_len + PF_SPEC_SLACK;
}

size_t pf_spec_width(const char *filters, size_t dir_len)
{
    return width_for(filters ? strlen(filters) : 0, dir_len);
}

/* Whether the token P (LEN long) starts with KEY. */
static int token_is(const char *p, size_t len, const char *key)
{
    size_t n = strlen(key);
    return len >= n && memcmp(p, key, n) == 0;
}

size_t pf_spec_width_of(const char *inject, size_t dir_len)
{
    size_t filters = 0, tokens = 0;
    int point_seen = 0;
    for (const char *p = inject ? inject : ""; *p;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        int point = !point_seen && (token_is(p, len, "nth=") || token_is(p, len, "from="));
        point_seen |= point;
        /* trial-stdio: a repro's under gdb, which its trial did not have */
        int extra = token_is(p, len, "pad=") || (len == 11 && token_is(p, len, "trial-stdio"));
        if (!point && !extra) {
            filters += len;
            tokens++;
        }
        p += len + (comma != NULL);
    }
    /* the filters joined by commas, as a sweep's --inject gives them */
    return width_for(filters + (tokens ? tokens - 1 : 0), dir_len);
}

int pf_spec_pad(char *spec, size_t cap, size_t width)
{
    static const char head[] = ",pad=";
    size_t n = strlen(spec);
    if (n == width)
        return 0;
    if (n + sizeof head - 1 > width || width >= cap)
        return -1;
    memcpy(spec + n, head, sizeof head - 1);
    memset(spec + n + sizeof head - 1, '.', width - n - (sizeof head - 1));
    spec[width] = '\0';
    return 0;
}
