/*
 * test_dso: the dso= filter on Debian's python3.11 with an extension of
 * our own (scenarios/ext/dsoprobe.c) and a shared library it links
 * (scenarios/ext/dsoprobe_lib.c), both built for the test by
 * tests/support/build_dsoprobe.sh. Naming the extension makes exactly its
 * allocations eligible (and what its library does for it); naming the
 * library, the library's alone; in each layer; and an injected failure's
 * logged frames lie in the object named.
 */
#include <libgen.h>
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

#include "jsonlog.h"
#include "pyrun.h"
#include "shimrun.h"
#include "skipping.h"

/* The build directory of the extension and its library (a mkdtemp). */
static char ext_dir[] = "/tmp/pyfault-test-dso-XXXXXX";
static int built;

static int build_pair(void **state)
{
    (void)state;
    if (access(PYRUN_SYSTEM_PYTHON, X_OK) != 0 || !mkdtemp(ext_dir))
        return 0;
    char *argv[] = {(char *)project_path("tests/support/build_dsoprobe.sh"),
                    PYRUN_SYSTEM_PYTHON, ext_dir, NULL};
    struct proc_result r;
    if (proc_run(argv, NULL, &r) == 0 && r.exited && r.exit_code == 0)
        built = 1;
    else
        fprintf(stderr, "build_dsoprobe.sh: exit %d\n%s", r.exit_code, r.err);
    proc_result_free(&r);
    return 0;
}

static int remove_pair(void **state)
{
    (void)state;
    if (ext_dir[strlen(ext_dir) - 1] != 'X') {
        char *argv[] = {"rm", "-rf", ext_dir, NULL};
        struct proc_result r;
        proc_run(argv, NULL, &r);
        proc_result_free(&r);
    }
    return 0;
}

static void require_pair(void)
{
    if (access(PYRUN_SYSTEM_PYTHON, X_OK) != 0)
        skip_because("no " PYRUN_SYSTEM_PYTHON);
    if (!built)
        skip_because("the dsoprobe extension did not build (python3.11-dev missing?)");
}

/* What dso_probe.py printed under SPEC. */
struct probe {
    long long imported, work, lib, python, total, all;
    char work_outcome[16], lib_outcome[16];
};

static void probe(const char *spec, struct probe *p)
{
    const char *args[] = {project_path("tests/shim/data/dso_probe.py"), ext_dir, NULL};
    struct proc_result r;
    pyrun(PYRUN_SYSTEM_PYTHON, spec, NULL, args, &r);
    if (!r.exited || r.exit_code != 0)
        fail_msg("%s: exit %d signal %d\n%s%s", spec, r.exit_code, r.signal, r.out, r.err);
    const char *work = strstr(r.out, "\nwork "), *lib = strstr(r.out, "\nlib ");
    const char *total = strstr(r.out, "\ntotal ");
    if (!work || !lib || !total ||
        sscanf(r.out, "imported %lld", &p->imported) != 1 ||
        sscanf(work, "\nwork %lld %15s", &p->work, p->work_outcome) != 2 ||
        sscanf(lib, "\nlib %lld %15s", &p->lib, p->lib_outcome) != 2 ||
        sscanf(total, "\ntotal %lld %lld", &p->total, &p->all) != 2)
        fail_msg("%s: unexpected output:\n%s%s", spec, r.out, r.err);
    p->python = (long long)read_number(r.out, "python ");
    proc_result_free(&r);
}

/* SPEC makes WORK of the extension's 200 and LIB of the library's 50
 * allocations eligible, and none of the script's own Python work. */
static void expect_counts(const char *spec, long long work, long long lib, struct probe *p)
{
    probe(spec, p);
    if (p->work != work || p->lib != lib || p->python != 0)
        fail_msg("%s: work %lld (want %lld), lib %lld (want %lld), python %lld (want 0)", spec,
                 p->work, work, p->lib, lib, p->python);
    assert_string_equal(p->work_outcome, "ok");
    assert_string_equal(p->lib_outcome, "ok");
    assert_true(p->total < p->all / 10);
}

static void test_dso_selects_objects(void **state)
{
    (void)state;
    require_pair();
    struct probe p;
    /* no filter: everything is eligible, the script's Python work too */
    probe("count", &p);
    assert_true(p.work >= 200 && p.python > 1000);
    assert_true(p.total >= p.all - 1);

    /* the extension: its 200 calls through CPython's API; the import's
     * own (PyInit_dsoprobe) too, and nothing else. In the pymem layer the
     * library's malloc calls are not counted at all */
    expect_counts("dso=dsoprobe.*", 200, 0, &p);
    assert_true(p.imported > 0 && p.imported < 100);
    assert_int_equal(p.total, p.imported + 200);
    /* in layer=all its library's 50 mallocs are the extension's too: the
     * extension is on their stack */
    expect_counts("layer=all,dso=dsoprobe.*", 200, 50, &p);
    assert_int_equal(p.total, p.imported + 250);
    /* the library alone: its 50, in layer=all and layer=libc */
    expect_counts("layer=all,dso=libdsoprobe_lib.so", 0, 50, &p);
    assert_int_equal(p.imported, 0);
    assert_int_equal(p.total, 50);
    expect_counts("layer=libc,dso=libdsoprobe*", 0, 50, &p);
    assert_int_equal(p.total, 50);
    /* a glob with a '/' is matched against the whole path */
    const char *dir = strrchr(ext_dir, '/') + 1;
    expect_counts(fmt("layer=all,dso=*/%s/lib*", dir), 0, 50, &p);
    expect_counts(fmt("layer=all,dso=*/%s/*", dir), 200, 50, &p);
    expect_counts("layer=all,dso=/nowhere/*", 0, 0, &p);
    assert_int_equal(p.total, 0);
    /* alternatives */
    expect_counts("dso=nothing.so|dsoprobe.cpython-3[0-9]?-*", 200, 0, &p);
    expect_counts("layer=all,dso=libdsoprobe_lib.so|dsoprobe.*", 200, 50, &p);
    /* combined with min-size: the 48-byte PyObject_Malloc calls only */
    expect_counts("min-size=40,dso=dsoprobe.*", 100, 0, &p);
}

/* Loads LOG, checks it holds one failure of FUNC and SIZE, and returns the
 * index of the first of its frames whose object's file name starts with
 * PREFIX (-1: none); SYM gets that frame's function. */
static int failure_frame_in(const char *path, const char *func, long long size,
                            const char *prefix, char *sym, size_t symlen)
{
    json_t *log = jsonlog_load(path);
    assert_int_equal(jsonlog_count(log, "fail"), 1);
    json_t *fail = jsonlog_find(log, "fail", 0);
    assert_string_equal(json_string_value(json_object_get(fail, "func")), func);
    assert_int_equal(json_integer_value(json_object_get(fail, "size")), size);
    int found = -1;
    size_t i;
    json_t *frame;
    json_array_foreach(json_object_get(fail, "frames"), i, frame) {
        const char *obj = json_string_value(json_object_get(frame, "obj"));
        const char *base = obj ? strrchr(obj, '/') : NULL;
        if (base && strncmp(base + 1, prefix, strlen(prefix)) == 0) {
            found = (int)i;
            snprintf(sym, symlen, "%s", jsonlog_frame_sym(fail, i));
            break;
        }
    }
    json_decref(log);
    return found;
}

static void test_dso_failure_frames(void **state)
{
    (void)state;
    require_pair();
    char path[] = "/tmp/pyfault-test-dso-log-XXXXXX";
    close(mkstemp(path));
    char sym[128];
    struct probe p;

    /* the extension's 7th call of work(): its 4th PyMem_Malloc(32) */
    probe("dso=dsoprobe.*", &p);
    long long nth = p.imported + 7;
    probe(fmt("dso=dsoprobe.*,nth=%lld,log=%s", nth, path), &p);
    assert_string_equal(p.work_outcome, "memoryerror");
    assert_string_equal(p.lib_outcome, "ok");
    int at = failure_frame_in(path, "PyMem_Malloc", 32, "dsoprobe.", sym, sizeof sym);
    if (at < 0)
        fail_msg("no frame of the failure lies in the extension");
    assert_string_equal(sym, "work");
    unlink(path);

    /* the library's 3rd malloc: its own frame is the first on the stack */
    close(mkstemp(path));
    probe(fmt("layer=all,dso=libdsoprobe*,nth=3,log=%s", path), &p);
    assert_string_equal(p.work_outcome, "ok");
    assert_string_equal(p.lib_outcome, "memoryerror");
    at = failure_frame_in(path, "malloc", 64, "libdsoprobe_lib.so", sym, sizeof sym);
    assert_int_equal(at, 0);
    assert_string_equal(sym, "dsoprobe_lib_churn");
    unlink(path);

    /* persistent over the extension (its import left out with skip-site):
     * all its calls fail, the interpreter and the script's own work go on */
    probe("skip-site=PyInit_dsoprobe,dso=dsoprobe.*,from=1", &p);
    assert_int_equal(p.imported, 0);
    assert_string_equal(p.work_outcome, "memoryerror");
    assert_int_equal(p.work, 200);
    assert_string_equal(p.lib_outcome, "ok");
}

/* A C program (the libc layer) that opens the library after start-up,
 * closes it, and opens it again. */
static void test_dso_follows_dlopen_and_dlclose(void **state)
{
    (void)state;
    require_pair();
    const char *args[] = {fmt("%s/libdsoprobe_lib.so", ext_dir), NULL};
    struct proc_result r;
    run_target("dso_dlopen", "count", args, NULL, &r);
    assert_int_equal(r.exit_code, 0);
    unsigned long long all = read_number(r.out, "eligible ");
    assert_true(all > 25 + 50); /* the loader's own allocations too */
    proc_result_free(&r);
    /* the program itself is on every stack between the two counts */
    run_target("dso_dlopen", "dso=dso_dlopen", args, NULL, &r);
    assert_int_equal(r.exit_code, 0);
    assert_int_equal(read_number(r.out, "eligible "), all);
    proc_result_free(&r);
    run_target("dso_dlopen", "dso=libdsoprobe_lib.so", args, NULL, &r);
    assert_int_equal(r.exit_code, 0);
    assert_int_equal(read_number(r.out, "eligible "), 25);
    proc_result_free(&r);
    run_target("dso_dlopen", "dso=libdsoprobe_lib.so,from=1", args, NULL, &r);
    assert_int_equal(r.exit_code, 0);
    assert_int_equal(read_number(r.out, "lib failed "), 25);
    assert_int_equal(read_number(r.out, "own failed "), 0);
    proc_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dso_selects_objects),
        cmocka_unit_test(test_dso_failure_frames),
        cmocka_unit_test(test_dso_follows_dlopen_and_dlclose),
    };
    return cmocka_run_group_tests(tests, build_pair, remove_pair);
}
