/* scenario.c: parsing a scenario file's header (format in scenario.h). */
#include "scenario.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "optparse.h"
#include "private_file.h"
#include "spec_filters.h"
#include "controls.h"
#include "utf8.h"

#define SCENARIO_MAX_TIMEOUT_S 86400.0

static const char *const plan_names[] = {"none", "oneshot", "persistent",
                                         "both", "runtime"};

const char *pf_plan_kind_name(enum pf_plan_kind k)
{
    return (unsigned)k < sizeof plan_names / sizeof plan_names[0]
               ? plan_names[k] : "?";
}

static int fail(char *err, size_t errlen, const char *path, int line,
                const char *what, const char *detail)
{
    if (line > 0)
        snprintf(err, errlen, "%s:%d: %s%s%s", path, line, what,
                 detail ? ": " : "", detail ? detail : "");
    else
        snprintf(err, errlen, "%s: %s%s%s", path, what, detail ? ": " : "",
                 detail ? detail : "");
    return -1;
}

static int copy_field(char *dst, size_t cap, const char *value)
{
    size_t n = strlen(value);
    if (n == 0 || n >= cap)
        return -1;
    memcpy(dst, value, n + 1);
    return 0;
}

/* Does the non-empty "a|b" list TEXT have an empty alternative ("a|",
 * "|a", "a||b")? strtok_r would pass over it; the spec parser refuses it. */
static int empty_alternative(const char *text)
{
    size_t n = strlen(text);
    return n && (text[0] == '|' || text[n - 1] == '|' || strstr(text, "||"));
}

/* "error|fatal" into a bit set; -1 on an unknown class. */
static int parse_classes(char *text, unsigned *out)
{
    *out = 0;
    for (char *save = NULL, *tok = strtok_r(text, "|", &save); tok;
         tok = strtok_r(NULL, "|", &save)) {
        int found = 0;
        for (int c = 0; c < PF_CLASS_COUNT; c++)
            if (strcmp(tok, pf_class_name((enum pf_class)c)) == 0) {
                *out |= 1u << c;
                found = 1;
            }
        if (!found)
            return -1;
    }
    return *out ? 0 : -1;
}

static int parse_expect(struct pf_scenario *s, char *value, const char *path,
                        int line, char *err, size_t errlen)
{
    if (!value[0])
        return fail(err, errlen, path, line, "expect: want VARIANT=CLASS[|CLASS...]", NULL);
    for (char *save = NULL, *item = strtok_r(value, " \t", &save); item;
         item = strtok_r(NULL, " \t", &save)) {
        char *eq = strchr(item, '=');
        if (!eq || eq == item)
            return fail(err, errlen, path, line, "expect: want VARIANT=CLASS[|CLASS...]", item);
        if (s->nexpect >= PF_SCENARIO_MAX_EXPECT)
            return fail(err, errlen, path, line, "expect: too many variants", NULL);
        struct pf_expectation *e = &s->expect[s->nexpect];
        *eq = '\0';
        if (copy_field(e->variant, sizeof e->variant, item) < 0)
            return fail(err, errlen, path, line, "expect: bad variant name", item);
        if (empty_alternative(eq + 1))
            return fail(err, errlen, path, line, "expect: empty alternative", eq + 1);
        char classes[256];
        snprintf(classes, sizeof classes, "%s", eq + 1);
        if (parse_classes(classes, &e->classes) < 0)
            return fail(err, errlen, path, line, "expect: unknown class", eq + 1);
        for (int i = 0; i < s->nexpect; i++)
            if (strcmp(s->expect[i].variant, e->variant) == 0)
                return fail(err, errlen, path, line, "expect: variant given twice", e->variant);
        s->nexpect++;
    }
    return 0;
}

/* Adds TOKENS to the scenario's inject spec (the layer: key lands there
 * too, whichever of the two comes first). Returns -1 when too long. */
static int append_inject(struct pf_scenario *s, const char *tokens)
{
    size_t used = strlen(s->inject);
    int n = snprintf(s->inject + used, sizeof s->inject - used, "%s%s", used ? "," : "", tokens);
    return n < 0 || (size_t)n >= sizeof s->inject - used ? -1 : 0;
}

/* The inject: and layer: headers together still a spec of filters (the
 * shim refuses a key given twice: inject: layer=libc beside layer:). */
static int check_inject(const struct pf_scenario *s, const char *path, int line, char *err, size_t errlen)
{
    char why[256];
    if (pf_spec_filters_only(s->inject, why, sizeof why) < 0)
        return fail(err, errlen, path, line, "inject", why);
    return 0;
}

/* One header key's parser: fills S from VALUE (which it may cut up), or
 * returns -1 with "PATH:LINE: why" in ERR. */
typedef int header_parser(struct pf_scenario *s, char *value, const char *path, int line,
                          char *err, size_t errlen);

static int parse_issue(struct pf_scenario *s, char *value, const char *path, int line,
                       char *err, size_t errlen)
{
    if (copy_field(s->issue, sizeof s->issue, value) < 0)
        return fail(err, errlen, path, line, "issue: want a link", NULL);
    return 0;
}

static int parse_plan(struct pf_scenario *s, char *value, const char *path, int line,
                      char *err, size_t errlen)
{
    for (size_t i = 0; i < sizeof plan_names / sizeof plan_names[0]; i++)
        if (strcmp(value, plan_names[i]) == 0) {
            s->plan = (enum pf_plan_kind)i;
            return 0;
        }
    return fail(err, errlen, path, line, "plan: want none, oneshot, persistent, both or runtime",
                value);
}

static int parse_inject(struct pf_scenario *s, char *value, const char *path, int line,
                        char *err, size_t errlen)
{
    char why[256];
    int filters = pf_spec_filters_only(value, why, sizeof why);
    if (filters < 0)
        return fail(err, errlen, path, line, "inject", why);
    if (filters == 0)
        return fail(err, errlen, path, line,
                    "inject: no mode here, not even count (the plan gives it)", value);
    return append_inject(s, value) < 0 ? fail(err, errlen, path, line, "inject: too long", NULL)
                                        : check_inject(s, path, line, err, errlen);
}

static int parse_layer(struct pf_scenario *s, char *value, const char *path, int line,
                       char *err, size_t errlen)
{
    char token[32];
    if (strcmp(value, "pymem") != 0 && strcmp(value, "libc") != 0 && strcmp(value, "all") != 0)
        return fail(err, errlen, path, line, "layer: want pymem, libc or all", value);
    snprintf(token, sizeof token, "layer=%s", value);
    return append_inject(s, token) < 0 ? fail(err, errlen, path, line, "inject: too long", NULL)
                                        : check_inject(s, path, line, err, errlen);
}

static int parse_timeout(struct pf_scenario *s, char *value, const char *path, int line,
                         char *err, size_t errlen)
{
    /* as --timeout: plain decimal seconds, 1 ms to a day */
    char why[128] = "timeout: ";
    size_t n = strlen(why);
    if (pf_parse_seconds(value, SCENARIO_MAX_TIMEOUT_S, &s->timeout_s, why + n, sizeof why - n) <
        0)
        return fail(err, errlen, path, line, why, value);
    return 0;
}

static int parse_stride(struct pf_scenario *s, char *value, const char *path, int line,
                        char *err, size_t errlen)
{
    /* digits only, as --stride: strtod took "0x10" and "1e3" */
    uint64_t v;
    if (pf_parse_whole(value, 1, &v) < 0 || v > 86400)
        return fail(err, errlen, path, line, "stride: want a whole number from 1 to 86400", value);
    s->stride = (unsigned)v;
    return 0;
}

static int parse_pty(struct pf_scenario *s, char *value, const char *path, int line, char *err,
                     size_t errlen)
{
    if (strcmp(value, "yes") != 0 && strcmp(value, "no") != 0)
        return fail(err, errlen, path, line, "pty: want yes or no", value);
    s->pty = value[0] == 'y';
    return 0;
}

static int parse_needs(struct pf_scenario *s, char *value, const char *path, int line,
                       char *err, size_t errlen)
{
    for (char *save = NULL, *tok = strtok_r(value, " \t", &save); tok;
         tok = strtok_r(NULL, " \t", &save)) {
        if (s->nneeds >= PF_SCENARIO_MAX_NEEDS ||
            copy_field(s->needs[s->nneeds], sizeof s->needs[0], tok) < 0)
            return fail(err, errlen, path, line, "needs: too many or too long", tok);
        for (const char *c = tok; *c; c++)
            if (!isalnum((unsigned char)*c) && *c != '_')
                return fail(err, errlen, path, line, "needs: not a module name", tok);
        s->nneeds++;
    }
    return 0;
}

/* The keys after "# pyfault-scenario: NAME", all lower-case: the one table
 * the parser and the capitals check both read. A required key is given
 * once; inject: and needs: add up. */
static const struct header_key {
    const char *name;
    header_parser *parse;
    int required;
} header_keys[] = {
    {"issue", parse_issue, 1},   {"plan", parse_plan, 1},     {"timeout", parse_timeout, 1},
    {"expect", parse_expect, 1}, {"inject", parse_inject, 0}, {"layer", parse_layer, 0},
    {"needs", parse_needs, 0},   {"pty", parse_pty, 0},       {"stride", parse_stride, 0},
};
enum { HEADER_KEY_COUNT = sizeof header_keys / sizeof header_keys[0] };

/* Index in header_keys of the N-byte KEY as CMP compares; -1 if none. */
static int header_key_index(const char *key, size_t n,
                            int (*cmp)(const char *, const char *, size_t))
{
    for (int i = 0; i < HEADER_KEY_COUNT; i++)
        if (strlen(header_keys[i].name) == n && cmp(key, header_keys[i].name, n) == 0)
            return i;
    return -1;
}

/* The header key LINE ("# Expect: ...") names in another case, or NULL:
 * such a line would end the header quietly, and the keys after it with it. */
static const char *miscased_key(const char *line)
{
    static const char first[] = "pyfault-scenario";
    if (line[0] != '#' || line[1] != ' ')
        return NULL;
    const char *k = line + 2;
    size_t n = strcspn(k, ":");
    if (!k[n])
        return NULL;
    if (n == strlen(first) && strncasecmp(k, first, n) == 0)
        return strncmp(k, first, n) != 0 ? first : NULL;
    int i = header_key_index(k, n, strncasecmp);
    return i >= 0 && strncmp(k, header_keys[i].name, n) != 0 ? header_keys[i].name : NULL;
}

/* Does S hold a control character other than a tab (pf_control_len)? */
static int has_control(const char *s)
{
    for (; *s; s++)
        if (*s != '\t' && pf_control_len(s))
            return 1;
    return 0;
}

/* Splits "# key: value" into KEY and VALUE (in place); 0 when it is one. */
static int split_header_line(char *line, char **key, char **value)
{
    if (line[0] != '#' || line[1] != ' ')
        return -1;
    char *k = line + 2;
    char *p = k;
    while (*p && (islower((unsigned char)*p) || *p == '-'))
        p++;
    if (p == k || p[0] != ':' || (p[1] != ' ' && p[1] != '\0'))
        return -1;
    *p = '\0';
    char *v = p + 1;
    while (*v == ' ' || *v == '\t')
        v++;
    char *end = v + strlen(v);
    while (end > v && isspace((unsigned char)end[-1]))
        *--end = '\0';
    *key = k;
    *value = v;
    return 0;
}

int pf_scenario_parse(const char *path, const char *text,
                      struct pf_scenario *s, char *err, size_t errlen)
{
    memset(s, 0, sizeof *s);
    snprintf(s->path, sizeof s->path, "%s", path);
    int lineno = 0, in_header = 0, seen[HEADER_KEY_COUNT] = {0};
    /* Python reads a file that starts with a UTF-8 byte order mark */
    const char *p = strncmp(text, "\xef\xbb\xbf", 3) == 0 ? text + 3 : text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char line[1024];
        lineno++;
        if (len >= sizeof line)
            len = sizeof line - 1;
        memcpy(line, p, len);
        line[len] = '\0';
        p = nl ? nl + 1 : p + len;
        if (lineno == 1 && line[0] == '#' && line[1] == '!')
            continue;
        char *key, *value;
        const char *miscased = in_header ? miscased_key(line) : NULL;
        if (miscased)
            return fail(err, errlen, path, lineno, "a header key in capitals (keys are lower-case)",
                        miscased);
        if (split_header_line(line, &key, &value) < 0)
            break;
        if (!in_header && strcmp(key, "pyfault-scenario") != 0)
            break;
        /* every value lands in results.json (jansson takes UTF-8 only):
         * refused here, not dropped from the report after the run */
        if (!pf_utf8_valid(value))
            return fail(err, errlen, path, lineno, key, "not UTF-8");
        /* a name or value is printed (progress, tables, errors): an escape
         * sequence in it would drive the terminal */
        if (has_control(value))
            return fail(err, errlen, path, lineno, key, "a control character");
        if (!in_header) {
            if (copy_field(s->name, sizeof s->name, value) < 0)
                return fail(err, errlen, path, lineno, "pyfault-scenario: want a name", NULL);
            in_header = 1;
            continue;
        }
        int k = header_key_index(key, strlen(key), strncmp);
        if (k < 0)
            return fail(err, errlen, path, lineno, "unknown header key", key);
        if (seen[k]++ && header_keys[k].required)
            return fail(err, errlen, path, lineno, "key given twice", key);
        if (header_keys[k].parse(s, value, path, lineno, err, errlen) < 0)
            return -1;
    }
    if (!in_header)
        return fail(err, errlen, path, 0,
                    "no scenario header (want '# pyfault-scenario: NAME' at the top)", NULL);
    for (int i = 0; i < HEADER_KEY_COUNT; i++)
        if (header_keys[i].required && !seen[i])
            return fail(err, errlen, path, 0, "header lacks a key", header_keys[i].name);
    return 0;
}

int pf_scenario_load(const char *path, struct pf_scenario *out,
                     char *err, size_t errlen)
{
    FILE *f = pf_fopen_regular(path, O_RDONLY, NULL, err, errlen);
    if (!f)
        return -1;
    char text[16384];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    /* the parser would stop at it, and call a key after it missing */
    const char *nul = memchr(text, '\0', n);
    if (nul) {
        int line = 1;
        for (const char *c = text; c < nul; c++)
            line += *c == '\n';
        return fail(err, errlen, path, line, "a NUL byte (Python refuses the file)", NULL);
    }
    return pf_scenario_parse(path, text, out, err, errlen);
}

int pf_scenarios_check(const struct pf_scenario *s, unsigned n,
                       char *err, size_t errlen)
{
    for (unsigned k = 0; k < n; k++) {
        if (!pf_utf8_valid(s[k].path))
            return fail(err, errlen, s[k].path, 0,
                        "the path is not UTF-8 (results.json could not name it)", NULL);
        for (unsigned j = 0; j < k; j++)
            if (strcmp(s[j].name, s[k].name) == 0) {
                if (strcmp(s[j].path, s[k].path) == 0)
                    return fail(err, errlen, s[k].path, 0, "scenario given twice", NULL);
                snprintf(err, errlen, "%.1000s and %.1000s both name scenario '%s' "
                         "(ids must be unique)", s[j].path, s[k].path, s[k].name);
                return -1;
            }
    }
    return 0;
}

unsigned pf_scenario_expected(const struct pf_scenario *s, const char *variant)
{
    unsigned any = 0;
    for (int i = 0; i < s->nexpect; i++) {
        if (strcmp(s->expect[i].variant, variant) == 0)
            return s->expect[i].classes;
        if (strcmp(s->expect[i].variant, "*") == 0)
            any = s->expect[i].classes;
    }
    return any;
}

char *pf_scenario_typed_input(const char *path)
{
    char why[1024];
    FILE *f = pf_fopen_regular(path, O_RDONLY, NULL, why, sizeof why);
    if (!f)
        return NULL;
    char *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&out, &len);
    char line[1024];
    while (mem && fgets(line, sizeof line, f)) {
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '#' || *p == '\n' || *p == '\0')
            continue;
        fputs(line, mem);
        if (line[strlen(line) - 1] != '\n')
            fputc('\n', mem);
    }
    fclose(f);
    if (!mem)
        return NULL;
    fclose(mem);
    return out;
}
