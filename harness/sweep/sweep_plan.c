/* sweep_plan.c: range, stride and shard as one progression start + k*step,
 * so shards split a sweep exactly and the extension past M keeps the same
 * rule. */
#include "sweep_plan.h"

#include <stdio.h>

int pf_sweep_plan_make(const struct pf_options *o, uint64_t m,
                       struct pf_sweep_plan *p, char *err, size_t errlen)
{
    uint64_t a = o->range_a ? o->range_a : 1;
    uint64_t stride = o->stride ? o->stride : 1;
    uint64_t shards = o->shard_n ? o->shard_n : 1;
    uint64_t shard = o->shard_i ? o->shard_i : 1;
    p->list = NULL;
    p->nlist = 0;
    p->start = a + (shard - 1) * stride;
    p->step = stride * shards;
    p->limit = o->range_b;
    uint64_t end = m;
    if (p->limit && p->limit < end)
        end = p->limit;
    p->count = p->start <= end ? (end - p->start) / p->step + 1 : 0;
    /* the unsharded progression a, a+stride, ...: its first point past end */
    uint64_t global = a <= end ? (end - a) / stride + 1 : 0;
    p->ext_base = a + global * stride;
    p->ext_step = stride;
    p->lead = shard == 1;
    /* a shard the selection has too few points for is a share with no
     * point, as under a site plan (CI splits small targets too); an
     * empty selection is the user's mistake */
    if (global == 0) {
        snprintf(err, errlen, "the selection (range, stride) holds no point "
                 "within the %llu allocations counted", (unsigned long long)m);
        return -1;
    }
    return 0;
}

int pf_sweep_plan_make_list(const struct pf_options *o, uint64_t m, const uint64_t *list,
                            uint64_t n, struct pf_sweep_plan *p, char *err, size_t errlen)
{
    uint64_t a = o->range_a ? o->range_a : 1;
    uint64_t b = o->range_b && o->range_b < m ? o->range_b : m;
    /* the range's points: a contiguous run of the ascending list */
    uint64_t lo = 0;
    while (lo < n && list[lo] < a)
        lo++;
    uint64_t hi = lo;
    while (hi < n && list[hi] <= b)
        hi++;
    p->list = list + lo;
    p->nlist = hi - lo;
    p->start = 0;
    p->step = 1;
    p->limit = o->range_b;
    p->count = p->nlist;
    p->ext_base = m + 1 > a ? m + 1 : a;
    p->ext_step = 1;
    p->lead = !o->shard_i || o->shard_i == 1;
    /* a stride or shard that took none of the sites is a share with no
     * point (a small test under pytest --stride, one shard of many) */
    if (p->count == 0 && n > 0) {
        snprintf(err, errlen, "the selection (range, stride, shard) holds none of the call "
                 "sites the site plan chose");
        return -1;
    }
    return 0;
}

uint64_t pf_sweep_plan_point(const struct pf_sweep_plan *p, uint64_t k)
{
    uint64_t pt;
    if (k < p->count)
        pt = p->list ? p->list[p->start + k * p->step] : p->start + k * p->step;
    else if (p->lead)
        pt = p->ext_base + (k - p->count) * p->ext_step;
    else
        return 0;
    if (p->limit && pt > p->limit)
        return 0;
    return pt;
}

int pf_sweep_plan_has(const struct pf_sweep_plan *p, uint64_t point, uint64_t extend_max)
{
    if (point == 0 || (p->limit && point > p->limit))
        return 0;
    if (p->list) {
        /* the chosen points are ascending: halve */
        uint64_t lo = 0, hi = p->count;
        while (lo < hi) {
            uint64_t mid = lo + (hi - lo) / 2, at = p->list[p->start + mid * p->step];
            if (at == point)
                return 1;
            if (at < point)
                lo = mid + 1;
            else
                hi = mid;
        }
    } else if (point >= p->start && (point - p->start) % p->step == 0 &&
               (point - p->start) / p->step < p->count) {
        return 1;
    }
    return p->lead && point >= p->ext_base && (point - p->ext_base) % p->ext_step == 0 &&
           (point - p->ext_base) / p->ext_step < extend_max;
}

void pf_sweep_mode_spec(unsigned mode, uint64_t point, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s=%llu", mode == PF_MODE_PERSISTENT ? "from" : "nth",
             (unsigned long long)point);
}

const char *pf_sweep_mode_name(unsigned mode)
{
    return mode == PF_MODE_PERSISTENT ? "persistent" : "oneshot";
}
