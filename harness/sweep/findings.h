/* findings.h: trials deduplicated by signature. Not thread-safe: the
 * sweep calls it with its lock held. */
#ifndef PF_FINDINGS_H
#define PF_FINDINGS_H

#include <stddef.h>
#include <stdint.h>

#include "strtab.h"

struct pf_finding {
    char *signature;
    char *repro;        /* of the first trial (by target, point, mode) */
    char *stderr_tail;  /* of that trial */
    int cls, sub;
    uint64_t count;
    uint64_t points;    /* distinct failure points it was met at, by site
                         * key across targets and cells (pf_findings_point;
                         * the matrix counts them) */
    unsigned target;    /* first trial: target index, point, mode */
    uint64_t point;
    unsigned mode;
};

struct pf_findings {
    struct pf_finding *v;
    size_t n, cap;
    uint32_t *slots;    /* open addressing: index + 1, 0 = empty */
    size_t nslots;
    struct pf_strtab seen; /* "FINDING|POINT" for every point met */
};

/* Empty table. */
void pf_findings_init(struct pf_findings *f);
/* Counts one trial with SIGNATURE; the example kept (repro, stderr tail)
 * is that of the lowest (TARGET, POINT, MODE) seen. Returns the finding's
 * index, or -1 on ENOMEM. */
long pf_findings_add(struct pf_findings *f, const char *signature, int cls, int sub,
                     const char *repro, const char *stderr_tail, unsigned target,
                     uint64_t point, unsigned mode);
/* Records that finding K was met at a failure point: the point is its
 * SITE_KEY and RANK (the how-manyth trial of that key in its target and
 * mode, in N order) when there is a key, so the same call met at N in
 * one target (or cell) and at N+1 in another is one point; without a key
 * it is N in TARGET and MODE. Counts it into K's points when new.
 * Returns 0, or -1 on ENOMEM. */
int pf_findings_point(struct pf_findings *f, long k, const char *site_key, uint64_t rank,
                      unsigned target, uint64_t point, unsigned mode);
/* Frees the table. */
void pf_findings_free(struct pf_findings *f);

#endif
