/* report_verdict.h: patched (or regress) build against vanilla of the same
 * version, point by point. Pure. */
#ifndef PF_REPORT_VERDICT_H
#define PF_REPORT_VERDICT_H

#include <stddef.h>

#include "report_model.h"

enum pf_verdict_kind { PF_V_FIXED, PF_V_STILL, PF_V_REGRESSED, PF_V_NEW, PF_V_COUNT };

/* The other build (x.y-patched, x.y-regress) and its x.y-vanilla base. */
struct pf_vpair {
    int base, other;             /* interpreter indexes */
};

/* One point where either side fails. */
struct pf_vpoint {
    long point;                  /* -1: single run */
    const char *mode;
    enum pf_verdict_kind verdict;
    long base_trial, other_trial; /* trial indexes; -1: that side did not run it */
    long other_point;            /* the other side's N (it may differ from the
                                  * base's under site-key matching); -1: none */
};

/* "fixed", "still failing", "regressed", "new". */
const char *pf_verdict_name(enum pf_verdict_kind v);
/* True for the classes that are an interpreter bug whatever the scenario
 * expects (abort, segfault, stack-overflow, unwind-loop, hang, signal);
 * ok, error and fatal are CPython's documented answers to a failed
 * allocation, harness-error is ours. */
int pf_class_fails(enum pf_class c);
/* Every interpreter pair of R, by variant: x.y-patched and x.y-regress
 * against x.y-vanilla. Writes at most MAX; returns how many there are. */
size_t pf_verdict_pairs(const struct pf_results *r, struct pf_vpair *out, size_t max);
/* The verdicts of pair P over scenario S, by mode then point: a malloc'ed
 * array of *N (NULL with *N = 0 when there is none). Points are matched
 * by site key, the k-th trial of a key (in N order) on one side with the
 * k-th on the other; trials without a key (single runs, no failure
 * injected, older files) by equal N, never two keyed trials whose keys
 * differ. Fixed: vanilla fails,
 * the other does not; still failing: both fail; regressed: only the other
 * fails, with a class+signature vanilla shows elsewhere in S; new: only
 * the other fails, with one vanilla never shows in S. */
struct pf_vpoint *pf_verdicts(const struct pf_results *r, int s, struct pf_vpair p, size_t *n);

#endif
