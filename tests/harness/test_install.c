/*
 * test_install: `make install DESTDIR=D PREFIX=/usr` gives a pyfault
 * that runs from D alone. Run with the build tree hidden (a tmpfs mounted
 * over it in a mount namespace of its own: nothing of it is reachable),
 * from a folder outside it, with no PYFAULT_SHIM or PYTHONPATH, `pyfault
 * paths` says every part was found
 * in the install prefix (none in the build tree), a sweep of
 * /usr/bin/python3.11 -c pass injects through the installed shim, a
 * scenario's `import pyfault` gets the installed module, and a C program
 * built with `pkg-config --cflags pyfault` calls the installed shim's API.
 * `make uninstall` then removes every file it installed and leaves a file
 * of someone else's in bin/ alone.
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

#define PREFIX "/usr"

/* Runs SCRIPT with /bin/sh away from the tree (cwd /), with the variables
 * that would point pyfault at the tree unset. */
static void sh(const char *script, struct proc_result *r)
{
    char *argv[] = {"/bin/sh", "-c", (char *)script, NULL};
    /* and make's, when make test runs us: the install is a make of its own */
    char *env[] = {"PYFAULT_SHIM=", "PYTHONPATH=", "LD_PRELOAD=", "PYFAULT=", "MAKEFLAGS=",
                   "MFLAGS=", "MAKELEVEL=", NULL};
    if (proc_run(argv, env, r) < 0)
        fail_msg("cannot run /bin/sh");
}

/* Runs SCRIPT as sh() does, with the build tree out of reach: in a mount
 * namespace of its own (unshare -m, root) with an empty tmpfs over the
 * checkout, checked empty first. */
static void sh_hidden(const char *script, struct proc_result *r)
{
    char root[600];
    snprintf(root, sizeof root, "%s", project_path(""));
    root[strlen(root) - 1] = '\0';
    char *argv[] = {"/usr/bin/unshare", "-m", "/bin/sh", "-c",
                    "mount -t tmpfs -o size=1m pyfault-hidden \"$0\" && "
                    "test ! -e \"$0/Makefile\" && cd / && eval \"$1\"",
                    root, (char *)script, NULL};
    char *env[] = {"PYFAULT_SHIM=", "PYTHONPATH=", "LD_PRELOAD=", "PYFAULT=", "MAKEFLAGS=",
                   "MFLAGS=", "MAKELEVEL=", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", NULL};
    if (proc_run(argv, env, r) < 0)
        fail_msg("cannot run unshare");
}

/* make TARGET DESTDIR=DEST PREFIX=PREFIX in the tree; fails the test
 * unless it exits 0. */
static void make(const char *target, const char *dest)
{
    char script[1200];
    snprintf(script, sizeof script,
             "cd '%s' && make --no-print-directory -s %s DESTDIR='%s' PREFIX=" PREFIX,
             project_path(""), target, dest);
    struct proc_result r;
    sh(script, &r);
    if (r.exit_code != 0)
        fail_msg("make %s: %s%s", target, r.out, r.err);
    proc_result_free(&r);
}

/* Fails the test unless TEXT has no path into the build tree. */
static void not_in_tree(const char *text)
{
    char root[600];
    snprintf(root, sizeof root, "%s", project_path(""));
    root[strlen(root) - 1] = '\0'; /* "/work/x/" -> "/work/x" */
    if (strstr(text, root))
        fail_msg("the installed pyfault used the build tree %s:\n%s", root, text);
}

static void check_paths(const char *dest)
{
    char script[1200];
    snprintf(script, sizeof script, "cd / && '%s" PREFIX "/bin/pyfault' paths", dest);
    struct proc_result r;
    sh_hidden(script, &r);
    if (r.exit_code != 0)
        fail_msg("pyfault paths: %d\n%s%s", r.exit_code, r.out, r.err);
    not_in_tree(r.out);
    const char *want[] = {"lib/pyfault/libpyfault.so (installed)",
                          "share/pyfault/python (installed)",
                          "share/pyfault/skip-frames.txt (installed)"};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        char line[1200];
        snprintf(line, sizeof line, "%s" PREFIX "/%s", dest, want[i]);
        if (!strstr(r.out, line))
            fail_msg("pyfault paths lacks '%s':\n%s", line, r.out);
    }
    proc_result_free(&r);
}

/* A sweep through the installed shim: failures injected at start-up end
 * the interpreter in other classes than ok. */
static void check_sweep(const char *dest)
{
    const char *out = harness_tmpdir();
    char script[1600];
    snprintf(script, sizeof script,
             "cd / && '%s" PREFIX "/bin/pyfault' sweep -q --stride 1000 --out '%s' "
             "-- /usr/bin/python3.11 -c pass", dest, out);
    struct proc_result r;
    sh_hidden(script, &r);
    if (r.exit_code != 0 && r.exit_code != 1)
        fail_msg("installed sweep: %d\n%s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);
    json_t *res = harness_results(out);
    json_t *counts = json_object_get(res, "counts");
    assert_true(json_integer_value(json_object_get(res, "done")) > 10);
    assert_true(json_object_size(counts) >= 2); /* ok and at least one failure class */
    char *text = json_dumps(res, 0);
    not_in_tree(text);
    free(text);
    json_decref(res);
}

/* `pyfault run` on a scenario that imports the module: it comes from the
 * installed share/pyfault/python and sees the shim loaded. */
static void check_run(const char *dest)
{
    const char *dir = harness_tmpdir();
    char script[2000];
    snprintf(script, sizeof script,
             "cd / && printf 'import pyfault\\nprint(pyfault.__file__, pyfault.loaded())\\n' > '%s/s.py' && "
             "'%s" PREFIX "/bin/pyfault' run -q --python /usr/bin/python3.11 --json '%s/r.json' '%s/s.py'",
             dir, dest, dir, dir);
    struct proc_result r;
    sh_hidden(script, &r);
    if (r.exit_code != 0)
        fail_msg("installed run: %d\n%s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);
    char path[700], want[1200];
    snprintf(path, sizeof path, "%s/r.json", dir);
    json_error_t je;
    json_t *res = json_load_file(path, 0, &je);
    if (!res)
        fail_msg("%s: %s", path, je.text);
    snprintf(want, sizeof want, "%s" PREFIX "/share/pyfault/python/pyfault.py True\n", dest);
    assert_string_equal(harness_str(res, "stdout_tail"), want);
    assert_string_equal(harness_str(res, "class"), "ok");
    json_decref(res);
}

/* A C program built against the installed pyfault.h (pkg-config) and run
 * under the installed shim (pkg-config's `shim`) reaches its API. */
static void check_pkg_config(const char *dest)
{
    const char *dir = harness_tmpdir();
    char path[700];
    snprintf(path, sizeof path, "%s/c.c", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("#include <pyfault.h>\n#include <dlfcn.h>\n#include <stdio.h>\n"
          "int main(void)\n{\n"
          "    unsigned (*v)(void) = (unsigned (*)(void))dlsym(RTLD_DEFAULT, \"pyfault_version\");\n"
          "    printf(\"%d %u\\n\", PYFAULT_EXIT_BADSPEC, v ? v() : 0u);\n"
          "    return 0;\n}\n", f);
    assert_int_equal(fclose(f), 0);
    char script[3000];
    snprintf(script, sizeof script,
             "cd / && export PKG_CONFIG_PATH='%s" PREFIX "/lib/pkgconfig' PKG_CONFIG_SYSROOT_DIR='%s' "
             "PKG_CONFIG_ALLOW_SYSTEM_CFLAGS=1 && "
             "cc $(pkg-config --cflags pyfault) -o '%s/c' '%s' && "
             "LD_PRELOAD=$(pkg-config --variable=shim pyfault) '%s/c'",
             dest, dest, dir, path, dir);
    struct proc_result r;
    sh_hidden(script, &r);
    if (r.exit_code != 0)
        fail_msg("pkg-config program: %d\n%s%s", r.exit_code, r.out, r.err);
    unsigned badspec = 0, version = 0;
    assert_int_equal(sscanf(r.out, "%u %u", &badspec, &version), 2);
    assert_int_equal(badspec, 2);
    assert_true(version > 0); /* 0: the shim was not preloaded */
    proc_result_free(&r);
}

/* Every file the install promises is there. */
static void check_files(const char *dest)
{
    const char *files[] = {
        "bin/pyfault", "lib/pyfault/libpyfault.so", "include/pyfault.h",
        "lib/pkgconfig/pyfault.pc", "share/pyfault/python/pyfault.py",
        "share/pyfault/skip-frames.txt", "share/pyfault/results.schema.json",
        "share/pyfault/junit.xsd", "share/man/man1/pyfault.1", "share/man/man7/pyfault-spec.7",
        "share/bash-completion/completions/pyfault",
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char path[800];
        snprintf(path, sizeof path, "%s" PREFIX "/%s", dest, files[i]);
        if (access(path, R_OK) != 0)
            fail_msg("not installed: %s", path);
    }
}

static void test_install_run_uninstall(void **state)
{
    (void)state;
    char dest[600];
    snprintf(dest, sizeof dest, "%s", harness_tmpdir());
    make("install", dest);
    check_files(dest);
    check_paths(dest);
    check_sweep(dest);
    check_run(dest);
    check_pkg_config(dest);

    char script[4000];
    snprintf(script, sizeof script, "echo mine > '%s" PREFIX "/bin/other'", dest);
    struct proc_result r;
    sh(script, &r);
    assert_int_equal(r.exit_code, 0);
    proc_result_free(&r);
    make("uninstall", dest);
    snprintf(script, sizeof script, "cd '%s' && find . -mindepth 1 ! -type d; find . -type d -name pyfault",
             dest);
    sh(script, &r);
    assert_int_equal(r.exit_code, 0);
    assert_string_equal(r.out, "." PREFIX "/bin/other\n");
    proc_result_free(&r);
    /* And with the foreign file gone, nothing is left at all. */
    snprintf(script, sizeof script, "rm '%s" PREFIX "/bin/other' && rmdir '%s" PREFIX "/bin' '%s" PREFIX
             "' && find '%s' -mindepth 1", dest, dest, dest, dest);
    sh(script, &r);
    if (r.exit_code != 0)
        fail_msg("%s%s", r.out, r.err);
    assert_string_equal(r.out, "");
    proc_result_free(&r);
}

/* The layout check refuses a libdir pyfault would not look in. */
static void test_install_refuses_a_split_layout(void **state)
{
    (void)state;
    char script[1200];
    snprintf(script, sizeof script, "cd '%s' && make --no-print-directory -s install DESTDIR='%s' "
             "PREFIX=" PREFIX " libdir=/usr/lib64", project_path(""), harness_tmpdir());
    struct proc_result r;
    sh(script, &r);
    assert_int_not_equal(r.exit_code, 0);
    if (!strstr(r.err, "bindir/../lib/pyfault"))
        fail_msg("%s", r.err);
    proc_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_install_run_uninstall),
        cmocka_unit_test(test_install_refuses_a_split_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
