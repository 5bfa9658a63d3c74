/* journal.c: the journal's lines, written one write(2) each and read
 * back with jansson. Lines say what they are ("kind": "sweep", "target",
 * "trial"); unknown keys are ignored so that a later version can add
 * some. */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "classify.h"
#include "clock.h"
#include "controls.h"
#include "forkserver.h"
#include "options.h"
#include "private_file.h"
#include "result_json.h"
#include "sweep_plan.h"
#include "utf8.h"

#define JOURNAL_VERSION 1
#define JOURNAL_MAX_BYTES ((size_t)1 << 32)

/* indexed by PF_FORKSRV_* (forkserver.h) */
static const char *const engine_names[PF_FORKSRV_HOW_COUNT] = {"exec", "forked", "threads", "other",
                                                               "state"};
/* enum pf_stop's values but PF_STOP_INTERRUPTED (such a trial is no result) */
static const char *const stop_names[] = {"exited", "timeout", "loop", "stall"};

static void say(char *err, size_t errlen, const char *path, int e)
{
    snprintf(err, errlen, "%.900s: %s", path, strerror(e ? e : EIO));
}

/* Index of NAME in NAMES[0..N), or -1. */
static int name_index(const char *name, const char *const *names, int n)
{
    for (int i = 0; name && i < n; i++)
        if (strcmp(names[i], name) == 0)
            return i;
    return -1;
}

/* Reads O's optional hex string KEY into *OUT, setting *HAS. Returns 0,
 * or -1 when it is there but not hex. */
static int read_hex(json_t *o, const char *key, int *has, uint64_t *out)
{
    const char *text = json_string_value(json_object_get(o, key));
    char *end = NULL;
    *has = 0;
    if (!json_object_get(o, key))
        return 0;
    if (!text || !text[0])
        return -1;
    errno = 0;
    *out = strtoull(text, &end, 16);
    if (*end || errno)
        return -1;
    *has = 1;
    return 0;
}

static int read_u64(json_t *o, const char *key, uint64_t *out)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return -1;
    *out = (uint64_t)json_integer_value(v);
    return 0;
}

/* H's invocation parsed into H->options (H->parsed, or why not in
 * H->parse_error), and under --plan all its range, stride and shard into
 * H->selection. A command line that does not parse is not this reader's
 * to refuse: --resume says why. Returns 0, or -1 when out of memory. */
static int parse_invocation(struct pf_journal_head *h)
{
    /* a copy: the parser packs the scenario words to the front */
    h->words = calloc((size_t)h->argc + 1, sizeof *h->words);
    if (!h->words)
        return -1;
    memcpy(h->words, h->argv, (size_t)h->argc * sizeof *h->words);
    h->parse_error[0] = '\0';
    h->parsed = pf_options_parse(PF_CMD_SWEEP, h->argc, h->words, &h->options, h->parse_error,
                                 sizeof h->parse_error) == 0;
    if (h->parsed)
        h->parse_error[0] = '\0';
    h->has_selection = h->parsed && !h->options.help && !h->options.plan_sites;
    if (h->has_selection)
        h->selection = (struct pf_options){.cmd = PF_CMD_SWEEP, .range_a = h->options.range_a,
                                           .range_b = h->options.range_b,
                                           .stride = h->options.stride,
                                           .shard_i = h->options.shard_i,
                                           .shard_n = h->options.shard_n};
    return 0;
}

/* Trial T's point is one its target's plan chose (known: the selection
 * and the target's M). Returns 0, or -1 with ERR. */
static int check_point(const struct pf_journal_head *h, const struct pf_journal_trial *t,
                       char *err, size_t errlen)
{
    const struct pf_journal_target *jt = &h->targets[t->target];
    struct pf_sweep_plan plan;
    char why[256];
    if (!h->has_selection || !jt->present)
        return 0;
    if (pf_sweep_plan_make(&h->selection, jt->allocations, &plan, why, sizeof why) < 0 ||
        !pf_sweep_plan_has(&plan, t->point, PF_EXTEND_MAX)) {
        snprintf(err, errlen, "a trial of target %u at point %llu, which its plan (range, stride, "
                 "shard over %llu allocations) never chose", t->target,
                 (unsigned long long)t->point, (unsigned long long)jt->allocations);
        return -1;
    }
    return 0;
}

/* The header line: the invocation. */
static int parse_head(json_t *o, struct pf_journal_head *h, char *err, size_t errlen)
{
    json_t *argv = json_object_get(o, "argv");
    const char *cwd = json_string_value(json_object_get(o, "cwd"));
    json_t *ver = json_object_get(o, "version");
    if (!json_is_integer(ver) || json_integer_value(ver) != JOURNAL_VERSION) {
        snprintf(err, errlen, "a journal of another version");
        return -1;
    }
    if (!cwd || !json_is_array(argv) || json_array_size(argv) > 100000) {
        snprintf(err, errlen, "expected the sweep's \"cwd\" and \"argv\"");
        return -1;
    }
    h->cwd = strdup(cwd);
    h->argv = calloc(json_array_size(argv) + 1, sizeof *h->argv);
    if (!h->cwd || !h->argv) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (size_t i = 0; i < json_array_size(argv); i++) {
        const char *w = json_string_value(json_array_get(argv, i));
        if (!w || !(h->argv[i] = strdup(w))) {
            snprintf(err, errlen, "argv[%zu]: expected a string", i);
            return -1;
        }
        h->argc++;
    }
    if (parse_invocation(h) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    return 0;
}

static int parse_target(json_t *o, struct pf_journal_head *h, char *err, size_t errlen)
{
    uint64_t index;
    struct pf_journal_target t = {.present = 1};
    const char *hash = json_string_value(json_object_get(o, "plan_hash"));
    char *end = NULL;
    if (hash) {
        errno = 0;
        t.plan_hash = strtoull(hash, &end, 16);
    }
    if (read_u64(o, "index", &index) < 0 || index >= PF_JOURNAL_MAX_TARGETS ||
        read_u64(o, "allocations", &t.allocations) < 0 ||
        read_u64(o, "count_ms", &t.pace.wall_ms) < 0 ||
        read_u64(o, "count_allocations", &t.pace.allocations) < 0 ||
        read_u64(o, "count_max_gap_ms", &t.pace.max_gap_ms) < 0 ||
        read_u64(o, "points", &t.points) < 0 ||
        !hash || !hash[0] || *end || errno ||
        read_hex(o, "sites_hash", &t.has_sites_hash, &t.sites_hash) < 0) {
        snprintf(err, errlen, "a target line without index, allocations, count_ms, "
                 "count_allocations, count_max_gap_ms, points or plan_hash, or with a bad "
                 "sites_hash");
        return -1;
    }
    h->targets[index] = t;
    return 0;
}

static int parse_trial(json_t *o, struct pf_journal_trial *t, char *err, size_t errlen)
{
    uint64_t target, sig;
    json_t *code = json_object_get(o, "exit_code");
    int mode = name_index(json_string_value(json_object_get(o, "mode")),
                          (const char *const[]){"oneshot", "persistent"}, 2);
    const char *cls = json_string_value(json_object_get(o, "class"));
    int sub = name_index(json_string_value(json_object_get(o, "subkind")),
                         (const char *const[]){"", "blocked", "spinning"}, 3);
    int engine = name_index(json_string_value(json_object_get(o, "engine")), engine_names, PF_FORKSRV_HOW_COUNT);
    int stop = name_index(json_string_value(json_object_get(o, "stop")), stop_names, 4);
    memset(t, 0, sizeof *t);
    t->signature = json_string_value(json_object_get(o, "signature"));
    t->repro = json_string_value(json_object_get(o, "repro"));
    t->stderr_tail = json_string_value(json_object_get(o, "stderr_tail"));
    t->sources = json_string_value(json_object_get(o, "sources"));
    if (!t->sources)
        t->sources = ""; /* only examples with named sources have them */
    t->has_past_m = json_object_get(o, "past_m") != NULL;
    t->site_key = json_string_value(json_object_get(o, "site_key"));
    if (!t->site_key)
        t->site_key = ""; /* only trials that met a failure have one */
    t->error = json_string_value(json_object_get(o, "error"));
    if (!t->error)
        t->error = ""; /* only harness errors have one */
    if (read_u64(o, "target", &target) < 0 || target >= PF_JOURNAL_MAX_TARGETS ||
        read_u64(o, "point", &t->point) < 0 || t->point == 0 || mode < 0 || !cls ||
        pf_class_from_name(cls) < 0 || sub < 0 || engine < 0 || stop < 0 ||
        read_u64(o, "signal", &sig) < 0 || sig > 255 ||
        read_u64(o, "duration_ms", &t->duration_ms) < 0 ||
        read_u64(o, "injected", &t->injected) < 0 ||
        read_u64(o, "first_injected", &t->first_injected) < 0 ||
        !json_is_boolean(json_object_get(o, "reached")) ||
        !(json_is_null(code) || (json_is_integer(code) && json_integer_value(code) >= 0 &&
                                 json_integer_value(code) <= 255)) ||
        !t->signature || !t->repro || !t->stderr_tail ||
        read_hex(o, "plan_key", &t->has_plan_key, &t->plan_key) < 0 ||
        (json_object_get(o, "plan_nth") && read_u64(o, "plan_nth", &t->plan_nth) < 0) ||
        (json_object_get(o, "past_m") && read_u64(o, "past_m", &t->past_m) < 0)) {
        snprintf(err, errlen, "a trial line with a missing or bad member");
        return -1;
    }
    t->target = (unsigned)target;
    t->mode = mode == 0 ? PF_MODE_ONESHOT : PF_MODE_PERSISTENT;
    t->cls = (unsigned)pf_class_from_name(cls);
    t->sub = (unsigned)sub;
    t->signal = (unsigned)sig;
    t->exit_code = json_is_null(code) ? -1 : (int)json_integer_value(code);
    t->reached = json_is_true(json_object_get(o, "reached"));
    t->engine = (unsigned)engine;
    t->precopied = json_is_true(json_object_get(o, "precopied"));
    t->stop = (unsigned)stop;
    return 0;
}

/* One whole line LINE[0..LEN): the header (line 1) or a target or trial. */
static int parse_line(const char *line, size_t len, unsigned lineno, struct pf_journal_head *h,
                      pf_journal_trial_fn on_trial, void *arg, char *err, size_t errlen)
{
    json_error_t je;
    char why[512] = "";
    json_t *o = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
    const char *kind = json_string_value(json_object_get(o, "kind"));
    int rc = -1;
    if (!o || !json_is_object(o)) {
        snprintf(why, sizeof why, "not a JSON object");
    } else if (lineno == 1 && (!kind || strcmp(kind, "sweep") != 0)) {
        snprintf(why, sizeof why, "not a pyfault sweep journal");
    } else if (lineno > 1 && (!kind || (strcmp(kind, "target") && strcmp(kind, "trial")))) {
        snprintf(why, sizeof why, "expected a \"target\" or \"trial\" line");
    } else if (lineno == 1) {
        rc = parse_head(o, h, why, sizeof why);
    } else if (strcmp(kind, "target") == 0) {
        rc = parse_target(o, h, why, sizeof why);
    } else {
        struct pf_journal_trial t;
        rc = parse_trial(o, &t, why, sizeof why);
        if (rc == 0)
            rc = check_point(h, &t, why, sizeof why);
        if (rc == 0 && on_trial)
            rc = on_trial(arg, &t, why, sizeof why);
    }
    json_decref(o);
    if (rc < 0)
        snprintf(err, errlen, "line %u: %s", lineno, why);
    return rc;
}

int pf_journal_parse(const char *text, size_t len, struct pf_journal_head *h,
                     pf_journal_trial_fn on_trial, void *arg, char *err, size_t errlen)
{
    size_t at = 0;
    unsigned lineno = 0;
    h->good_len = 0;
    while (at < len) {
        const char *nl = memchr(text + at, '\n', len - at);
        if (!nl)
            break; /* torn: the harness was killed in the middle of it */
        size_t n = (size_t)(nl - (text + at));
        if (++lineno == 1 && h->argv) {
            at += n + 1; /* a second pass: the invocation is known */
        } else {
            if (parse_line(text + at, n, lineno, h, on_trial, arg, err, errlen) < 0)
                return -1;
            at += n + 1;
        }
        h->good_len = at;
    }
    if (lineno == 0) {
        snprintf(err, errlen, "line 1: no whole line: not a sweep journal");
        return -1;
    }
    return 0;
}

int pf_journal_load(const char *dir, struct pf_journal_head *h, char *err, size_t errlen)
{
    char path[4200];
    struct stat st;
    memset(h, 0, sizeof *h);
    snprintf(path, sizeof path, "%s/%s", dir, PF_JOURNAL_NAME);
    /* never blocks: a FIFO's open would wait for a writer, SIGINT or not */
    FILE *f = pf_fopen_regular(path, O_RDONLY | O_NOFOLLOW, &st, err, errlen);
    if (!f)
        return -1;
    if ((size_t)st.st_size > JOURNAL_MAX_BYTES) {
        snprintf(err, errlen, "%.900s: not a journal file", path);
        fclose(f);
        return -1;
    }
    h->text = malloc((size_t)st.st_size + 1);
    size_t got = h->text ? fread(h->text, 1, (size_t)st.st_size, f) : 0;
    int e = ferror(f) ? errno : EIO;
    fclose(f);
    if (!h->text || got < (size_t)st.st_size) {
        say(err, errlen, path, h->text ? e : ENOMEM);
        return -1;
    }
    h->len = got;
    char why[600];
    if (pf_journal_parse(h->text, h->len, h, NULL, NULL, why, sizeof why) < 0) {
        snprintf(err, errlen, "%.900s: %s", path, why);
        return -1;
    }
    return 0;
}

int pf_journal_trials(const struct pf_journal_head *h, const char *dir,
                      pf_journal_trial_fn on_trial, void *arg, char *err, size_t errlen)
{
    /* the targets' lines are read again into a scratch copy */
    struct pf_journal_head *scratch = calloc(1, sizeof *scratch);
    char why[600];
    if (!scratch) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    scratch->argv = h->argv; /* known: skip line 1 */
    scratch->has_selection = h->has_selection;
    scratch->selection = h->selection;
    int rc = pf_journal_parse(h->text, h->len, scratch, on_trial, arg, why, sizeof why);
    if (rc < 0)
        snprintf(err, errlen, "%.900s/%s: %s", dir, PF_JOURNAL_NAME, why);
    free(scratch);
    return rc;
}

void pf_journal_head_free(struct pf_journal_head *h)
{
    for (int i = 0; h->argv && h->argv[i]; i++)
        free(h->argv[i]);
    free(h->argv);
    free(h->words);
    free(h->cwd);
    free(h->text);
    memset(h, 0, sizeof *h);
}

/* Writes all of J's line O (a new reference, taken) plus its newline in
 * one write(2) when the kernel allows. */
static int append(struct pf_journal *j, json_t *o, char *err, size_t errlen)
{
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    if (!text) {
        snprintf(err, errlen, "%.900s: cannot build a journal line (out of memory)", j->path);
        return -1;
    }
    size_t len = strlen(text);
    text[len] = '\n'; /* over the NUL: the length is known */
    size_t done = 0;
    while (done < len + 1) {
        ssize_t n = write(j->fd, text + done, len + 1 - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            int e = n < 0 ? errno : ENOSPC;
            free(text);
            say(err, errlen, j->path, e);
            return -1;
        }
        done += (size_t)n;
    }
    free(text);
    /* a kill of the harness loses nothing written; a crash of the machine
     * at most the last second */
    uint64_t now = pf_now_ms();
    if (now - j->synced_ms >= 1000) {
        j->synced_ms = now;
        if (fdatasync(j->fd) < 0) {
            say(err, errlen, j->path, errno);
            return -1;
        }
    }
    return 0;
}

static int open_append(struct pf_journal *j, char *err, size_t errlen)
{
    j->fd = open(j->path, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
    if (j->fd < 0) {
        say(err, errlen, j->path, errno);
        return -1;
    }
    j->synced_ms = pf_now_ms();
    return 0;
}

int pf_journal_check_words(int argc, char *const *argv, char *err, size_t errlen)
{
    for (int i = 0; i < argc; i++)
        if (!pf_utf8_valid(argv[i])) {
            snprintf(err, errlen, "'%.200s' is not UTF-8: the journal could not hold the command "
                     "line for --resume", argv[i]);
            pf_scrub_controls(err);
            return -1;
        }
    return 0;
}

int pf_journal_create(struct pf_journal *j, const char *dir, const char *cwd, int argc,
                      char *const *argv, char *err, size_t errlen)
{
    j->fd = -1;
    snprintf(j->path, sizeof j->path, "%s/%s", dir, PF_JOURNAL_NAME);
    /* jansson takes UTF-8 only, and a word left out would change the
     * sweep on --resume */
    if (pf_journal_check_words(argc, argv, err, errlen) < 0)
        return -1;
    json_t *words = json_array();
    for (int i = 0; i < argc; i++) {
        json_t *w = json_string(argv[i]);
        if (!w || json_array_append_new(words, w) < 0) {
            json_decref(words);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
    }
    json_t *o = json_pack("{s:s,s:i,s:s,s:o}", "kind", "sweep", "version", JOURNAL_VERSION,
                          "cwd", cwd, "argv", words);
    char *text = o ? json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
    json_decref(o);
    if (!text) {
        /* jansson takes UTF-8 only: a word that is not cannot be kept */
        snprintf(err, errlen, "%.900s: cannot journal the working folder (not UTF-8?)", j->path);
        return -1;
    }
    struct pf_atomic_file af;
    if (pf_atomic_open(&af, j->path, err, errlen) < 0) {
        free(text);
        return -1;
    }
    fputs(text, af.f);
    fputc('\n', af.f);
    free(text);
    if (pf_atomic_commit(&af, err, errlen) < 0)
        return -1;
    return open_append(j, err, errlen);
}

int pf_journal_reopen(struct pf_journal *j, const char *dir, size_t good_len,
                      char *err, size_t errlen)
{
    snprintf(j->path, sizeof j->path, "%s/%s", dir, PF_JOURNAL_NAME);
    if (open_append(j, err, errlen) < 0)
        return -1;
    /* a torn last line goes, or the next line would be glued to it */
    if (ftruncate(j->fd, (off_t)good_len) < 0) {
        say(err, errlen, j->path, errno);
        close(j->fd);
        j->fd = -1;
        return -1;
    }
    return 0;
}

int pf_journal_add_target(struct pf_journal *j, unsigned index, const struct pf_journal_target *t,
                          char *err, size_t errlen)
{
    char hash[32], sites[32];
    snprintf(hash, sizeof hash, "%016llx", (unsigned long long)t->plan_hash);
    snprintf(sites, sizeof sites, "%016llx", (unsigned long long)t->sites_hash);
    json_t *o = json_pack("{s:s,s:i,s:I,s:I,s:I,s:I,s:I,s:s}", "kind", "target",
                          "index", (int)index, "allocations", (json_int_t)t->allocations,
                          "count_ms", (json_int_t)t->pace.wall_ms,
                          "count_allocations", (json_int_t)t->pace.allocations,
                          "count_max_gap_ms", (json_int_t)t->pace.max_gap_ms,
                          "points", (json_int_t)t->points, "plan_hash", hash);
    if (o && t->has_sites_hash)
        json_object_set_new(o, "sites_hash", json_string(sites));
    return append(j, o, err, errlen);
}

int pf_journal_add_trial(struct pf_journal *j, const struct pf_journal_trial *t,
                         char *err, size_t errlen)
{
    json_t *o = json_pack("{s:s,s:i,s:I,s:s,s:s,s:s,s:o,s:i,s:I,s:I,s:I,s:b,s:s,s:s,s:o,s:o,s:o}",
        "kind", "trial", "target", (int)t->target, "point", (json_int_t)t->point,
        "mode", pf_sweep_mode_name(t->mode),
        "class", pf_class_name((enum pf_class)t->cls),
        "subkind", pf_subkind_name((enum pf_subkind)t->sub),
        "exit_code", t->exit_code >= 0 ? json_integer(t->exit_code) : json_null(),
        "signal", (int)t->signal, "duration_ms", (json_int_t)t->duration_ms,
        "injected", (json_int_t)t->injected, "first_injected", (json_int_t)t->first_injected,
        "reached", t->reached, "engine", engine_names[t->engine < PF_FORKSRV_HOW_COUNT ? t->engine : 0],
        "stop", stop_names[t->stop < 4 ? t->stop : 0],
        "signature", pf_json_text(t->signature ? t->signature : ""),
        "repro", pf_json_text(t->repro ? t->repro : ""),
        "stderr_tail", pf_json_text(t->stderr_tail ? t->stderr_tail : ""));
    if (o && t->error && t->error[0])
        json_object_set_new(o, "error", pf_json_text(t->error));
    if (o && t->precopied)
        json_object_set_new(o, "precopied", json_true());
    if (o && t->sources && t->sources[0])
        json_object_set_new(o, "sources", pf_json_text(t->sources));
    if (o && t->site_key && t->site_key[0])
        json_object_set_new(o, "site_key", pf_json_text(t->site_key));
    if (o && t->has_plan_key) {
        char key[32];
        snprintf(key, sizeof key, "%016llx", (unsigned long long)t->plan_key);
        json_object_set_new(o, "plan_key", json_string(key));
        if (t->plan_nth)
            json_object_set_new(o, "plan_nth", json_integer((json_int_t)t->plan_nth));
    }
    if (o && t->has_past_m)
        json_object_set_new(o, "past_m", json_integer((json_int_t)t->past_m));
    return append(j, o, err, errlen);
}

void pf_journal_close(struct pf_journal *j)
{
    if (j->fd >= 0) {
        fdatasync(j->fd);
        close(j->fd);
    }
    j->fd = -1;
}
