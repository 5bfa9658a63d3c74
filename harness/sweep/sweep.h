/* sweep.h: the sweep engine: a pool of workers running trials over the
 * planned points, with the extension past M, dedup and progress. */
#ifndef PF_SWEEP_H
#define PF_SWEEP_H

#include <pthread.h>
#include <stdint.h>

#include "classify.h"
#include "findings.h"
#include "strtab.h"
#include "forkserver.h"
#include "journal.h"
#include "options.h"
#include "site_plan.h"
#include "sweep_plan.h"
#include "trial.h"

/* One finished trial, kept small: a 20,000-point sweep stays in ~1 MB. */
struct pf_trial_rec {
    uint64_t point;
    uint64_t injected, first_injected;
    uint32_t duration_ms;
    int32_t finding;      /* index into findings */
    int32_t site;         /* index into site_keys, -1 = no key */
    int16_t exit_code;    /* -1 = none */
    uint8_t signal;
    uint8_t cls, sub, mode, target;
    uint8_t stop;         /* enum pf_stop: what ended it */
    uint8_t reached;      /* ran as far as its point and met a failure there */
    uint8_t engine;       /* PF_FORKSRV_* */
    uint8_t precopied;    /* forked, it copied the server's pages in one go */
};

struct pf_sweep_target {
    const struct pf_target *t;
    uint64_t allocations;    /* M, from the counting run */
    struct pf_pace pace;     /* the counting run's wall time, gaps */
    unsigned layer;          /* the counting run's layer (enum pyfault_layer) */
    struct pf_site_plan sites; /* --plan sites: the points chosen; empty otherwise */
    struct pf_sweep_plan plan;
    /* --engine fork: how its trials ran */
    uint64_t forked, exec_threads, exec_state, exec_other;
    uint64_t precopied;       /* forked trials that copied the server's
                                 pages in one go (injectors/precopy.c) */
    char engine_error[256];   /* why the fork server stopped, if it did; or
                                 else why a forked trial was exec'd instead */
};

struct pf_sweep {
    /* configuration, set before pf_sweep_run */
    const struct pf_options *o;
    const struct pf_context *ctx;
    const char *dir;          /* scratch directory for control pages/logs */
    unsigned jobs;
    int progress;             /* 0 none, 1 live line (TTY), 2 plain lines */
    struct pf_journal *journal; /* each finished trial goes there; NULL: none */
    /* results, under lock */
    pthread_mutex_t lock;
    pthread_cond_t cond;
    struct pf_trial_rec *trials;
    size_t ntrials, cap;
    size_t npreloaded;        /* trials[0..npreloaded): journaled before, sorted */
    struct pf_findings findings;
    struct pf_strtab site_keys;  /* the trials' site keys, interned */
    uint64_t counts[PF_CLASS_COUNT];
    uint64_t planned;         /* trials planned so far (grows with extension) */
    uint64_t started_ms;
    int not_accepted;         /* some trial's class is not in --accept */
    int harness_error;        /* some trial could not be run */
    char error[512];          /* the first harness error */
    /* the target being swept, and the job dispenser */
    unsigned target_index;
    const struct pf_sweep_target *cur;
    struct pf_forksrv *fork;  /* --engine fork: the current target's server */
    unsigned nmodes;
    unsigned modes[2];
    uint64_t job_next, job_total;
    uint64_t fork_seq;        /* jobs handed to the fork server (journaled ones skip it) */
    uint64_t last_k;          /* point index whose trials decide extension */
    unsigned last_done;       /* its trials finished */
    int last_injected;        /* one of them reached its failure point */
    uint64_t extended;        /* points added past M */
    int dispensing_done;
    unsigned active;          /* workers still running */
};

/* Prepares SW (lock, tables). */
void pf_sweep_init(struct pf_sweep *sw, const struct pf_options *o,
                   const struct pf_context *ctx, const char *dir, unsigned jobs);
/* Files trial T of a journal (--resume) as if it had just run: counted,
 * deduplicated, and never run again; a harness error is passed over (that
 * trial runs again). NT targets are swept. Call before pf_sweep_run.
 * Returns 0, or -1 with a one-line message in ERR. */
int pf_sweep_preload(struct pf_sweep *sw, const struct pf_journal_trial *t, unsigned nt,
                     char *err, size_t errlen);
/* Ends the preloading: orders the preloaded trials for the dispenser's
 * look-ups. Returns 0, or -1 when the journal has a trial twice (ERR). */
int pf_sweep_preload_done(struct pf_sweep *sw, char *err, size_t errlen);
/* Sweeps target number INDEX (already counted and planned in ST). Returns
 * 0, or -1 on a harness error (message in sw->error). Stops early when
 * pf_interrupted is set. */
int pf_sweep_run(struct pf_sweep *sw, unsigned index, struct pf_sweep_target *st);
/* Orders the trial records by target, point and mode (workers finish
 * out of order), and the findings by their examples' (target, point,
 * mode), so that results do not depend on -j or on a resume. Call once
 * no worker runs. */
void pf_sweep_sort(struct pf_sweep *sw);
/* Frees SW. */
void pf_sweep_free(struct pf_sweep *sw);

#endif
