/*
 * test_ctlpage: the supervisor's reader of the control page
 * (harness/run/ctlpage.c) on real page files: a page of our own layout is
 * read whole; one a shim of another version claimed gives its version
 * and nothing read at the offsets that moved; the first failure's site
 * key, and its text.
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

#include "ctlpage.h"

/* A page file stamped as the shim stamps it, with VERSION. */
static void stamped(struct pf_ctlpage *cp, char *path, uint32_t version)
{
    /* a fresh name: the page is created O_EXCL (private files) */
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    assert_int_equal(pf_ctlpage_create(cp, path), 0);
    cp->ctl->magic = PYFAULT_CTL_MAGIC;
    cp->ctl->version = version;
    cp->ctl->owner_pid = 1234;
    cp->ctl->state = PYFAULT_STATE_ATTACHED;
    cp->ctl->allocations = 77;
    cp->ctl->eligible = 70;
    cp->ctl->site_streak_max = 5;
}

static void test_own_version_read_whole(void **state)
{
    (void)state;
    char path[] = "/tmp/pyfault-test-ctlpage-XXXXXX";
    struct pf_ctlpage cp;
    stamped(&cp, path, PYFAULT_CTL_VERSION);
    struct pf_ctl_snapshot s;
    pf_ctlpage_read(&cp, &s);
    assert_int_equal(s.foreign_version, 0);
    assert_int_equal(s.owner_pid, 1234);
    assert_int_equal(s.allocations, 77);
    assert_int_equal(s.eligible, 70);
    assert_int_equal(s.site_streak_max, 5);
    pf_ctlpage_destroy(&cp);
}

static void test_other_version_not_read(void **state)
{
    (void)state;
    char path[] = "/tmp/pyfault-test-ctlpage-XXXXXX";
    struct pf_ctlpage cp;
    stamped(&cp, path, 2);
    struct pf_ctl_snapshot s;
    pf_ctlpage_read(&cp, &s);
    assert_int_equal(s.foreign_version, 2);
    assert_int_equal(s.owner_pid, 1234);
    assert_int_equal(s.state, PYFAULT_STATE_ATTACHED);
    assert_int_equal(s.allocations, 0);
    assert_int_equal(s.site_streak_max, 0);
    pf_ctlpage_destroy(&cp);
}

/* Unclaimed (all zeros, as before the target starts): nothing foreign. */
static void test_unclaimed_page(void **state)
{
    (void)state;
    char path[] = "/tmp/pyfault-test-ctlpage-XXXXXX";
    struct pf_ctlpage cp;
    stamped(&cp, path, PYFAULT_CTL_VERSION);
    pf_ctlpage_reset(&cp);
    struct pf_ctl_snapshot s;
    pf_ctlpage_read(&cp, &s);
    assert_int_equal(s.foreign_version, 0);
    assert_int_equal(s.owner_pid, 0);
    pf_ctlpage_destroy(&cp);
}

/* The layout version 4 stands for: plan and hot counters on lines of
 * their own (3), the first failure's site key from a line of its own. */
static void test_layout(void **state)
{
    (void)state;
    assert_int_equal(PYFAULT_CTL_VERSION, 4);
    assert_int_equal(offsetof(struct pyfault_ctl, arm_generation), 64);
    assert_int_equal(offsetof(struct pyfault_ctl, allocations), 128);
    assert_int_equal(offsetof(struct pyfault_ctl, injected), 192);
    assert_int_equal(offsetof(struct pyfault_ctl, fail_key) % 64, 0);
    assert_true(offsetof(struct pyfault_ctl, fail_key) > offsetof(struct pyfault_ctl, reserved1));
    assert_true(sizeof(struct pyfault_ctl) <= 4096);
}

/* The site key: read only once published (fail_key not 0), its strings
 * bounded by their fields even without a NUL; as text. */
static void test_site_key(void **state)
{
    (void)state;
    char path[] = "/tmp/pyfault-test-ctlpage-XXXXXX";
    struct pf_ctlpage cp;
    stamped(&cp, path, PYFAULT_CTL_VERSION);
    struct pyfault_ctl *c = cp.ctl;
    snprintf(c->fail_func, sizeof c->fail_func, "gc_alloc");
    c->fail_off = 0x29;
    struct pf_ctl_snapshot s;
    pf_ctlpage_read(&cp, &s);
    assert_int_equal(s.fail.hash, 0); /* not published yet */
    assert_string_equal(s.fail.func, "");
    char text[PF_SITEKEY_TEXT_MAX];
    assert_string_equal(pf_sitekey_text(&s.fail, text, sizeof text), "");

    c->fail_key = 0x1234;
    pf_ctlpage_read(&cp, &s);
    assert_string_equal(pf_sitekey_text(&s.fail, text, sizeof text), "gc_alloc+0x29");
    /* an object's name, and a Python frame of the standard library */
    snprintf(c->fail_obj, sizeof c->fail_obj, "libpython3.11.so.1.0");
    snprintf(c->fail_pyfile, sizeof c->fail_pyfile, "/opt/py/3.11-vanilla/Lib/json/encoder.py");
    c->fail_pyline = 201;
    pf_ctlpage_read(&cp, &s);
    assert_string_equal(pf_sitekey_text(&s.fail, text, sizeof text),
                        "libpython3.11.so.1.0!gc_alloc+0x29 @ Lib/json/encoder.py:201");
    /* Debian's layout names the same file the same way */
    snprintf(c->fail_pyfile, sizeof c->fail_pyfile, "/usr/lib/python3.11/json/encoder.py");
    pf_ctlpage_read(&cp, &s);
    assert_non_null(strstr(pf_sitekey_text(&s.fail, text, sizeof text), " @ Lib/json/encoder.py:201"));
    /* a script keeps its path; no symbol: the object and its address */
    snprintf(c->fail_pyfile, sizeof c->fail_pyfile, "/home/me/x.py");
    c->fail_func[0] = '\0';
    c->fail_obj[0] = '\0';
    c->fail_rel = 0x4d1a78;
    pf_ctlpage_read(&cp, &s);
    assert_string_equal(pf_sitekey_text(&s.fail, text, sizeof text), "(exe)+0x4d1a78 @ /home/me/x.py:201");
    /* a name without a NUL stops at its field */
    memset(c->fail_func, 'a', sizeof c->fail_func);
    pf_ctlpage_read(&cp, &s);
    assert_int_equal(strlen(s.fail.func), sizeof s.fail.func - 1);
    pf_ctlpage_destroy(&cp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_own_version_read_whole),
        cmocka_unit_test(test_other_version_not_read),
        cmocka_unit_test(test_unclaimed_page),
        cmocka_unit_test(test_layout),
        cmocka_unit_test(test_site_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
