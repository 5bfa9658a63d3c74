/*
 * test_kubernetes: ci/kubernetes/. The manifests pass the structure check
 * (support/k8s_check.py, on a real YAML parse), which catches a copy whose
 * completions and PYFAULT_SHARD_COUNT disagree or that is not Indexed;
 * and the pods' own shell commands, taken from the manifests, run here
 * with the variables Kubernetes gives an Indexed Job's pods (an index of
 * 0..3): four shards, then the merge Job's command merges, reports and
 * gates them against a baseline made from the unsharded sweep, whose
 * trials and findings the merge equals; with a shard missing it fails.
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

#define CHECK "/usr/bin/python3.11 tests/support/k8s_check.py"
/* What the pods sweep here: fewer points than the manifest's. */
#define OPTS "--mode oneshot --plan sites --stride 40 --accept ok,error,fatal"
#define TARGET "/usr/bin/python3.11 -c pass"

static void sh(const char *script, struct proc_result *r)
{
    char *argv[] = {"/bin/bash", "-c", (char *)script, NULL};
    if (proc_run(argv, NULL, r) < 0)
        fail_msg("cannot run bash");
}

static void test_structure(void **state)
{
    (void)state;
    struct proc_result r;
    sh(CHECK " ci/kubernetes", &r);
    if (r.exit_code != 0 || r.out[0])
        fail_msg("%d\n%s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);
}

/* The check on a copy of the manifests edited by SED in FILE exits 1 and
 * says exactly SAYS. */
static void broken(const char *file, const char *sed, const char *says)
{
    const char *dir = harness_tmpdir();
    char script[2000];
    snprintf(script, sizeof script, "cp ci/kubernetes/* '%s' && sed -i '%s' '%s/%s' && " CHECK " '%s'",
             dir, sed, dir, file, dir);
    struct proc_result r;
    sh(script, &r);
    if (r.exit_code != 1 || strcmp(r.out, says) != 0)
        fail_msg("'%s' gave %d:\n%s%s\nwanted:\n%s", sed, r.exit_code, r.out, r.err, says);
    proc_result_free(&r);
}

static void test_broken_copies(void **state)
{
    (void)state;
    broken("sweep-job.yaml", "s/completions: 4/completions: 5/",
           "sweep-job.yaml: PYFAULT_SHARD_COUNT 4 != completions 5\n"
           "merge-job.yaml: PYFAULT_SHARD_COUNT 4 != completions 5\n");
    broken("sweep-job.yaml", "/completionMode/d", "sweep-job.yaml: completionMode is not Indexed\n");
    broken("merge-job.yaml", "s/claimName: pyfault-results/claimName: other/",
           "merge-job.yaml: /results is not the claim pyfault-results\n");
    broken("sweep-job.yaml", "s/test \\$? -le 1/true/",
           "sweep-job.yaml: findings (exit 1) would fail the pod\n");
}

static void test_pod_commands_run(void **state)
{
    (void)state;
    char dir[600];
    snprintf(dir, sizeof dir, "%s", harness_tmpdir());
    char script[6000];
    /* pyfault on PATH as in the image; /results and /baseline in DIR. */
    snprintf(script, sizeof script,
             "set -e; d='%s'; mkdir -p $d/bin $d/results $d/baseline; ln -s '%s' $d/bin/pyfault; "
             "export PATH=$d/bin:$PATH PYFAULT_SWEEP_OPTS='" OPTS "' PYFAULT_TARGET='" TARGET "' "
             "PYFAULT_SHARD_COUNT=4; "
             /* the volumes' paths (not the file name results.json) into DIR */
             "relocate=\"s#/results/\\(shard-\\|all\\)#$d/results/\\1#g; s#/baseline/#$d/baseline/#g\"; "
             "sweep=$(" CHECK " ci/kubernetes --command sweep | sed \"$relocate\"); "
             "merge=$(" CHECK " ci/kubernetes --command merge | sed \"$relocate\"); "
             "pyfault sweep -q " OPTS " --out $d/unsharded -- " TARGET " || test $? -le 1; "
             "pyfault gate --baseline $d/baseline/baseline.json --update-baseline "
             "$d/unsharded/results.json >/dev/null || test -f $d/baseline/baseline.json; "
             "for i in 0 1 2 3; do JOB_COMPLETION_INDEX=$i sh -c \"$sweep\"; done; "
             "sh -c \"$merge\" > $d/merge.txt; "
             "/usr/bin/python3.11 - $d/unsharded/results.json $d/results/all/results.json <<'EOF'\n"
             "import json, sys\n"
             "a, b = (json.load(open(p)) for p in sys.argv[1:])\n"
             "t = lambda r: sorted((x['mode'], x['class'], x['signature']) for x in r['trials'])\n"
             "f = lambda r: sorted((x['class'], x['signature'], x['count']) for x in r['findings'])\n"
             "assert b['complete'] and t(a) == t(b) and f(a) == f(b), 'merged != unsharded'\n"
             "assert (a['planned'], a['done']) == (b['planned'], b['done']), 'planned/done'\n"
             "print(len(b['trials']), 'trials in 4 shards')\n"
             "EOF\n"
             "grep -c '^gate: PASS' $d/merge.txt >/dev/null; "
             "rm -r $d/results/shard-3 $d/results/all; ! sh -c \"$merge\" 2>/dev/null; "
             "test ! -e $d/results/all",
             dir, harness_bin());
    struct proc_result r;
    sh(script, &r);
    if (r.exit_code != 0)
        fail_msg("%d\n%s%s", r.exit_code, r.out, r.err);
    printf("kubernetes: %s", r.out);
    proc_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_structure),
        cmocka_unit_test(test_broken_copies),
        cmocka_unit_test(test_pod_commands_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
