/*
 * spec.c: the PYFAULT spec grammar (see pyfault.h) and the plan decision.
 *
 * Allocation-free and locale-free on purpose: the shim parses the spec
 * from inside its first malloc call, before anything else is ready.
 */
#include "pyfault.h"

#include <stdarg.h>
#include <string.h>

/* A token is a slice of the spec text; it is not NUL-terminated. */
struct token {
    const char *text;
    size_t len;
};

static void put_error(char *err, size_t errlen, const char *what,
                      struct token tok)
{
    size_t used = 0;
    if (errlen == 0)
        return;
    const char *prefix = "pyfault: bad spec token '";
    for (const char *s = prefix; *s && used + 1 < errlen; s++)
        err[used++] = *s;
    for (size_t i = 0; i < tok.len && used + 1 < errlen; i++)
        err[used++] = tok.text[i];
    for (const char *s = "': "; *s && used + 1 < errlen; s++)
        err[used++] = *s;
    for (const char *s = what; *s && used + 1 < errlen; s++)
        err[used++] = *s;
    err[used] = '\0';
}

/* Parses a whole decimal number; rejects empty input, signs and overflow. */
static int parse_u64(const char *s, size_t len, uint64_t *out)
{
    uint64_t v = 0;
    if (len == 0)
        return -1;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        uint64_t digit = (uint64_t)(s[i] - '0');
        if (v > (UINT64_MAX - digit) / 10)
            return -1;
        v = v * 10 + digit;
    }
    *out = v;
    return 0;
}

/* Parses a probability "0", "1", "0.25", ".5", "1.0" into P * 2^64,
 * saturated to UINT64_MAX for P = 1. */
static int parse_probability(const char *s, size_t len, uint64_t *out)
{
    size_t i = 0;
    uint64_t whole = 0;
    int digits = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9') {
        whole = whole * 10 + (uint64_t)(s[i] - '0');
        if (whole > 1)
            return -1;
        i++;
        digits++;
    }
    /* The fraction exactly as num / 10^k (at most 18 digits), then
     * scaled to 0.64 fixed point in one 128-bit division. */
    uint64_t num = 0, den = 1;
    if (i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9') {
            if (den >= 1000000000000000000ull)
                return -1;
            num = num * 10 + (uint64_t)(s[i] - '0');
            den *= 10;
            i++;
            digits++;
        }
    }
    int frac_nonzero = num != 0;
    unsigned __int128 frac = ((unsigned __int128)num << 64) / den;
    if (i != len || digits == 0)
        return -1;
    if (whole == 1) {
        if (frac_nonzero)
            return -1;
        *out = UINT64_MAX;
        return 0;
    }
    *out = frac >= (((unsigned __int128)1) << 64) ? UINT64_MAX : (uint64_t)frac;
    return 0;
}

static int key_is(struct token key, const char *name)
{
    return strlen(name) == key.len && memcmp(key.text, name, key.len) == 0;
}

static int copy_string(char *dst, size_t cap, struct token value)
{
    if (value.len == 0 || value.len >= cap)
        return -1;
    memcpy(dst, value.text, value.len);
    dst[value.len] = '\0';
    return 0;
}

/* ---- dso= globs --------------------------------------------------------
 * One glob per alternative, alternatives separated by '|'. '*' matches any
 * run of characters ('/' included), '?' any one character, [abc], [a-z]
 * and [!abc] (or [^abc]) a set, and '\' makes the next character literal.
 * A glob with a '/' in it is matched against the object's whole path,
 * one without against the path's last component. */

/* Matches the set starting at P (just past '['), up to END, against C.
 * Returns the position past the closing ']', or NULL when there is none. */
static const char *match_set(const char *p, const char *end, char c, int *hit)
{
    int negate = 0, found = 0;
    if (p < end && (*p == '!' || *p == '^')) {
        negate = 1;
        p++;
    }
    for (int first = 1; p < end; first = 0) {
        if (*p == ']' && !first) {
            *hit = found != negate;
            return p + 1;
        }
        char lo = *p++;
        if (lo == '\\' && p < end)
            lo = *p++;
        char hi = lo;
        if (p + 1 < end && *p == '-' && p[1] != ']') {
            hi = p[1];
            p += 2;
            if (hi == '\\' && p < end)
                hi = *p++;
        }
        if ((unsigned char)c >= (unsigned char)lo && (unsigned char)c <= (unsigned char)hi)
            found = 1;
    }
    return NULL;
}

/* Does the glob PAT[0..PLEN) match all of the NUL-terminated S? Iterative:
 * a '*' remembers where to resume, so the cost is at most PLEN * strlen(S)
 * and the stack stays flat. */
static int glob_match(const char *pat, size_t plen, const char *s)
{
    const char *p = pat, *pend = pat + plen;
    const char *star_p = NULL, *star_s = NULL;
    for (;;) {
        if (p < pend && *p == '*') {
            while (p < pend && *p == '*')
                p++;
            if (p == pend)
                return 1;
            star_p = p;
            star_s = s;
            continue;
        }
        if (*s == '\0') {
            if (p == pend)
                return 1;
        } else if (p < pend) {
            int hit = 0;
            const char *next = p + 1;
            if (*p == '?') {
                hit = 1;
            } else if (*p == '[') {
                const char *after = match_set(p + 1, pend, *s, &hit);
                if (after)
                    next = after;
                else
                    hit = *s == '['; /* no closing ']': a literal '[' */
            } else if (*p == '\\' && p + 1 < pend) {
                hit = p[1] == *s;
                next = p + 2;
            } else {
                hit = *p == *s;
            }
            if (hit) {
                p = next;
                s++;
                continue;
            }
        }
        /* mismatch: let the last '*' swallow one more character */
        if (!star_p || *star_s == '\0')
            return 0;
        p = star_p;
        s = ++star_s;
    }
}

int pyfault_dso_matches(const char *globs, const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (const char *g = globs; *g; ) {
        size_t len = strcspn(g, "|");
        if (len > 0 && glob_match(g, len, memchr(g, '/', len) ? path : base))
            return 1;
        g += len + (g[len] == '|');
    }
    return 0;
}

/* Why the dso= value TEXT[0..LEN) is not a list of globs, or NULL. */
static const char *check_globs(const char *text, size_t len)
{
    if (len == 0)
        return "expected dso=GLOB or dso=GLOB|GLOB";
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && text[i] != '|')
            continue;
        if (i == start)
            return "an empty alternative in dso= (a stray '|')";
        int in_set = 0;
        for (size_t k = start; k < i; k++) {
            if (text[k] == '\\') {
                if (k + 1 == i)
                    return "a '\\' at the end of a dso= glob";
                k++;
            } else if (text[k] == '[' && !in_set) {
                in_set = 1;
                /* a ']' right after '[', '[!' or '[^' is a member */
                if (k + 1 < i && (text[k + 1] == '!' || text[k + 1] == '^'))
                    k++;
                if (k + 1 < i && text[k + 1] == ']')
                    k++;
            } else if (text[k] == ']' && in_set) {
                in_set = 0;
            }
        }
        if (in_set)
            return "a '[' without its ']' in a dso= glob";
        start = i + 1;
    }
    return NULL;
}

/* Records the mode of TOK, refusing a second mode token. */
static int set_mode(struct pyfault_spec *out, int *have_mode,
                    enum pyfault_mode mode, struct token tok,
                    char *err, size_t errlen)
{
    if (*have_mode) {
        put_error(err, errlen, "only one mode (count, nth, from, range, every, random) may be given", tok);
        return -1;
    }
    *have_mode = 1;
    out->plan.mode = (uint32_t)mode;
    return 0;
}

/* The keys that take a value and are not a mode: each may be given once
 * (the mode keys have their own "only one mode"; a flag given twice
 * means what it means once). */
static const char *const value_keys[] = {
    "seed", "min-size", "log-max", "site", "skip-site", "dso", "layer",
    "fork-fd", "sites-k", "sites-depth", "sites", "log",
};

/* Refuses a second KEY=value of one key: SEEN has a bit per value_keys. */
static int once(struct token tok, struct token key, unsigned *seen, char *err, size_t errlen)
{
    for (unsigned i = 0; i < sizeof value_keys / sizeof value_keys[0]; i++) {
        if (!key_is(key, value_keys[i]))
            continue;
        if (*seen & (1u << i)) {
            char what[64] = "'";
            size_t n = strlen(value_keys[i]);
            memcpy(what + 1, value_keys[i], n);
            memcpy(what + 1 + n, "' given twice", sizeof "' given twice");
            put_error(err, errlen, what, tok);
            return -1;
        }
        *seen |= 1u << i;
        return 0;
    }
    return 0;
}

/* Parses one "key" or "key=value" token into OUT. */
static int parse_token(struct token tok, struct pyfault_spec *out,
                       int *have_mode, struct token *seed, unsigned *seen,
                       char *err, size_t errlen)
{
    const char *eq = memchr(tok.text, '=', tok.len);
    struct token key = {tok.text, eq ? (size_t)(eq - tok.text) : tok.len};
    struct token val = {eq ? eq + 1 : tok.text + tok.len,
                        eq ? tok.len - key.len - 1 : 0};
    int has_value = eq != NULL;

    if (has_value && once(tok, key, seen, err, errlen) < 0)
        return -1;

    if (!has_value) {
        if (key_is(key, "count"))
            return set_mode(out, have_mode, PYFAULT_MODE_COUNT, tok, err, errlen);
        if (key_is(key, "junk")) {
            out->junk = 1;
            return 0;
        }
        if (key_is(key, "trap")) {
            out->trap = 1;
            return 0;
        }
        if (key_is(key, "region")) {
            out->region = 1;
            return 0;
        }
        if (key_is(key, "sites-pow2")) {
            out->sites_pow2 = 1;
            return 0;
        }
        if (key_is(key, "sites-py")) {
            out->sites_py = 1;
            return 0;
        }
        if (key_is(key, "sites-data")) {
            out->sites_data = 1;
            return 0;
        }
        if (key_is(key, "trial-stdio")) {
            out->trial_stdio = 1;
            return 0;
        }
        if (key_is(key, "no-precopy")) {
            out->no_precopy = 1;
            return 0;
        }
        put_error(err, errlen, "unknown flag (or a key without '=value')", tok);
        return -1;
    }

    if (key_is(key, "nth") || key_is(key, "from") || key_is(key, "every")) {
        enum pyfault_mode mode = key_is(key, "nth") ? PYFAULT_MODE_NTH
                               : key_is(key, "from") ? PYFAULT_MODE_FROM
                               : PYFAULT_MODE_EVERY;
        uint64_t n;
        if (parse_u64(val.text, val.len, &n) < 0 || n == 0) {
            put_error(err, errlen, "expected a whole number >= 1", tok);
            return -1;
        }
        if (set_mode(out, have_mode, mode, tok, err, errlen) < 0)
            return -1;
        out->plan.a = n;
        return 0;
    }
    if (key_is(key, "range")) {
        const char *colon = memchr(val.text, ':', val.len);
        uint64_t a, b;
        if (!colon || parse_u64(val.text, (size_t)(colon - val.text), &a) < 0 ||
            parse_u64(colon + 1, val.len - (size_t)(colon - val.text) - 1, &b) < 0 ||
            a == 0 || b < a) {
            put_error(err, errlen, "expected range=A:B with 1 <= A <= B", tok);
            return -1;
        }
        if (set_mode(out, have_mode, PYFAULT_MODE_RANGE, tok, err, errlen) < 0)
            return -1;
        out->plan.a = a;
        out->plan.b = b;
        return 0;
    }
    if (key_is(key, "random")) {
        uint64_t threshold;
        if (parse_probability(val.text, val.len, &threshold) < 0) {
            put_error(err, errlen, "expected a probability between 0 and 1", tok);
            return -1;
        }
        if (set_mode(out, have_mode, PYFAULT_MODE_RANDOM, tok, err, errlen) < 0)
            return -1;
        out->plan.threshold = threshold;
        return 0;
    }
    if (key_is(key, "seed")) {
        if (parse_u64(val.text, val.len, &out->plan.seed) < 0) {
            put_error(err, errlen, "expected a whole number", tok);
            return -1;
        }
        *seed = tok;
        return 0;
    }
    if (key_is(key, "min-size")) {
        if (parse_u64(val.text, val.len, &out->min_size) < 0) {
            put_error(err, errlen, "expected a size in bytes", tok);
            return -1;
        }
        return 0;
    }
    if (key_is(key, "log-max")) {
        uint64_t n;
        if (parse_u64(val.text, val.len, &n) < 0 || n > UINT32_MAX) {
            put_error(err, errlen, "expected a whole number", tok);
            return -1;
        }
        out->log_max = (uint32_t)n;
        return 0;
    }
    if (key_is(key, "site") || key_is(key, "skip-site")) {
        char *dst = key_is(key, "site") ? out->site : out->skip_site;
        /* as dso=: "a|", "|a" and "a||b" name a symbol that is never found */
        int stray = val.len > 0 && (val.text[0] == '|' || val.text[val.len - 1] == '|');
        for (size_t i = 0; i + 1 < val.len && !stray; i++)
            stray = val.text[i] == '|' && val.text[i + 1] == '|';
        if (stray) {
            put_error(err, errlen, key_is(key, "site") ? "an empty alternative in site= (a stray '|')"
                                                       : "an empty alternative in skip-site= (a stray '|')",
                      tok);
            return -1;
        }
        if (copy_string(dst, PYFAULT_SYMBOL_MAX, val) < 0) {
            put_error(err, errlen, "expected a symbol name of 1 to 127 characters", tok);
            return -1;
        }
        return 0;
    }
    if (key_is(key, "dso")) {
        const char *why = check_globs(val.text, val.len);
        if (!why && copy_string(out->dso, PYFAULT_PATH_MAX, val) < 0)
            why = "expected 1 to 511 characters of glob";
        if (why) {
            put_error(err, errlen, why, tok);
            return -1;
        }
        return 0;
    }
    if (key_is(key, "layer")) {
        static const char *const names[] = {"libc", "pymem", "all"};
        for (unsigned i = 0; i < 3; i++) {
            if (strlen(names[i]) == val.len && memcmp(val.text, names[i], val.len) == 0) {
                out->layer = (uint8_t)(PYFAULT_LAYER_LIBC + i);
                return 0;
            }
        }
        put_error(err, errlen, "expected layer=pymem, layer=libc or layer=all", tok);
        return -1;
    }
    if (key_is(key, "fork-fd")) {
        uint64_t fd;
        if (parse_u64(val.text, val.len, &fd) < 0 || fd > 65535) {
            put_error(err, errlen, "expected a descriptor number", tok);
            return -1;
        }
        if (fd <= 2) {
            /* the server would take over the target's stdin, stdout or stderr */
            put_error(err, errlen, "expected a descriptor above 2 (0, 1 and 2 are the target's own)", tok);
            return -1;
        }
        out->fork_fd = (int32_t)fd;
        return 0;
    }
    if (key_is(key, "sites-k")) {
        if (parse_u64(val.text, val.len, &out->sites_k) < 0 || out->sites_k == 0) {
            put_error(err, errlen, "expected a whole number >= 1", tok);
            return -1;
        }
        return 0;
    }
    if (key_is(key, "sites-depth")) {
        uint64_t d;
        if (parse_u64(val.text, val.len, &d) < 0 || d == 0 || d > PYFAULT_SITES_DEPTH_MAX) {
            put_error(err, errlen, "expected a number of frames from 1 to 32", tok);
            return -1;
        }
        out->sites_depth = (uint8_t)d;
        return 0;
    }
    if (key_is(key, "sites")) {
        if (copy_string(out->sites_path, PYFAULT_PATH_MAX, val) < 0) {
            put_error(err, errlen, "expected a file path of 1 to 511 characters", tok);
            return -1;
        }
        return 0;
    }
    if (key_is(key, "pad"))
        return 0; /* filler: see pyfault.h */
    if (key_is(key, "log")) {
        if (copy_string(out->log_path, PYFAULT_PATH_MAX, val) < 0) {
            put_error(err, errlen, "expected a file path of 1 to 511 characters", tok);
            return -1;
        }
        return 0;
    }
    put_error(err, errlen, "unknown key", tok);
    return -1;
}

int pyfault_spec_parse(const char *text, struct pyfault_spec *out,
                       char *err, size_t errlen)
{
    int have_mode = 0;
    struct token seed = {NULL, 0};
    unsigned seen = 0;
    memset(out, 0, sizeof *out);
    out->log_max = PYFAULT_LOG_MAX_DEFAULT;
    out->sites_k = 1;
    out->fork_fd = -1;
    out->sites_depth = PYFAULT_SITES_DEPTH_DEFAULT;
    if (errlen > 0)
        err[0] = '\0';
    if (text == NULL)
        return 0;

    const char *p = text;
    size_t total = strlen(text);
    if (total == 0)
        return 0;
    for (;;) {
        const char *comma = memchr(p, ',', total - (size_t)(p - text));
        struct token tok = {p, comma ? (size_t)(comma - p)
                                     : total - (size_t)(p - text)};
        if (tok.len == 0) {
            put_error(err, errlen, "empty token (stray comma)", tok);
            return -1;
        }
        if (parse_token(tok, out, &have_mode, &seed, &seen, err, errlen) < 0)
            return -1;
        if (!comma)
            break;
        p = comma + 1;
    }
    if (seed.len && out->plan.mode != PYFAULT_MODE_RANDOM) {
        put_error(err, errlen, "seed= needs random=P (it seeds random's choices; no other mode has any)", seed);
        return -1;
    }
    return 0;
}

const char *pyfault_layer_name(unsigned layer)
{
    static const char *const names[] = {"auto", "libc", "pymem", "all"};
    return layer < 4 ? names[layer] : "?";
}

/* splitmix64's finalizer: a good 64-bit mix, so that the failures of
 * random=P depend only on the seed and the allocation number. */
static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

int pyfault_plan_fails(const struct pyfault_plan *plan, uint64_t n)
{
    switch ((enum pyfault_mode)plan->mode) {
    case PYFAULT_MODE_COUNT:
        return 0;
    case PYFAULT_MODE_NTH:
        return n == plan->a;
    case PYFAULT_MODE_FROM:
        return n >= plan->a;
    case PYFAULT_MODE_RANGE:
        return n >= plan->a && n <= plan->b;
    case PYFAULT_MODE_EVERY:
        return plan->a != 0 && n % plan->a == 0;
    case PYFAULT_MODE_RANDOM:
        if (plan->threshold == UINT64_MAX)
            return 1;
        return mix64(plan->seed ^ mix64(n)) < plan->threshold;
    case PYFAULT_MODE_NOMEMORY: {
        if (n <= plan->base)
            return 0;
        uint64_t rel = n - plan->base;
        return rel > plan->a && (plan->b == 0 || rel <= plan->b);
    }
    }
    return 0;
}
