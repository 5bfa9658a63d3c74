/* trial.h: one run of one target under one injection spec, from spawn to
 * verdict and signature. */
#ifndef PF_TRIAL_H
#define PF_TRIAL_H

#include <limits.h>
#include <stdint.h>

#include "capture.h"
#include "classify.h"
#include "ctlpage.h"
#include "env.h"
#include "eventlog.h"
#include "frames.h"
#include "layout.h"
#include "pace.h"
#include "signature.h"
#include "sitekey.h"
#include "supervise.h"
#include "target.h"

#define PF_STDERR_TAIL 2048
/* A repro line's room; a longer one is never cut: the line is then
 * PF_REPRO_TOO_LONG, a shell comment (pyfault repro replays the trial from
 * its stored argv). */
#define PF_REPRO_MAX 16384
#define PF_REPRO_TOO_LONG "# command line too long to show: pyfault repro replays this trial"

/* Shared by all trials of a command; read-only once built. */
struct pf_context {
    struct pf_env env;        /* base environment: shim, PYTHON*, PYTHONPATH */
    char shim[PATH_MAX];
    char pyfault[PATH_MAX];   /* the command, for repro lines */
    double timeout_s;
    struct pf_pace pace;      /* the counting run's; zero: fixed defaults */
    int want_samples;         /* PF_SAMPLES_* (supervise.h) */
    const char *skip_text;    /* skip list (skip_list.h) */
    enum pf_layout layout;    /* the targets' address layout (layout.h) */
};

/* Per-worker scratch: control page, event log, capture buffers. */
struct pf_runner {
    char log_path[PYFAULT_PATH_MAX];  /* our event log */
    char user_log[PYFAULT_PATH_MAX];  /* the caller's log= when given */
    struct pf_ctlpage ctl;
    struct pf_capture out, err;
    struct pf_events events;
    char text[PF_CAPTURE_HEAD + PF_CAPTURE_TAIL + 64]; /* stderr as text */
};

struct pf_result {
    struct pf_verdict v;
    int exit_code;            /* -1 when there is none */
    int signal;               /* terminating signal, 0 = none */
    enum pf_stop stop;
    uint64_t duration_ms;
    uint64_t verdict_ms;      /* unwind loop or stall seen on the control page */
    uint64_t max_gap_ms;      /* longest stretch without a new allocation */
    uint64_t allocations, eligible, injected, first_injected, site_streak_max;
    unsigned layer;           /* enum pyfault_layer counted in, 0 = unknown */
    int attached;             /* the shim ran in the target (its page or log):
                                 else nothing was counted or injected */
    int precopied;            /* forked, it copied the server's pages in one
                                 go (its log's "precopied") */
    double cpu;
    int crash_tid;            /* the thread that crashed (event log), 0 = none */
    int crash_main_thread;    /* ... was the main thread */
    char crash_thread[17];    /* ... its name */
    char spec[2048];          /* the PYFAULT value the target got */
    char signature[PF_SIG_MAX];
    char sources[PF_SIG_MAX]; /* file:line of the signature's frames (signature.h) */
    struct pf_frames frames;  /* the frames the signature was taken from */
    struct pf_frames samples[PF_SAMPLES];
    unsigned nsamples;
    struct pf_frames threads[PF_THREADS_MAX]; /* stuck: every thread, at the last sample */
    unsigned nthreads;
    struct pf_frames site;    /* stuck: the failing call site (supervise.h) */
    char site_key[PF_SITEKEY_TEXT_MAX]; /* the first failure's site key
                               * (sitekey.h), "" = no failure or no key */
    uint64_t site_hash;       /* its --plan sites key, 0 = none */
    char stderr_tail[PF_STDERR_TAIL + 1];
    char stdout_tail[PF_STDERR_TAIL + 1];
    char error[256];          /* harness-error: what went wrong */
    char repro[PF_REPRO_MAX]; /* the whole line, or PF_REPRO_TOO_LONG */
};

/* Sets up CTX: finds the shim (or fails with a one-line message in ERR)
 * and builds the base environment. Returns 0 or -1. */
int pf_context_init(struct pf_context *ctx, double timeout_s, char *err, size_t errlen);
/* Frees CTX. */
void pf_context_free(struct pf_context *ctx);
/* From now on this process and every trial it starts dump no core: the
 * soft RLIMIT_CORE goes to 0 (inherited across fork and exec). For
 * sweeps, whose thousands of crashes would each write a core file as big
 * as the target, or each wake systemd-coredump; `run` keeps the user's
 * limit, so that a repro can dump one. */
void pf_no_core_dumps(void);

/* Creates R's control page and log in directory DIR, tagged INDEX.
 * Returns 0, or -1 with a message in ERR. */
int pf_runner_init(struct pf_runner *r, const char *dir, unsigned index,
                   char *err, size_t errlen);
/* Removes R's files. */
void pf_runner_free(struct pf_runner *r);

/* Where a trial's event log is read from. */
struct pf_trial_log {
    const char *path;
    long offset;
};

/* A trial's first half: RES cleared with its repro line and spec (INJECT
 * plus our log), R's page and captures reset, LOG set. Returns 0, or -1
 * with RES a harness error (the log could not be made). */
int pf_trial_begin(const struct pf_context *ctx, struct pf_runner *r,
                   const struct pf_target *t, const char *inject,
                   struct pf_result *res, struct pf_trial_log *log);
/* Its second half, for the started child CH (spawned or forked): watch it
 * to its end, read the log, classify, sign. */
void pf_trial_finish(const struct pf_context *ctx, struct pf_runner *r, struct pf_child *ch,
                     const struct pf_trial_log *log, struct pf_result *res);
/* RES becomes a harness error: FMT ("... %s ... %s") with WHAT and
 * strerror(ERR). */
void pf_trial_fail(struct pf_result *res, const char *fmt, const char *what, int err);
/* Runs T once under INJECT (a valid spec, may be "" for count-only) and
 * fills RES: begin, spawn, finish. Thread-safe across distinct runners. */
void pf_trial_run(const struct pf_context *ctx, struct pf_runner *r,
                  const struct pf_target *t, const char *inject,
                  struct pf_result *res);

/* Writes the command line that replays a trial of T under INJECT, whole,
 * or PF_REPRO_TOO_LONG when it does not fit OUTLEN. */
void pf_trial_repro(const struct pf_context *ctx, const struct pf_target *t,
                    const char *inject, char *out, size_t outlen);

#endif
