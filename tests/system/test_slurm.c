/*
 * test_slurm: a sweep scaled out on a real Slurm. A single-node cluster of
 * its own (support/slurm_local.sh: munged, slurmctld, slurmd, a generated
 * slurm.conf on this host) takes ci/slurm/submit.sh's array of 3 tasks
 * (ci/slurm/sweep.sbatch: pyfault sweep --shard auto) and the dependent
 * merge-and-gate job (--dependency=afterok); every task and the merge
 * complete, the gate passes against a baseline made from the unsharded
 * sweep, and the merged results equal the unsharded ones: the same
 * trials (class and signature), findings and counts; also when a task
 * is requeued mid-way (killed running, run again). Under --plan sites,
 * as the CI runs, since Slurm's variables move the allocation numbers. An
 * array whose tasks fail gets its merge cancelled. The cluster is stopped
 * after a failure too. Skipped, saying so, without root or when
 * slurmctld cannot start here.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "harness_cli.h"
#include "skipping.h"

static char work[600];   /* cluster/, unsharded/, out/, base.json */
static int cluster_up;

/* The sweep both runs make, as ci/pyfault-ci.sh's variables. */
#define SWEEP_ENV "PYFAULT_CI_TARGET='/usr/bin/python3.11 -c pass' PYFAULT_CI_MODE=oneshot " \
                  "PYFAULT_CI_PLAN=sites PYFAULT_CI_STRIDE=20 PYFAULT_CI_ACCEPT=ok,error,fatal"

static void sh(const char *script, struct proc_result *r)
{
    char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
    if (proc_run(argv, NULL, r) < 0)
        fail_msg("cannot run /bin/sh");
}

/* Runs SCRIPT with the cluster's SLURM_CONF and pyfault's variables set;
 * returns its stdout (heap) and fails the test unless it exits 0. */
static char *sh_ok(const char *what, const char *script)
{
    char full[6000];
    snprintf(full, sizeof full, "export SLURM_CONF='%s/cluster/slurm.conf' PYFAULT='%s' "
             "PYFAULT_CI_BASELINE='%s/base.json' " SWEEP_ENV " && %s",
             work, project_path("build/pyfault"), work, script);
    struct proc_result r;
    sh(full, &r);
    if (r.exit_code != 0)
        fail_msg("%s: exit %d\n%s%s", what, r.exit_code, r.out, r.err);
    char *out = strdup(r.out);
    proc_result_free(&r);
    return out;
}

/* Waits for jobs IDS (space-separated) to leave the queue (5 minutes at
 * most) and returns the JobState of each of their tasks, one per line. */
static char *wait_states(const char *ids)
{
    char script[1200];
    snprintf(script, sizeof script,
             "for i in $(seq 600); do [ -z \"$(squeue -h -j $(echo %s | tr ' ' ,))\" ] && break; "
             "sleep 0.5; done; for j in %s; do scontrol show job $j; done | "
             "grep -o 'JobState=[A-Z_]*'", ids, ids);
    return sh_ok("waiting for the jobs", script);
}

/* Fails the test, with the merge job's log and the gate's verdict, unless
 * STATES (wait_states) are all COMPLETED for an array of 3 and its merge. */
static void expect_all_completed(const char *states, const char *out)
{
    if (strcmp(states, "JobState=COMPLETED\nJobState=COMPLETED\nJobState=COMPLETED\n"
                       "JobState=COMPLETED\n") == 0)
        return;
    char script[1600];
    snprintf(script, sizeof script, "cd '%s/%s' && tail -n 40 slurm-merge.log slurm-sweep-*.log "
             "all/gate.txt 2>&1", work, out);
    struct proc_result r;
    sh(script, &r);
    fail_msg("job states:\n%s%s", states, r.out);
}

/* Fails the test unless WORK/OUT/all/results.json, the merge, has the
 * unsharded sweep's trials (mode, class, signature), findings and counts
 * and is complete; and its gate passed. */
static void same_as_unsharded(const char *out)
{
    char script[4000];
    snprintf(script, sizeof script, "grep -c '^gate: PASS' '%s/%s/all/gate.txt'", work, out);
    free(sh_ok("the gate passed", script));
    snprintf(script, sizeof script,
             "/usr/bin/python3.11 - '%s/unsharded/results.json' '%s/%s/all/results.json' <<'EOF'\n"
             "import json, sys\n"
             "a, b = (json.load(open(p)) for p in sys.argv[1:])\n"
             "def trials(r): return sorted((t['mode'], t['class'], t['signature']) for t in r['trials'])\n"
             "def findings(r): return sorted((f['class'], f['signature'], f['count']) for f in r['findings'])\n"
             "for name, f in (('trials', trials), ('findings', findings),\n"
             "                ('counts', lambda r: r['summary']['counts']), ('complete', lambda r: r['complete'])):\n"
             "    if f(a) != f(b):\n"
             "        if isinstance(f(a), list):\n"
             "            from collections import Counter\n"
             "            ca, cb = Counter(map(str, f(a))), Counter(map(str, f(b)))\n"
             "            sys.exit('merged %%s differ: unsharded only %%s; merged only %%s' %%\n"
             "                     (name, sorted((ca - cb).elements()), sorted((cb - ca).elements())))\n"
             "        sys.exit('merged %%s differ: %%s vs %%s' %% (name, f(a), f(b)))\n"
             "print(len(a['trials']), 'trials,', len(a['findings']), 'findings alike')\n"
             "EOF", work, work, out);
    char *same = sh_ok("merged == unsharded", script);
    printf("slurm %s: %s", out, same);
    free(same);
}

static void test_array_merge_gate(void **state)
{
    (void)state;
    if (geteuid() != 0)
        skip_because("a Slurm cluster of its own needs root (slurmd)");
    snprintf(work, sizeof work, "%s", harness_tmpdir());
    char script[4000];
    struct proc_result r;
    snprintf(script, sizeof script, "%s '%s/cluster' 2>&1",
             project_path("tests/support/slurm_local.sh start"), work);
    sh(script, &r);
    if (r.exit_code != 0) {
        printf("slurm_local.sh: %s", r.out);
        proc_result_free(&r);
        skip_because("slurmctld/slurmd could not start on this machine");
    }
    proc_result_free(&r);
    cluster_up = 1;

    /* The unsharded sweep, outside Slurm, and the baseline it makes. */
    snprintf(script, sizeof script,
             "ci/pyfault-ci.sh shard 1 1 '%s/unsharded' && { build/pyfault gate --baseline "
             "'%s/base.json' --update-baseline '%s/unsharded/results.json' >/dev/null; "
             "test -f '%s/base.json'; }", work, work, work, work);
    free(sh_ok("unsharded sweep", script));

    snprintf(script, sizeof script, "ci/slurm/submit.sh 3 '%s/out'", work);
    char *ids = sh_ok("submit.sh", script);
    ids[strcspn(ids, "\n")] = '\0';
    char *states = wait_states(ids);
    expect_all_completed(states, "out");
    free(states);
    free(ids);
    same_as_unsharded("out");
}

/* A task killed mid-way by `scontrol requeue` (as when its node fails)
 * runs again (--requeue in sweep.sbatch) and resumes its shard from the
 * sweep's journal (pyfault-ci.sh: sweep --resume), the merge waits for
 * it, and the result is still the unsharded sweep's. Slurm holds a requeued task back two minutes
 * (BeginTime); StartTime=now lets it go at once. */
static void test_requeued_task_reruns(void **state)
{
    (void)state;
    if (!cluster_up)
        skip_because("no cluster (see the test before)");
    char script[2400];
    snprintf(script, sizeof script, "ci/slurm/submit.sh 3 '%s/rq'", work);
    char *ids = sh_ok("submit.sh", script);
    ids[strcspn(ids, "\n")] = '\0';
    unsigned long array = strtoul(ids, NULL, 10);
    snprintf(script, sizeof script,
             "t=%lu_1; for i in $(seq 300); do [ \"$(squeue -h -j $t -o %%T)\" = RUNNING ] && break; "
             "sleep 0.1; done; sleep 1; scontrol requeue $t; "
             "for i in $(seq 300); do [ \"$(squeue -h -j $t -o %%T)\" = PENDING ] && break; sleep 0.1; done; "
             "scontrol update jobid=$t StartTime=now", array);
    free(sh_ok("requeue task 1", script));
    char *states = wait_states(ids);
    expect_all_completed(states, "rq");
    free(states);
    free(ids);
    snprintf(script, sizeof script,
             "scontrol show job %lu_1 | grep -o 'Restarts=1' && "
             "grep -c 'DUE TO JOB REQUEUE' '%s/rq/slurm-sweep-1.log' && "
             "grep -c 'resumed from .*/shard-1/journal.jsonl' '%s/rq/slurm-sweep-1.log'",
             array, work, work);
    free(sh_ok("task 1 was killed running and resumed its shard", script));
    same_as_unsharded("rq");
}

/* Tasks that fail (a target that does not exist) never reach the merge:
 * afterok cannot be met and --kill-on-invalid-dep cancels it. */
static void test_failed_array_cancels_merge(void **state)
{
    (void)state;
    if (!cluster_up)
        skip_because("no cluster (see the test before)");
    char script[1200];
    snprintf(script, sizeof script,
             "PYFAULT_CI_TARGET=/nonexistent ci/slurm/submit.sh 2 '%s/bad'", work);
    char *ids = sh_ok("submit.sh", script);
    ids[strcspn(ids, "\n")] = '\0';
    char *states = wait_states(ids);
    assert_string_equal(states, "JobState=FAILED\nJobState=FAILED\nJobState=CANCELLED\n");
    free(states);
    free(ids);
}

static int teardown(void **state)
{
    (void)state;
    if (cluster_up) {
        char script[1400];
        snprintf(script, sizeof script, "SLURM_CONF='%s/cluster/slurm.conf' scancel -u root; %s '%s/cluster'",
                 work, project_path("tests/support/slurm_local.sh stop"), work);
        struct proc_result r;
        sh(script, &r);
        proc_result_free(&r);
        snprintf(script, sizeof script, "rm -rf '%s'", work);
        sh(script, &r);
        proc_result_free(&r);
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_array_merge_gate),
        cmocka_unit_test(test_requeued_task_reruns),
        cmocka_unit_test(test_failed_array_cancels_merge),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
