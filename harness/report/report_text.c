/* report_text.c: escaping. Results carry captured stderr and signatures
 * built from symbol names: assume any byte can appear. */
#include "report_text.h"

#include <string.h>

/* Length of the valid UTF-8 sequence at S, or 0. */
static size_t utf8_len(const unsigned char *s)
{
    unsigned char c = s[0];
    size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 && c >= 0xc2 ? 2 : (c & 0xf0) == 0xe0 ? 3
             : (c & 0xf8) == 0xf0 && c <= 0xf4 ? 4 : 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

void pf_put_xml(FILE *f, const char *s)
{
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        size_t n = utf8_len(p);
        if (n == 0) {
            fputc('?', f);
            p++;
            continue;
        }
        if (n > 1) {
            fwrite(p, 1, n, f);
            p += n;
            continue;
        }
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        case '\t': case '\n': case '\r': fputc(*p, f); break;
        default:
            if (*p >= 0x20 && *p != 0x7f)
                fputc(*p, f);
        }
        p++;
    }
}

void pf_put_md(FILE *f, const char *s)
{
    if (!s)
        return;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\n' || *p == '\r' || *p == '\t')
            fputc(' ', f);
        else if (*p == '<')
            fputs("&lt;", f);
        else if (*p == '>')
            fputs("&gt;", f);
        else if (*p == '&')
            fputs("&amp;", f);
        else if (strchr("|`*_[]\\", *p))
            fprintf(f, "\\%c", *p);
        else if (*p >= 0x20 && *p != 0x7f)
            fputc(*p, f);
    }
}

/* The longest run of backticks in S. */
static size_t ticks(const char *s)
{
    size_t run = 0, longest = 0;
    for (const char *p = s; *p; p++) {
        run = *p == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    return longest;
}

void pf_put_md_span(FILE *f, const char *s)
{
    size_t n = ticks(s) + 1;
    for (size_t i = 0; i < n; i++)
        fputc('`', f);
    if (n > 1 || s[0] == '`')
        fputc(' ', f);
    for (const char *p = s; *p; p++)
        fputc(*p == '\n' || *p == '\r' ? ' ' : *p, f);
    if (n > 1)
        fputc(' ', f);
    for (size_t i = 0; i < n; i++)
        fputc('`', f);
}

void pf_put_md_code(FILE *f, const char *s)
{
    /* a fence longer than any run of backticks inside */
    size_t longest = ticks(s);
    size_t n = longest < 3 ? 3 : longest + 1;
    for (size_t i = 0; i < n; i++)
        fputc('`', f);
    fputs("sh\n", f);
    fputs(s, f);
    fputc('\n', f);
    for (size_t i = 0; i < n; i++)
        fputc('`', f);
    fputc('\n', f);
}
