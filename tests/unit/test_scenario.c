/*
 * test_scenario: scenario headers, good and broken.
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

#include "scenario.h"

static const char *good =
    "#!/usr/bin/env python3\n"
    "# pyfault-scenario: gh134163-except\n"
    "# issue: https://github.com/python/cpython/issues/134163\n"
    "# plan: runtime\n"
    "# inject: junk,min-size=8\n"
    "# timeout: 10\n"
    "# needs: nogc_container frames\n"
    "# stride: 5\n"
    "# pty: yes\n"
    "# expect: 3.11-vanilla=unwind-loop 3.11-patched=error|fatal *=ok\n"
    "#\n"
    "# free text after the header\n"
    "import pyfault\n";

static void test_good_header(void **state)
{
    (void)state;
    struct pf_scenario s;
    char err[512];
    if (pf_scenario_parse("x.py", good, &s, err, sizeof err) != 0)
        fail_msg("%s", err);
    assert_string_equal(s.name, "gh134163-except");
    assert_string_equal(s.issue, "https://github.com/python/cpython/issues/134163");
    assert_int_equal(s.plan, PF_PLAN_RUNTIME);
    assert_string_equal(s.inject, "junk,min-size=8");
    assert_true(s.timeout_s == 10.0);
    assert_int_equal(s.nneeds, 2);
    assert_string_equal(s.needs[1], "frames");
    assert_int_equal(s.stride, 5);
    assert_true(s.pty);
    assert_int_equal(s.nexpect, 3);
    assert_int_equal(pf_scenario_expected(&s, "3.11-vanilla"), 1u << PF_UNWIND_LOOP);
    assert_int_equal(pf_scenario_expected(&s, "3.11-patched"),
                     (1u << PF_ERROR) | (1u << PF_FATAL));
    assert_int_equal(pf_scenario_expected(&s, "3.13-vanilla"), 1u << PF_OK);
}

static void test_broken_headers(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *message;
    } bad[] = {
        {"import os\n", "no scenario header"},
        {"# pyfault-scenario: x\n# plan: runtime\n# timeout: 3\n# expect: *=ok\n",
         "header lacks a key: issue"},
        {"# pyfault-scenario: x\n# issue: u\n# plan: sometimes\n# timeout: 3\n# expect: *=ok\n",
         "x.py:3: plan: want none, oneshot, persistent, both or runtime: sometimes"},
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# timeout: -1\n# expect: *=ok\n",
         "x.py:4: timeout: not a number of seconds (digits, an optional fraction: 30, 0.5): -1"},
        /* as --timeout: plain decimals from 1 ms to a day, never strtod's
         * hex or exponents */
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# timeout: 1e-9\n# expect: *=ok\n",
         "x.py:4: timeout: not a number of seconds (digits, an optional fraction: 30, 0.5): 1e-9"},
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# timeout: 0x10\n# expect: *=ok\n",
         "x.py:4: timeout: not a number of seconds (digits, an optional fraction: 30, 0.5): 0x10"},
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# timeout: 0.0001\n# expect: *=ok\n",
         "x.py:4: timeout: too small: at least 0.001 s: 0.0001"},
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# timeout: 99999999999\n# expect: *=ok\n",
         "x.py:4: timeout: too large: at most 86400 s: 99999999999"},
        /* "# Expect:" would end the header, and drop the keys after it */
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# timeout: 3\n# Expect: *=ok\n",
         "x.py:5: a header key in capitals (keys are lower-case): expect"},
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# timeout: 3\n# expect: *=ok\n# INJECT: region\n",
         "x.py:6: a header key in capitals (keys are lower-case): inject"},
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# timeout: 3\n# expect: *=ok\n# Needs: _testcapi\n",
         "x.py:6: a header key in capitals (keys are lower-case): needs"},
        {"# pyfault-scenario: x\n# issue: u\n# Pyfault-Scenario: y\n# plan: none\n",
         "x.py:3: a header key in capitals (keys are lower-case): pyfault-scenario"},
        /* values are printed: no escape sequence reaches a terminal */
        {"# pyfault-scenario: h\x1b]0;PWNED\x07x\n# issue: u\n",
         "x.py:1: pyfault-scenario: a control character"},
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# timeout: 5\x1b[31m\n",
         "x.py:4: timeout: a control character"},
        {"# pyfault-scenario: x\n# issue: u\xc2\x9b\n", "x.py:2: issue: a control character"},
        /* nor does a bidi override reorder a matrix table (Unicode's
         * Bidi_Control) */
        {"# pyfault-scenario: ok\xe2\x80\xae.sh\n# issue: u\n", "x.py:1: pyfault-scenario: a control character"},
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# timeout: 3\n# expect:\n",
         "x.py:5: expect: want VARIANT=CLASS"},
        /* a required key once; inject: and needs: add up */
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# timeout: 3\n# plan: oneshot\n",
         "x.py:5: key given twice: plan"},
        /* a stride is digits, as --stride */
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# timeout: 3\n# stride: 0x10\n# expect: *=ok\n",
         "x.py:5: stride: want a whole number from 1 to 86400: 0x10"},
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# timeout: 3\n# stride: 2.5\n# expect: *=ok\n",
         "x.py:5: stride: want a whole number from 1 to 86400: 2.5"},
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# timeout: 3\n# expect: *=crashy\n",
         "x.py:5: expect: unknown class: crashy"},
        /* as the spec parser refuses site=a|: no class is no expectation */
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# timeout: 3\n# expect: *=ok|\n",
         "x.py:5: expect: empty alternative: ok|"},
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# timeout: 3\n# expect: *=ok||error\n",
         "x.py:5: expect: empty alternative: ok||error"},
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# timeout: 3\n# expect: *=|ok\n",
         "x.py:5: expect: empty alternative: |ok"},
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# timeout: 3\n# expect: ok\n",
         "x.py:5: expect: want VARIANT=CLASS"},
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# timeout: 3\n# colour: red\n",
         "x.py:5: unknown header key: colour"},
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# inject: nth=3\n# timeout: 3\n# expect: *=ok\n",
         "x.py:4: inject: no mode here"},
        /* count alone parses as the default mode: a trial's nth=N beside
         * it would be refused by the shim, and every trial end in error */
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# inject: min-size=8,count\n# timeout: 3\n# expect: *=ok\n",
         "x.py:4: inject: no mode here, not even count"},
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# inject: bogus\n# timeout: 3\n# expect: *=ok\n",
         "x.py:4: inject: pyfault: bad spec token 'bogus'"},
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# inject: fork-fd=5\n# timeout: 3\n# expect: *=ok\n",
         "x.py:4: inject: fork-fd=5 is not a filter"},
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# inject: site=a,sites=/tmp/x\n# timeout: 3\n# expect: *=ok\n",
         "x.py:4: inject: sites=/tmp/x is not a filter"},
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# inject: layer=libc\n# layer: pymem\n# timeout: 3\n# expect: *=ok\n",
         "x.py:5: inject: pyfault: bad spec token 'layer=pymem': 'layer' given twice"},
        {"# pyfault-scenario: x\n# issue: u\n# issue: v\n# plan: none\n# timeout: 3\n# expect: *=ok\n",
         "x.py:3: key given twice: issue"},
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# timeout: 3\n# expect: a=ok a=error\n",
         "x.py:5: expect: variant given twice: a"},
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# timeout: 3\n# pty: maybe\n# expect: *=ok\n",
         "x.py:5: pty: want yes or no: maybe"},
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# timeout: 3\n# needs: ../evil\n# expect: *=ok\n",
         "x.py:5: needs: not a module name: ../evil"},
        /* results.json holds every value, and jansson takes UTF-8 only */
        {"# pyfault-scenario: x\xff\xfe\n# issue: u\n# plan: none\n# timeout: 3\n# expect: *=ok\n",
         "x.py:1: pyfault-scenario: not UTF-8"},
        {"#!/usr/bin/env python3\n# pyfault-scenario: x\n# issue: u\xc0\xaf\n# plan: none\n# timeout: 3\n# expect: *=ok\n",
         "x.py:3: issue: not UTF-8"},
        {"# pyfault-scenario: x\n# issue: u\n# plan: none\n# timeout: 3\n# expect: \xed\xa0\x80=ok\n",
         "x.py:5: expect: not UTF-8"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct pf_scenario s;
        char err[512];
        if (pf_scenario_parse("x.py", bad[i].text, &s, err, sizeof err) != -1)
            fail_msg("case %zu was accepted", i);
        if (!strstr(err, bad[i].message))
            fail_msg("case %zu: '%s' lacks '%s'", i, err, bad[i].message);
        assert_null(strchr(err, '\n'));
    }
}

static void test_missing_file(void **state)
{
    (void)state;
    struct pf_scenario s;
    char err[512];
    assert_int_equal(pf_scenario_load("/nonexistent/s.py", &s, err, sizeof err), -1);
    assert_string_equal(err, "/nonexistent/s.py: No such file or directory");
    /* the same wording as every other input pyfault reads */
    assert_int_equal(pf_scenario_load("/", &s, err, sizeof err), -1);
    assert_string_equal(err, "/: Is a directory");
    assert_int_equal(pf_scenario_load("/dev/null", &s, err, sizeof err), -1);
    assert_string_equal(err, "/dev/null: not a regular file");
}

/* Loads TEXT as if from PATH into S, failing the test on an error. */
static void parse_as(const char *path, const char *text, struct pf_scenario *s)
{
    char err[512];
    if (pf_scenario_parse(path, text, s, err, sizeof err) != 0)
        fail_msg("%s", err);
}

/* A byte order mark is read past, as Python does; a NUL byte is refused
 * with its line, where the parser would have stopped at it and called
 * the keys after it missing. */
static void test_bom_and_nul(void **state)
{
    (void)state;
    struct pf_scenario s;
    parse_as("b.py", "\xef\xbb\xbf# pyfault-scenario: b\n# issue: u\n# plan: none\n"
                     "# timeout: 3\n# expect: *=ok\n", &s);
    assert_string_equal(s.name, "b");
    char path[] = "/tmp/test_scenario_nul_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    static const char text[] = "# pyfault-scenario: n\n# issue: u\0x\n# plan: none\n";
    assert_int_equal(write(fd, text, sizeof text - 1), (ssize_t)(sizeof text - 1));
    close(fd);
    char err[512], want[600];
    int rc = pf_scenario_load(path, &s, err, sizeof err);
    unlink(path);
    assert_int_equal(rc, -1);
    snprintf(want, sizeof want, "%s:2: a NUL byte (Python refuses the file)", path);
    assert_string_equal(err, want);
}

/* A set of scenarios one results.json can hold: ids unique, paths UTF-8;
 * the refusal names the file(s) on one line. */
static void test_scenarios_check(void **state)
{
    (void)state;
    static const char *tail = "# issue: u\n# plan: none\n# timeout: 3\n# expect: *=ok\n";
    char x[256], y[256], err[2048];
    snprintf(x, sizeof x, "# pyfault-scenario: x\n%s", tail);
    snprintf(y, sizeof y, "# pyfault-scenario: y\n%s", tail);
    struct pf_scenario s[3];
    parse_as("a/x.py", x, &s[0]);
    parse_as("b/y.py", y, &s[1]);
    parse_as("c/other.py", x, &s[2]);
    assert_int_equal(pf_scenarios_check(s, 2, err, sizeof err), 0);
    assert_int_equal(pf_scenarios_check(s, 3, err, sizeof err), -1);
    assert_string_equal(err, "a/x.py and c/other.py both name scenario 'x' (ids must be unique)");
    parse_as("a/x.py", x, &s[2]);
    assert_int_equal(pf_scenarios_check(s, 3, err, sizeof err), -1);
    assert_string_equal(err, "a/x.py: scenario given twice");
    parse_as("b/p\xff.py", y, &s[1]);
    assert_int_equal(pf_scenarios_check(s, 2, err, sizeof err), -1);
    assert_non_null(strstr(err, "b/p\xff.py: the path is not UTF-8"));
    assert_null(strchr(err, '\n'));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_header),
        cmocka_unit_test(test_broken_headers),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_bom_and_nul),
        cmocka_unit_test(test_scenarios_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
