/* report_model.c: results.json into structs, by one table of field
 * descriptors per object (the schema, restated once) and one loader that
 * walks them. Every check names the JSON path, so a bad file costs its
 * author one look, not a debugging session. */
#include "report_model.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "controls.h"

struct ld {
    char *err;
    size_t errlen;
    const char *file;
    int failed;
    struct pf_strtab *intern;    /* non-NULL: strings are copied in here (the
                                    element's tree is freed once loaded) */
};

static void bad(struct ld *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void bad(struct ld *l, const char *fmt, ...)
{
    if (l->failed)
        return;
    l->failed = 1;
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(l->err, l->errlen, "%.300s: %s", l->file, msg);
    pf_scrub_controls(l->err); /* one line, nothing a terminal acts on */
}

/* How a member of results.json is read: what it must be and where in
 * the structs it goes. A table of these per object replaces a loader per
 * object; K_CHECK entries run a check on what the entries above loaded. */
enum kind {
    K_END,
    K_STRING,    /* const char *: "" when absent and optional */
    K_NULLABLE,  /* const char *: the string, else NULL; never an error */
    K_COUNT,     /* long: an integer from 0 to COUNT_MAX; .dflt when absent and optional */
    K_NUMBER,    /* double */
    K_BOOL,      /* int */
    K_POINT,     /* long: null (-1) or an integer >= 1 */
    K_CLASS,     /* enum pf_class: a class name */
    K_CLASSES,   /* unsigned: an array of class names, as bits */
    K_COUNTS,    /* long[PF_CLASS_COUNT]: an object class -> count */
    K_STRINGS,   /* const char **, its length at .n_at: an array of strings */
    K_OBJECT,    /* nothing kept: an object */
    K_FILES,     /* struct pf_rfile *, its length at .n_at: an array of input files; NULL when absent */
    K_CHECK,     /* .check(): cross-checks of the element so far */
};

struct field {
    enum kind kind;
    const char *key;
    size_t at;                   /* offset of the member in the element */
    int optional;
    long dflt;                   /* K_COUNT when absent */
    const char *const *one_of;   /* K_STRING: the values allowed (NULL: any) */
    int unique;                  /* K_STRING: no two elements share it */
    size_t n_at;                 /* K_STRINGS: offset of the length */
    void (*check)(struct ld *l, struct pf_results *r, size_t i, json_t *o, const char *where);
};

/* The offset of member M of struct T, a compile error unless M is a TYPE. */
#define AT(T, m, type) (offsetof(struct T, m) + _Generic(((struct T *)0)->m, type: 0))
#define FIELD(k, key_, at_, ...) {.kind = k, .key = key_, .at = at_, __VA_ARGS__}
#define STRING(key, T, m, ...) FIELD(K_STRING, key, AT(T, m, const char *), __VA_ARGS__)
#define NULLABLE(key, T, m) FIELD(K_NULLABLE, key, AT(T, m, const char *))
#define COUNT(key, T, m, ...) FIELD(K_COUNT, key, AT(T, m, long), __VA_ARGS__)
#define NUMBER(key, T, m) FIELD(K_NUMBER, key, AT(T, m, double))
#define BOOL(key, T, m) FIELD(K_BOOL, key, AT(T, m, int))
#define POINT(key, T, m) FIELD(K_POINT, key, AT(T, m, long))
#define CLASS(key, T, m) FIELD(K_CLASS, key, AT(T, m, enum pf_class))
#define CLASSES(key, T, m) FIELD(K_CLASSES, key, AT(T, m, unsigned))
#define COUNTS(key, T, m) FIELD(K_COUNTS, key, AT(T, m, long *))
#define STRINGS(key, T, m, n, ...) FIELD(K_STRINGS, key, AT(T, m, const char **), .n_at = AT(T, n, size_t), __VA_ARGS__)
#define OBJECT(key) FIELD(K_OBJECT, key, 0)
#define FILES(key, T, m, n) \
    FIELD(K_FILES, key, AT(T, m, struct pf_rfile *), .n_at = AT(T, n, size_t), .optional = 1)
#define CHECK(fn) {.kind = K_CHECK, .check = fn}
#define END {.kind = K_END}

/* The largest count (trials, milliseconds, ...) a file may hold: 2^40,
 * far beyond any run, so that the readers' sums over cells, classes and
 * trials cannot overflow a long (found by tests/fuzz/fuzz_results). */
#define COUNT_MAX (1L << 40)

/* True when V is a count: an integer from 0 to COUNT_MAX. */
static int is_count(json_t *v)
{
    return json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= COUNT_MAX;
}

static const char *const plans[] = {"none", "oneshot", "persistent", "both", "runtime", "startup", NULL};
static const char *const modes[] = {"oneshot", "persistent", "none", "runtime", NULL};

/* One element being loaded: its JSON-path name, index and place. */
struct elem {
    const char *where;           /* "cells[3]" */
    size_t i, size;              /* its index; the size of one element */
    char *base;                  /* the element's struct */
};

static void *alloc_n(struct ld *l, size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size);
    if (!p)
        bad(l, "out of memory");
    return p;
}

/* The array A (named W) of {arg, path, sha256} objects into *OUT, *N;
 * *OUT stays NULL when A is not an array. */
static void load_files(struct ld *l, struct pf_results *r, json_t *a, const char *w,
                       struct pf_rfile **out, size_t *n);

static int cls(struct ld *l, json_t *v, const char *where)
{
    int c = json_is_string(v) ? pf_class_from_name(json_string_value(v)) : -1;
    if (c < 0)
        bad(l, "%s: not a class (ok, error, fatal, abort, segfault, stack-overflow, "
               "unwind-loop, hang, signal, harness-error)", where);
    return c < 0 ? PF_HARNESS_ERROR : c;
}

static void counts(struct ld *l, json_t *o, const char *where, long out[PF_CLASS_COUNT])
{
    memset(out, 0, sizeof(long) * PF_CLASS_COUNT);
    if (!json_is_object(o)) {
        bad(l, "%s: %s", where, o ? "not an object" : "missing");
        return;
    }
    const char *k;
    json_t *v;
    json_object_foreach(o, k, v) {
        int c = pf_class_from_name(k);
        if (c < 0)
            bad(l, "%s: unknown class \"%.40s\"", where, k);
        else if (!is_count(v))
            bad(l, "%s.%s: not an integer from 0 to 2^40", where, k);
        else
            out[c] = (long)json_integer_value(v);
    }
}

/* S as the model keeps it: itself, or its copy in L->intern. */
static const char *kept(struct ld *l, const char *s)
{
    if (!l->intern)
        return s;
    long k = pf_strtab_intern(l->intern, s);
    if (k < 0)
        bad(l, "out of memory");
    return pf_strtab_get(l->intern, k);
}

static const char **strings(struct ld *l, json_t *a, const char *where, size_t *n)
{
    *n = json_array_size(a);
    const char **out = calloc(*n ? *n : 1, sizeof *out);
    if (!out) {
        bad(l, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < *n; i++) {
        json_t *v = json_array_get(a, i);
        out[i] = kept(l, json_is_string(v) ? json_string_value(v) : "");
        if (!json_is_string(v))
            bad(l, "%s[%zu]: not a string", where, i);
    }
    return out;
}

static int one_of(const char *s, const char *const *set)
{
    for (; *set; set++)
        if (strcmp(s, *set) == 0)
            return 1;
    return 0;
}

/* SET as "a, b or c". */
static void say_set(const char *const *set, char *out, size_t outlen)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t k = 0; set[k] && used < outlen; k++)
        used += (size_t)snprintf(out + used, outlen - used, "%s%s",
                                 k == 0 ? "" : set[k + 1] ? ", " : " or ", set[k]);
}

/* A K_STRING member V (named W): in its set, unique in its section.
 * Returns it, or "" when it is not a string. */
static const char *load_string(struct ld *l, json_t *v, const struct field *f, const char *w,
                               const struct elem *e)
{
    const char *s = json_is_string(v) ? json_string_value(v) : "";
    char set[128];
    if (f->one_of && json_is_string(v) && !one_of(s, f->one_of)) {
        say_set(f->one_of, set, sizeof set);
        bad(l, "%s: \"%.40s\" is not %s", w, s, set);
    }
    for (size_t j = 0; f->unique && json_is_string(v) && j < e->i; j++)
        if (strcmp(*(const char **)(void *)(e->base - (e->i - j) * e->size + f->at), s) == 0)
            bad(l, "%s: \"%.60s\" appears twice", w, s);
    return kept(l, s);
}

/* Member F of JSON object O into element E (of R, for nested tables). */
static void load_field(struct ld *l, struct pf_results *r, json_t *o, const struct field *f,
                       const struct elem *e)
{
    json_t *v = json_object_get(o, f->key);
    void *at = e->base + f->at; /* a member of the type F's kind says (AT) */
    char w[160];
    snprintf(w, sizeof w, "%s.%s", e->where, f->key);
    const char *want = NULL;    /* what V is not, and should be */
    int count = is_count(v);
    switch (f->kind) {
    case K_STRING:
        *(const char **)at = load_string(l, v, f, w, e);
        want = json_is_string(v) ? NULL : "a string";
        break;
    case K_NULLABLE:
        *(const char **)at = json_is_string(v) ? kept(l, json_string_value(v)) : NULL;
        return;
    case K_COUNT:
        *(long *)at = count ? (long)json_integer_value(v) : f->dflt;
        want = count ? NULL : "an integer from 0 to 2^40";
        break;
    case K_NUMBER:
        *(double *)at = json_number_value(v);
        want = json_is_number(v) ? NULL : "a number";
        break;
    case K_BOOL:
        *(int *)at = json_is_true(v);
        want = json_is_boolean(v) ? NULL : "a boolean";
        break;
    case K_POINT:
        *(long *)at = json_is_integer(v) ? (long)json_integer_value(v) : -1;
        want = json_is_null(v) || (json_is_integer(v) && *(long *)at >= 1) ? NULL
                                                                            : "null or an integer >= 1";
        break;
    case K_CLASS:
        *(enum pf_class *)at = (enum pf_class)cls(l, v, w);
        return;
    case K_CLASSES: {
        char w2[192];
        *(unsigned *)at = 0;
        for (size_t k = 0; !l->failed && k < json_array_size(v); k++) {
            snprintf(w2, sizeof w2, "%s[%zu]", w, k);
            *(unsigned *)at |= 1u << cls(l, json_array_get(v, k), w2);
        }
        want = json_is_array(v) ? NULL : "an array";
        break;
    }
    case K_COUNTS:
        counts(l, v, w, at);
        return;
    case K_STRINGS:
        *(const char ***)at = strings(l, v, w, (size_t *)(void *)(e->base + f->n_at));
        want = json_is_array(v) ? NULL : "an array";
        break;
    case K_OBJECT:
        want = json_is_object(v) ? NULL : "an object";
        break;
    case K_FILES:
        load_files(l, r, v, w, at, (size_t *)(void *)(e->base + f->n_at));
        want = json_is_array(v) ? NULL : "an array";
        break;
    case K_END:
    case K_CHECK:
        return;
    }
    if (want && (v || !f->optional))
        bad(l, "%s: %s%s", w, v ? "not " : "missing", v ? want : "");
}

/* JSON object O into element E by the table F; a K_CHECK runs only while
 * nothing has failed. */
static void load_fields(struct ld *l, struct pf_results *r, json_t *o, const struct field *f,
                        const struct elem *e)
{
    for (; f->kind != K_END; f++)
        if (f->kind != K_CHECK)
            load_field(l, r, o, f, e);
        else if (!l->failed)
            f->check(l, r, e->i, o, e->where);
}

/* True when S is 64 lowercase hex digits, as sha256sum prints them. */
static int is_sha256(const char *s)
{
    size_t n = 0;
    while (n < 64 && ((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
        n++;
    return n == 64 && !s[n];
}

static void check_sha256(struct ld *l, struct pf_results *r, size_t i, json_t *o, const char *w)
{
    (void)o;
    if (!is_sha256(r->interps[i].sha256))
        bad(l, "%s.sha256: not 64 lowercase hex digits", w);
}

/* An input file's sha256, the one merge and repro compare. */
static void check_file_sha256(struct ld *l, struct pf_results *r, size_t i, json_t *o,
                              const char *w)
{
    (void)r;
    (void)i;
    if (!is_sha256(json_string_value(json_object_get(o, "sha256"))))
        bad(l, "%s.sha256: not 64 lowercase hex digits", w);
}

static const struct field file_fields[] = {
    COUNT("arg", pf_rfile, arg, .optional = 1, .dflt = -1),
    STRING("path", pf_rfile, path),
    STRING("sha256", pf_rfile, sha256),
    CHECK(check_file_sha256),
    END,
};

static void load_files(struct ld *l, struct pf_results *r, json_t *a, const char *w,
                       struct pf_rfile **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    if (!json_is_array(a))
        return;
    *out = alloc_n(l, json_array_size(a), sizeof **out);
    if (!*out)
        return;
    *n = json_array_size(a);
    for (size_t i = 0; !l->failed && i < *n; i++) {
        char wi[192];
        snprintf(wi, sizeof wi, "%s[%zu]", w, i);
        json_t *o = json_array_get(a, i);
        struct elem e = {wi, i, sizeof **out, (char *)&(*out)[i]};
        if (!json_is_object(o))
            bad(l, "%s: not an object", wi);
        else
            load_fields(l, r, o, file_fields, &e);
    }
}

/* A cell's scenario and interpreter exist, and it is their only cell. */
static void check_cell(struct ld *l, struct pf_results *r, size_t i, json_t *o, const char *w)
{
    struct pf_rcell *c = &r->cells[i];
    (void)o;
    c->scenario = pf_results_scenario(r, c->scenario_id);
    c->interp = pf_results_interp(r, c->interp_id);
    if (c->scenario < 0)
        bad(l, "%s.scenario: \"%.60s\" is not in scenarios", w, c->scenario_id);
    else if (c->interp < 0)
        bad(l, "%s.interpreter: \"%.60s\" is not in interpreters", w, c->interp_id);
    else if (pf_results_cell(r, c->scenario, c->interp) != (int)i)
        bad(l, "%s: a second cell for %.60s x %.60s", w, c->scenario_id, c->interp_id);
}

/* A trial's cell and finding exist; "expected" is the file's or the
 * cell's. */
static void check_trial(struct ld *l, struct pf_results *r, size_t i, json_t *o, const char *w)
{
    struct pf_rtrial *t = &r->trials[i];
    t->scenario = pf_results_scenario(r, t->scenario_id);
    t->interp = pf_results_interp(r, t->interp_id);
    t->cell = t->scenario < 0 || t->interp < 0 ? -1 : pf_results_cell(r, t->scenario, t->interp);
    if (t->cell < 0)
        bad(l, "%s: no cell for %.60s x %.60s", w, t->scenario_id, t->interp_id);
    else if ((size_t)t->finding >= r->n_findings)
        bad(l, "%s.finding: %ld is past the %zu findings", w, t->finding, r->n_findings);
    if (l->failed)
        return;
    json_t *e = json_object_get(o, "expected");
    const struct pf_rcell *c = &r->cells[t->cell];
    if (json_is_boolean(e))
        t->expected = json_is_true(e);
    else if (e)
        bad(l, "%s.expected: not a boolean", w);
    else
        t->expected = c->expected == 0 || (c->expected & (1u << t->cls)) != 0;
    if (!t->expected)
        r->findings[t->finding].unexpected = 1;
}

/* "cwd" is absolute: repro changes into it, from wherever it is run. */
static void check_cwd(struct ld *l, struct pf_results *r, size_t i, json_t *o, const char *w)
{
    (void)i;
    (void)o;
    if (r->cwd[0] && r->cwd[0] != '/')
        bad(l, "%s.cwd: not an absolute path", w);
}

static const struct field target_plan_fields[] = {
    STRING("kind", pf_rtarget, plan_kind),
    COUNT("sites", pf_rtarget, plan_sites, .optional = 1, .dflt = -1),
    COUNT("chosen", pf_rtarget, plan_chosen, .optional = 1, .dflt = -1),
    COUNT("sampled", pf_rtarget, plan_sampled, .optional = 1, .dflt = -1),
    END,
};

/* A target's "plan" (optional): its kind and a site plan's counts. */
static void check_target_plan(struct ld *l, struct pf_results *r, size_t i, json_t *o, const char *w)
{
    json_t *p = json_object_get(o, "plan");
    struct pf_rtarget *t = &r->targets[i];
    char wp[96];
    t->plan_kind = "";
    t->plan_sites = t->plan_chosen = t->plan_sampled = -1;
    if (!p)
        return;
    snprintf(wp, sizeof wp, "%s.plan", w);
    struct elem e = {wp, i, sizeof *r->targets, (char *)t};
    if (!json_is_object(p))
        bad(l, "%s: not an object", wp);
    else
        load_fields(l, r, p, target_plan_fields, &e);
}

static const struct field target_fields[] = {
    FILES("files", pf_rtarget, files, n_files),
    COUNT("allocations", pf_rtarget, allocations, .optional = 1, .dflt = -1),
    COUNT("first_point", pf_rtarget, first_point, .optional = 1, .dflt = -1),
    COUNT("step", pf_rtarget, step, .optional = 1, .dflt = -1),
    COUNT("points_within_m", pf_rtarget, points_within_m, .optional = 1, .dflt = -1),
    NULLABLE("layer", pf_rtarget, layer),
    CHECK(check_target_plan),
    END,
};

/* A sweep's own $.counts and $.targets, kept for the totals check and
 * (the targets' files) for merge. */
static void check_sweep_keys(struct ld *l, struct pf_results *r, size_t i, json_t *o, const char *w)
{
    json_t *c = json_object_get(o, "counts"), *t = json_object_get(o, "targets");
    (void)i;
    r->has_sweep_counts = c != NULL;
    if (c)
        counts(l, c, "$.counts", r->sweep_counts);
    if (t && !json_is_array(t))
        bad(l, "%s.targets: not an array", w);
    r->targets = alloc_n(l, json_array_size(t), sizeof *r->targets);
    r->n_targets = r->targets ? json_array_size(t) : 0;
    for (size_t k = 0; !l->failed && k < r->n_targets; k++) {
        char wk[64];
        snprintf(wk, sizeof wk, "targets[%zu]", k);
        struct elem e = {wk, k, sizeof *r->targets, (char *)&r->targets[k]};
        if (!json_is_object(json_array_get(t, k)))
            bad(l, "%s: not an object", wk);
        else
            load_fields(l, r, json_array_get(t, k), target_fields, &e);
    }
}

static const struct field root_fields[] = {
    BOOL("complete", pf_results, complete),
    STRING("created", pf_results, created),
    STRING("cwd", pf_results, cwd, .optional = 1),
    CHECK(check_cwd),
    COUNT("planned", pf_results, planned, .optional = 1, .dflt = -1),
    COUNT("done", pf_results, done, .optional = 1, .dflt = -1),
    CHECK(check_sweep_keys),
    END,
};

/* Which shard of a run the file holds. */
struct shard_pos {
    long index, count;
};

static const struct field shard_fields[] = {
    COUNT("index", shard_pos, index),
    COUNT("count", shard_pos, count),
    END,
};

static const struct field interp_fields[] = {
    STRING("id", pf_rinterp, id, .unique = 1),
    STRING("path", pf_rinterp, path),
    STRING("version", pf_rinterp, version),
    STRING("variant", pf_rinterp, variant),
    STRING("sha256", pf_rinterp, sha256),
    CHECK(check_sha256),
    END,
};

static const struct field scenario_fields[] = {
    STRING("id", pf_rscenario, id, .unique = 1),
    STRING("path", pf_rscenario, path),
    STRING("issue", pf_rscenario, issue),
    STRING("plan", pf_rscenario, plan, .one_of = plans),
    STRING("inject", pf_rscenario, inject),
    COUNT("stride", pf_rscenario, stride, .optional = 1),
    STRING("site_plan", pf_rscenario, site_plan, .optional = 1),
    NUMBER("timeout_s", pf_rscenario, timeout_s),
    OBJECT("expect"),
    FILES("files", pf_rscenario, files, n_files),
    END,
};

static const struct field cell_fields[] = {
    STRING("scenario", pf_rcell, scenario_id),
    STRING("interpreter", pf_rcell, interp_id),
    CHECK(check_cell),
    CLASSES("expected", pf_rcell, expected),
    COUNTS("counts", pf_rcell, counts),
    COUNT("trials", pf_rcell, trials),
    COUNT("unexpected", pf_rcell, unexpected),
    COUNT("allocations", pf_rcell, allocations, .optional = 1, .dflt = -1),
    NULLABLE("error", pf_rcell, error),
    END,
};

static const struct field finding_fields[] = {
    COUNT("id", pf_rfinding, id),
    STRING("signature", pf_rfinding, signature),
    STRING("subkind", pf_rfinding, subkind, .optional = 1),
    STRING("repro", pf_rfinding, repro),
    STRING("detail", pf_rfinding, detail, .optional = 1),
    COUNT("count", pf_rfinding, count),
    CLASS("class", pf_rfinding, cls),
    STRINGS("frames", pf_rfinding, frames, n_frames),
    STRINGS("sources", pf_rfinding, sources, n_sources, .optional = 1),
    STRINGS("interpreters", pf_rfinding, interps, n_interps),
    STRINGS("scenarios", pf_rfinding, scenarios, n_scenarios),
    END,
};

static const struct field trial_fields[] = {
    STRING("scenario", pf_rtrial, scenario_id),
    STRING("interpreter", pf_rtrial, interp_id),
    STRING("mode", pf_rtrial, mode, .one_of = modes),
    STRING("subkind", pf_rtrial, subkind),
    STRING("signature", pf_rtrial, signature),
    STRING("site_key", pf_rtrial, site_key, .optional = 1),
    COUNT("duration_ms", pf_rtrial, duration_ms),
    COUNT("finding", pf_rtrial, finding),
    CLASS("class", pf_rtrial, cls),
    POINT("point", pf_rtrial, point),
    COUNT("target", pf_rtrial, target, .optional = 1, .dflt = -1),
    CHECK(check_trial),
    END,
};

static const struct field summary_fields[] = {
    COUNT("trials", pf_results, total_trials),
    COUNT("unexpected", pf_results, total_unexpected),
    COUNT("duration_ms", pf_results, duration_ms, .optional = 1),
    COUNTS("counts", pf_results, counts),
    OBJECT("by_interpreter"),
    END,
};

/* An array of results.json and where its elements go in struct pf_results. */
struct section {
    const char *key;
    const struct field *fields;
    size_t size, at, n_at;       /* element size; offsets of the array, its length */
};

#define SECTION(key, fields, T, m, n) \
    {key, fields, sizeof(struct T), AT(pf_results, m, struct T *), AT(pf_results, n, size_t)}

/* In this order: cells name scenarios and interpreters, trials name cells
 * and findings. */
static const struct section sections[] = {
    SECTION("interpreters", interp_fields, pf_rinterp, interps, n_interps),
    SECTION("scenarios", scenario_fields, pf_rscenario, scenarios, n_scenarios),
    SECTION("cells", cell_fields, pf_rcell, cells, n_cells),
    SECTION("findings", finding_fields, pf_rfinding, findings, n_findings),
    SECTION("trials", trial_fields, pf_rtrial, trials, n_trials),
};

/* Element I of section S: from the tree, or (the section a lazy file left
 * as text) parsed now. A new reference; NULL when memory runs out. */
static json_t *section_element(const struct pf_results *r, json_t *a, int lazy, size_t i)
{
    return lazy ? pf_json_lazy_element(r->lazy, i) : json_incref(json_array_get(a, i));
}

static void load_section(struct ld *l, struct pf_results *r, const struct section *s)
{
    int lazy = r->lazy && r->lazy->present && strcmp(s->key, r->lazy->key) == 0;
    json_t *a = json_object_get(r->root, s->key);
    if (!lazy && !json_is_array(a))
        bad(l, "$.%s: %s", s->key, a ? "not an array" : "missing");
    size_t n = lazy ? r->lazy->n : json_array_size(a);
    char *v = alloc_n(l, n, s->size);
    memcpy((char *)r + s->at, &v, sizeof v); /* a struct pf_rX *, whichever X */
    memcpy((char *)r + s->n_at, &n, sizeof n);
    /* what the model keeps of a lazy element outlives its tree */
    l->intern = lazy ? &r->trial_strings : NULL;
    for (size_t i = 0; !l->failed && i < n; i++) {
        char w[64];
        snprintf(w, sizeof w, "%s[%zu]", s->key, i);
        struct elem e = {w, i, s->size, v + i * s->size};
        json_t *o = section_element(r, a, lazy, i);
        if (!o)
            bad(l, "out of memory");
        else
            load_fields(l, r, o, s->fields, &e);
        json_decref(o);
    }
    l->intern = NULL;
}

static const struct pf_results *sort_r;

/* Trials of a cell together, then by mode, then single runs before points. */
static int order_cmp(const void *a, const void *b)
{
    const struct pf_rtrial *x = &sort_r->trials[*(const size_t *)a];
    const struct pf_rtrial *y = &sort_r->trials[*(const size_t *)b];
    if (x->cell != y->cell)
        return x->cell < y->cell ? -1 : 1;
    int m = strcmp(x->mode, y->mode);
    if (m)
        return m;
    if (x->point != y->point)
        return x->point < y->point ? -1 : 1;
    return *(const size_t *)a < *(const size_t *)b ? -1 : 1;
}

static void build_order(struct ld *l, struct pf_results *r)
{
    r->order = alloc_n(l, r->n_trials, sizeof *r->order);
    if (l->failed)
        return;
    for (size_t i = 0; i < r->n_trials; i++)
        r->order[i] = i;
    sort_r = r;
    qsort(r->order, r->n_trials, sizeof *r->order, order_cmp);
    sort_r = NULL;
    for (size_t i = 0; i < r->n_trials; i++) {
        struct pf_rcell *c = &r->cells[r->trials[r->order[i]].cell];
        if (c->n++ == 0)
            c->first = i;
    }
}

/* pf_results_from_json of ROOT, whose trials LAZY (taken over, may be
 * NULL) may hold as text. */
static int results_from(struct pf_results *r, json_t *root, struct pf_json_lazy *lazy,
                        char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    r->lazy = lazy;
    struct ld l = {err, errlen, "results.json", 0, NULL};
    if (!json_is_object(root)) {
        bad(&l, "not a JSON object");
        pf_results_free(r);
        return -1;
    }
    r->root = json_incref(root);
    json_t *schema = json_object_get(root, "schema");
    json_t *version = json_object_get(root, "version");
    if (json_is_string(schema) && strcmp(json_string_value(schema), "pyfault-baseline") == 0)
        bad(&l, "$.schema: \"pyfault-baseline\": a gate baseline, not the results.json of a "
                "sweep, matrix or pytest run");
    else if (!json_is_string(schema) || strcmp(json_string_value(schema), "pyfault-results") != 0)
        bad(&l, "$.schema: not \"pyfault-results\" (want the results.json of a sweep, matrix or "
                "pytest run)");
    else if (!json_is_integer(version) || json_integer_value(version) != 1)
        bad(&l, "$.version: this pyfault reads version 1 only");
    struct elem top = {"$", 0, sizeof *r, (char *)r};
    load_fields(&l, r, root, root_fields, &top);
    json_t *shard = json_object_get(root, "shard");
    if (json_is_object(shard)) {
        struct shard_pos pos;
        struct elem e = {"shard", 0, sizeof pos, (char *)&pos};
        load_fields(&l, r, shard, shard_fields, &e);
        r->shard_index = (int)pos.index;
        r->shard_count = (int)pos.count;
        if (!l.failed && (r->shard_index < 1 || r->shard_index > r->shard_count))
            bad(&l, "$.shard: index %d is not in 1..%d", r->shard_index, r->shard_count);
    } else if (shard && !json_is_null(shard)) {
        bad(&l, "$.shard: not an object or null");
    }
    for (size_t k = 0; k < sizeof sections / sizeof *sections && !l.failed; k++)
        load_section(&l, r, &sections[k]);
    json_t *summary = json_object_get(root, "summary");
    struct elem sum = {"summary", 0, sizeof *r, (char *)r};
    if (!l.failed && !json_is_object(summary))
        bad(&l, "$.summary: %s", summary ? "not an object" : "missing");
    else if (!l.failed)
        load_fields(&l, r, summary, summary_fields, &sum);
    if (!l.failed)
        build_order(&l, r);
    if (l.failed) {
        pf_results_free(r);
        return -1;
    }
    return 0;
}

int pf_results_from_json(struct pf_results *r, json_t *root, char *err, size_t errlen)
{
    return results_from(r, root, NULL, err, errlen);
}

int pf_results_from_lazy(struct pf_results *r, struct pf_json_lazy *z, const char *path, char *err,
                         size_t errlen)
{
    int rc = results_from(r, z->root, z, err, errlen);
    char why[400];
    if (rc == 0 && pf_results_check_totals(r, why, sizeof why) < 0) {
        /* what merge refuses, report, gate and repro refuse too */
        pf_results_free(r);
        snprintf(err, errlen, "%.300s: inconsistent totals: %s", path, why);
        rc = -1;
    } else if (rc < 0) {
        /* name the real file, not "results.json" */
        const char *msg = strchr(err, ':');
        char tmp[600];
        snprintf(tmp, sizeof tmp, "%.300s%s", path, msg ? msg : "");
        snprintf(err, errlen, "%s", tmp);
    }
    if (rc < 0)
        pf_scrub_controls(err);
    return rc;
}

int pf_results_load(struct pf_results *r, const char *path, char *err, size_t errlen)
{
    memset(r, 0, sizeof *r);
    struct pf_json_lazy *z = malloc(sizeof *z);
    if (!z) {
        snprintf(err, errlen, "%.300s: out of memory", path);
        return -1;
    }
    if (pf_json_lazy_load(z, path, "trials", JSON_REJECT_DUPLICATES, err, errlen) < 0) {
        free(z);
        return -1;
    }
    return pf_results_from_lazy(r, z, path, err, errlen);
}

json_t *pf_results_trial_json(const struct pf_results *r, size_t i)
{
    if (r->lazy && r->lazy->present)
        return pf_json_lazy_element(r->lazy, i);
    return json_deep_copy(json_array_get(json_object_get(r->root, "trials"), i));
}

/* No trial twice (a cell's trials are ordered by mode and point), each
 * trial's target in $.targets. Returns 0, or -1 with ERR. */
static int check_trials(const struct pf_results *r, char *err, size_t errlen)
{
    for (size_t i = 0; i < r->n_trials; i++) {
        const struct pf_rtrial *t = &r->trials[r->order[i]];
        if (t->target >= 0 && (size_t)t->target >= r->n_targets) {
            snprintf(err, errlen, "trials[%zu].target: %ld is past the %zu targets", r->order[i],
                     t->target, r->n_targets);
            return -1;
        }
        const struct pf_rtrial *p = i ? &r->trials[r->order[i - 1]] : NULL;
        if (p && t->point >= 1 && p->cell == t->cell && p->point == t->point &&
            strcmp(p->mode, t->mode) == 0) {
            snprintf(err, errlen, "trials[%zu] and trials[%zu]: one trial twice (%.60s x %.60s, %s, "
                     "point %ld)", r->order[i - 1], r->order[i], t->scenario_id, t->interp_id,
                     t->mode, t->point);
            return -1;
        }
    }
    return 0;
}

/* A sweep's own keys: done (its trials) within planned, $.counts as the
 * summary's. Returns 0, or -1 with ERR. */
static int check_sweep(const struct pf_results *r, char *err, size_t errlen)
{
    if (r->done >= 0 && r->done != (long)r->n_trials) {
        snprintf(err, errlen, "done: %ld; %zu trials listed", r->done, r->n_trials);
        return -1;
    }
    if (r->done >= 0 && r->planned >= 0 && r->done > r->planned) {
        snprintf(err, errlen, "done: %ld, more than the %ld planned", r->done, r->planned);
        return -1;
    }
    for (int k = 0; r->has_sweep_counts && k < PF_CLASS_COUNT; k++)
        if (r->sweep_counts[k] != r->counts[k]) {
            snprintf(err, errlen, "counts.%s: %ld; summary.counts.%s: %ld", pf_class_name(k),
                     r->sweep_counts[k], pf_class_name(k), r->counts[k]);
            return -1;
        }
    return 0;
}

int pf_results_check_totals(const struct pf_results *r, char *err, size_t errlen)
{
    long sum[PF_CLASS_COUNT] = {0}, trials = 0, unexpected = 0;
    long *fcount = calloc(r->n_findings ? r->n_findings : 1, sizeof *fcount);
    if (!fcount) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = -1;
    for (size_t t = 0; t < r->n_trials; t++)
        fcount[r->trials[t].finding]++;
    for (size_t i = 0; i < r->n_cells; i++) {
        const struct pf_rcell *c = &r->cells[i];
        long n = 0, u = 0;
        for (int k = 0; k < PF_CLASS_COUNT; k++) {
            n += c->counts[k];
            sum[k] += c->counts[k];
        }
        for (size_t j = c->first; j < c->first + c->n; j++)
            u += !r->trials[r->order[j]].expected;
        const char *who = r->scenarios[c->scenario].id, *iid = r->interps[c->interp].id;
        if (n != c->trials || (long)c->n != c->trials) {
            snprintf(err, errlen, "cell %.60s x %.60s: trials %ld, counts sum to %ld, %zu trials listed",
                     who, iid, c->trials, n, c->n);
            goto out;
        }
        if (u != c->unexpected) {
            snprintf(err, errlen, "cell %.60s x %.60s: unexpected %ld, %ld trials listed unexpected",
                     who, iid, c->unexpected, u);
            goto out;
        }
        trials += c->trials;
        unexpected += c->unexpected;
    }
    if (check_trials(r, err, errlen) < 0)
        goto out;
    for (size_t f = 0; f < r->n_findings; f++)
        if (r->findings[f].count == 0 || fcount[f] != r->findings[f].count) {
            snprintf(err, errlen, "finding %zu (%.100s): count %ld, %ld trials name it", f,
                     r->findings[f].signature, r->findings[f].count, fcount[f]);
            goto out;
        }
    if (trials != r->total_trials || unexpected != r->total_unexpected) {
        snprintf(err, errlen, "summary: %ld trials, %ld unexpected; the cells hold %ld, %ld",
                 r->total_trials, r->total_unexpected, trials, unexpected);
        goto out;
    }
    for (int k = 0; k < PF_CLASS_COUNT; k++)
        if (sum[k] != r->counts[k]) {
            snprintf(err, errlen, "summary.counts.%s: %ld; the cells hold %ld", pf_class_name(k),
                     r->counts[k], sum[k]);
            goto out;
        }
    rc = check_sweep(r, err, errlen);
out:
    free(fcount);
    return rc;
}

void pf_results_free(struct pf_results *r)
{
    for (size_t i = 0; r->findings && i < r->n_findings; i++) {
        free(r->findings[i].frames);
        free(r->findings[i].sources);
        free(r->findings[i].interps);
        free(r->findings[i].scenarios);
    }
    for (size_t i = 0; r->scenarios && i < r->n_scenarios; i++)
        free(r->scenarios[i].files);
    for (size_t i = 0; r->targets && i < r->n_targets; i++)
        free(r->targets[i].files);
    free(r->targets);
    free(r->interps);
    free(r->scenarios);
    free(r->cells);
    free(r->trials);
    free(r->findings);
    free(r->order);
    json_decref(r->root);
    if (r->lazy)
        pf_json_lazy_free(r->lazy);
    free(r->lazy);
    pf_strtab_free(&r->trial_strings);
    memset(r, 0, sizeof *r);
}

int pf_results_cell(const struct pf_results *r, int s, int i)
{
    for (size_t c = 0; c < r->n_cells; c++)
        if (r->cells[c].scenario == s && r->cells[c].interp == i)
            return (int)c;
    return -1;
}

int pf_results_interp(const struct pf_results *r, const char *id)
{
    for (size_t i = 0; i < r->n_interps; i++)
        if (strcmp(r->interps[i].id, id) == 0)
            return (int)i;
    return -1;
}

int pf_results_scenario(const struct pf_results *r, const char *id)
{
    for (size_t i = 0; i < r->n_scenarios; i++)
        if (strcmp(r->scenarios[i].id, id) == 0)
            return (int)i;
    return -1;
}

long pf_results_finding(const struct pf_results *r, enum pf_class cls, const char *sig)
{
    for (size_t i = 0; i < r->n_findings; i++)
        if (r->findings[i].cls == cls && strcmp(r->findings[i].signature, sig) == 0)
            return (long)i;
    return -1;
}
