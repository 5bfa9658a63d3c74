/* optparse.c: a subcommand's table turned into getopt_long's arguments.
 * getopt's own messages are off (opterr = 0): every usage error is worded
 * here, once, the same for every subcommand. */
#include "optparse.h"

#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "controls.h"

/* getopt_long's val for entry I of a table (short letters stay below). */
#define LONG_KEY 256

static const struct pf_opt help_opt = {0, "help", 'h', NULL, "this text"};

static size_t count_opts(const struct pf_cli *c)
{
    size_t n = 0;
    while (c->opts && c->opts[n].name)
        n++;
    return n;
}

/* Entry I of C's N options; -h/--help comes after the last. */
static const struct pf_opt *opt_at(const struct pf_cli *c, size_t n, size_t i)
{
    return i < n ? &c->opts[i] : &help_opt;
}

/* Word W's option name: up to '=' ("--frob=1" -> "--frob"). */
static void name_of(const char *w, char *out, size_t outlen)
{
    snprintf(out, outlen, "%.*s", (int)strcspn(w, "="), w);
}

/* The table entry of short letter L, or N (help) when there is none. */
static size_t by_letter(const struct pf_cli *c, size_t n, int l)
{
    size_t i = 0;
    while (i < n && c->opts[i].letter != l)
        i++;
    return i;
}

/* The options as getopt_long wants them: LO (N + 2 entries) and SHORTS. */
static void getopt_tables(const struct pf_cli *c, size_t n, struct option *lo, char *shorts)
{
    char *s = shorts;
    *s++ = '-'; /* words come back in order, as 1 */
    *s++ = ':'; /* a missing value is ':', not '?' */
    for (size_t i = 0; i <= n; i++) {
        const struct pf_opt *o = opt_at(c, n, i);
        lo[i] = (struct option){o->name, o->value ? required_argument : no_argument, NULL,
                                (int)(LONG_KEY + i)};
        if (o->letter) {
            *s++ = (char)o->letter;
            if (o->value)
                *s++ = ':';
        }
    }
    *s = '\0';
    lo[n + 1] = (struct option){0};
}

/* The words after "--", ARGV[FROM..ARGC): a command, or more words.
 * Returns 0, or -1 with ERR. */
static int take_rest(const struct pf_cli *c, int argc, char **argv, int from, void *dst,
                     char *err, size_t errlen)
{
    if (!c->command) {
        for (int i = from; i < argc; i++) {
            struct pf_arg a = {PF_ARG_WORD, argv[i], argv[i], NULL, 0};
            if (c->take(dst, &a, err, errlen) < 0)
                return -1;
        }
        return 0;
    }
    if (from >= argc) {
        snprintf(err, errlen, "no command after '--'");
        return -1;
    }
    struct pf_arg a = {PF_ARG_COMMAND, "--", NULL, argv + from, argc - from};
    return c->take(dst, &a, err, errlen);
}

/* What getopt_long returned as K for the word at AV[AT] (LI: the long
 * option's index, or -1; DETACHED: its value was the next word): one
 * option or word into DST. Returns 0, 1 for --help, or -1 with ERR. */
static int take_one(const struct pf_cli *c, size_t n, int k, int li, const char *word,
                    int detached, void *dst, char *err, size_t errlen)
{
    char name[64];
    int is_long = word[0] == '-' && word[1] == '-';
    if (is_long)
        name_of(word, name, sizeof name);
    else /* optopt is set on errors only */
        snprintf(name, sizeof name, "-%c", k == '?' || k == ':' ? optopt : k);
    if (k == 1) {
        struct pf_arg a = {PF_ARG_WORD, optarg, optarg, NULL, 0};
        return c->take(dst, &a, err, errlen);
    }
    if (k == ':') {
        snprintf(err, errlen, "%s needs a value", name);
        return -1;
    }
    if (k == '?' && is_long && optopt) {
        snprintf(err, errlen, "%s takes no value", name);
        return -1;
    }
    size_t i = k >= LONG_KEY ? (size_t)(k - LONG_KEY) : by_letter(c, n, k);
    const struct pf_opt *o = opt_at(c, n, i);
    /* getopt_long takes "--ti" for "--timeout": not here */
    if (k == '?' || (li >= 0 && strcmp(name + 2, o->name) != 0)) {
        snprintf(err, errlen, "unknown option '%s' (see pyfault %s --help)", name, c->name);
        return -1;
    }
    if (o == &help_opt)
        return 1;
    /* getopt hands a detached "--" over as the value ("--json -- cmd"),
     * though "--" ends the options; "--json=--" still names a file "--" */
    if (o->value && detached && strcmp(optarg, "--") == 0) {
        snprintf(err, errlen, "%s needs a value", name);
        return -1;
    }
    if (o->value && !*optarg) {
        snprintf(err, errlen, "%s: the value is empty", name);
        return -1;
    }
    struct pf_arg a = {o->key, name, o->value ? optarg : NULL, NULL, 0};
    return c->take(dst, &a, err, errlen);
}

int pf_cli_parse(const struct pf_cli *c, int argc, char **argv, void *dst,
                 char *err, size_t errlen)
{
    size_t n = count_opts(c);
    struct option *lo = calloc(n + 2, sizeof *lo);
    char *shorts = malloc(2 * n + 5);
    char **av = calloc((size_t)argc + 2, sizeof *av); /* getopt wants a program name */
    int rc = -1;
    if (!lo || !shorts || !av) {
        snprintf(err, errlen, "out of memory");
        goto out;
    }
    getopt_tables(c, n, lo, shorts);
    av[0] = (char *)c->name;
    memcpy(av + 1, argv, (size_t)argc * sizeof *av);
    int ac = argc + 1;
    opterr = 0;
    optind = 0; /* getopt starts afresh */
    for (;;) {
        int at = optind ? optind : 1, li = -1;
        int k = getopt_long(ac, av, shorts, lo, &li);
        if (k == -1) {
            /* the end, or "--": what follows (AV is ARGV shifted by one) */
            int dash = at < ac && strcmp(av[at], "--") == 0;
            if (dash && take_rest(c, argc, argv, optind - 1, dst, err, errlen) < 0)
                goto out;
            break;
        }
        /* a value in the next word moved optind past it too */
        rc = take_one(c, n, k, li, av[at], optind > at + 1, dst, err, errlen);
        if (rc != 0)
            goto out;
        rc = -1;
    }
    if (c->check && c->check(dst, err, errlen) < 0)
        goto out;
    rc = 0;
out:
    free(lo);
    free(shorts);
    free(av);
    return rc;
}

int pf_cli_fail(const struct pf_cli *c, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    /* it quotes the words given: one line, and no escape sequence from
     * a script's arguments reaches the terminal */
    fprintf(stderr, "pyfault %s: %s\n", c->name, pf_scrub_controls(msg));
    return c->usage_status ? c->usage_status : 2;
}

int pf_cli_args(const struct pf_cli *c, int argc, char **argv, void *dst)
{
    char err[1024];
    int rc = pf_cli_parse(c, argc, argv, dst, err, sizeof err);
    if (rc < 0)
        return pf_cli_fail(c, "%s", err);
    if (rc == 0)
        return -1;
    char *help = pf_cli_help(c);
    if (!help)
        return pf_cli_fail(c, "out of memory");
    fputs(help, stdout);
    free(help);
    return 0;
}

/* "  -j, --jobs N": an option's left column in --help. Returns its length. */
static int left_column(const struct pf_opt *o, char *out, size_t outlen)
{
    char letter[8] = "";
    if (o->letter)
        snprintf(letter, sizeof letter, "-%c, ", o->letter);
    return snprintf(out, outlen, "  %s--%s%s%s", letter, o->name, o->value ? " " : "",
                    o->value ? o->value : "");
}

char *pf_cli_help(const struct pf_cli *c)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    size_t n = count_opts(c);
    int width = 0;
    char left[128];
    for (size_t i = 0; i <= n; i++) {
        int w = left_column(opt_at(c, n, i), left, sizeof left);
        width = w > width ? w : width;
    }
    width += 2;
    fputs(c->usage, f);
    for (size_t i = 0; i <= n; i++) {
        const struct pf_opt *o = opt_at(c, n, i);
        left_column(o, left, sizeof left);
        fprintf(f, "%-*s", width, left);
        for (const char *h = o->help; *h; h++) {
            fputc(*h, f);
            if (*h == '\n')
                fprintf(f, "%*s", width, "");
        }
        fputc('\n', f);
    }
    if (c->epilog)
        fputs(c->epilog, f);
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

int pf_parse_whole(const char *s, uint64_t min, uint64_t *out)
{
    char *end;
    /* digits only: strtoull would also take " 1", "+1" and "-1" */
    if (!s || !isdigit((unsigned char)*s))
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v < min)
        return -1;
    *out = v;
    return 0;
}

int pf_opt_count(const char *name, const char *val, uint64_t min, uint64_t max,
                 uint64_t *out, char *err, size_t errlen)
{
    if (pf_parse_whole(val, min, out) == 0 && *out <= max)
        return 0;
    if (max == UINT64_MAX)
        snprintf(err, errlen, "%s '%s': expected a whole number >= %llu", name, val,
                 (unsigned long long)min);
    else
        snprintf(err, errlen, "%s '%s': expected a whole number from %llu to %llu", name, val,
                 (unsigned long long)min, (unsigned long long)max);
    return -1;
}

/* Is S digits with at most one '.' among them, and one digit at least? */
static int plain_decimal(const char *s)
{
    int digits = 0, points = 0;
    for (; *s; s++) {
        if (*s >= '0' && *s <= '9')
            digits++;
        else if (*s == '.' && !points)
            points++;
        else
            return 0;
    }
    return digits > 0;
}

int pf_parse_seconds(const char *s, double max, double *out, char *why, size_t whylen)
{
    /* strtod alone takes "0x10", "1e-300", "inf": none is a sane timeout */
    if (!s || !plain_decimal(s)) {
        snprintf(why, whylen, "not a number of seconds (digits, an optional fraction: 30, 0.5)");
        return -1;
    }
    double v = strtod(s, NULL); /* plain digits: at worst rounded, never an error */
    if (v < PF_SECONDS_MIN) {
        snprintf(why, whylen, "too small: at least %g s", PF_SECONDS_MIN);
        return -1;
    }
    if (v > max) {
        snprintf(why, whylen, "too large: at most %g s", max);
        return -1;
    }
    *out = v;
    return 0;
}

int pf_opt_seconds(const char *name, const char *val, double max, double *out,
                   char *err, size_t errlen)
{
    char why[128];
    if (pf_parse_seconds(val, max, out, why, sizeof why) == 0)
        return 0;
    snprintf(err, errlen, "%s '%s': %s", name, val, why);
    return -1;
}
