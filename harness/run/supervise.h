/* supervise.h: watch one spawned target until it ends, times out, is
 * caught in an unwind loop, or the harness is interrupted; then make sure
 * its whole process group is gone. */
#ifndef PF_SUPERVISE_H
#define PF_SUPERVISE_H

#include <stdint.h>

#include "capture.h"
#include "classify.h"
#include "ctlpage.h"
#include "frames.h"
#include "sample.h"
#include "launch.h"

#define PF_SAMPLES 3

/* When a stopped target's stacks are sampled (ptrace, PF_SAMPLES times
 * SAMPLE_GAP_MS apart: tens of milliseconds a trial). */
enum pf_samples_wanted {
    PF_SAMPLES_NEVER,
    PF_SAMPLES_WHEN_NEEDED, /* hangs and timeouts; a loop only when its
                               failing site is unknown (the site names it) */
    PF_SAMPLES_ALWAYS,      /* every stop: `run` shows them */
};
/* Control page watch window when none is given: the unwind-loop verdict
 * compares two reads this far apart. */
#define PF_WATCH_WINDOW_MS 50

enum pf_stop {
    PF_STOP_EXITED,      /* ended on its own */
    PF_STOP_TIMEOUT,     /* --timeout ran out */
    PF_STOP_LOOP,        /* unwind loop seen on the control page */
    PF_STOP_STALL,       /* no allocation for stall_ms, asleep or spinning */
    PF_STOP_INTERRUPTED, /* the harness got SIGINT/SIGTERM/SIGHUP */
};

struct pf_watch {
    /* in */
    double timeout_s;
    const struct pf_ctlpage *ctl; /* NULL: no control page */
    int want_samples;             /* PF_SAMPLES_*: stack samples of a stuck target */
    unsigned window_ms;           /* unwind-loop window; 0: PF_WATCH_WINDOW_MS */
    unsigned stall_ms;            /* stuck after this long without an
                                     allocation (pace.h); 0: never */
    /* out */
    enum pf_stop stop;
    int status;                 /* wait status when PF_STOP_EXITED */
    uint64_t elapsed_ms;        /* start to end (or to the stop decision) */
    uint64_t verdict_ms;        /* PF_STOP_LOOP, _STALL: start to the verdict */
    uint64_t max_gap_ms;        /* longest stretch without a new allocation
                                   (control page reads POLL_MS apart) */
    uint64_t streak_start;      /* same-site streak at the last window's start */
    uint64_t site_streak;       /* ... and at its end */
    uint64_t injected_delta;    /* failures injected over that window */
    double cpu;                 /* group CPU fraction, measured when stuck */
    enum pf_stuck_state stuck;  /* its threads' states then (classify.h) */
    struct pf_ctl_snapshot snap;/* final control page read (if ctl) */
    struct pf_frames samples[PF_SAMPLES]; /* the sampled process's own thread */
    unsigned nsamples;
    struct pf_frames threads[PF_THREADS_MAX]; /* every thread, at the last sample */
    unsigned nthreads;
    struct pf_frames site;      /* stuck: the repeatedly failing call site
                                   (control page site_frames), symbolized */
};

/* "loop", "stall" or "timeout" for a trial the watch ended; NULL for one
 * that ended by itself or was interrupted. Pure. */
const char *pf_stop_name(unsigned stop);

/* Supervises CH, filling OUT and ERR with its output and W with what
 * happened. On return CH's process group has been killed and reaped, so
 * have its descendants in other sessions that carry W->ctl's name in
 * their environment (a forked CH's may carry the fork server's instead,
 * set loose before an exec: its caller's to find), and its pipes are
 * closed. Thread-safe (one child per
 * caller). */
void pf_supervise(struct pf_child *ch, struct pf_watch *w,
                  struct pf_capture *out, struct pf_capture *err);

/* Waits for PID, our child and the leader of a process group of its own
 * (a build command: no deadline, no pipes, no control page), to end or
 * for the harness to be interrupted (pf_interrupted). Either way its group
 * is then killed and reaped, and so are the descendants that left it
 * (setsid) carrying the exact environment entry MARKER (NULL: none).
 * Returns PID's wait status, or -1 when the harness was interrupted.
 * Call pf_supervise_init() before starting PID. */
int pf_supervise_group(pid_t pid, const char *marker);

/* Makes this process the reaper of its orphaned descendants, so that they
 * can be waited for. Idempotent and thread-safe; call before spawning. */
void pf_supervise_init(void);

#endif
