/* matrix.h: every scenario on every interpreter, each cell run the way
 * its scenario's plan says (one run, or a sweep), judged against the
 * scenario's expectation for that interpreter, with the findings of all
 * cells deduplicated together. */
#ifndef PF_MATRIX_H
#define PF_MATRIX_H

#include <stdint.h>
#include <stdio.h>

#include "classify.h"
#include "findings.h"
#include "strtab.h"
#include "interp.h"
#include "scenario.h"
#include "layout.h"

/* Trial modes in a matrix (superset of the sweep's PF_MODE_* bits). */
enum pf_mmode { PF_MMODE_NONE = 0, PF_MMODE_ONESHOT = 1, PF_MMODE_PERSISTENT = 2,
                PF_MMODE_RUNTIME = 3 };

struct pf_mtrial {
    unsigned scenario, interp;
    uint64_t point;          /* 0: a single run */
    uint32_t duration_ms;
    long finding;            /* index into findings */
    int32_t site;            /* index into site_keys, -1 = no key */
    uint8_t mode, cls, sub, expected;
};

/* What a matrix keeps of a finding besides findings.h's signature, class,
 * count and first repro (same index). */
struct pf_mfinding {
    char *detail;            /* fatal message / assertion text, or "" */
    uint64_t interps;        /* bit per interpreter index */
    uint64_t scenarios_lo, scenarios_hi; /* bit per scenario index (< 128) */
};

struct pf_mcell {
    unsigned scenario, interp;
    unsigned expected;       /* class bits; 0 = no expectation */
    uint64_t counts[PF_CLASS_COUNT];
    uint64_t trials, unexpected, allocations;
    unsigned layer;          /* the counting layer (enum pyfault_layer), 0 = unknown */
    double timeout_s;        /* the per-trial timeout the cell ran with */
    int engine_fork;         /* its sweep ran with --engine fork: then how */
    uint64_t forked, exec_threads, exec_state, exec_other; /* its trials started (sweep.h) */
    uint64_t precopied;      /* forked trials that copied the server's pages at once */
    uint64_t sites, sites_chosen, sites_sampled; /* under a site plan: as site_plan.h's */
    char error[512];         /* why the cell could not run, or "" */
};

struct pf_matrix_config {
    unsigned jobs;           /* sweep workers */
    unsigned startup_stride; /* 0: no start-up sweep */
    int progress;            /* print one line per cell on stderr */
    unsigned shard_i, shard_n; /* this run is shard I of N (1-based); 0 = whole */
    int engine_fork;         /* sweep cells fork their trials (--engine fork) */
    uint64_t plan_sites;     /* sweep cells' --plan sites:K; 0 = every point */
    int plan_pow2;           /* --plan sites:log */
    unsigned site_depth;     /* --site-depth; 0 = the default (pf_matrix_init sets it) */
};

struct pf_matrix {
    struct pf_matrix_config cfg;
    struct pf_interp *interps;
    unsigned ninterps;
    struct pf_scenario *scen; /* the last one is the start-up sweep, when on */
    unsigned nscen;
    struct pf_mcell *cells;   /* nscen * ninterps, scenario-major */
    struct pf_mtrial *trials;
    size_t ntrials, cap;
    struct pf_findings findings;  /* dedup by signature; example = first cell's */
    struct pf_strtab site_keys;   /* the trials' site keys, interned */
    struct pf_mfinding *extra;    /* findings.n of them */
    size_t extra_cap;
    uint64_t duration_ms;
    int complete;             /* 0 when interrupted */
    enum pf_layout layout;    /* the cells' address layout (pf_matrix_run sets it) */
};

#define PF_MATRIX_MAX_INTERPS 64
#define PF_MATRIX_MAX_SCENARIOS 127

/* Takes ownership of INTERPS and SCEN (malloc'd arrays), whether it
 * succeeds or not: on failure they are freed, SCEN perhaps already
 * reallocated to hold the start-up sweep, which it adds as a last scenario
 * when CFG asks for one. Returns 0, or -1 with a message in ERR (M then
 * holds nothing to free): among others, a duplicate scenario id or a path
 * that is not UTF-8 (pf_scenarios_check), before anything runs. */
int pf_matrix_init(struct pf_matrix *m, const struct pf_matrix_config *cfg,
                   struct pf_interp *interps, unsigned ninterps,
                   struct pf_scenario *scen, unsigned nscen,
                   char *err, size_t errlen);
/* Runs every cell. A cell that cannot run is recorded as a harness-error
 * (its error says why); returns -1 only when the harness itself fails
 * (message in ERR). Stops early, complete = 0, on Ctrl-C. */
int pf_matrix_run(struct pf_matrix *m, char *err, size_t errlen);
/* The cell of scenario S on interpreter I. */
struct pf_mcell *pf_matrix_cell(struct pf_matrix *m, unsigned s, unsigned i);
/* How many cells have unexpected trials or could not run. */
unsigned pf_matrix_unexpected_cells(const struct pf_matrix *m);
/* Prints the scenario x interpreter table with class counts, marking
 * each cell that differs from its expectation with '!'. */
void pf_matrix_print(const struct pf_matrix *m, FILE *out);
void pf_matrix_free(struct pf_matrix *m);

/* The expectation of the start-up sweep on interpreter ID: patched builds
 * must never loop; the others may. Pure. */
unsigned pf_matrix_startup_expectation(const char *id);

#endif
