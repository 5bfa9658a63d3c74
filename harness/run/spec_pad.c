/* spec_pad.c: one PYFAULT length for every target of a sweep. */
#include "spec_pad.h"

#include <string.h>

/* "from=" and 20 digits, ",log=" DIR "/log." and 10 digits, ",log-max=1",
 * or the server's DIR "/log.fork" and ",fork-fd=65535"; ",pad=" */
#define PF_SPEC_SLACK 64

size_t pf_spec_width(const char *filters, const char *dir)
{
    return (filters ? strlen(filters) + 1 : 0) + strlen(dir) + PF_SPEC_SLACK;
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
