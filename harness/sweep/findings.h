/* findings.h: trials deduplicated by signature. Not thread-safe: the
 * sweep calls it with its lock held. */
#ifndef PF_FINDINGS_H
#define PF_FINDINGS_H

#include <stddef.h>
#include <stdint.h>

#include "strtab.h"

struct pf_finding {
    const char *signature; /* owned by the table's signatures */
    char *repro;        /* of the first trial (by target, point, mode) */
    char *stderr_tail;  /* of that trial */
    char *sources;      /* of that trial: file:line of the signature's frames (NULL = none) */
    int cls, sub;
    uint64_t count;
    uint64_t points;    /* distinct failure points it was met at, by site
                         * key across targets and cells (pf_findings_point;
                         * the matrix counts them) */
    unsigned target;    /* first trial: target index, point, mode */
    uint64_t point;
    unsigned mode;
};

/* The distinct failure points met, per finding: a point is a site key and
 * its rank (the how-manyth trial of that key in its target and mode, N
 * breaking the tie), so the same call at N in one target (or cell) and
 * at N+1 in another is one point; a trial without a key is its N in its
 * target and mode. */
struct pf_points {
    struct pf_strtab seen;   /* "FINDING|RANK|KEY" or "FINDING|#TARGET:N:MODE" */
    struct pf_strtab keys;   /* "TARGET|MODE|KEY" ... */
    uint64_t *key_trials;    /* ... and how many trials each had so far */
    size_t key_trials_n, key_trials_cap;
};

struct pf_findings {
    struct pf_finding *v;
    size_t n, cap;
    struct pf_strtab signatures; /* string i: v[i]'s signature */
    struct pf_points points; /* every point met (pf_findings_point) */
};

/* Empty table. */
void pf_findings_init(struct pf_findings *f);
/* Counts one trial with SIGNATURE; the example kept (repro, stderr tail)
 * is that of the lowest (TARGET, POINT, MODE) seen. Returns the finding's
 * index, or -1 on ENOMEM. */
long pf_findings_add(struct pf_findings *f, const char *signature, int cls, int sub,
                     const char *repro, const char *stderr_tail, unsigned target,
                     uint64_t point, unsigned mode);
/* Records a trial of finding K with SITE_KEY ("" = none) at POINT of
 * TARGET in MODE; each target's trials must come in N order. Returns 1
 * when the point is new for K, 0 when not, -1 on ENOMEM. Empty P is all
 * zeros. */
int pf_points_add(struct pf_points *p, long k, const char *site_key, unsigned target,
                  uint64_t point, unsigned mode);
/* Frees P. */
void pf_points_free(struct pf_points *p);
/* pf_points_add into F's own points, counted into finding K's points.
 * Returns 0, or -1 on ENOMEM. */
int pf_findings_point(struct pf_findings *f, long k, const char *site_key, unsigned target,
                      uint64_t point, unsigned mode);
/* Records SOURCES (pf_signature_sources) for finding IDX when the trial
 * (TARGET, POINT, MODE) is its example. Returns 0, or -1 on ENOMEM. */
int pf_findings_set_sources(struct pf_findings *f, long idx, const char *sources,
                            unsigned target, uint64_t point, unsigned mode);
/* Orders the findings by their examples' (target, point, mode); fills
 * MOVED[old index] with each one's new index (N entries, the count before).
 * Returns 0, or -1 on ENOMEM (then unchanged). */
int pf_findings_sort(struct pf_findings *f, int32_t *moved);
/* Frees the table. */
void pf_findings_free(struct pf_findings *f);

#endif
