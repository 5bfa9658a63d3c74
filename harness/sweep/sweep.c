/* sweep.c: workers pull (point, mode) jobs from one dispenser. Past the
 * counted M the dispenser adds one point at a time, and only while the
 * previous point's trials still met their injected failure, i.e. ran as
 * far as allocation N (SQLite's do_faultsim_test rule): a run that never
 * reaches its failure point has nothing further to find. */
#include "sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "array.h"
#include "clock.h"
#include "interrupt.h"
#include "progress.h"

void pf_sweep_init(struct pf_sweep *sw, const struct pf_options *o,
                   const struct pf_context *ctx, const char *dir, unsigned jobs)
{
    memset(sw, 0, sizeof *sw);
    sw->o = o;
    sw->ctx = ctx;
    sw->dir = dir;
    sw->jobs = jobs ? jobs : 1;
    pthread_mutex_init(&sw->lock, NULL);
    pthread_cond_init(&sw->cond, NULL);
    pf_findings_init(&sw->findings);
    pf_strtab_init(&sw->site_keys);
    sw->nmodes = 0;
    if (o->modes & PF_MODE_ONESHOT)
        sw->modes[sw->nmodes++] = PF_MODE_ONESHOT;
    if (o->modes & PF_MODE_PERSISTENT)
        sw->modes[sw->nmodes++] = PF_MODE_PERSISTENT;
    sw->started_ms = pf_now_ms();
}

void pf_sweep_free(struct pf_sweep *sw)
{
    free(sw->trials);
    pf_findings_free(&sw->findings);
    pf_strtab_free(&sw->site_keys);
    pthread_mutex_destroy(&sw->lock);
    pthread_cond_destroy(&sw->cond);
}

static int trial_cmp(const void *a, const void *b)
{
    const struct pf_trial_rec *x = a, *y = b;
    if (x->target != y->target)
        return x->target < y->target ? -1 : 1;
    if (x->point != y->point)
        return x->point < y->point ? -1 : 1;
    return (x->mode > y->mode) - (x->mode < y->mode);
}

void pf_sweep_sort(struct pf_sweep *sw)
{
    if (sw->ntrials > 1)
        qsort(sw->trials, sw->ntrials, sizeof sw->trials[0], trial_cmp);
    int32_t *moved = malloc((sw->findings.n ? sw->findings.n : 1) * sizeof *moved);
    if (moved && pf_findings_sort(&sw->findings, moved) == 0)
        for (size_t i = 0; i < sw->ntrials; i++)
            if (sw->trials[i].finding >= 0)
                sw->trials[i].finding = moved[sw->trials[i].finding];
    free(moved);
}

/* The preloaded trial (TARGET, POINT, MODE), or NULL: it is still to run. */
static const struct pf_trial_rec *journaled(const struct pf_sweep *sw, unsigned target,
                                            uint64_t point, unsigned mode)
{
    struct pf_trial_rec key = {.point = point, .mode = (uint8_t)mode, .target = (uint8_t)target};
    return sw->npreloaded
        ? bsearch(&key, sw->trials, sw->npreloaded, sizeof key, trial_cmp) : NULL;
}

/* Counts trial T (already in sw->trials) in, as far as dedup, counts and
 * the sweep's flags go. Called with the lock held, or before any worker. */
static void tally(struct pf_sweep *sw, struct pf_trial_rec *t, const char *signature,
                  const char *repro, const char *stderr_tail, const char *sources,
                  const char *error)
{
    long f = pf_findings_add(&sw->findings, signature, t->cls, t->sub, repro, stderr_tail,
                             t->target, t->point, t->mode);
    if (f >= 0) /* the file:lines are optional: out of memory leaves them out */
        (void)pf_findings_set_sources(&sw->findings, f, sources, t->target, t->point, t->mode);
    t->finding = (int32_t)f;
    sw->counts[t->cls]++;
    if (t->cls == PF_HARNESS_ERROR) {
        if (!sw->harness_error)
            snprintf(sw->error, sizeof sw->error, "%s", error);
        sw->harness_error = 1;
    } else if (!(sw->o->accept_mask & (1u << t->cls))) {
        sw->not_accepted = 1;
    }
}

int pf_sweep_preload(struct pf_sweep *sw, const struct pf_journal_trial *t, unsigned nt,
                     char *err, size_t errlen)
{
    if (t->target >= nt || !(sw->o->modes & t->mode)) {
        snprintf(err, errlen, "a trial of target %u in mode %s, which this sweep does not have",
                 t->target, pf_sweep_mode_name(t->mode));
        return -1;
    }
    if (t->cls == PF_HARNESS_ERROR)
        return 0; /* not the target's doing: it runs again (and is journaled again) */
    if (pf_array_reserve(sw->trials, sw->cap, sw->ntrials + 1, 1024) < 0) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    struct pf_trial_rec *r = &sw->trials[sw->ntrials++];
    memset(r, 0, sizeof *r);
    r->point = t->point;
    r->injected = t->injected;
    r->first_injected = t->first_injected;
    r->duration_ms = (uint32_t)t->duration_ms;
    r->exit_code = (int16_t)t->exit_code;
    r->signal = (uint8_t)t->signal;
    r->cls = (uint8_t)t->cls;
    r->sub = (uint8_t)t->sub;
    r->mode = (uint8_t)t->mode;
    r->target = (uint8_t)t->target;
    r->reached = (uint8_t)t->reached;
    r->engine = (uint8_t)t->engine;
    r->precopied = (uint8_t)t->precopied;
    r->stop = (uint8_t)t->stop;
    r->site = t->site_key[0] ? (int32_t)pf_strtab_intern(&sw->site_keys, t->site_key) : -1;
    tally(sw, r, t->signature, t->repro, t->stderr_tail, t->sources, t->error);
    return 0;
}

int pf_sweep_preload_done(struct pf_sweep *sw, char *err, size_t errlen)
{
    if (sw->ntrials > 1)
        qsort(sw->trials, sw->ntrials, sizeof sw->trials[0], trial_cmp);
    for (size_t i = 1; i < sw->ntrials; i++)
        if (trial_cmp(&sw->trials[i - 1], &sw->trials[i]) == 0) {
            snprintf(err, errlen, "the trial of target %u at point %llu (%s) is journaled twice",
                     sw->trials[i].target, (unsigned long long)sw->trials[i].point,
                     pf_sweep_mode_name(sw->trials[i].mode));
            return -1;
        }
    sw->npreloaded = sw->ntrials;
    return 0;
}

/* Takes the next job, waiting for the extension decision when needed;
 * a journaled one is passed over as if it had just finished. Called with
 * the lock held. Returns 1 with *JOB and *SEQ (its number among the jobs
 * that run) set, or 0 when done. */
static int next_job(struct pf_sweep *sw, uint64_t *job, uint64_t *seq)
{
    for (;;) {
        if (pf_interrupted || sw->dispensing_done)
            return 0;
        if (sw->job_next < sw->job_total) {
            uint64_t j = sw->job_next++, k = j / sw->nmodes;
            const struct pf_trial_rec *done =
                journaled(sw, sw->target_index, pf_sweep_plan_point(&sw->cur->plan, k),
                          sw->modes[j % sw->nmodes]);
            if (done) {
                if (k == sw->last_k) {
                    sw->last_done++;
                    sw->last_injected |= done->reached;
                }
                continue;
            }
            *job = j;
            *seq = sw->fork_seq++;
            return 1;
        }
        if (sw->last_done < sw->nmodes) {
            /* the last point's trials are still running: wait for them */
            pthread_cond_wait(&sw->cond, &sw->lock);
            continue;
        }
        uint64_t k = sw->last_k + 1;
        /* the first point past M always runs (in shard 1): whether the
         * last point within M met its failure may be another shard's to
         * know, and shards must add up to the unsharded sweep */
        int first_past_m = k == sw->cur->plan.count;
        if ((!sw->last_injected && !first_past_m) || sw->extended >= PF_EXTEND_MAX ||
            pf_sweep_plan_point(&sw->cur->plan, k) == 0) {
            sw->dispensing_done = 1;
            pthread_cond_broadcast(&sw->cond);
            return 0;
        }
        sw->extended++;
        sw->last_k = k;
        sw->last_done = 0;
        sw->last_injected = 0;
        sw->job_total += sw->nmodes;
        sw->planned += sw->nmodes;
    }
}

/* Journals trial T: its finding's example (repro, stderr tail) only when
 * it is that example now, since a trial that is not never becomes it
 * (the example it lost to was journaled before it). Called with the lock
 * held. */
static void journal(struct pf_sweep *sw, const struct pf_trial_rec *t,
                    const struct pf_result *res)
{
    const struct pf_finding *f = t->finding >= 0 ? &sw->findings.v[t->finding] : NULL;
    int example = f && f->target == t->target && f->point == t->point && f->mode == t->mode;
    struct pf_journal_trial jt = {
        .target = t->target, .point = t->point, .mode = t->mode, .cls = t->cls,
        .sub = t->sub, .exit_code = t->exit_code, .signal = t->signal,
        .duration_ms = t->duration_ms, .injected = t->injected,
        .first_injected = t->first_injected, .reached = t->reached, .engine = t->engine,
        .precopied = t->precopied,
        .stop = t->stop,
        .signature = res->signature, .repro = example ? res->repro : "",
        .stderr_tail = example ? res->stderr_tail : "",
        .sources = example ? res->sources : "",
        .site_key = res->site_key,
        .error = t->cls == PF_HARNESS_ERROR ? res->error : "",
    };
    /* a site plan's trial names its site, or how far past M it is, by
     * which a resume in another environment finds it */
    const struct pf_sweep_target *st = sw->cur;
    if (st->sites.points && t->point > st->allocations) {
        jt.has_past_m = 1;
        jt.past_m = t->point - st->allocations;
    } else if (st->sites.points) {
        jt.has_plan_key =
            pf_site_plan_key(&st->sites, t->point, &jt.plan_key, &jt.plan_nth) == 0;
    }
    char err[sizeof sw->error];
    if (pf_journal_add_trial(sw->journal, &jt, err, sizeof err) < 0) {
        /* a sweep that cannot be resumed stops, as on any harness error */
        if (!sw->harness_error)
            snprintf(sw->error, sizeof sw->error, "%s", err);
        sw->harness_error = 1;
        sw->dispensing_done = 1;
        pf_journal_close(sw->journal);
        sw->journal = NULL;
    }
}

/* Files one finished trial, run by ENGINE (PF_FORKSRV_*). Called with the
 * lock held. */
static void record(struct pf_sweep *sw, uint64_t k, unsigned mode, uint64_t point,
                   unsigned engine, const struct pf_result *res)
{
    /* it met its failure point when the run got as far as allocation
     * POINT; injections of the target's own (set_nomemory) do not count,
     * or a scenario that arms itself would extend forever */
    int reached = res->eligible >= point && res->injected > 0;
    if (k == sw->last_k) {
        sw->last_done++;
        sw->last_injected |= reached;
        pthread_cond_broadcast(&sw->cond);
    }
    if (res->stop == PF_STOP_INTERRUPTED)
        return; /* not a result: the harness stopped it */
    if (pf_array_reserve(sw->trials, sw->cap, sw->ntrials + 1, 1024) < 0) {
        sw->harness_error = 1;
        snprintf(sw->error, sizeof sw->error, "out of memory recording trials");
        return;
    }
    struct pf_trial_rec *t = &sw->trials[sw->ntrials++];
    t->point = point;
    t->injected = res->injected;
    t->first_injected = res->first_injected;
    t->duration_ms = (uint32_t)res->duration_ms;
    t->site = res->site_key[0] ? (int32_t)pf_strtab_intern(&sw->site_keys, res->site_key) : -1;
    t->exit_code = (int16_t)res->exit_code;
    t->signal = (uint8_t)res->signal;
    t->cls = (uint8_t)res->v.cls;
    t->sub = (uint8_t)res->v.sub;
    t->mode = (uint8_t)mode;
    t->target = (uint8_t)sw->target_index;
    t->stop = (uint8_t)res->stop;
    t->reached = (uint8_t)reached;
    t->engine = (uint8_t)engine;
    t->precopied = (uint8_t)(engine == PF_FORKSRV_FORKED && res->precopied);
    tally(sw, t, res->signature, res->repro, res->stderr_tail, res->sources, res->error);
    if (sw->journal)
        journal(sw, t, res);
}

static int run_target(struct pf_sweep *sw, unsigned index, const struct pf_sweep_target *st);

struct worker {
    struct pf_sweep *sw;
    unsigned index;
    pthread_t thread;
    int started;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct pf_sweep *sw = w->sw;
    struct pf_runner *r = calloc(1, sizeof *r);
    struct pf_result *res = calloc(1, sizeof *res);
    char err[512];
    if (!r || !res || pf_runner_init(r, sw->dir, w->index, err, sizeof err) < 0) {
        pthread_mutex_lock(&sw->lock);
        if (!sw->harness_error)
            snprintf(sw->error, sizeof sw->error, "%s", r && res ? err : "out of memory");
        sw->harness_error = 1;
        sw->dispensing_done = 1;
        goto out_locked;
    }
    pthread_mutex_lock(&sw->lock);
    uint64_t job, seq;
    while (next_job(sw, &job, &seq)) {
        uint64_t k = job / sw->nmodes;
        unsigned mode = sw->modes[job % sw->nmodes];
        uint64_t point = pf_sweep_plan_point(&sw->cur->plan, k);
        pthread_mutex_unlock(&sw->lock);

        char spec[1200];
        const char *filters = sw->o->inject;
        pf_sweep_mode_spec(mode, point, spec, sizeof spec);
        if (filters && filters[0]) {
            size_t n = strlen(spec);
            snprintf(spec + n, sizeof spec - n, ",%s", filters);
        }
        unsigned engine = PF_FORKSRV_NONE;
        if (sw->fork)
            engine = (unsigned)pf_forksrv_trial(sw->fork, sw->ctx, r, sw->cur->t, seq, point,
                                                mode, spec, res);
        else
            pf_trial_run(sw->ctx, r, sw->cur->t, spec, res);

        pthread_mutex_lock(&sw->lock);
        record(sw, k, mode, point, engine, res);
    }
out_locked:
    sw->active--;
    pthread_cond_broadcast(&sw->cond);
    pthread_mutex_unlock(&sw->lock);
    if (r && r->ctl.ctl)
        pf_runner_free(r);
    free(r);
    free(res);
    return NULL;
}

int pf_sweep_run(struct pf_sweep *sw, unsigned index, struct pf_sweep_target *st)
{
    struct pf_forksrv srv;
    sw->fork = NULL;
    if (sw->o->engine_fork) {
        pf_forksrv_start(&srv, sw->ctx, sw->dir, st->t, sw->o->inject);
        sw->fork = &srv;
    }
    int rc = run_target(sw, index, st);
    if (sw->fork) {
        pf_forksrv_stop(&srv);
        st->forked = srv.forked;
        st->exec_threads = srv.exec_threads;
        st->exec_state = srv.exec_state;
        st->exec_other = srv.exec_other;
        st->precopied = 0;
        for (size_t i = 0; i < sw->ntrials; i++)
            st->precopied += sw->trials[i].target == index && sw->trials[i].precopied;
        /* and those that ran before a resume */
        for (size_t i = 0; i < sw->npreloaded; i++) {
            const struct pf_trial_rec *t = &sw->trials[i];
            st->forked += t->target == index && t->engine == PF_FORKSRV_FORKED;
            st->exec_threads += t->target == index && t->engine == PF_FORKSRV_EXEC_THREADS;
            st->exec_state += t->target == index && t->engine == PF_FORKSRV_EXEC_STATE;
            st->exec_other += t->target == index && t->engine == PF_FORKSRV_EXEC_OTHER;
        }
        if (srv.error[0] || !srv.unforked[0])
            snprintf(st->engine_error, sizeof st->engine_error, "%s", srv.error);
        else
            snprintf(st->engine_error, sizeof st->engine_error,
                     "points exec'd: a forked trial could not be given its own descriptions (%.170s)", srv.unforked);
        sw->fork = NULL;
    }
    return rc;
}

/* Sweeps target INDEX with the workers. */
static int run_target(struct pf_sweep *sw, unsigned index, const struct pf_sweep_target *st)
{
    if (st->plan.count == 0)
        return 0; /* a site sample that took no site: no trial, nothing to extend */
    pthread_mutex_lock(&sw->lock);
    sw->target_index = index;
    sw->cur = st;
    sw->job_next = 0;
    sw->job_total = st->plan.count * sw->nmodes;
    sw->planned += sw->job_total;
    sw->last_k = st->plan.count - 1;
    sw->last_done = 0;
    sw->last_injected = 0;
    sw->extended = 0;
    sw->fork_seq = 0;
    sw->dispensing_done = 0;
    unsigned jobs = sw->jobs;
    if (jobs > sw->job_total)
        jobs = (unsigned)sw->job_total;
    sw->active = jobs;
    pthread_mutex_unlock(&sw->lock);

    struct worker *ws = calloc(jobs, sizeof *ws);
    if (!ws) {
        snprintf(sw->error, sizeof sw->error, "out of memory");
        return -1;
    }
    /* workers leave the signals to the main thread */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    sigaddset(&block, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    for (unsigned i = 0; i < jobs; i++) {
        ws[i].sw = sw;
        ws[i].index = i;
        if (pthread_create(&ws[i].thread, NULL, worker_main, &ws[i]) == 0) {
            ws[i].started = 1;
        } else {
            pthread_mutex_lock(&sw->lock);
            sw->active--;
            pthread_mutex_unlock(&sw->lock);
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    unsigned started = 0;
    for (unsigned i = 0; i < jobs; i++)
        started += ws[i].started;
    if (started == 0) {
        free(ws);
        snprintf(sw->error, sizeof sw->error, "cannot start any worker thread");
        sw->harness_error = 1;
        return -1;
    }

    /* a resumed sweep's journaled trials count as done when their target's
     * turn has come, and never in the rate */
    uint64_t journaled = 0, later = 0, later_counts[PF_CLASS_COUNT] = {0};
    for (size_t i = 0; i < sw->npreloaded; i++) {
        journaled += sw->trials[i].target <= index;
        later += sw->trials[i].target > index;
        later_counts[sw->trials[i].cls] += sw->trials[i].target > index;
    }
    struct pf_progress pr;
    pf_progress_init(&pr, sw->progress);
    for (;;) {
        pthread_mutex_lock(&sw->lock);
        unsigned active = sw->active;
        struct pf_progress_counts c;
        c.done = sw->ntrials - later;
        c.journaled = journaled;
        c.total = sw->planned;
        for (int k = 0; k < PF_CLASS_COUNT; k++)
            c.counts[k] = sw->counts[k] - later_counts[k];
        pthread_mutex_unlock(&sw->lock);
        pf_progress_update(&pr, &c, pf_now_ms() - sw->started_ms, active == 0);
        if (active == 0)
            break;
        usleep(50 * 1000);
    }
    for (unsigned i = 0; i < jobs; i++)
        if (ws[i].started)
            pthread_join(ws[i].thread, NULL);
    free(ws);
    return sw->harness_error ? -1 : 0;
}
