/*
 * test_sites: the call-site table of a counting run (sites=PATH,
 * sites-k=, sites-pow2, sites-depth=). In a C program with known sites:
 * exactly the first K (or the 1st, 2nd, 4th, ...) allocations of each
 * key are written, a key's depth decides what a site is, and the keys do
 * not move with the load address (ASLR). In Debian's python3.11: the
 * same keys and the same number of sites under two environments whose
 * allocation counts differ, which is what makes `--plan sites` a plan
 * that another machine repeats. And the first failure's site key in the
 * control page: the same key as the table's, with the caller's name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "pyfault.h"

#include "proc.h"
#include "pyrun.h"
#include "shimrun.h"
#include "skipping.h"

#define MAX_LINES 16384

struct table {
    unsigned long long point[MAX_LINES];
    unsigned long long key[MAX_LINES];
    int n;
};

/* A fresh, empty table file (the shim appends; it never creates one). */
static const char *new_table(void)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/pyfault-sites-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    return path;
}

static void read_table(const char *path, struct table *t)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    t->n = 0;
    char line[128];
    while (fgets(line, sizeof line, f)) {
        assert_true(t->n < MAX_LINES);
        if (sscanf(line, "%llu 0x%llx", &t->point[t->n], &t->key[t->n]) != 2)
            fail_msg("%s: not a site line: %s", path, line);
        t->n++;
    }
    fclose(f);
    unlink(path);
}

/* Runs the sites target under site=sites_work plus EXTRA, reads its table. */
static void table_of(const char *extra, struct table *t)
{
    const char *path = new_table();
    struct proc_result r;
    run_target("sites", fmt("layer=libc,site=sites_work,sites=%s%s", path, extra), NULL, NULL, &r);
    if (r.exit_code != 0 || !strstr(r.out, "eligible-ok"))
        fail_msg("sites target: status %d: %s%s", r.exit_code, r.out, r.err);
    proc_result_free(&r);
    read_table(path, t);
}

static int has_point(const struct table *t, unsigned long long p)
{
    for (int i = 0; i < t->n; i++)
        if (t->point[i] == p)
            return 1;
    return 0;
}

static void expect_points(const struct table *t, const unsigned long long *want, int n)
{
    if (t->n != n)
        fail_msg("%d lines in the table, expected %d", t->n, n);
    for (int i = 0; i < n; i++)
        if (!has_point(t, want[i]))
            fail_msg("point %llu is missing from the table", want[i]);
}

static void test_first_of_each_site(void **state)
{
    (void)state;
    struct table t;
    table_of("", &t);
    expect_points(&t, (unsigned long long[]){1, 101}, 2);
    assert_true(t.key[0] != t.key[1]);

    table_of(",sites-k=3", &t);
    expect_points(&t, (unsigned long long[]){1, 2, 3, 101, 102, 103}, 6);
}

static void test_powers_of_two(void **state)
{
    (void)state;
    struct table t;
    /* site_a's 1st, 2nd, 4th ... 64th; site_b's 1st ... 16th (at 101..120) */
    table_of(",sites-pow2", &t);
    expect_points(&t, (unsigned long long[]){1, 2, 4, 8, 16, 32, 64, 101, 102, 104, 108, 116}, 12);
    table_of(",sites-pow2,sites-k=3", &t);
    expect_points(&t, (unsigned long long[]){1, 2, 3, 4, 8, 16, 32, 64, 101, 102, 103, 104, 108,
                                             116}, 14);
}

static void test_depth_decides_the_site(void **state)
{
    (void)state;
    struct table t;
    /* one frame: grab's call of malloc, the same for both */
    table_of(",sites-depth=1", &t);
    expect_points(&t, (unsigned long long[]){1}, 1);
    table_of(",sites-depth=2", &t);
    expect_points(&t, (unsigned long long[]){1, 101}, 2);
}

static void test_keys_do_not_move_with_aslr(void **state)
{
    (void)state;
    struct table a, b;
    table_of("", &a);
    table_of("", &b); /* another process, other load addresses */
    assert_int_equal(a.n, b.n);
    for (int i = 0; i < a.n; i++)
        assert_true(a.key[i] == b.key[i]);
}

static int cmp_key(const void *x, const void *y)
{
    unsigned long long a = *(const unsigned long long *)x, b = *(const unsigned long long *)y;
    return (a > b) - (a < b);
}

/* python3.11 -c pass with EXTRA environment: its table, keys sorted;
 * returns the highest point in it. */
static unsigned long long python_table_spec(const char *const *extra, const char *more,
                                            struct table *t)
{
    const char *path = new_table();
    struct proc_result r;
    static const char *const args[] = {"-c", "pass", NULL};
    pyrun(PYRUN_SYSTEM_PYTHON, fmt("sites=%s%s", path, more), extra, args, &r);
    if (r.exit_code != 0)
        fail_msg("python3.11: status %d: %s", r.exit_code, r.err);
    proc_result_free(&r);
    read_table(path, t);
    unsigned long long last = 0;
    for (int i = 0; i < t->n; i++)
        if (t->point[i] > last)
            last = t->point[i];
    qsort(t->key, (size_t)t->n, sizeof t->key[0], cmp_key);
    return last;
}

static unsigned long long python_table(const char *const *extra, struct table *t)
{
    return python_table_spec(extra, "", t);
}

static void test_python_sites_stay_put(void **state)
{
    (void)state;
    if (access("/usr/bin/python3.11", X_OK) != 0)
        skip_because("/usr/bin/python3.11 is missing");
    static struct table a, b;
    static char pad[40][32];
    const char *many[41];
    for (int i = 0; i < 40; i++) {
        snprintf(pad[i], sizeof pad[i], "PYFAULT_TEST_PAD_%d=%d", i, i);
        many[i] = pad[i];
    }
    many[40] = NULL;
    unsigned long long last_a = python_table(NULL, &a);
    unsigned long long last_b = python_table(many, &b);
    /* the environment moves the numbers (each variable is two allocations
     * on 3.11) but not the set of sites */
    assert_true(a.n > 500);
    if (last_a == last_b)
        fail_msg("40 more environment variables did not move the last site (%llu)", last_a);
    assert_int_equal(a.n, b.n);
    for (int i = 0; i < a.n; i++)
        if (a.key[i] != b.key[i])
            fail_msg("site key %d differs: 0x%llx vs 0x%llx", i, a.key[i], b.key[i]);
}

static struct pyfault_ctl *new_page(char *path)
{
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, sizeof(struct pyfault_ctl)), 0);
    struct pyfault_ctl *page = mmap(NULL, sizeof *page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    assert_true(page != MAP_FAILED);
    return page;
}

/* Fails allocation N of the sites target with a control page; returns
 * the page (the caller unmaps it). */
static struct pyfault_ctl *fail_at(int n)
{
    char path[] = "/tmp/pyfault-sites-ctl-XXXXXX";
    struct pyfault_ctl *page = new_page(path);
    const char *env[] = {fmt("PYFAULT_CTL=%s", path), NULL};
    struct proc_result r;
    run_target("sites", fmt("layer=libc,site=sites_work,nth=%d", n), NULL, env, &r);
    unlink(path);
    proc_result_free(&r);
    assert_int_equal(page->version, PYFAULT_CTL_VERSION);
    assert_int_equal(page->first_injected, (uint64_t)n);
    return page;
}

static unsigned long long key_at(const struct table *t, unsigned long long p)
{
    for (int i = 0; i < t->n; i++)
        if (t->point[i] == p)
            return t->key[i];
    fail_msg("no line for point %llu", p);
    return 0;
}

static void test_failure_key_in_control_page(void **state)
{
    (void)state;
    struct table t;
    table_of("", &t);
    /* site_a's first allocation is 1, site_b's 101: both through grab */
    struct pyfault_ctl *a = fail_at(1), *b = fail_at(101), *a2 = fail_at(2);
    /* the key is the table's: the same computation, per-object normalised */
    assert_true(a->fail_key == key_at(&t, 1));
    assert_true(b->fail_key == key_at(&t, 101));
    assert_true(a2->fail_key == a->fail_key);
    assert_true(a->fail_key != b->fail_key);
    /* the caller, by name and offset, in the executable ("") */
    assert_string_equal(a->fail_func, "grab");
    assert_string_equal(b->fail_func, "grab");
    assert_int_equal(a->fail_off, b->fail_off);
    assert_true(a->fail_off > 0);
    assert_string_equal(a->fail_obj, "");
    /* no Python here */
    assert_string_equal(a->fail_pyfile, "");
    assert_int_equal(a->fail_pyline, 0);
    munmap(a, sizeof *a);
    munmap(b, sizeof *b);
    munmap(a2, sizeof *a2);
}

/* sites-py: the Python file:line joins the key, in the table and in the
 * failure's fail_key alike. */
static void test_python_lines_in_keys(void **state)
{
    (void)state;
    if (access("/usr/bin/python3.11", X_OK) != 0)
        skip_because("/usr/bin/python3.11 is missing");
    static struct table c, py;
    python_table(NULL, &c);
    const char *path = new_table(); /* after: one static buffer */
    struct proc_result r;
    static const char *const args[] = {"-c", "pass", NULL};
    /* both runs get a control page (the environment's size moves the
     * numbers): the counting run's own, then the failing run's */
    char ctl0[] = "/tmp/pyfault-sites-ctl-XXXXXX";
    struct pyfault_ctl *page0 = new_page(ctl0);
    const char *env0[] = {fmt("PYFAULT_CTL=%s", ctl0), NULL};
    pyrun(PYRUN_SYSTEM_PYTHON, fmt("sites=%s,sites-py", path), env0, args, &r);
    assert_int_equal(r.exit_code, 0);
    proc_result_free(&r);
    unlink(ctl0);
    munmap(page0, sizeof *page0);
    read_table(path, &py);
    /* one C path run from several Python lines is several sites */
    assert_true(py.n > c.n);
    /* the last point the table names (late in start-up: Python runs) */
    unsigned long long last = 0, key = 0;
    for (int i = 0; i < py.n; i++)
        if (py.point[i] > last) {
            last = py.point[i];
            key = py.key[i];
        }
    char ctl[] = "/tmp/pyfault-sites-ctl-XXXXXX";
    struct pyfault_ctl *page = new_page(ctl);
    const char *env[] = {fmt("PYFAULT_CTL=%s", ctl), NULL};
    pyrun(PYRUN_SYSTEM_PYTHON, fmt("nth=%llu,sites-py", last), env, args, &r);
    proc_result_free(&r);
    unlink(ctl);
    assert_int_equal(page->first_injected, last);
    assert_true(page->fail_key == key);
    munmap(page, sizeof *page);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_of_each_site),
        cmocka_unit_test(test_powers_of_two),
        cmocka_unit_test(test_depth_decides_the_site),
        cmocka_unit_test(test_keys_do_not_move_with_aslr),
        cmocka_unit_test(test_python_sites_stay_put),
        cmocka_unit_test(test_failure_key_in_control_page),
        cmocka_unit_test(test_python_lines_in_keys),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
