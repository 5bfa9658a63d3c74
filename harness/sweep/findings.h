/* findings.h: trials deduplicated by signature. Not thread-safe: the
 * sweep calls it with its lock held. */
#ifndef PF_FINDINGS_H
#define PF_FINDINGS_H

#include <stddef.h>
#include <stdint.h>

struct pf_finding {
    char *signature;
    char *repro;        /* of the first trial (by target, point, mode) */
    char *stderr_tail;  /* of that trial */
    char *sources;      /* of that trial: file:line of the signature's frames (NULL = none) */
    int cls, sub;
    uint64_t count;
    unsigned target;    /* first trial: target index, point, mode */
    uint64_t point;
    unsigned mode;
};

struct pf_findings {
    struct pf_finding *v;
    size_t n, cap;
    uint32_t *slots;    /* open addressing: index + 1, 0 = empty */
    size_t nslots;
};

/* Empty table. */
void pf_findings_init(struct pf_findings *f);
/* Counts one trial with SIGNATURE; the example kept (repro, stderr tail)
 * is that of the lowest (TARGET, POINT, MODE) seen. Returns the finding's
 * index, or -1 on ENOMEM. */
long pf_findings_add(struct pf_findings *f, const char *signature, int cls, int sub,
                     const char *repro, const char *stderr_tail, unsigned target,
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
