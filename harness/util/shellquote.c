/* shellquote.c: POSIX single quoting: ' becomes '\'' . */
#include "shellquote.h"

#include <string.h>

static void put(char *out, size_t outlen, size_t *used, char c)
{
    if (*used + 1 < outlen) {
        out[(*used)++] = c;
        out[*used] = '\0';
    } else {
        *used = outlen; /* cut: the caller sees it */
    }
}

static int needs_quotes(const char *w)
{
    if (!*w)
        return 1;
    for (; *w; w++)
        if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                    "0123456789_./:=,+-@%", *w))
            return 1;
    return 0;
}

void pf_shell_append(char *out, size_t outlen, size_t *used, const char *word)
{
    if (outlen == 0)
        return;
    if (*used > 0)
        put(out, outlen, used, ' ');
    if (!needs_quotes(word)) {
        for (; *word; word++)
            put(out, outlen, used, *word);
        return;
    }
    put(out, outlen, used, '\'');
    for (; *word; word++) {
        if (*word == '\'') {
            put(out, outlen, used, '\'');
            put(out, outlen, used, '\\');
            put(out, outlen, used, '\'');
            put(out, outlen, used, '\'');
        } else {
            put(out, outlen, used, *word);
        }
    }
    put(out, outlen, used, '\'');
}
