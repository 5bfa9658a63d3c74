/*
 * test_optparse_seconds: pf_parse_seconds and pf_opt_seconds, the one
 * reader of --timeout (run, sweep, pytest, bisect-run) and of a scenario's
 * timeout: header: plain decimal seconds from 1 ms to the caller's
 * maximum; hex, exponents, signs, inf and nan refused, each with why;
 * and pf_parse_whole, digits only (" 1" is no trial id).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "optparse.h"

/* pf_parse_whole (trial ids, counts): digits only. */
static void test_whole_numbers(void **state)
{
    (void)state;
    uint64_t v = 0;
    assert_int_equal(pf_parse_whole("0", 0, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(pf_parse_whole("42", 1, &v), 0);
    assert_int_equal(v, 42);
    static const char *const bad[] = {"", " 1", "\t1", "+1", "-1", "1 ", "0x10", "1e3", "1.0",
                                      "99999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (pf_parse_whole(bad[i], 0, &v) == 0)
            fail_msg("'%s' taken as %llu", bad[i], (unsigned long long)v);
    assert_int_equal(pf_parse_whole("0", 1, &v), -1);
}

static void test_plain_decimals(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        double v;
    } good[] = {{"30", 30}, {"0.5", 0.5}, {".5", 0.5}, {"5.", 5}, {"0.001", 0.001},
                {"007", 7}, {"86400", 86400}, {"86400.000", 86400}};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        double v = -1;
        char why[128] = "";
        if (pf_parse_seconds(good[i].s, 86400, &v, why, sizeof why) < 0)
            fail_msg("'%s' refused: %s", good[i].s, why);
        assert_true(v == good[i].v);
    }
}

static void test_refused(void **state)
{
    (void)state;
    static const struct {
        const char *s;
        const char *why;
    } bad[] = {
        {"1e-9", "not a number of seconds"}, {"1e-300", "not a number of seconds"},
        {"1E3", "not a number of seconds"}, {"0x10", "not a number of seconds"},
        {"inf", "not a number of seconds"}, {"nan", "not a number of seconds"},
        {"-1", "not a number of seconds"}, {"+3", "not a number of seconds"},
        {" 3", "not a number of seconds"}, {"3 ", "not a number of seconds"},
        {"1.5.2", "not a number of seconds"}, {".", "not a number of seconds"},
        {"", "not a number of seconds"}, {"3s", "not a number of seconds"},
        {"0", "too small: at least 0.001 s"}, {"0.0", "too small: at least 0.001 s"},
        {"0.0001", "too small: at least 0.001 s"}, {"0.0009999", "too small: at least 0.001 s"},
        {"86400.5", "too large: at most 86400 s"}, {"99999999999", "too large: at most 86400 s"},
        {"1" "00000000000000000000000000000000000000000000000000000000000000000000000000"
         "0000000000000000000000000000000000000000000000000000000000000000000000000000"
         "0000000000000000000000000000000000000000000000000000000000000000000000000000"
         "0000000000000000000000000000000000000000000000000000000000000000000000000000",
         "too large: at most 86400 s"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        double v = 42;
        char why[128] = "";
        if (pf_parse_seconds(bad[i].s, 86400, &v, why, sizeof why) == 0)
            fail_msg("'%s' taken as %g", bad[i].s, v);
        if (!strstr(why, bad[i].why))
            fail_msg("'%s': '%s', wanted '%s'", bad[i].s, why, bad[i].why);
        assert_true(v == 42); /* untouched */
    }
    double v;
    char why[128];
    assert_int_equal(pf_parse_seconds(NULL, 10, &v, why, sizeof why), -1);
}

static void test_option_message(void **state)
{
    (void)state;
    double v = 0;
    char err[256];
    assert_int_equal(pf_opt_seconds("--timeout", "2.5", 604800, &v, err, sizeof err), 0);
    assert_true(v == 2.5);
    assert_int_equal(pf_opt_seconds("--timeout", "1e-9", 604800, &v, err, sizeof err), -1);
    assert_string_equal(err, "--timeout '1e-9': not a number of seconds "
                             "(digits, an optional fraction: 30, 0.5)");
    assert_int_equal(pf_opt_seconds("--timeout", "0.0001", 604800, &v, err, sizeof err), -1);
    assert_string_equal(err, "--timeout '0.0001': too small: at least 0.001 s");
    assert_int_equal(pf_opt_seconds("--timeout", "604801", 604800, &v, err, sizeof err), -1);
    assert_string_equal(err, "--timeout '604801': too large: at most 604800 s");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_numbers),
        cmocka_unit_test(test_plain_decimals),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_option_message),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
