/*
 * test_spec: the PYFAULT spec grammar and the plan decision, in-process;
 * the harness's padding of a spec to one width (spec_pad.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "pyfault.h"
#include "spec_pad.h"

static struct pyfault_spec parse_ok(const char *text)
{
    struct pyfault_spec spec;
    char err[256];
    int rc = pyfault_spec_parse(text, &spec, err, sizeof err);
    if (rc != 0)
        fail_msg("'%s' was rejected: %s", text, err);
    return spec;
}

static void test_default_is_count(void **state)
{
    (void)state;
    struct pyfault_spec s = parse_ok(NULL);
    assert_int_equal(s.plan.mode, PYFAULT_MODE_COUNT);
    s = parse_ok("");
    assert_int_equal(s.plan.mode, PYFAULT_MODE_COUNT);
    assert_int_equal(s.log_max, PYFAULT_LOG_MAX_DEFAULT);
    s = parse_ok("count");
    assert_int_equal(s.plan.mode, PYFAULT_MODE_COUNT);
    for (uint64_t n = 1; n < 1000; n++)
        assert_false(pyfault_plan_fails(&s.plan, n));
}

static void test_modes_parse(void **state)
{
    (void)state;
    struct pyfault_spec s = parse_ok("nth=7");
    assert_int_equal(s.plan.mode, PYFAULT_MODE_NTH);
    assert_int_equal(s.plan.a, 7);
    s = parse_ok("from=18446744073709551615");
    assert_int_equal(s.plan.mode, PYFAULT_MODE_FROM);
    assert_true(s.plan.a == UINT64_MAX);
    s = parse_ok("range=3:9");
    assert_int_equal(s.plan.mode, PYFAULT_MODE_RANGE);
    assert_int_equal(s.plan.a, 3);
    assert_int_equal(s.plan.b, 9);
    s = parse_ok("every=5");
    assert_int_equal(s.plan.mode, PYFAULT_MODE_EVERY);
    s = parse_ok("random=0.25,seed=42");
    assert_int_equal(s.plan.mode, PYFAULT_MODE_RANDOM);
    assert_int_equal(s.plan.seed, 42);
    assert_true(s.plan.threshold == (uint64_t)1 << 62);
    s = parse_ok("random=1");
    assert_true(s.plan.threshold == UINT64_MAX);
    s = parse_ok("random=.5");
    assert_true(s.plan.threshold == (uint64_t)1 << 63);
}

static void test_options_parse(void **state)
{
    (void)state;
    struct pyfault_spec s = parse_ok(
        "site=Py_FinalizeEx,nth=3,min-size=64,skip-site=foo,log=/tmp/x.log,"
        "log-max=5,junk,trap");
    assert_string_equal(s.site, "Py_FinalizeEx");
    assert_string_equal(s.skip_site, "foo");
    assert_string_equal(s.log_path, "/tmp/x.log");
    assert_int_equal(s.min_size, 64);
    assert_int_equal(s.log_max, 5);
    assert_true(s.junk);
    assert_true(s.trap);
    assert_int_equal(s.plan.mode, PYFAULT_MODE_NTH);
    /* a forked trial copies the server's pages at once unless told not to */
    assert_false(s.no_precopy);
    assert_true(parse_ok("region,no-precopy").no_precopy);
}

/* sites= and its companions: the defaults are one allocation per key,
 * eight frames, no powers of two. */
static void test_sites_parse(void **state)
{
    (void)state;
    struct pyfault_spec s = parse_ok("nth=3");
    assert_string_equal(s.sites_path, "");
    assert_int_equal(s.sites_k, 1);
    assert_int_equal(s.sites_depth, PYFAULT_SITES_DEPTH_DEFAULT);
    assert_false(s.sites_pow2);
    assert_int_equal(s.fork_fd, -1);
    assert_int_equal(parse_ok("fork-fd=3").fork_fd, 3);
    s = parse_ok("sites=/tmp/t,sites-k=4,sites-depth=32,sites-pow2,site=f");
    assert_string_equal(s.sites_path, "/tmp/t");
    assert_int_equal(s.sites_k, 4);
    assert_int_equal(s.sites_depth, 32);
    assert_true(s.sites_pow2);
    assert_string_equal(s.site, "f");
}

/* layer= names the counting layer; none given is AUTO (pymem in CPython). */
static void test_layer_parses(void **state)
{
    (void)state;
    assert_int_equal(parse_ok("nth=3").layer, PYFAULT_LAYER_AUTO);
    assert_int_equal(parse_ok("layer=pymem").layer, PYFAULT_LAYER_PYMEM);
    assert_int_equal(parse_ok("layer=libc,from=2").layer, PYFAULT_LAYER_LIBC);
    assert_int_equal(parse_ok("junk,layer=all").layer, PYFAULT_LAYER_ALL);
    assert_string_equal(pyfault_layer_name(PYFAULT_LAYER_PYMEM), "pymem");
    assert_string_equal(pyfault_layer_name(PYFAULT_LAYER_AUTO), "auto");
    assert_string_equal(pyfault_layer_name(99), "?");
}

/* dso= keeps its globs as given; region is a flag; both combine with the
 * rest. No filter is the default. */
static void test_dso_and_region_parse(void **state)
{
    (void)state;
    struct pyfault_spec s = parse_ok("nth=3");
    assert_string_equal(s.dso, "");
    assert_false(s.region);
    s = parse_ok("dso=_dsoprobe*.so");
    assert_string_equal(s.dso, "_dsoprobe*.so");
    s = parse_ok("layer=all,dso=libdsoprobe_lib.so*|dsoprobe.cpython-3?-*,from=2");
    assert_string_equal(s.dso, "libdsoprobe_lib.so*|dsoprobe.cpython-3?-*");
    assert_int_equal(s.plan.mode, PYFAULT_MODE_FROM);
    s = parse_ok("dso=*/build/ext/[a-z]*.so,site=Py_FinalizeEx");
    assert_string_equal(s.dso, "*/build/ext/[a-z]*.so");
    assert_string_equal(s.site, "Py_FinalizeEx");
    s = parse_ok("dso=[]x]*|[!]]|a\\[b|\\*");
    assert_string_equal(s.dso, "[]x]*|[!]]|a\\[b|\\*");
    s = parse_ok("region");
    assert_true(s.region);
    assert_int_equal(s.plan.mode, PYFAULT_MODE_COUNT);
    s = parse_ok("nth=1,region,dso=x.so,min-size=8");
    assert_true(s.region);
    assert_string_equal(s.dso, "x.so");
    assert_int_equal(s.plan.a, 1);
    /* 511 characters is the most */
    char longest[600] = "dso=";
    memset(longest + 4, 'a', 511);
    longest[4 + 511] = '\0';
    assert_int_equal(strlen(parse_ok(longest).dso), 511);
    /* one more is refused, naming the key */
    char too_long[600] = "dso=";
    memset(too_long + 4, 'a', 512);
    too_long[4 + 512] = '\0';
    char err[256];
    assert_int_equal(pyfault_spec_parse(too_long, &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "dso=aaa"));
}

/* The glob matcher behind dso=: the file name, or the whole path when the
 * glob has a '/'; alternatives; sets, ranges, negation, escapes. */
static void test_dso_matches(void **state)
{
    (void)state;
    static const struct {
        const char *globs, *path;
        int want;
    } cases[] = {
        {"libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6", 1},
        {"libc.so*", "/lib/x86_64-linux-gnu/libc.so.6", 1},
        {"libc.so", "/lib/x86_64-linux-gnu/libc.so.6", 0},
        {"lib*", "/usr/lib/python3.11/lib-dynload/_json.cpython-311-x86_64-linux-gnu.so", 0},
        {"_json.*", "/usr/lib/python3.11/lib-dynload/_json.cpython-311-x86_64-linux-gnu.so", 1},
        {"_json*-linux-gnu.so", "/usr/lib/python3.11/lib-dynload/_json.cpython-311-x86_64-linux-gnu.so", 1},
        {"*", "/x/y", 1},
        {"*", "", 1},
        {"?", "", 0},
        {"", "anything", 0},
        {"python3.11", "/usr/bin/python3.11", 1},
        {"python3.1?", "/usr/bin/python3.11", 1},
        {"python3.1?", "/usr/bin/python3.1", 0},
        {"python3.[0-9][0-9]", "/usr/bin/python3.13", 1},
        {"python3.[!1]*", "/usr/bin/python3.13", 0},
        {"python3.[^1]*", "/usr/bin/python3.9", 1},
        {"[]a]b", "]b", 1},
        {"[]a]b", "ab", 1},
        {"[!]]b", "]b", 0},
        {"a\\*b", "a*b", 1},
        {"a\\*b", "axb", 0},
        {"a[\\]]b", "a]b", 1},
        {"*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0},
        {"*.so*", "libfoo.so.1.2", 1},
        /* a '/' makes it a whole-path glob; '*' crosses '/' */
        {"*/lib-dynload/*", "/usr/lib/python3.11/lib-dynload/_json.cpython-311-x86_64-linux-gnu.so", 1},
        {"/usr/lib/*", "/usr/lib/python3.11/lib-dynload/_json.so", 1},
        {"/usr/lib/*", "/lib/libc.so.6", 0},
        {"lib-dynload/*", "/usr/lib/python3.11/lib-dynload/_json.so", 0},
        {"./build/*.so", "./build/x.so", 1},
        /* alternatives: any one */
        {"nomatch|libc.so*", "/lib/libc.so.6", 1},
        {"libc.so*|nomatch", "/lib/libc.so.6", 1},
        {"one|two", "/lib/three", 0},
        {"*/lib/*|zzz", "/lib/three", 1},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int got = pyfault_dso_matches(cases[i].globs, cases[i].path);
        if (got != cases[i].want)
            fail_msg("dso=%s on '%s': %d, want %d", cases[i].globs, cases[i].path, got,
                     cases[i].want);
    }
}

/* Every malformed spec is rejected, and the message names the token. */
static void test_malformed_specs(void **state)
{
    (void)state;
    static const struct {
        const char *spec;
        const char *token;
    } bad[] = {
        {"nth=", "nth="},
        {"nth=0", "nth=0"},
        {"nth=-1", "nth=-1"},
        {"nth=1x", "nth=1x"},
        {"nth=18446744073709551616", "nth=18446744073709551616"},
        {"from=abc", "from=abc"},
        {"range=9:3", "range=9:3"},
        {"range=0:3", "range=0:3"},
        {"range=3", "range=3"},
        {"range=:3", "range=:3"},
        {"every=0", "every=0"},
        {"random=1.5", "random=1.5"},
        {"random=2", "random=2"},
        {"random=abc", "random=abc"},
        {"no-precopy=1", "no-precopy=1"},
        {"random=", "random="},
        {"seed=3", "seed"},
        {"random=0.5,seed=x", "seed=x"},
        {"nth=3,from=4", "from=4"},
        {"count,nth=3", "nth=3"},
        {"bogus", "bogus"},
        {"bogus=1", "bogus=1"},
        {"nth=3,,junk", "''"},
        {"nth=3,", "''"},
        {"min-size=big", "min-size=big"},
        {"site=", "site="},
        {"log=", "log="},
        {"junk=1", "junk=1"},
        {"layer=", "layer="},
        {"layer=python", "layer=python"},
        {"layer", "layer"},
        {"nth", "nth"},
        {"dso=", "dso="},
        {"dso=|x.so", "dso=|x.so"},
        {"dso=x.so|", "dso=x.so|"},
        {"dso=a||b", "dso=a||b"},
        {"dso=lib[abc", "dso=lib[abc"},
        {"dso=lib[]", "dso=lib[]"},
        {"dso=ok|[!", "dso=ok|[!"},
        {"dso=trailing\\", "dso=trailing\\"},
        {"region=1", "region=1"},
        {"sites=", "sites="},
        {"fork-fd=", "fork-fd="},
        {"fork-fd=70000", "fork-fd=70000"},
        {"sites-k=0", "sites-k=0"},
        {"sites-k=x", "sites-k=x"},
        {"sites-depth=0", "sites-depth=0"},
        {"sites-depth=33", "sites-depth=33"},
        {"sites-pow2=1", "sites-pow2=1"},
        {"region=", "region="},
        {"regions", "regions"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct pyfault_spec s;
        char err[256];
        int rc = pyfault_spec_parse(bad[i].spec, &s, err, sizeof err);
        if (rc != -1)
            fail_msg("'%s' was accepted", bad[i].spec);
        if (strcmp(bad[i].token, "''") == 0) {
            if (!strstr(err, "empty token"))
                fail_msg("'%s': message '%s' does not say empty token", bad[i].spec, err);
        } else if (!strstr(err, bad[i].token)) {
            fail_msg("'%s': message '%s' does not name '%s'", bad[i].spec, err, bad[i].token);
        }
        assert_null(strchr(err, '\n'));
    }
}

/* The message names the token and says why: a stray '|' in site= as in
 * dso=, a key given twice, seed= without random=, a fork-fd= that is the
 * target's own stdin, stdout or stderr. */
static void test_refusals_say_why(void **state)
{
    (void)state;
    static const struct {
        const char *spec, *token, *why;
    } bad[] = {
        {"site=|", "'site=|'", "an empty alternative in site= (a stray '|')"},
        {"site=a|", "'site=a|'", "an empty alternative in site="},
        {"site=|a", "'site=|a'", "an empty alternative in site="},
        {"site=a||b", "'site=a||b'", "an empty alternative in site="},
        {"skip-site=a|", "'skip-site=a|'", "an empty alternative in skip-site="},
        {"min-size=5,min-size=6", "'min-size=6'", "'min-size' given twice"},
        {"layer=libc,layer=pymem", "'layer=pymem'", "'layer' given twice"},
        {"log=a,log=b", "'log=b'", "'log' given twice"},
        {"site=a,nth=3,site=b", "'site=b'", "'site' given twice"},
        {"random=0.5,seed=1,seed=2", "'seed=2'", "'seed' given twice"},
        {"dso=a,dso=a", "'dso=a'", "'dso' given twice"},
        {"sites-k=2,sites-k=2", "'sites-k=2'", "'sites-k' given twice"},
        {"seed=3", "'seed=3'", "seed= needs random=P"},
        {"nth=2,seed=3", "'seed=3'", "seed= needs random=P"},
        {"fork-fd=0", "'fork-fd=0'", "a descriptor above 2"},
        {"fork-fd=1", "'fork-fd=1'", "a descriptor above 2"},
        {"fork-fd=2", "'fork-fd=2'", "a descriptor above 2"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct pyfault_spec s;
        char err[256];
        if (pyfault_spec_parse(bad[i].spec, &s, err, sizeof err) != -1)
            fail_msg("'%s' was accepted", bad[i].spec);
        if (!strstr(err, bad[i].token) || !strstr(err, bad[i].why))
            fail_msg("'%s': message '%s' does not name %s and say '%s'", bad[i].spec, err, bad[i].token,
                     bad[i].why);
        assert_null(strchr(err, '\n'));
    }
    /* alternatives, a flag given twice (it means what it means once), a
     * descriptor past stderr */
    struct pyfault_spec s = parse_ok("site=a|b,skip-site=c|d");
    assert_string_equal(s.site, "a|b");
    assert_string_equal(s.skip_site, "c|d");
    s = parse_ok("region,region,junk,junk");
    assert_int_equal(s.region, 1);
    s = parse_ok("fork-fd=3");
    assert_int_equal(s.fork_fd, 3);
}

static void test_plan_semantics(void **state)
{
    (void)state;
    struct pyfault_plan p = {.mode = PYFAULT_MODE_NTH, .a = 5};
    for (uint64_t n = 1; n <= 20; n++)
        assert_int_equal(pyfault_plan_fails(&p, n), n == 5);
    p = (struct pyfault_plan){.mode = PYFAULT_MODE_FROM, .a = 5};
    for (uint64_t n = 1; n <= 20; n++)
        assert_int_equal(pyfault_plan_fails(&p, n), n >= 5);
    p = (struct pyfault_plan){.mode = PYFAULT_MODE_RANGE, .a = 5, .b = 7};
    for (uint64_t n = 1; n <= 20; n++)
        assert_int_equal(pyfault_plan_fails(&p, n), n >= 5 && n <= 7);
    p = (struct pyfault_plan){.mode = PYFAULT_MODE_EVERY, .a = 4};
    for (uint64_t n = 1; n <= 20; n++)
        assert_int_equal(pyfault_plan_fails(&p, n), n % 4 == 0);
    /* _testcapi.set_nomemory(2, 4) armed when 10 allocations were made:
     * relative numbers 3 and 4 (absolute 13, 14) fail */
    p = (struct pyfault_plan){.mode = PYFAULT_MODE_NOMEMORY, .a = 2, .b = 4, .base = 10};
    for (uint64_t n = 1; n <= 30; n++)
        assert_int_equal(pyfault_plan_fails(&p, n), n == 13 || n == 14);
    /* stop = 0: forever */
    p = (struct pyfault_plan){.mode = PYFAULT_MODE_NOMEMORY, .a = 0, .b = 0, .base = 10};
    for (uint64_t n = 1; n <= 30; n++)
        assert_int_equal(pyfault_plan_fails(&p, n), n > 10);
}

static void test_random_is_seeded(void **state)
{
    (void)state;
    struct pyfault_spec a = parse_ok("random=0.1,seed=7");
    struct pyfault_spec b = parse_ok("random=0.1,seed=8");
    int fails_a = 0, same = 0;
    for (uint64_t n = 1; n <= 100000; n++) {
        int fa = pyfault_plan_fails(&a.plan, n);
        fails_a += fa;
        same += fa == pyfault_plan_fails(&a.plan, n);
        (void)pyfault_plan_fails(&b.plan, n);
    }
    assert_int_equal(same, 100000);
    /* 10% of 100000, within 5 standard deviations (sd ~ 95) */
    assert_in_range(fails_a, 10000 - 475, 10000 + 475);
    int differ = 0;
    for (uint64_t n = 1; n <= 1000; n++)
        differ += pyfault_plan_fails(&a.plan, n) != pyfault_plan_fails(&b.plan, n);
    assert_true(differ > 0);
}

/* pad= is filler: a padded spec means what the spec without it means;
 * pf_spec_pad makes a spec exactly the width asked, or leaves it; and the
 * width depends on the filters and the folder alone, never on the point,
 * so that a sweep's trials, its fork server and a repro match. */
static void test_pad_is_filler(void **state)
{
    (void)state;
    struct pyfault_spec bare = parse_ok("nth=7,region,log=/tmp/l"),
                        padded = parse_ok("nth=7,region,log=/tmp/l,pad=.....");
    assert_int_equal(padded.plan.mode, bare.plan.mode);
    assert_int_equal(padded.plan.a, bare.plan.a);
    assert_int_equal(padded.region, bare.region);
    assert_string_equal(padded.log_path, bare.log_path);
    assert_int_equal(parse_ok("pad=").plan.mode, PYFAULT_MODE_COUNT);

    char spec[64] = "nth=7,log=/d/log.0000";
    assert_int_equal(pf_spec_pad(spec, sizeof spec, 40), 0);
    assert_int_equal(strlen(spec), 40);
    assert_memory_equal(spec, "nth=7,log=/d/log.0000,pad=...", 29);
    assert_int_equal(pf_spec_pad(spec, sizeof spec, 40), 0); /* already that wide */
    assert_int_equal(strlen(spec), 40);
    assert_int_equal(parse_ok(spec).plan.a, 7);
    /* too long for the width, or a width past the buffer: unchanged */
    assert_int_equal(pf_spec_pad(spec, sizeof spec, 43), -1);
    assert_int_equal(pf_spec_pad(spec, sizeof spec, 64), -1);
    assert_int_equal(strlen(spec), 40);

    size_t width = pf_spec_width("region,dso=*x*", 2);
    assert_int_equal(width, strlen("region,dso=*x*") + 1 + 2 + 64);
    assert_int_equal(pf_spec_width(NULL, 2), pf_spec_width("", 2));
    assert_int_equal(pf_spec_width_of("nth=7,region,dso=*x*", 2), width);
    assert_int_equal(pf_spec_width_of("from=18446744073709551615,region,dso=*x*", 2), width);
    assert_int_equal(pf_spec_width_of("region,nth=7,dso=*x*,pad=...", 2), width);
    assert_int_equal(pf_spec_width_of("nth=7,region,dso=*x*,trial-stdio", 2), width);
    assert_true(parse_ok("nth=7,trial-stdio").trial_stdio);
    assert_false(parse_ok("nth=7").trial_stdio);
    assert_int_equal(pf_spec_width_of("nth=7", 2), pf_spec_width(NULL, 2));
    assert_int_equal(pf_spec_width_of(NULL, 2), pf_spec_width(NULL, 2));
    /* the longest trial spec a sweep composes, and its server's, fit */
    char trial[2048], server[2048];
    snprintf(trial, sizeof trial,
             "from=18446744073709551615,region,dso=*x*,log=/d/log.4294967295,log-max=1");
    snprintf(server, sizeof server, "region,dso=*x*,log=/d/log.fork,log-max=1,fork-fd=65535");
    assert_int_equal(pf_spec_pad(trial, sizeof trial, width), 0);
    assert_int_equal(pf_spec_pad(server, sizeof server, width), 0);
    assert_int_equal(strlen(trial), width);
    assert_int_equal(strlen(server), width);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_is_count),
        cmocka_unit_test(test_modes_parse),
        cmocka_unit_test(test_options_parse),
        cmocka_unit_test(test_layer_parses),
        cmocka_unit_test(test_dso_and_region_parse),
        cmocka_unit_test(test_dso_matches),
        cmocka_unit_test(test_malformed_specs),
        cmocka_unit_test(test_sites_parse),
        cmocka_unit_test(test_plan_semantics),
        cmocka_unit_test(test_random_is_seeded),
        cmocka_unit_test(test_refusals_say_why),
        cmocka_unit_test(test_pad_is_filler),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
