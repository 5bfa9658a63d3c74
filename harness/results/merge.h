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
 * Returns a new reference, or NULL with a one-line message in ERR. */
json_t *pf_merge(const struct pf_results *s, const char *const *names, size_t n, struct pf_merge_opts *opts,
                 char *err, size_t errlen);
/* Writes ROOT to PATH atomically (temp file, fsync, rename), each element
 * of a top-level array on a line of its own. Returns 0, or -1 with ERR. */
int pf_merge_write(const char *path, json_t *root, char *err, size_t errlen);

#endif
