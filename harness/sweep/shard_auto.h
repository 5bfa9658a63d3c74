/* shard_auto.h: --shard auto, the shard a cluster scheduler gave this
 * process, read from its environment. */
#ifndef PF_SHARD_AUTO_H
#define PF_SHARD_AUTO_H

#include <stddef.h>

/* Reads the shard I/N (1 <= I <= N) from the first scheduler whose
 * variables are set, innermost first:
 *   Slurm array job:        SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN,
 *                           SLURM_ARRAY_TASK_COUNT (SLURM_ARRAY_TASK_STEP
 *                           when set): I = (ID - MIN) / STEP + 1
 *   Kubernetes Indexed Job: JOB_COMPLETION_INDEX (0-based) and
 *                           PYFAULT_SHARD_COUNT, which the Job sets to its
 *                           .spec.completions (Kubernetes does not pass it)
 *   GitLab parallel:        CI_NODE_INDEX (1-based), CI_NODE_TOTAL
 * Returns 0, or -1 with a one-line message in ERR: none of them set, a
 * value missing, not a number or out of range. */
int pf_shard_auto(unsigned *shard_i, unsigned *shard_n, char *err, size_t errlen);

#endif
