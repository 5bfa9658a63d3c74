/*
 * test_deb: the Debian package. `dpkg-buildpackage -us -uc -b` on a copy
 * of the tracked files builds pyfault_VERSION_amd64.deb, lintian reports
 * no error, and the package unpacked into a fresh root (dpkg -x) runs on
 * its installed files only: from /, with no PYFAULT_SHIM or PYTHONPATH,
 * `pyfault paths` finds every part inside that root, a sweep of
 * /usr/bin/python3.11 -c pass injects failures, a scenario's
 * `import pyfault` is the packaged module, and the man page renders.
 * The build and lintian take about a minute (make deps installs
 * debhelper and lintian).
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

#include <jansson.h>

#include "harness_cli.h"
#include "skipping.h"
#include "version.h"

#define DEB "pyfault_" PF_VERSION "_amd64.deb"

static char work[600]; /* src/ (the copy), the .deb beside it, root/ */

/* Runs SCRIPT with /bin/sh, the variables that would point pyfault at
 * the build tree unset. */
static void sh(const char *script, struct proc_result *r)
{
    char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
    char *env[] = {"PYFAULT_SHIM=", "PYTHONPATH=", "LD_PRELOAD=", "PYFAULT=", "MAKEFLAGS=",
                   "MFLAGS=", "MAKELEVEL=", NULL};
    if (proc_run(argv, env, r) < 0)
        fail_msg("cannot run /bin/sh");
}

/* Runs SCRIPT; fails the test with its output unless it exits 0. */
static void sh_ok(const char *what, const char *script)
{
    struct proc_result r;
    sh(script, &r);
    if (r.exit_code != 0) {
        size_t n = strlen(r.out);
        fail_msg("%s: exit %d\n%s%s", what, r.exit_code, n > 3000 ? r.out + n - 3000 : r.out,
                 r.err);
    }
    proc_result_free(&r);
}

static void test_build_lint_install_run(void **state)
{
    (void)state;
    snprintf(work, sizeof work, "%s", harness_tmpdir());
    char script[4000];
    snprintf(script, sizeof script,
             "mkdir '%s/src' && git ls-files -z | xargs -0 cp --parents -t '%s/src' && "
             "cd '%s/src' && dpkg-buildpackage -us -uc -b 2>&1",
             work, work, work);
    sh_ok("dpkg-buildpackage", script);

    struct proc_result r;
    snprintf(script, sizeof script, "cd '%s' && lintian --fail-on error " DEB, work);
    sh(script, &r);
    if (r.exit_code != 0 || strstr(r.out, "\nE: ") || strncmp(r.out, "E: ", 3) == 0)
        fail_msg("lintian: %d\n%s%s", r.exit_code, r.out, r.err);
    printf("lintian: %s", r.out[0] ? r.out : "(nothing)\n");
    proc_result_free(&r);

    snprintf(script, sizeof script, "dpkg -x '%s/" DEB "' '%s/root'", work, work);
    sh_ok("dpkg -x", script);

    /* Every part found inside the unpacked root, none in the tree. */
    snprintf(script, sizeof script, "cd / && '%s/root/usr/bin/pyfault' paths", work);
    sh(script, &r);
    if (r.exit_code != 0)
        fail_msg("pyfault paths: %d\n%s%s", r.exit_code, r.out, r.err);
    char want[800];
    snprintf(want, sizeof want, "shim      %s/root/usr/lib/pyfault/libpyfault.so (installed)", work);
    assert_non_null(strstr(r.out, want));
    snprintf(want, sizeof want, "python    %s/root/usr/share/pyfault/python (installed)", work);
    assert_non_null(strstr(r.out, want));
    char root[600];
    snprintf(root, sizeof root, "%s", project_path(""));
    root[strlen(root) - 1] = '\0';
    if (strstr(r.out, root))
        fail_msg("the packaged pyfault used the tree:\n%s", r.out);
    proc_result_free(&r);

    /* A sweep through the packaged shim. */
    snprintf(script, sizeof script,
             "cd / && '%s/root/usr/bin/pyfault' sweep -q --stride 1000 --out '%s/out' "
             "-- /usr/bin/python3.11 -c pass; test $? -le 1", work, work);
    sh_ok("packaged sweep", script);
    snprintf(script, sizeof script, "%s/out/results.json", work);
    json_error_t je;
    json_t *res = json_load_file(script, 0, &je);
    if (!res)
        fail_msg("%s: %s", script, je.text);
    assert_true(json_integer_value(json_object_get(res, "done")) > 10);
    assert_true(json_object_size(json_object_get(res, "counts")) >= 2);
    printf("packaged sweep: %lld trials\n", (long long)json_integer_value(json_object_get(res, "done")));
    json_decref(res);

    /* `import pyfault` in a scenario is the packaged module. */
    snprintf(script, sizeof script,
             "cd / && printf 'import pyfault\\nprint(pyfault.__file__, pyfault.loaded())\\n' > '%s/s.py' && "
             "'%s/root/usr/bin/pyfault' run --python /usr/bin/python3.11 --json '%s/r.json' '%s/s.py' "
             ">/dev/null && /usr/bin/python3.11 -c 'import json,sys; print(json.load(open(sys.argv[1]))"
             "[\"stdout_tail\"], end=\"\")' '%s/r.json'", work, work, work, work, work);
    sh(script, &r);
    snprintf(want, sizeof want, "%s/root/usr/share/pyfault/python/pyfault.py True\n", work);
    if (r.exit_code != 0 || strcmp(r.out, want) != 0)
        fail_msg("packaged run: %d\n%s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);

    snprintf(script, sizeof script,
             "MANWIDTH=80 man --warnings -l '%s/root/usr/share/man/man1/pyfault.1.gz' | grep -c '^COMMANDS'",
             work);
    sh_ok("packaged man page", script);
}

/* Removes the copy, the packages and the unpacked root (tens of MB),
 * after a failure too. */
static int teardown(void **state)
{
    (void)state;
    if (work[0]) {
        char script[700];
        snprintf(script, sizeof script, "rm -rf '%s'", work);
        struct proc_result r;
        sh(script, &r);
        proc_result_free(&r);
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_build_lint_install_run, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
