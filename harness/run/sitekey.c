/* sitekey.c: the text form of a site key. */
#include "sitekey.h"

#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* FILE from its standard-library root on ("Lib/..."), else FILE. */
static const char *stdlib_tail(const char *file, int *lib)
{
    *lib = 0;
    const char *best = NULL;
    for (const char *p = strstr(file, "/Lib/"); p; p = strstr(p + 1, "/Lib/"))
        best = p + 5;
    for (const char *p = strstr(file, "/lib/python3."); p; p = strstr(p + 1, "/lib/python3.")) {
        const char *q = p + 13;
        while (isdigit((unsigned char)*q))
            q++;
        if (q > p + 13 && *q == '/')
            best = q + 1;
    }
    if (!best)
        return file;
    *lib = 1;
    return best;
}

char *pf_sitekey_text(const struct pf_sitekey *k, char *out, size_t outlen)
{
    if (outlen == 0)
        return out;
    out[0] = '\0';
    if (!k->hash)
        return out;
    int n;
    if (k->func[0])
        n = snprintf(out, outlen, "%s%s%s+0x%" PRIx32, k->obj, k->obj[0] ? "!" : "", k->func,
                     k->off);
    else
        n = snprintf(out, outlen, "%s+0x%" PRIx64, k->obj[0] ? k->obj : "(exe)", k->rel);
    if (n < 0 || (size_t)n >= outlen || !k->pyfile[0])
        return out;
    int lib;
    const char *file = stdlib_tail(k->pyfile, &lib);
    snprintf(out + n, outlen - (size_t)n, " @ %s%s:%" PRIu32, lib ? "Lib/" : "", file, k->pyline);
    return out;
}
