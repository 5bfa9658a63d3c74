/* shard_auto.c: --shard auto from Slurm, Kubernetes or GitLab variables. */
#include "shard_auto.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "optparse.h"

/* The whole number in variable NAME (>= MIN) into *OUT. Returns 0, or -1
 * with a message in ERR (SCHED names the scheduler). */
static int var(const char *sched, const char *name, uint64_t min, uint64_t *out,
               char *err, size_t errlen)
{
    const char *v = getenv(name);
    if (!v || !v[0]) {
        snprintf(err, errlen, "--shard auto: %s is set but %s is not", sched, name);
        return -1;
    }
    if (pf_parse_whole(v, min, out) < 0 || *out > 1000000) {
        snprintf(err, errlen, "--shard auto: %s='%s': expected a whole number >= %llu",
                 name, v, (unsigned long long)min);
        return -1;
    }
    return 0;
}

/* Stores I/N when 1 <= I <= N; else -1 with a message naming the pair. */
static int take(uint64_t i, uint64_t n, const char *what, unsigned *shard_i,
                unsigned *shard_n, char *err, size_t errlen)
{
    if (i < 1 || i > n) {
        snprintf(err, errlen, "--shard auto: %s give shard %llu of %llu", what,
                 (unsigned long long)i, (unsigned long long)n);
        return -1;
    }
    *shard_i = (unsigned)i;
    *shard_n = (unsigned)n;
    return 0;
}

static int is_set(const char *name)
{
    const char *v = getenv(name);
    return v && v[0];
}

int pf_shard_auto(unsigned *shard_i, unsigned *shard_n, char *err, size_t errlen)
{
    uint64_t id, min, count, step = 1, index, total;
    /* Slurm first: a task of an array submitted from a CI job inherits
     * that job's variables too, and Slurm's are this process's own. */
    if (is_set("SLURM_ARRAY_TASK_ID")) {
        const char *s = "SLURM_ARRAY_TASK_ID";
        if (var(s, "SLURM_ARRAY_TASK_ID", 0, &id, err, errlen) < 0 ||
            var(s, "SLURM_ARRAY_TASK_MIN", 0, &min, err, errlen) < 0 ||
            var(s, "SLURM_ARRAY_TASK_COUNT", 1, &count, err, errlen) < 0 ||
            (is_set("SLURM_ARRAY_TASK_STEP") &&
             var(s, "SLURM_ARRAY_TASK_STEP", 1, &step, err, errlen) < 0))
            return -1;
        if (id < min || (id - min) % step != 0) {
            snprintf(err, errlen, "--shard auto: SLURM_ARRAY_TASK_ID=%llu is not MIN + k*STEP "
                     "(%llu + k*%llu): submit the array as --array=0-%llu",
                     (unsigned long long)id, (unsigned long long)min,
                     (unsigned long long)step, (unsigned long long)(count - 1));
            return -1;
        }
        return take((id - min) / step + 1, count, "the SLURM_ARRAY_TASK_* variables",
                    shard_i, shard_n, err, errlen);
    }
    if (is_set("JOB_COMPLETION_INDEX")) {
        const char *k = "JOB_COMPLETION_INDEX";
        if (var(k, "JOB_COMPLETION_INDEX", 0, &index, err, errlen) < 0 ||
            var(k, "PYFAULT_SHARD_COUNT", 1, &total, err, errlen) < 0)
            return -1;
        return take(index + 1, total, "JOB_COMPLETION_INDEX and PYFAULT_SHARD_COUNT",
                    shard_i, shard_n, err, errlen);
    }
    if (is_set("CI_NODE_INDEX")) {
        const char *g = "CI_NODE_INDEX";
        if (var(g, "CI_NODE_INDEX", 1, &index, err, errlen) < 0 ||
            var(g, "CI_NODE_TOTAL", 1, &total, err, errlen) < 0)
            return -1;
        return take(index, total, "CI_NODE_INDEX and CI_NODE_TOTAL", shard_i, shard_n,
                    err, errlen);
    }
    snprintf(err, errlen, "--shard auto: no scheduler's shard in the environment "
             "(SLURM_ARRAY_TASK_ID, JOB_COMPLETION_INDEX or CI_NODE_INDEX)");
    return -1;
}
