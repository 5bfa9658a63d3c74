/* sweep_plan.h: which points a sweep visits. Every selection (range,
 * stride, shard) reduces to one arithmetic progression: over the points
 * 1..M (--plan all), or over the indices of a site plan's sample
 * (--plan sites). Pure. */
#ifndef PF_SWEEP_PLAN_H
#define PF_SWEEP_PLAN_H

#include <stdint.h>

#include "options.h"

struct pf_sweep_plan {
    uint64_t start;  /* first point (with a list: first index) */
    uint64_t step;   /* stride * shard count */
    uint64_t count;  /* points in 1..min(M, range end) */
    const uint64_t *list; /* ascending chosen points, or NULL: every point */
    uint64_t nlist;       /* their number, those in the range */
    uint64_t limit;  /* no point beyond this one (range end), 0 = none */
    /* past M, the points of the whole (unsharded) progression, all run by
     * shard 1 alone, so that shards add up to the unsharded sweep */
    uint64_t ext_base;  /* the first of them */
    uint64_t ext_step;  /* the stride */
    int lead;           /* this is shard 1 (or the only one): it extends */
};

/* Never extend further than this past M, whatever the target does (the
 * journal's reader checks a resumed sweep's points against it too). */
#define PF_EXTEND_MAX 1000

/* Plans the points for a target with M allocations under O's --range,
 * --stride and --shard. Returns 0, or -1 when the selection is empty
 * (message in ERR). */
int pf_sweep_plan_make(const struct pf_options *o, uint64_t m,
                       struct pf_sweep_plan *p, char *err, size_t errlen);
/* The same over LIST[0..N), the points of a site plan's sample (stride
 * and shard already applied by call site, site_plan.h; ascending, all
 * within 1..M; LIST must outlive P): range keeps the points inside it.
 * Past M the extension goes one point at a time, shard 1's alone. An
 * empty LIST (the sample took no site) plans no point, and the sweep runs
 * no trial for it. Returns 0, or -1 when the range holds none of LIST's
 * points. */
int pf_sweep_plan_make_list(const struct pf_options *o, uint64_t m, const uint64_t *list,
                            uint64_t n, struct pf_sweep_plan *p, char *err, size_t errlen);
/* The Kth point of the progression; K >= count: the extension past M
 * (shard 1's alone). Returns 0 when there is no such point (past the range
 * limit, or not this shard's to run). */
uint64_t pf_sweep_plan_point(const struct pf_sweep_plan *p, uint64_t k);
/* True when POINT is one of P's: the Kth for some K < count +
 * EXTEND_MAX (within M, or as far past it as the extension may go). */
int pf_sweep_plan_has(const struct pf_sweep_plan *p, uint64_t point, uint64_t extend_max);
/* The injection mode token for a point: "nth=N" or "from=N". */
void pf_sweep_mode_spec(unsigned mode, uint64_t point, char *out, size_t outlen);
/* "oneshot" or "persistent". */
const char *pf_sweep_mode_name(unsigned mode);

#endif
