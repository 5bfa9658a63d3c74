/* forkserver.h: --engine fork: a counting run of the target that stops at
 * each planned point and forks the trials from there (the shim's fork
 * server, injectors/pyfault.h), so that they do not start afresh. Points
 * where forking is unsafe, or that the server never reaches, fall back
 * to exec. */
#ifndef PF_FORKSERVER_H
#define PF_FORKSERVER_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include "trial.h"

struct pf_forksrv {
    pid_t pid;               /* the server, 0 when it could not start */
    struct pf_ctlpage page;  /* the server's own control page */
    int sock;                /* our end of its socket, -1 once closed */
    int out_fd, err_fd;      /* its stdout and stderr, drained */
    pthread_t drainer;
    int draining;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    uint64_t cursor;         /* the job to be served next (jobs go in order) */
    uint64_t at;             /* the eligible allocation the server stopped at */
    unsigned threads;        /* threads alive there */
    int children;            /* the target had a child process there */
    int state;               /* it had a timer armed or a writable shared
                                mapping there (PYFAULT_FORK_UNSAFE_*) */
    int ended;               /* the server is gone or out of service */
    char marker[PYFAULT_PATH_MAX + 32]; /* "PYFAULT_CTL=<page>": what the
                                server, its trials and all they start carry */
    pid_t *live;             /* the server and the forked trials not yet
                                finished: they carry its page's name too */
    size_t nlive, live_cap;
    /* what happened to the jobs */
    uint64_t forked;
    uint64_t exec_threads;   /* exec: more than one thread alive at the point,
                                or a child process of the target's own */
    uint64_t exec_state;     /* exec: an interval or POSIX timer armed, a
                                writable shared mapping (a fork loses the
                                one, shares the other), a descriptor a
                                trial cannot have its own of, or a trial
                                that could not be given it ("unforked") */
    uint64_t exec_other;     /* exec: past the server's end, or it failed */
    char error[256];         /* why the server stopped serving, if it did */
    char unforked[256];      /* the first trial that could not be given its
                                own descriptions: what, where, errno */
};

/* Starts T as a fork server in DIR under the filter spec FILTERS (may be
 * NULL), its spec padded to the trials' length (spec_pad.h). On failure
 * S is still usable: every job falls back to exec and S->error says
 * why. */
void pf_forksrv_start(struct pf_forksrv *s, const struct pf_context *ctx, const char *dir,
                      const struct pf_target *t, const char *filters);
/* How a trial ran (journal.h keeps it): the exec engine's, or forked,
 * or exec'd by the fork engine because threads were alive (or a child
 * had), for any other reason, or because of the target's timers or
 * shared mappings. */
enum {
    PF_FORKSRV_NONE,
    PF_FORKSRV_FORKED,
    PF_FORKSRV_EXEC_THREADS,
    PF_FORKSRV_EXEC_OTHER,
    PF_FORKSRV_EXEC_STATE,
    PF_FORKSRV_HOW_COUNT
};

/* Runs job number JOB (jobs are numbered from 0 and every one must come
 * here, in any order across threads: each waits for its turn) at POINT in
 * MODE (PF_MODE_*) on runner R with the trial spec INJECT, into RES:
 * forked from the server when it can be, else exec'd. Returns how
 * (PF_FORKSRV_FORKED, _EXEC_THREADS, _EXEC_STATE or _EXEC_OTHER). */
int pf_forksrv_trial(struct pf_forksrv *s, const struct pf_context *ctx, struct pf_runner *r,
                      const struct pf_target *t, uint64_t job, uint64_t point, unsigned mode,
                      const char *inject, struct pf_result *res);
/* Ends the service: the server runs to its end, is killed if need be,
 * and reaped. */
void pf_forksrv_stop(struct pf_forksrv *s);

#endif
