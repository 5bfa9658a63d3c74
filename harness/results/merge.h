/* merge.h: shards of one run (pyfault matrix/sweep --shard I/N on several
 * machines) back into the results.json the unsharded run writes. */
#ifndef PF_MERGE_H
#define PF_MERGE_H

#include <jansson.h>
#include <stddef.h>

#include "report_model.h"

/* What a merge lets through (pyfault merge --any-input), and says. */
struct pf_merge_opts {
    int any_input;  /* an input file with another sha256 in another shard */
    char said[768]; /* the first such file, as it would have been refused; "" none */
};

/* A merged run: the merged file but its trials, and where each trial
 * comes from, so that the trials are never all held as trees at once. */
struct pf_merged_trial {
    size_t shard, trial;         /* S[shard].trials[trial] */
    long finding;                /* its index in the merged findings */
};
struct pf_merged {
    json_t *root;                /* every member of the merged file but "trials" */
    const struct pf_results *shards;
    struct pf_merged_trial *trials; /* in the merged order */
    size_t n_trials;
};

/* Merges the N loaded shards S (NAMES name them in messages). Trials are
 * all kept, ordered by scenario, interpreter, point, mode; findings are
 * deduplicated by class + signature, ordered by first trial, counts added,
 * interpreters and scenarios united, repro/frames/detail from the first
 * trial's shard; cells and summary are summed (allocations and
 * duration_ms: the largest). Refuses shards from other interpreter
 * binaries (sha256) or scenario sets, cells that accept other classes
 * (--accept, expect:), inconsistent totals, the same shard twice,
 * overlapping trials, and a target's or scenario's input file recorded
 * with another sha256 than in another shard (same arg, else same path;
 * a shard without "files" is not compared; with OPTS->any_input it is let
 * through, the first one said in OPTS->said, and the merged "files" keep
 * the first shard's sha256); not another timeout (each
 * shard's own counting run may set it), and a sweep target (by index)
 * or matrix cell whose counting runs disagree: another M, layer, plan
 * kind, or site plan's call sites or points chosen ("point N" another
 * allocation in each shard). The merged targets and scenarios carry the
 * "files" of every shard; a sweep's targets get the unsharded run's
 * first_point, step and points_within_m (a partial merge's: the points
 * merged), "shard" 1/1 when all N shards are there (a matrix's: null).
 * Fills OUT (its trials refer to S, which must outlive it) and returns
 * 0, or returns -1 with a one-line message in ERR. */
int pf_merge(const struct pf_results *s, const char *const *names, size_t n, struct pf_merge_opts *opts,
             struct pf_merged *out, char *err, size_t errlen);
/* Merged trial I as the merged file holds it (its shard's, with the
 * merged finding's index): a new object, or NULL past the end or when
 * memory runs out. */
json_t *pf_merged_trial_json(const struct pf_merged *m, size_t i);
/* Writes M to PATH atomically (temp file, fsync, rename), each element of
 * a top-level array on a line of its own, the trials last, each read from
 * its shard and dropped once written. Returns 0, or -1 with ERR. */
int pf_merge_write(const char *path, const struct pf_merged *m, char *err, size_t errlen);
/* Frees what M holds (not the shards). Safe on a zeroed M. */
void pf_merged_free(struct pf_merged *m);

#endif
