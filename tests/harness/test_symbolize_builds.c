/*
 * test_symbolize_builds: one bug, one name. The compiler scenario's oneshot
 * sweep hits 3.11.2's init_types crash (an AST type's lazy initialisation
 * fails part-way); Debian's stripped /usr/bin/python3.11, named through
 * python3.11-dbg's debug file (by build-id), must give the same crash
 * signatures as the project's 3.11-vanilla build. Without the debug file
 * (PYFAULT_DEBUGINFO_PATH pointed elsewhere), a frame no symbol covers is
 * its object and offset, never an exported neighbour's name.
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

#define PY "/usr/bin/python3.11"

/* The points of the compiler scenario around init_types (the crash runs
 * 265..320 at stride 11 on both builds): a few seconds a build. */
static json_t *compiler_sweep(const char *python)
{
    const char *args[] = {"--python", python, "--inject", "site=_PyRun_SimpleFileObject",
                          "--range", "250:330", "--stride", "5", "-j", "2",
                          "--accept", "ok,error,segfault",
                          project_path("scenarios/compiler/compile_nomemory.py"), NULL};
    int status;
    json_t *j = harness_sweep_json(args, &status, NULL);
    assert_int_equal(status, 0);
    return j;
}

/* The sorted, distinct segfault signatures of sweep J, " | "-joined. */
static void segfaults(json_t *j, char *out, size_t len)
{
    const char *sigs[64];
    size_t n = 0, i;
    json_t *t;
    json_array_foreach(json_object_get(j, "trials"), i, t) {
        if (strcmp(harness_str(t, "class"), "segfault") != 0)
            continue;
        const char *s = harness_str(t, "signature");
        size_t k = 0;
        while (k < n && strcmp(sigs[k], s) != 0)
            k++;
        if (k == n && n < 64)
            sigs[n++] = s;
    }
    qsort(sigs, n, sizeof *sigs, (int (*)(const void *, const void *))strcmp);
    out[0] = '\0';
    for (size_t k = 0; k < n; k++)
        snprintf(out + strlen(out), len - strlen(out), "%s%s", k ? " | " : "", sigs[k]);
}

static int have_debug_file(void)
{
    /* python3.11-dbg ships it under the binary's build-id */
    return access("/usr/share/doc/python3.11-dbg", F_OK) == 0 &&
           access("/usr/lib/debug/.build-id", R_OK) == 0;
}

static void test_same_signatures_across_builds(void **state)
{
    (void)state;
    const char *vanilla = project_path("build/cpython/3.11-vanilla/python");
    if (access(vanilla, X_OK) != 0)
        skip_because("build/cpython/3.11-vanilla is not built (make cpython)");
    if (access(PY, X_OK) != 0 || !have_debug_file())
        fail_msg("%s and python3.11-dbg are required (make deps)", PY);
    unsetenv("PYFAULT_DEBUGINFO_PATH");
    char deb[4096], van[4096];
    json_t *jd = compiler_sweep(PY);
    json_t *jv = compiler_sweep(vanilla);
    segfaults(jd, deb, sizeof deb);
    segfaults(jv, van, sizeof van);
    printf("debian:  %s\nvanilla: %s\n", deb, van);
    assert_non_null(strstr(deb, "segfault: PyObject_SetAttr < init_types < "));
    assert_string_equal(deb, van);
    /* the finding's frames come with their file:line, init_types inlined
     * in Python-ast.c */
    size_t i;
    json_t *f;
    int seen = 0;
    json_array_foreach(json_object_get(jd, "findings"), i, f) {
        if (strcmp(harness_str(f, "class"), "segfault") != 0)
            continue;
        json_t *src = json_object_get(f, "sources");
        assert_int_equal(json_array_size(src), 3);
        assert_true(strncmp(json_string_value(json_array_get(src, 0)), "Objects/object.c:", 17) == 0);
        assert_true(strncmp(json_string_value(json_array_get(src, 1)), "Python/Python-ast.c:", 20) == 0);
        seen++;
    }
    assert_int_equal(seen, 1);
    json_decref(jd);
    json_decref(jv);
}

static void test_no_debug_file_no_borrowed_name(void **state)
{
    (void)state;
    if (access(PY, X_OK) != 0)
        fail_msg("%s is required (Debian package python3.11)", PY);
    setenv("PYFAULT_DEBUGINFO_PATH", "/nonexistent-debuginfo", 1);
    json_t *j = compiler_sweep(PY);
    unsetenv("PYFAULT_DEBUGINFO_PATH");
    char sigs[4096];
    segfaults(j, sigs, sizeof sigs);
    printf("without debug info: %s\n", sigs);
    /* PyObject_SetAttr is exported and keeps its name; init_types (static,
     * inlined) is now the stretch of python3.11 it lies in, by offset; the
     * exported PyObject_Vectorcall below it lends it nothing */
    assert_non_null(strstr(sigs, "segfault: PyObject_SetAttr < python3.11+0x"));
    assert_null(strstr(sigs, "init_types"));
    assert_null(strstr(sigs, "PyObject_Vectorcall"));
    /* the offset is the function's start: every point that crashes in
     * init_types has the one signature, as with the debug file */
    assert_null(strstr(sigs, " | "));
    json_decref(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_signatures_across_builds),
        cmocka_unit_test(test_no_debug_file_no_borrowed_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
