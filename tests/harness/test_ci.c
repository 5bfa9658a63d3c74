/*
 * test_ci: the CI templates in ci/. Both workflows parse as YAML and pass
 * tests/support/gate_ci_check.py (Debian has no actionlint), which also
 * catches broken copies of them; and the commands they run,
 * ci/pyfault-ci.sh shard / merge / gate, run here exactly as CI runs
 * them: with CI's settings on 3.11-patched against the committed
 * ci/baseline.json, and on a small crashing target of our own, where a
 * crash the baseline lacks fails the gate, summary.md gets the gate, and
 * a lost shard fails it too.
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

#include "skipping.h"

#include "harness_cli.h"
#include "tmpfs.h"

#define PY "/usr/bin/python3.11"
#define CHECK "tests/support/gate_ci_check.py"
#define GITHUB "ci/github/pyfault.yml"
#define GITLAB "ci/gitlab/.gitlab-ci.yml"
#define SCRIPT "ci/pyfault-ci.sh"

static void run_sh(const char *script, char *const *env, struct proc_result *r)
{
    char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
    if (proc_run(argv, env, r) < 0)
        fail_msg("cannot run /bin/sh");
}

static void test_templates_pass_the_check(void **state)
{
    (void)state;
    struct proc_result r;
    run_sh(PY " " CHECK " " GITHUB " " GITLAB " " SCRIPT, NULL, &r);
    if (r.exit_code != 0)
        fail_msg("%s%s", r.out, r.err);
    proc_result_free(&r);
}

/* A copy of the templates with one line changed by SED must fail the
 * check with a message containing SAYS. */
static void broken(const char *file, const char *sed, const char *says)
{
    const char *dir = harness_tmpdir();
    char script[2048];
    snprintf(script, sizeof script,
             "cp " GITHUB " %s/gh.yml && cp " GITLAB " %s/gl.yml && sed -i '%s' %s/%s && "
             PY " " CHECK " %s/gh.yml %s/gl.yml " SCRIPT,
             dir, dir, sed, dir, file, dir, dir);
    struct proc_result r;
    run_sh(script, NULL, &r);
    if (r.exit_code != 1 || !strstr(r.out, says))
        fail_msg("%s with '%s': status %d, want 1 and '%s': %s%s", file, sed, r.exit_code, says, r.out, r.err);
    proc_result_free(&r);
}

static void test_check_catches_broken_templates(void **state)
{
    (void)state;
    broken("gh.yml", "s/needs: sweep/needs: sweeep/", "needs unknown job 'sweeep'");
    broken("gh.yml", "s/matrix.shard }}\" \"\\$SHARDS/matrix.shrd }}\" \"$SHARDS/", "matrix.shrd");
    broken("gh.yml", "s/actions\\/checkout@v4/actions\\/checkout/", "no @version");
    broken("gh.yml", "s/PYFAULT_CI_STRIDE: \"1\"/PYFAULT_CI_STRIDE: \"5\"/", "PYFAULT_CI_STRIDE");
    broken("gl.yml", "s/PYFAULT_CI_PLAN: sites/PYFAULT_CI_PLAN: all/", "PYFAULT_CI_PLAN");
    broken("gh.yml", "s/GITHUB_STEP_SUMMARY/GITHUB_SUMMARY/", "job summary");
    broken("gh.yml", "s/^jobs:/jobs: [/", "ParserError");
    broken("gl.yml", "s/parallel: 4/parallel: one/", "parallel");
    broken("gl.yml", "s/junit: out\\/all\\/junit.xml/junit: junit.xml/", "junit report");
    broken("gl.yml", "s/  stage: gate/  stage: publish/", "not in stages");
}

/* ci/pyfault-ci.sh ARGS with the extra environment ENV. */
static void ci(const char *args, char *const *env, struct proc_result *r)
{
    char script[2048];
    snprintf(script, sizeof script, SCRIPT " %s", args);
    run_sh(script, env, r);
}

static void shards_and_merge(const char *dir, int n, char *const *env)
{
    struct proc_result r;
    char args[1024];
    for (int i = 1; i <= n; i++) {
        snprintf(args, sizeof args, "shard %d %d %s/shard-%d", i, n, dir, i);
        ci(args, env, &r);
        if (r.exit_code != 0)
            fail_msg("%s: %d: %s%s", args, r.exit_code, r.out, r.err);
        proc_result_free(&r);
    }
    snprintf(args, sizeof args, "merge %s/all %s/shard-*", dir, dir);
    ci(args, env, &r);
    if (r.exit_code != 0)
        fail_msg("%s: %d: %s%s", args, r.exit_code, r.out, r.err);
    proc_result_free(&r);
}

static void test_ci_run_as_configured(void **state)
{
    (void)state;
    if (access("build/cpython/3.11-patched/python", X_OK) != 0)
        skip_because("build/cpython/3.11-patched is missing (`make cpython` or `make run` builds it)");
    const char *dir = harness_tmpdir();
    shards_and_merge(dir, 4, NULL);
    char args[1024];
    snprintf(args, sizeof args, "gate %s/all", dir);
    struct proc_result r;
    ci(args, NULL, &r);
    if (r.exit_code != 0)
        fail_msg("the gate fails on the committed ci/baseline.json: %s%s", r.out, r.err);
    assert_non_null(strstr(r.out, "gate: PASS"));
    proc_result_free(&r);
}

static void test_ci_gate_on_a_crashing_target(void **state)
{
    (void)state;
    const char *dir = harness_tmpdir();
    char base[700], target[700];
    snprintf(base, sizeof base, "PYFAULT_CI_BASELINE=%s/baseline.json", dir);
    snprintf(target, sizeof target, "PYFAULT_CI_TARGET=%s", project_path("build/targets/gate_unchecked_malloc"));
    char *env[] = {target, "PYFAULT_CI_MODE=oneshot", "PYFAULT_CI_PLAN=all", "PYFAULT_CI_STRIDE=1",
                   "PYFAULT_CI_ACCEPT=ok,error,segfault", base, NULL};
    shards_and_merge(dir, 3, env);
    char args[1024], path[800];
    snprintf(args, sizeof args, "gate %s/all", dir);
    struct proc_result r;
    /* no baseline yet: one line, 2 */
    ci(args, env, &r);
    assert_int_equal(r.exit_code, 2);
    assert_true(strstr(r.err, "no baseline") != NULL);
    proc_result_free(&r);
    /* an empty baseline: the segfault is new */
    snprintf(path, sizeof path, "%s/baseline.json", dir);
    FILE *f = fopen(path, "w");
    fputs("{\"schema\": \"pyfault-baseline\", \"version\": 1, \"findings\": []}\n", f);
    fclose(f);
    ci(args, env, &r);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.out, "NEW segfault: "));
    proc_result_free(&r);
    snprintf(path, sizeof path, "%s/all/summary.md", dir);
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "grep -q '^## Gate' %s && grep -q 'NEW segfault' %s", path, path);
    assert_int_equal(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "xmllint --noout --schema reports/junit.xsd %s/all/junit.xml 2>/dev/null", dir);
    assert_int_equal(system(cmd), 0);
    /* accepted into the baseline: passes */
    snprintf(cmd, sizeof cmd, "build/pyfault gate --baseline %s/baseline.json --update-baseline %s/all/results.json >/dev/null",
             dir, dir);
    assert_int_equal(WEXITSTATUS(system(cmd)), 1);
    ci(args, env, &r);
    if (r.exit_code != 0)
        fail_msg("after --update-baseline: %d: %s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);
    /* a lost shard: merged, but incomplete, and the gate step fails */
    snprintf(args, sizeof args, "merge %s/part %s/shard-1 %s/shard-3", dir, dir, dir);
    ci(args, env, &r);
    assert_int_equal(r.exit_code, 0);
    proc_result_free(&r);
    snprintf(args, sizeof args, "gate %s/part", dir);
    ci(args, env, &r);
    assert_int_equal(r.exit_code, 1);
    assert_non_null(strstr(r.out, "INCOMPLETE run (\"complete\": false)")); /* the gate's own line */
    proc_result_free(&r);
}

/* An OUT used twice: the same shard again resumes it (a requeued task);
 * another shard, mode or target in it is refused in one line, exit 2, and
 * its results.json stays the first sweep's, not reported as the new one. */
static void test_ci_shard_out_used_twice(void **state)
{
    (void)state;
    const char *dir = harness_tmpdir();
    char target[700], args[1024], path[800];
    snprintf(target, sizeof target, "PYFAULT_CI_TARGET=%s", project_path("build/targets/gate_unchecked_malloc"));
    char *env[] = {target, "PYFAULT_CI_MODE=oneshot", "PYFAULT_CI_PLAN=all", "PYFAULT_CI_JOBS=1", NULL};
    char *mode[] = {target, "PYFAULT_CI_MODE=both", "PYFAULT_CI_PLAN=all", "PYFAULT_CI_JOBS=1", NULL};
    char *other[] = {"PYFAULT_CI_TARGET=" PY " -c pass", "PYFAULT_CI_MODE=oneshot", "PYFAULT_CI_PLAN=all",
                     "PYFAULT_CI_JOBS=1", NULL};
    struct proc_result r;
    snprintf(args, sizeof args, "shard 1 2 %s/out", dir);
    for (int k = 0; k < 2; k++) {
        ci(args, env, &r);
        if (r.exit_code != 0)
            fail_msg("%s (run %d): %d: %s%s", args, k + 1, r.exit_code, r.out, r.err);
        assert_int_equal(strstr(r.out, "resumed from") != NULL, k == 1);
        proc_result_free(&r);
    }
    snprintf(path, sizeof path, "%s/out/results.json", dir);
    char *before = tmpfs_slurp(path);
    assert_non_null(before);
    static const struct {
        const char *args, *says;
    } reuse[] = {{"shard 2 2", "--shard differs from the sweep's own"},
                 {"shard 1 2", "--mode differs from the sweep's own"},
                 {"shard 1 2", "the target differs from the sweep's own"}};
    char *const *envs[] = {env, mode, other};
    for (size_t k = 0; k < 3; k++) {
        snprintf(args, sizeof args, "%s %s/out", reuse[k].args, dir);
        ci(args, envs[k], &r);
        if (r.exit_code != 2 || !strstr(r.err, reuse[k].says))
            fail_msg("%s: %d, wanted 2 and \"%s\": %s%s", args, r.exit_code, reuse[k].says, r.out, r.err);
        proc_result_free(&r);
        char *after = tmpfs_slurp(path);
        assert_non_null(after);
        assert_string_equal(after, before);
        free(after);
    }
    free(before);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_templates_pass_the_check),
        cmocka_unit_test(test_check_catches_broken_templates),
        cmocka_unit_test(test_ci_run_as_configured),
        cmocka_unit_test(test_ci_gate_on_a_crashing_target),
        cmocka_unit_test(test_ci_shard_out_used_twice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
