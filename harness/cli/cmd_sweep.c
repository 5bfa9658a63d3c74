/* cmd_sweep.c: "pyfault sweep": check everything, count, sweep, report. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "interp.h"
#include "report_dir.h"
#include "scenario.h"
#include "count.h"
#include "dir_lock.h"
#include "interrupt.h"
#include "journal.h"
#include "options.h"
#include "out_dir.h"
#include "result_json.h"
#include "sweep.h"
#include "sweep_json.h"
#include "tmpdir.h"
#include "trial.h"

#define COUNT_TIMEOUT 120.0
#define MAX_TARGETS 255
#define SUMMARY_FINDINGS 20

/* No file the sweep writes in DIR is a file one of TS[0..NT) reads: a
 * script named DIR/results.json was replaced by the results. Returns 0,
 * or -1 with a one-line message in ERR. */
static int check_out_inputs(const char *dir, const struct pf_target *ts, unsigned nt, char *err,
                            size_t errlen)
{
    size_t cap = 0, n = 0;
    for (unsigned i = 0; i < nt; i++)
        cap += (size_t)ts[i].argc + 1;
    const char **inputs = calloc(cap ? cap : 1, sizeof *inputs);
    if (!inputs) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    for (unsigned i = 0; i < nt; i++)
        n += pf_target_inputs(&ts[i], inputs + n, cap - n);
    int rc = pf_out_dir_check_inputs(dir, inputs, n, err, errlen);
    free(inputs);
    return rc;
}

/* Is folder A the folder B? */
static int same_dir(const char *a, const char *b)
{
    struct stat sa, sb;
    return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
           sa.st_ino == sb.st_ino;
}

/* --resume: O becomes the options the journal in O->resume_dir was started
 * with (as HEAD parsed them: O points into HEAD, the caller's to free), -j
 * and -q as given, --out that folder (absolute, in ABSDIR), and the
 * process moves to the folder the sweep was started in, where its
 * relative paths lead. The folder is locked first (*LOCK: pf_dir_lock's
 * descriptor, the caller's to close). Returns 0, or -1 with a one-line
 * message in ERR. */
static int resume_options(struct pf_options *o, struct pf_journal_head *head, char *absdir,
                          int *lock, char *err, size_t errlen)
{
    const struct pf_options given = *o;
    struct pf_options rec;
    char why[700];
    if (!realpath(given.resume_dir, absdir)) {
        snprintf(err, errlen, "--resume %.900s: %s", given.resume_dir, strerror(errno));
        return -1;
    }
    /* before the journal is read: a sweep still running there appends to
     * it, and would then overwrite what this one writes */
    if ((*lock = pf_dir_lock(given.resume_dir, why, sizeof why)) < 0) {
        snprintf(err, errlen, "--resume %s", why);
        return -1;
    }
    if (pf_journal_load(absdir, head, why, sizeof why) < 0) {
        snprintf(err, errlen, "--resume: %s", why);
        return -1;
    }
    rec = head->options;
    if (!head->parsed || rec.help || rec.resume_dir || !rec.out_dir) {
        snprintf(err, errlen, "--resume %.900s: the journal's command line is not a sweep's "
                 "with --out%s%s", given.resume_dir, head->parse_error[0] ? ": " : "",
                 head->parse_error);
        return -1;
    }
    if (pf_options_conflict(&given, &rec, err, errlen) < 0)
        return -1;
    if (given.out_dir && !same_dir(given.out_dir, absdir)) {
        snprintf(err, errlen, "--resume %.900s: --out %.900s is another folder",
                 given.resume_dir, given.out_dir);
        return -1;
    }
    if (chdir(head->cwd) < 0) {
        snprintf(err, errlen, "--resume %.900s: the folder the sweep was started in, %.900s: %s",
                 given.resume_dir, head->cwd, strerror(errno));
        return -1;
    }
    rec.quiet = given.quiet; /* about this terminal, not the results */
    if (given.jobs)
        rec.jobs = given.jobs;
    rec.out_dir = absdir;
    rec.resume_dir = absdir;
    *o = rec;
    return 0;
}

/* FNV-1a over V's eight bytes, continuing from H. */
static uint64_t fnv_u64(uint64_t h, uint64_t v)
{
    for (int b = 0; b < 8; b++)
        h = (h ^ ((v >> (8 * b)) & 0xff)) * 0x100000001b3ull;
    return h;
}

/* The journal's account of a counted target: M, which points its plan
 * chose (a hash of them), and with --plan sites which call sites those
 * are (a hash that does not depend on the order they came in). */
static void target_account(const struct pf_sweep_target *st, struct pf_journal_target *jt)
{
    uint64_t h = 0xcbf29ce484222325ull, sites = 0;
    memset(jt, 0, sizeof *jt);
    jt->has_sites_hash = st->sites.points != NULL; /* a site plan, its sample empty or not */
    for (uint64_t k = 0; k < st->plan.count; k++) {
        uint64_t p = pf_sweep_plan_point(&st->plan, k), key, nth;
        h = fnv_u64(h, p);
        if (jt->has_sites_hash && pf_site_plan_key(&st->sites, p, &key, &nth) == 0)
            sites += fnv_u64(fnv_u64(0xcbf29ce484222325ull, key), nth);
    }
    jt->allocations = st->allocations;
    jt->pace = st->pace;
    jt->points = st->plan.count;
    jt->plan_hash = h;
    jt->sites_hash = sites;
}

/* Where a resumed target's journaled trials go. */
enum placing {
    PLACE_AS_JOURNALED, /* at their points */
    PLACE_BY_SITE,      /* where their call sites fall (the same points) */
    PLACE_BY_SITE_MOVED /* the same, the points moved: a trial with no site runs again */
};

/* After target INDEX's counting run of a resumed sweep: the target must be
 * the one the journal HEAD counted, if it did (then the journaled run's
 * pace is taken: the default timeout and stall limit derive from it). A
 * site plan need only choose the same call sites, wherever they fall in
 * this run (another environment moves them): its journaled trials are
 * then placed by their sites (*PLACING: enum placing). Returns 0, or -1
 * with a one-line message in ERR. */
static int check_target(const struct pf_journal_head *head, unsigned index,
                        struct pf_sweep_target *st, int *placing, char *err, size_t errlen)
{
    struct pf_journal_target now;
    const struct pf_journal_target *was = &head->targets[index];
    *placing = PLACE_AS_JOURNALED;
    if (!was->present)
        return 0;
    target_account(st, &now);
    int same_points = was->allocations == now.allocations && was->points == now.points &&
                      was->plan_hash == now.plan_hash;
    int same_sites = was->has_sites_hash && now.has_sites_hash &&
                     was->points == now.points && was->sites_hash == now.sites_hash;
    if (!same_points && !same_sites) {
        snprintf(err, errlen, "--resume: %.300s: %llu allocations and %llu points now, %llu "
                 "and %llu when the sweep began%s: not the same target",
                 pf_target_label(st->t), (unsigned long long)now.allocations,
                 (unsigned long long)now.points, (unsigned long long)was->allocations,
                 (unsigned long long)was->points,
                 was->has_sites_hash && was->points == now.points ? " (other call sites chosen)"
                 : was->allocations == now.allocations && was->points == now.points
                     ? " (other points chosen)" : "");
        return -1;
    }
    *placing = !same_sites ? PLACE_AS_JOURNALED : same_points ? PLACE_BY_SITE : PLACE_BY_SITE_MOVED;
    st->pace = was->pace;
    return 0;
}

/* Journals target INDEX's line. Returns 0, or -1 with ERR. */
static int add_target(struct pf_journal *jn, unsigned index, const struct pf_sweep_target *st,
                      char *err, size_t errlen)
{
    struct pf_journal_target now;
    target_account(st, &now);
    return pf_journal_add_target(jn, index, &now, err, errlen);
}

struct preload {
    struct pf_sweep *sw;
    unsigned nt;
    const struct pf_sweep_target *sts;
    const int *placing;      /* per target: enum placing */
    uint64_t dropped;        /* trials that run again: no site names their point now */
};

/* Takes journaled trial T in. A site plan's trial goes to the point where
 * its site falls in this run, or as far past M as it was; one that says
 * neither (journaled by an older pyfault) keeps its point when the target
 * came out the same, and runs again when it did not. */
static int preload_trial(void *arg, const struct pf_journal_trial *t, char *err, size_t errlen)
{
    struct preload *p = arg;
    if (t->target >= p->nt || p->placing[t->target] == PLACE_AS_JOURNALED)
        return pf_sweep_preload(p->sw, t, p->nt, err, errlen);
    const struct pf_sweep_target *st = &p->sts[t->target];
    struct pf_journal_trial here = *t;
    int placed = t->has_plan_key
        ? pf_site_plan_point(&st->sites, t->plan_key, t->plan_nth, &here.point) == 0
        : t->has_past_m ? (here.point = st->allocations + t->past_m, 1)
        : p->placing[t->target] == PLACE_BY_SITE;
    if (!placed) {
        p->dropped++;
        return 0;
    }
    return pf_sweep_preload(p->sw, &here, p->nt, err, errlen);
}

static void free_names(struct pf_sweep_names *n, unsigned nt)
{
    for (unsigned i = 0; i < nt; i++) {
        if (n->scenario)
            free(n->scenario[i]);
        if (n->path)
            free(n->path[i]);
    }
    free(n->scenario);
    free(n->path);
    n->scenario = n->path = NULL;
}

/* Names the interpreter (the --python one for scenarios, whose VERSION
 * the start's check read, the command's program otherwise) and gives each
 * target a unique scenario id: the scenario header's name, the file's
 * name, or the command line. */
static int name_targets(const struct pf_options *o, const struct pf_target *ts, unsigned nt,
                        const char *version, struct pf_interp *interp,
                        struct pf_sweep_names *n, char *err, size_t errlen)
{
    char id[64];
    const char *prog = ts[0].exe; /* the interpreter, or the command's program */
    n->interp = interp;
    n->scenario = calloc(nt, sizeof *n->scenario);
    n->path = calloc(nt, sizeof *n->path);
    if (!n->scenario || !n->path) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    pf_interp_default_id(prog, id, sizeof id);
    /* the version read once, at the start: not another run of the Python */
    if (pf_interp_describe_known(interp, id, prog, o->command ? NULL : version, err, errlen) < 0)
        return -1;
    for (unsigned i = 0; i < nt; i++) {
        char name[256], line[1024] = "";
        struct pf_scenario sc;
        char why[512];
        if (!o->command && pf_scenario_load(o->scenarios[i], &sc, why, sizeof why) == 0) {
            snprintf(name, sizeof name, "%s", sc.name);
        } else if (!o->command) {
            const char *b = strrchr(o->scenarios[i], '/');
            snprintf(name, sizeof name, "%s", b ? b + 1 : o->scenarios[i]);
            char *dot = strrchr(name, '.');
            if (dot && !strcmp(dot, ".py"))
                *dot = '\0';
        }
        for (int k = 0; o->command && k < o->ncommand; k++) {
            size_t used = strlen(line);
            snprintf(line + used, sizeof line - used, "%s%s", k ? " " : "", o->command[k]);
        }
        if (o->command)
            snprintf(name, sizeof name, "%.200s", line);
        /* unique ids: a second target of the same name gets "#2" */
        int dup = 1;
        size_t len = strlen(name);
        for (unsigned j = 0; j < i; j++)
            if (!strncmp(n->scenario[j], name, len) &&
                (n->scenario[j][len] == '\0' || n->scenario[j][len] == '#'))
                dup++;
        char *unique = NULL;
        if (dup > 1 ? asprintf(&unique, "%s#%d", name, dup) < 0 : !(unique = strdup(name)))
            return -1;
        n->scenario[i] = unique;
        n->path[i] = strdup(o->command ? line : o->scenarios[i]);
        if (!n->path[i])
            return -1;
    }
    return 0;
}

/* The human reports next to results.json; prints where they are. */
static int report_step(const char *dir, int quiet, int said)
{
    char err[1024];
    if (pf_report_dir(dir, NULL, err, sizeof err) < 0) {
        if (!said)
            fprintf(stderr, "pyfault sweep: %s\n", err);
        return -1;
    }
    if (!quiet)
        printf("report: %s/index.html\nsummary: %s/summary.md\n", dir, dir);
    return 0;
}

static void print_summary(const struct pf_sweep *sw, int complete)
{
    printf("sweep %s: %zu trials", complete ? "complete" : "INCOMPLETE", sw->ntrials);
    for (int k = 0; k < PF_CLASS_COUNT; k++)
        if (sw->counts[k])
            printf(", %s %llu", pf_class_name((enum pf_class)k), (unsigned long long)sw->counts[k]);
    printf("\nfindings: %zu\n", sw->findings.n);
    for (size_t i = 0; i < sw->findings.n && i < SUMMARY_FINDINGS; i++) {
        const struct pf_finding *f = &sw->findings.v[i];
        printf("  %6llu x %s\n           first: %s\n", (unsigned long long)f->count,
               f->signature, f->repro);
    }
    if (sw->findings.n > SUMMARY_FINDINGS)
        printf("  ... %zu more in results.json\n", sw->findings.n - SUMMARY_FINDINGS);
}

int pf_cmd_sweep(int argc, char **argv)
{
    struct pf_options o;
    char err[2048];
    struct pf_journal_head head;
    struct pf_journal jn = {.fd = -1};
    char absdir[PATH_MAX] = "";
    int resuming = 0;
    int lock = -1; /* the --out folder's (dir_lock.h), held to the end */
    int *placing = NULL; /* per target, on --resume: enum placing */
    memset(&head, 0, sizeof head);
    /* the words as given, for the journal (parsing reorders ARGV) */
    char **words = calloc((size_t)argc + 1, sizeof *words);
    if (!words) {
        fprintf(stderr, "pyfault sweep: out of memory\n");
        return 2;
    }
    memcpy(words, argv, (size_t)argc * sizeof *words);
    int quit = pf_options_args(PF_CMD_SWEEP, argc, argv, &o);
    if (quit >= 0) {
        free(words);
        return quit;
    }
    if (o.resume_dir) {
        resuming = 1;
        if (resume_options(&o, &head, absdir, &lock, err, sizeof err) < 0) {
            fprintf(stderr, "pyfault sweep: %s\n", err);
            pf_dir_unlock(lock);
            pf_journal_head_free(&head);
            free(words);
            return 2;
        }
    }
    unsigned nt = o.command ? 1 : (unsigned)o.nscenarios;
    if (nt > MAX_TARGETS) {
        fprintf(stderr, "pyfault sweep: at most %d scenarios per sweep\n", MAX_TARGETS);
        pf_dir_unlock(lock);
        pf_journal_head_free(&head);
        free(words);
        return 2;
    }
    struct pf_target *ts = calloc(nt, sizeof *ts);
    struct pf_sweep_target *sts = calloc(nt, sizeof *sts);
    unsigned built = 0;
    int status = 2;
    struct pf_context ctx;
    int have_ctx = 0;
    char dir[4096] = "";
    struct pf_janitor jan = {.pid = -1, .fd = -1};
    struct pf_sweep sw;
    int have_sw = 0;
    if (!ts || !sts) {
        fprintf(stderr, "pyfault sweep: out of memory\n");
        goto out;
    }
    for (; built < nt; built++) {
        int rc = o.command
            ? pf_target_command(&ts[built], o.ncommand, o.command, err, sizeof err)
            : pf_target_scenario(&ts[built], o.python, o.scenarios[built], err, sizeof err);
        if (rc < 0) {
            fprintf(stderr, "pyfault sweep: %s\n", err);
            goto out;
        }
        sts[built].t = &ts[built];
    }
    /* as matrix --interp: /bin/true would "pass" every trial */
    char version[64] = "";
    if (!o.command && nt &&
        pf_interp_check_python("--python", ts[0].exe, version, sizeof version, err,
                               sizeof err) < 0) {
        fprintf(stderr, "pyfault sweep: %s\n", err);
        goto out;
    }
    /* before --out is made, not after, with an empty folder and its lock
     * left behind */
    if (o.out_dir && !resuming && pf_journal_check_words(argc, words, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault sweep: %s\n", err);
        goto out;
    }
    if (o.out_dir && (check_out_inputs(o.out_dir, ts, nt, err, sizeof err) < 0 ||
                      pf_out_dir_make(o.out_dir, err, sizeof err) < 0)) {
        fprintf(stderr, "pyfault sweep: %s\n", err);
        goto out;
    }
    /* before the journal is written: a second sweep on the folder stops
     * here, before it has touched anything of the first one's */
    if (o.out_dir && lock < 0 && (lock = pf_dir_lock(o.out_dir, err, sizeof err)) < 0) {
        fprintf(stderr, "pyfault sweep: --out %s\n", err);
        goto out;
    }
    if (o.out_dir) {
        char cwd[PATH_MAX];
        int rc = resuming ? pf_journal_reopen(&jn, o.out_dir, head.good_len, err, sizeof err)
               : !getcwd(cwd, sizeof cwd)
                   ? (snprintf(err, sizeof err, "the current folder: %s", strerror(errno)), -1)
                   : pf_journal_create(&jn, o.out_dir, cwd, argc, words, err, sizeof err);
        if (rc < 0) {
            fprintf(stderr, "pyfault sweep: %s\n", err);
            goto out;
        }
    }
    pf_no_core_dumps();
    if (pf_context_init(&ctx, COUNT_TIMEOUT, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault sweep: %s\n", err);
        goto out;
    }
    have_ctx = 1;
    if (pf_tmpdir_create_guarded(dir, sizeof dir, &jan) < 0) {
        fprintf(stderr, "pyfault sweep: %s\n", dir);
        dir[0] = '\0';
        goto out;
    }
    pf_interrupt_install();

    pf_sweep_init(&sw, &o, &ctx, dir, o.jobs ? o.jobs : pf_default_jobs(o.engine_fork));
    have_sw = 1;
    sw.progress = o.quiet ? 0 : isatty(2) ? 1 : 2;
    sw.journal = jn.fd >= 0 ? &jn : NULL;
    /* failed: the sweep stopped on an error; said: its line is printed,
     * and a run prints one: results.json and the reports are still
     * written after it (what ran, incomplete), but were they to fail too,
     * most likely on the same full disk, that is not said again */
    int failed = 0, said = 0;
    placing = calloc(nt, sizeof *placing);
    if (!placing) {
        fprintf(stderr, "pyfault sweep: out of memory\n");
        goto out;
    }
    if (resuming) {
        /* every target is counted before the journal is read: a site plan's
         * trials are placed by where their sites fall in this run */
        for (unsigned i = 0; i < nt; i++) {
            int rc = pf_count_target(&o, &ctx, dir, i, COUNT_TIMEOUT, &sts[i], err, sizeof err);
            if (pf_interrupted) {
                status = 130;
                goto out;
            }
            if (rc < 0 || check_target(&head, i, &sts[i], &placing[i], err, sizeof err) < 0) {
                /* not counted, or another target: the folder stays as it was
                 * (what ran is journaled) */
                fprintf(stderr, "pyfault sweep: %s\n", err);
                goto out;
            }
        }
        struct preload pl = {&sw, nt, sts, placing, 0};
        if (pf_journal_trials(&head, o.out_dir, preload_trial, &pl, err, sizeof err) < 0 ||
            pf_sweep_preload_done(&sw, err, sizeof err) < 0) {
            fprintf(stderr, "pyfault sweep: --resume: %s\n", err);
            goto out;
        }
        if (!o.quiet)
            fprintf(stderr, "sweep: resuming %s: %zu trials journaled\n", o.out_dir, sw.ntrials);
        if (!o.quiet && pl.dropped)
            fprintf(stderr, "sweep: %llu more journaled trials run again: no call site of "
                    "this run names their points\n", (unsigned long long)pl.dropped);
    }
    for (unsigned i = 0; i < nt && !pf_interrupted && !failed; i++) {
        int rc = resuming ? 0
               : pf_count_target(&o, &ctx, dir, i, COUNT_TIMEOUT, &sts[i], err, sizeof err);
        if (rc == 0 && sw.journal && !(resuming && head.targets[i].present))
            rc = add_target(sw.journal, i, &sts[i], err, sizeof err);
        if (rc < 0) {
            if (!pf_interrupted)
                fprintf(stderr, "pyfault sweep: %s\n", err);
            said = !pf_interrupted;
            snprintf(sw.error, sizeof sw.error, "%.500s", err);
            sw.harness_error = 1;
            failed = 1;
            break;
        }
        ctx.pace = sts[i].pace;
        ctx.timeout_s = o.timeout_s > 0 ? o.timeout_s : pf_pace_timeout_s(&sts[i].pace);
        if (!o.quiet && o.plan_sites)
            fprintf(stderr, "sweep: %s: %llu call sites (depth %u) chose %llu of the %llu "
                    "allocations\n", pf_target_label(&ts[i]),
                    (unsigned long long)sts[i].sites.keys, o.site_depth,
                    (unsigned long long)sts[i].sites.chosen,
                    (unsigned long long)sts[i].allocations);
        if (!o.quiet)
            fprintf(stderr, "sweep: %s: %llu allocations counted in %llu ms; %llu points x %u "
                    "mode(s), timeout %gs, %u jobs\n", pf_target_label(&ts[i]),
                    (unsigned long long)sts[i].allocations, (unsigned long long)sts[i].pace.wall_ms,
                    (unsigned long long)sts[i].plan.count, sw.nmodes, ctx.timeout_s, sw.jobs);
        if (pf_sweep_run(&sw, i, &sts[i]) < 0) {
            fprintf(stderr, "pyfault sweep: %s\n", sw.error);
            failed = said = 1;
        }
        if (!o.quiet && o.engine_fork)
            fprintf(stderr, "sweep: %s: %llu trials forked, %llu exec'd (threads or children alive), %llu "
                    "exec'd (timers, shared mappings or descriptors), %llu exec'd (past the "
                    "server's run), %llu forked copied the server's pages at once%s%s\n",
                    pf_target_label(&ts[i]),
                    (unsigned long long)sts[i].forked, (unsigned long long)sts[i].exec_threads,
                    (unsigned long long)sts[i].exec_state,
                    (unsigned long long)sts[i].exec_other,
                    (unsigned long long)sts[i].precopied, sts[i].engine_error[0] ? "; " : "",
                    sts[i].engine_error);
    }
    int complete = !pf_interrupted && !failed;
    pf_sweep_sort(&sw);
    if (o.out_dir) {
        char path[4200];
        snprintf(path, sizeof path, "%s/results.json", o.out_dir);
        struct pf_sweep_names names = {0};
        struct pf_interp interp;
        if (name_targets(&o, ts, nt, version, &interp, &names, err, sizeof err) < 0 ||
            pf_sweep_json_write(path, &sw, sts, nt, complete, &names, err, sizeof err) < 0) {
            free_names(&names, nt);
            if (!said)
                fprintf(stderr, "pyfault sweep: %s\n", err);
            goto out;
        }
        free_names(&names, nt);
    }
    if (!o.quiet)
        print_summary(&sw, complete);
    /* before any error about the reports: stderr is not buffered */
    fflush(stdout);
    /* after Ctrl-C, stop at once: results.json (incomplete) is written */
    if (o.out_dir && !pf_interrupted && report_step(o.out_dir, o.quiet, said) < 0)
        goto out;
    if (pf_interrupted)
        status = 130;
    else if (failed || sw.harness_error)
        status = 2;
    else
        status = sw.not_accepted ? 1 : 0;
out:
    free(placing);
    pf_journal_close(&jn);
    pf_dir_unlock(lock);
    pf_journal_head_free(&head);
    free(words);
    if (have_sw)
        pf_sweep_free(&sw);
    if (dir[0])
        pf_tmpdir_release(dir, &jan);
    if (have_ctx)
        pf_context_free(&ctx);
    for (unsigned i = 0; i < built; i++) {
        pf_target_free(&ts[i]);
        pf_site_plan_free(&sts[i].sites);
    }
    free(ts);
    free(sts);
    return status;
}
