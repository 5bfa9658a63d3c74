/* site_plan.h: --plan sites: the points a counting run's call-site table
 * (the shim's sites=PATH, injectors/pyfault.h) chooses. */
#ifndef PF_SITE_PLAN_H
#define PF_SITE_PLAN_H

#include <stddef.h>
#include <stdint.h>

/* A point and the call site it was chosen for. */
struct pf_site_point {
    uint64_t key, point;
};

/* What a site table holds, as far as a sample keeps it. */
struct pf_site_plan {
    uint64_t *points; /* the sample's points: ascending, distinct, each <= M; malloc'd */
    uint64_t *point_keys; /* each point's call site (the least sampled key of it); malloc'd */
    uint64_t npoints;
    struct pf_site_point *by_key; /* (key, point) of each point, by key, then point; malloc'd */
    uint64_t chosen;  /* points the plan chose, before the sample */
    uint64_t keys;    /* distinct call sites seen */
};

/* Which call sites a sweep takes: one in STRIDE, and of those the share
 * SHARD of SHARDS (1-based), each chosen by its key's hash, not by its
 * place in the run, so that the same sites are taken wherever the target
 * runs and shards add up to the whole. {1, 1, 1} takes every site. */
struct pf_site_sample {
    uint64_t stride, shard, shards;
};

/* Creates the empty table file PATH (mode 0600, never an existing file)
 * for the shim to append to. Returns 0, or -1 with a message in ERR. */
int pf_site_plan_create(const char *path, char *err, size_t errlen);
/* Whether call site KEY is in sample S. */
int pf_site_sampled(uint64_t key, const struct pf_site_sample *s);
/* Reads the table at PATH written by a counting run of M eligible
 * allocations into P, keeping the points of the sites in sample S.
 * Returns 0, or -1 with a one-line message in ERR (a malformed line, a
 * table that overflowed, no point at all). An empty sample is not an
 * error here. */
int pf_site_plan_read(const char *path, uint64_t m, const struct pf_site_sample *s,
                      struct pf_site_plan *p, char *err, size_t errlen);
/* Sets *KEY to POINT's call site in P and *NTH to how many of that site's
 * points come before it (--plan sites:K keeps K of each). Returns 0, or
 * -1 when POINT is not one of P's points. */
int pf_site_plan_key(const struct pf_site_plan *p, uint64_t point, uint64_t *key,
                     uint64_t *nth);
/* Sets *POINT to where call site KEY falls in P for the NTH time (from
 * 0) among P's points. Returns 0, or -1 when P has no such point. */
int pf_site_plan_point(const struct pf_site_plan *p, uint64_t key, uint64_t nth,
                       uint64_t *point);
/* Frees P's points. */
void pf_site_plan_free(struct pf_site_plan *p);

#endif
