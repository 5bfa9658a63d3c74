/* site_plan.h: --plan sites: the points a counting run's call-site table
 * (the shim's sites=PATH, injectors/pyfault.h) chooses. */
#ifndef PF_SITE_PLAN_H
#define PF_SITE_PLAN_H

#include <stddef.h>
#include <stdint.h>

/* What a site table holds. */
struct pf_site_plan {
    uint64_t *points; /* ascending, distinct, each <= M; malloc'd */
    uint64_t npoints;
    uint64_t keys;    /* distinct call sites seen */
};

/* Creates the empty table file PATH (mode 0600, never an existing file)
 * for the shim to append to. Returns 0, or -1 with a message in ERR. */
int pf_site_plan_create(const char *path, char *err, size_t errlen);
/* Reads the table at PATH written by a counting run of M eligible
 * allocations into P. Returns 0, or -1 with a one-line message in ERR (a
 * malformed line, a table that overflowed, no point at all). */
int pf_site_plan_read(const char *path, uint64_t m, struct pf_site_plan *p,
                      char *err, size_t errlen);
/* Frees P's points. */
void pf_site_plan_free(struct pf_site_plan *p);

#endif
