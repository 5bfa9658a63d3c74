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

/* Never extend further than this past M, whatever the target does. */
#define PF_EXTEND_MAX 1000

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
}

/* Takes the next job, waiting for the extension decision when needed.
 * Called with the lock held. Returns 1 with *JOB set, or 0 when done. */
static int next_job(struct pf_sweep *sw, uint64_t *job)
{
    for (;;) {
        if (pf_interrupted || sw->dispensing_done)
            return 0;
        if (sw->job_next < sw->job_total) {
            *job = sw->job_next++;
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

/* Files one finished trial. Called with the lock held. */
static void record(struct pf_sweep *sw, uint64_t k, unsigned mode, uint64_t point,
                   const struct pf_result *res)
{
    if (k == sw->last_k) {
        sw->last_done++;
        /* it met its failure point when the run got as far as allocation
         * POINT; injections of the target's own (set_nomemory) do not
         * count, or a scenario that arms itself would extend forever */
        if (res->eligible >= point && res->injected > 0)
            sw->last_injected = 1;
        pthread_cond_broadcast(&sw->cond);
    }
    if (res->stop == PF_STOP_INTERRUPTED)
        return; /* not a result: the harness stopped it */
    if (pf_array_reserve(sw->trials, sw->cap, sw->ntrials + 1, 1024) < 0) {
        sw->harness_error = 1;
        snprintf(sw->error, sizeof sw->error, "out of memory recording trials");
        return;
    }
    long f = pf_findings_add(&sw->findings, res->signature, (int)res->v.cls, (int)res->v.sub,
                             res->repro, res->stderr_tail, sw->target_index, point, mode);
    if (f >= 0)
        pf_findings_set_sources(&sw->findings, f, res->sources, sw->target_index, point, mode);
    struct pf_trial_rec *t = &sw->trials[sw->ntrials++];
    t->point = point;
    t->injected = res->injected;
    t->first_injected = res->first_injected;
    t->duration_ms = (uint32_t)res->duration_ms;
    t->finding = (int32_t)f;
    t->site = res->site_key[0] ? (int32_t)pf_strtab_intern(&sw->site_keys, res->site_key) : -1;
    t->exit_code = (int16_t)res->exit_code;
    t->signal = (uint8_t)res->signal;
    t->cls = (uint8_t)res->v.cls;
    t->sub = (uint8_t)res->v.sub;
    t->mode = (uint8_t)mode;
    t->target = (uint8_t)sw->target_index;
    t->stop = (uint8_t)res->stop;
    sw->counts[res->v.cls]++;
    if (res->v.cls == PF_HARNESS_ERROR) {
        if (!sw->harness_error)
            snprintf(sw->error, sizeof sw->error, "%s", res->error);
        sw->harness_error = 1;
    } else if (!(sw->o->accept_mask & (1u << res->v.cls))) {
        sw->not_accepted = 1;
    }
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
    uint64_t job;
    while (next_job(sw, &job)) {
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
        if (sw->fork)
            pf_forksrv_trial(sw->fork, sw->ctx, r, sw->cur->t, job, point, mode, spec, res);
        else
            pf_trial_run(sw->ctx, r, sw->cur->t, spec, res);

        pthread_mutex_lock(&sw->lock);
        record(sw, k, mode, point, res);
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
        st->exec_other = srv.exec_other;
        snprintf(st->engine_error, sizeof st->engine_error, "%s", srv.error);
        sw->fork = NULL;
    }
    return rc;
}

/* Sweeps target INDEX with the workers. */
static int run_target(struct pf_sweep *sw, unsigned index, const struct pf_sweep_target *st)
{
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

    struct pf_progress pr;
    pf_progress_init(&pr, sw->progress);
    for (;;) {
        pthread_mutex_lock(&sw->lock);
        unsigned active = sw->active;
        struct pf_progress_counts c;
        c.done = sw->ntrials;
        c.total = sw->planned;
        memcpy(c.counts, sw->counts, sizeof c.counts);
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
