/* report_text.c: escaping. Results carry captured stderr and signatures
 * built from symbol names: assume any byte can appear. */
#include "report_text.h"

#include <string.h>

#include "controls.h"

/* Decodes the UTF-8 sequence at S into *CP; returns its length, or 0 when
 * S starts none that is valid (a stray or missing continuation byte, an
 * overlong form, a surrogate, past U+10FFFF): XML parsers refuse those. */
static size_t utf8_decode(const unsigned char *s, unsigned long *cp)
{
    static const unsigned long least[] = {0, 0, 0x80, 0x800, 0x10000};
    unsigned char c = s[0];
    size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3
             : (c & 0xf8) == 0xf0 ? 4 : 0;
    if (n == 0)
        return 0;
    unsigned long v = n == 1 ? c : c & (0x7fu >> n);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        v = v << 6 | (s[i] & 0x3fu);
    }
    if (v < least[n] || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
        return 0;
    *cp = v;
    return n;
}

/* Is CP in XML 1.0's Char production (#x9 | #xA | #xD | [#x20-#xD7FF] |
 * [#xE000-#xFFFD] | [#x10000-#x10FFFF]), and not DEL? */
static int xml_char(unsigned long cp)
{
    if (cp < 0x20)
        return cp == 0x9 || cp == 0xa || cp == 0xd;
    if (cp == 0x7f) /* a Char, but a control to whoever cats the file */
        return 0;
    if (cp < 0xd800)
        return 1;
    return (cp >= 0xe000 && cp <= 0xfffd) || cp >= 0x10000;
}

/* Writes the one character C (ASCII), escaped for XML. */
static void put_xml_ascii(FILE *f, unsigned char c)
{
    switch (c) {
    case '&': fputs("&amp;", f); break;
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '"': fputs("&quot;", f); break;
    case '\'': fputs("&#39;", f); break;
    default: fputc(c, f);
    }
}

void pf_put_xml(FILE *f, const char *s)
{
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned long cp = 0;
        size_t n = utf8_decode(p, &cp);
        if (n == 0 || !xml_char(cp) || (n > 1 && pf_control_len((const char *)p))) {
            /* one '?' per bad byte, per character XML forbids, and per C1
             * control (XML discourages them; a terminal that shows the
             * file acts on them) or bidirectional control */
            fputc('?', f);
            p += n ? n : 1;
        } else if (n == 1) {
            put_xml_ascii(f, *p++);
        } else {
            fwrite(p, 1, n, f);
            p += n;
        }
    }
}

/* When P starts a control character, writes its stand-in (' ' for a line
 * break or tab, which would end the cell or span; '?' for any other) and
 * returns its length; else 0. */
static size_t put_md_control(FILE *f, const char *p)
{
    size_t n = pf_control_len(p);
    if (n)
        fputc(*p == '\n' || *p == '\r' || *p == '\t' ? ' ' : '?', f);
    return n;
}

void pf_put_md(FILE *f, const char *s)
{
    if (!s)
        return;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        size_t n = put_md_control(f, (const char *)p);
        if (n)
            p += n - 1;
        else if (*p == '<')
            fputs("&lt;", f);
        else if (*p == '>')
            fputs("&gt;", f);
        else if (*p == '&')
            fputs("&amp;", f);
        else if (strchr("|`*_[]\\", *p))
            fprintf(f, "\\%c", *p);
        else
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
    for (const char *p = s; *p;) {
        size_t c = put_md_control(f, p);
        if (c)
            p += c;
        else
            fputc(*p++, f);
    }
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
    /* lines and tabs stay; any other control would reach a terminal
     * that shows the file */
    for (const char *p = s; *p;) {
        size_t c = *p == '\n' || *p == '\t' ? 0 : pf_control_len(p);
        fputc(c ? '?' : *p, f);
        p += c ? c : 1;
    }
    fputc('\n', f);
    for (size_t i = 0; i < n; i++)
        fputc('`', f);
    fputc('\n', f);
}

void pf_put_plain(FILE *f, const char *s)
{
    for (const char *p = s; *p;) {
        size_t n = pf_control_len(p);
        fputc(n ? '?' : *p, f);
        p += n ? n : 1;
    }
}
