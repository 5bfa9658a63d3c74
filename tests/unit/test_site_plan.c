/*
 * test_site_plan: a site plan's table and its sample
 * (harness/sweep/site_plan.c). The table's points come out sorted and
 * distinct; a stride keeps about one call site in K, all of each kept
 * site's points; the shards of a sample take every site exactly once; and
 * what is kept depends on the sites alone: the same table in another
 * order, or with other sites added or moved to other points, keeps the
 * same sites. Malformed tables are refused with the line named.
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

#include "site_plan.h"

static char path[64];

static int make_path(void **state)
{
    (void)state;
    snprintf(path, sizeof path, "/tmp/test_site_plan.%d", (int)getpid());
    return 0;
}

static int remove_path(void **state)
{
    (void)state;
    unlink(path);
    return 0;
}

/* Writes TEXT as the table at PATH. */
static void write_table(const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

/* A table of N sites, site i (key KEY0 + i * 7919) at point BASE + i
 * * 3 and, when TWICE, again at BASE + i * 3 + 1; written in reverse
 * when REVERSED. */
static void write_sites(unsigned n, uint64_t key0, uint64_t base, int twice, int reversed)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (unsigned j = 0; j < n; j++) {
        unsigned i = reversed ? n - 1 - j : j;
        uint64_t key = key0 + (uint64_t)i * 7919;
        fprintf(f, "%llu 0x%llx\n", (unsigned long long)(base + i * 3ull), (unsigned long long)key);
        if (twice)
            fprintf(f, "%llu 0x%llx\n", (unsigned long long)(base + i * 3ull + 1),
                    (unsigned long long)key);
    }
    assert_int_equal(fclose(f), 0);
}

static void test_table_read_in_order(void **state)
{
    (void)state;
    write_table("30 0xaa\n10 0xbb\n20 0xaa\n10 0xbb\n500 0xcc\n");
    struct pf_site_plan p;
    char err[256];
    struct pf_site_sample all = {1, 1, 1};
    assert_int_equal(pf_site_plan_read(path, 100, &all, &p, err, sizeof err), 0);
    assert_int_equal(p.npoints, 3); /* 500 is past M: a child's */
    assert_int_equal(p.chosen, 3);
    assert_int_equal(p.keys, 2);
    assert_int_equal(p.points[0], 10);
    assert_int_equal(p.points[1], 20);
    assert_int_equal(p.points[2], 30);
    pf_site_plan_free(&p);
}

static void test_malformed_tables(void **state)
{
    (void)state;
    static const char *const bad[] = {"10 0xaa\nten 0xbb\n", "0 0xaa\n", "10 aa\n", "full\n",
                                      "10 0xaa junk\n", ""};
    struct pf_site_sample all = {1, 1, 1};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        write_table(bad[i]);
        struct pf_site_plan p;
        char err[256] = "";
        assert_int_equal(pf_site_plan_read(path, 100, &all, &p, err, sizeof err), -1);
        assert_true(err[0] != '\0');
        assert_null(strchr(err, '\n'));
    }
    struct pf_site_plan p;
    char err[256];
    assert_int_equal(pf_site_plan_read("/nonexistent/table", 100, &all, &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "/nonexistent/table"));
}

/* Reads the table at PATH under sample S; returns P (freed by the caller). */
static struct pf_site_plan read_sample(uint64_t m, uint64_t stride, uint64_t shard, uint64_t shards)
{
    struct pf_site_plan p;
    char err[256];
    struct pf_site_sample s = {stride, shard, shards};
    assert_int_equal(pf_site_plan_read(path, m, &s, &p, err, sizeof err), 0);
    return p;
}

/* A stride keeps about 1 site in K, with both points of each kept one. */
static void test_stride_keeps_whole_sites(void **state)
{
    (void)state;
    write_sites(4000, 0x5151, 1, 1, 0);
    struct pf_site_plan p = read_sample(20000, 20, 1, 1);
    assert_int_equal(p.chosen, 8000);
    assert_int_equal(p.keys, 4000);
    assert_true(p.npoints % 2 == 0);
    assert_in_range(p.npoints / 2, 150, 250); /* 200 expected */
    for (uint64_t i = 0; i < p.npoints; i += 2) {
        assert_int_equal(p.points[i] % 3, 1); /* a site's first point */
        assert_int_equal(p.points[i + 1], p.points[i] + 1);
        uint64_t key = 0x5151 + (p.points[i] - 1) / 3 * 7919;
        struct pf_site_sample s = {20, 1, 1};
        assert_true(pf_site_sampled(key, &s));
    }
    pf_site_plan_free(&p);
}

/* Shards of a strided sample take every site of it once. */
static void test_shards_add_up(void **state)
{
    (void)state;
    write_sites(3000, 0x77, 1, 0, 0);
    struct pf_site_plan whole = read_sample(10000, 5, 1, 1);
    unsigned char *seen = calloc(10001, 1);
    assert_non_null(seen);
    uint64_t total = 0;
    for (uint64_t i = 1; i <= 3; i++) {
        struct pf_site_plan p = read_sample(10000, 5, i, 3);
        assert_true(p.npoints > 0);
        for (uint64_t k = 0; k < p.npoints; k++) {
            assert_int_equal(seen[p.points[k]], 0);
            seen[p.points[k]] = 1;
        }
        total += p.npoints;
        pf_site_plan_free(&p);
    }
    assert_int_equal(total, whole.npoints);
    for (uint64_t k = 0; k < whole.npoints; k++)
        assert_int_equal(seen[whole.points[k]], 1);
    free(seen);
    pf_site_plan_free(&whole);
}

/* The sample follows the sites, not their places: in reverse order, or
 * with every site one point later and 100 other sites first, the same
 * sites are kept. */
static void test_sample_follows_the_sites(void **state)
{
    (void)state;
    write_sites(2000, 0x900d, 1, 0, 0);
    struct pf_site_plan a = read_sample(10000, 20, 1, 1);
    write_sites(2000, 0x900d, 1, 0, 1);
    struct pf_site_plan b = read_sample(10000, 20, 1, 1);
    assert_int_equal(a.npoints, b.npoints);
    assert_memory_equal(a.points, b.points, a.npoints * sizeof *a.points);

    /* 100 sites first (keys no other site has), then the same 2000 sites
     * one point later: the old sites' points + 301 */
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    for (unsigned i = 0; i < 100; i++)
        fprintf(f, "%u 0x%llx\n", i * 3 + 1, 0xdead0000ull + i);
    for (unsigned i = 0; i < 2000; i++)
        fprintf(f, "%u 0x%llx\n", 301 + i * 3 + 1, 0x900dull + i * 7919ull);
    assert_int_equal(fclose(f), 0);
    struct pf_site_plan c = read_sample(10000, 20, 1, 1);
    uint64_t late = 0;
    for (uint64_t k = 0; k < c.npoints; k++)
        if (c.points[k] > 301) {
            assert_true(late < a.npoints);
            assert_int_equal(c.points[k], a.points[late] + 301);
            late++;
        }
    assert_int_equal(late, a.npoints);
    pf_site_plan_free(&a);
    pf_site_plan_free(&b);
    pf_site_plan_free(&c);
}

/* A point's site and which of that site's points it is lead to the
 * point where the same site falls in another run, for each of its points
 * (the journal of a resumed sweep finds its trials so). */
static void test_points_found_by_site(void **state)
{
    (void)state;
    write_sites(300, 0x51e, 1, 1, 0);
    struct pf_site_plan a = read_sample(10000, 1, 1, 1);
    write_sites(300, 0x51e, 1000, 1, 1); /* moved, and in reverse order */
    struct pf_site_plan b = read_sample(10000, 1, 1, 1);
    assert_int_equal(a.npoints, 600);
    assert_int_equal(b.npoints, 600);
    for (uint64_t k = 0; k < a.npoints; k++) {
        uint64_t key, nth, there;
        assert_int_equal(pf_site_plan_key(&a, a.points[k], &key, &nth), 0);
        assert_int_equal(key, 0x51eull + (a.points[k] - 1) / 3 * 7919);
        assert_int_equal(nth, (a.points[k] - 1) % 3); /* its first point, or its second */
        assert_int_equal(pf_site_plan_point(&b, key, nth, &there), 0);
        assert_int_equal(there, a.points[k] + 999);
        assert_int_equal(pf_site_plan_point(&a, key, nth, &there), 0);
        assert_int_equal(there, a.points[k]);
        assert_int_equal(pf_site_plan_point(&a, key, 2, &there), -1); /* no third point */
    }
    uint64_t key, nth, there;
    assert_int_equal(pf_site_plan_key(&a, 3, &key, &nth), -1); /* not a point of the plan */
    assert_int_equal(pf_site_plan_point(&a, 0x51f, 0, &there), -1); /* no such site */
    assert_int_equal(pf_site_plan_point(&a, ~0ull, 0, &there), -1);
    pf_site_plan_free(&a);
    pf_site_plan_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_table_read_in_order, make_path, remove_path),
        cmocka_unit_test_setup_teardown(test_malformed_tables, make_path, remove_path),
        cmocka_unit_test_setup_teardown(test_stride_keeps_whole_sites, make_path, remove_path),
        cmocka_unit_test_setup_teardown(test_shards_add_up, make_path, remove_path),
        cmocka_unit_test_setup_teardown(test_sample_follows_the_sites, make_path, remove_path),
        cmocka_unit_test_setup_teardown(test_points_found_by_site, make_path, remove_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
