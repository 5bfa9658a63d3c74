/* report_model.h: results.json (reports/results.schema.json, version 1)
 * loaded and checked into plain structs the report writers walk. */
#ifndef PF_REPORT_MODEL_H
#define PF_REPORT_MODEL_H

#include <jansson.h>
#include <stddef.h>

#include "classify.h"
#include "json_lazy.h"
#include "strtab.h"

struct pf_rinterp {
    const char *id, *path, *version, *variant, *sha256;
};

/* An input file a target or scenario ran (its "files"): which argument
 * named it and its sha256 when results.json was written. */
struct pf_rfile {
    long arg;                    /* -1 when absent */
    const char *path, *sha256;
};

struct pf_rscenario {
    const char *id, *path, *issue, *plan, *inject;
    double timeout_s;
    long stride;                 /* 0 when absent */
    const char *site_plan;       /* "all", "sites/8", ... (options.h); "" when absent */
    struct pf_rfile *files;      /* NULL when absent (a file older than "files") */
    size_t n_files;
};

/* A sweep's $.targets[i]: what merge compares across shards and
 * rebuilds for the unsharded run. Each count -1 when absent (an older
 * file, or a matrix's). */
struct pf_rtarget {
    struct pf_rfile *files;      /* NULL when absent */
    size_t n_files;
    long allocations;            /* M, of this shard's counting run */
    long first_point, step;      /* this shard's progression */
    long points_within_m;        /* its points in 1..M */
    const char *layer;           /* "pymem", ...; NULL when absent or null */
    const char *plan_kind;       /* plan.kind: "all", "sites"; "" when absent */
    long plan_sites, plan_chosen, plan_sampled; /* plan.sites, .chosen, .sampled */
};

struct pf_rcell {
    const char *scenario_id, *interp_id; /* as the file names them */
    int scenario, interp;        /* indexes into scenarios, interps */
    unsigned expected;           /* bit (1u << class) per allowed class; 0: no expectation */
    long counts[PF_CLASS_COUNT];
    long trials, unexpected;
    long allocations;            /* -1 when absent */
    const char *error;           /* NULL unless the cell could not run */
    size_t first, n;             /* its trials: order[first .. first+n) */
};

struct pf_rtrial {
    const char *scenario_id, *interp_id; /* as the file names them */
    int scenario, interp, cell;
    long point;                  /* -1: a single run */
    long target;                 /* index into $.targets (a sweep's); -1 when absent */
    const char *mode, *subkind, *signature;
    const char *site_key;        /* the point's identity beside N; "" when absent */
    enum pf_class cls;
    long duration_ms;
    long finding;                /* index into findings */
    int expected;                /* from the file, else from the cell's list */
};

struct pf_rfinding {
    long id;
    const char *signature, *subkind, *repro, *detail; /* subkind, detail: "" when absent */
    enum pf_class cls;
    long count;
    const char **frames;
    size_t n_frames;
    const char **sources;        /* file:line of each frame ("" unknown); n_sources 0 when absent */
    size_t n_sources;
    const char **interps, **scenarios;
    size_t n_interps, n_scenarios;
    int unexpected;              /* one of its trials is unexpected */
};

struct pf_results {
    json_t *root;                /* owns every string above but a lazy file's trials' */
    struct pf_json_lazy *lazy;   /* pf_results_load's file, its trials left as text;
                                    NULL for a tree (pf_results_from_json) */
    struct pf_strtab trial_strings; /* a lazy file's trials' strings, each once */
    int complete;
    const char *created;
    const char *cwd;             /* where the trials ran (absolute); "" when the file does not say */
    int shard_index, shard_count; /* 0, 0 when not a shard */
    struct pf_rinterp *interps;
    struct pf_rscenario *scenarios;
    struct pf_rcell *cells;
    struct pf_rtrial *trials;
    struct pf_rfinding *findings;
    size_t n_interps, n_scenarios, n_cells, n_trials, n_findings;
    size_t *order;               /* trial indexes by cell, mode, point */
    long total_trials, total_unexpected, duration_ms; /* from summary */
    long counts[PF_CLASS_COUNT];
    /* a sweep's own keys, checked against the rest */
    long planned, done;          /* -1 when absent */
    size_t n_targets;            /* $.targets' length; 0 when absent */
    struct pf_rtarget *targets;  /* n_targets of them */
    int has_sweep_counts;        /* $.counts is there, in sweep_counts */
    long sweep_counts[PF_CLASS_COUNT];
};

/* Loads PATH and checks it (types, enums, references between sections,
 * then pf_results_check_totals: a file that contradicts itself is no
 * input). A directory, FIFO or device is refused before any read (no
 * hang). Its trials are kept as text and read one at a time, not as a
 * tree: memory follows the file's size. Returns 0, or -1 with a one-line
 * message naming the file (and the JSON path) in ERR; R is then empty. */
int pf_results_load(struct pf_results *r, const char *path, char *err, size_t errlen);
/* pf_results_load's structural checks of a parsed document, not its
 * totals; errors name "results.json". Takes a reference of its own to ROOT. */
int pf_results_from_json(struct pf_results *r, json_t *root, char *err, size_t errlen);
/* Z, read from PATH by pf_json_lazy_load with its "trials" left as text
 * (or not: a key it does not hold leaves every member a tree), into R and
 * checked as pf_results_load checks a file: every error names PATH, on
 * one line. Takes Z over (heap-allocated; freed with R, or at once on
 * failure). What pf_results_load and a gate baseline that is a
 * results.json go through. */
int pf_results_from_lazy(struct pf_results *r, struct pf_json_lazy *z, const char *path, char *err,
                         size_t errlen);
/* Checks the file agrees with itself: each cell's counts sum to its
 * trials and match the trials listed, no trial twice, each trial's target
 * exists, findings' counts are those of their trials (never 0), summary
 * (and a sweep's counts, done <= planned, done = trials) equals the
 * cells' sum. Returns 0, or -1 with the first disagreement in ERR. */
int pf_results_check_totals(const struct pf_results *r, char *err, size_t errlen);
/* Trial I as results.json holds it: a new object the caller owns (a copy,
 * or parsed afresh from a lazy file), or NULL when memory runs out. */
json_t *pf_results_trial_json(const struct pf_results *r, size_t i);
/* Frees everything R holds. Safe on a zeroed or failed R. */
void pf_results_free(struct pf_results *r);

/* The cell of scenario S and interpreter I, or -1. */
int pf_results_cell(const struct pf_results *r, int s, int i);
/* Index of the interpreter with id ID, or -1. */
int pf_results_interp(const struct pf_results *r, const char *id);
/* Index of the scenario with id ID, or -1. */
int pf_results_scenario(const struct pf_results *r, const char *id);
/* Index of the finding with class CLS and signature SIG, or -1. */
long pf_results_finding(const struct pf_results *r, enum pf_class cls, const char *sig);

#endif
