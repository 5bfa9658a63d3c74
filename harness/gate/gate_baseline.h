/* gate_baseline.h: the findings a CI gate already knows about (class +
 * signature), read from a baseline file or from any results.json. */
#ifndef PF_GATE_BASELINE_H
#define PF_GATE_BASELINE_H

#include <stddef.h>

#include "classify.h"
#include "report_model.h"

struct pf_bentry {
    enum pf_class cls;
    char *signature;             /* owned */
};

struct pf_baseline {
    struct pf_bentry *v;         /* sorted by class, then signature */
    size_t n;
};

/* Loads PATH: a baseline file ("schema": "pyfault-baseline", version 1)
 * or a results.json (version 1), whose findings are then the baseline.
 * Returns 0, or -1 with a one-line message naming the file in ERR. */
int pf_baseline_load(struct pf_baseline *b, const char *path, char *err, size_t errlen);
/* The baseline R's findings make (ok findings left out). 0, or -1 on ENOMEM. */
int pf_baseline_from_results(struct pf_baseline *b, const struct pf_results *r);
/* True when B knows finding CLS + SIG. Pure. */
int pf_baseline_has(const struct pf_baseline *b, enum pf_class cls, const char *sig);
/* Writes R's findings (ok left out) as a baseline file to PATH atomically
 * (temp file, fsync, rename), sorted, with each finding's repro,
 * interpreters and scenarios for people reading a diff. 0, or -1 + ERR. */
int pf_baseline_write(const char *path, const struct pf_results *r, char *err, size_t errlen);
/* Frees B. Safe on a zeroed B. */
void pf_baseline_free(struct pf_baseline *b);

#endif
