/*
 * test_ctlpage: the supervisor's reader of the control page
 * (harness/run/ctlpage.c) on real page files: a page of our own layout is
 * read whole; one a shim of another version claimed gives its version
 * and nothing read at the offsets that moved.
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

/* The layout version 3 stands for: plan and hot counters on lines of
 * their own. */
static void test_layout(void **state)
{
    (void)state;
    assert_int_equal(PYFAULT_CTL_VERSION, 3);
    assert_int_equal(offsetof(struct pyfault_ctl, arm_generation), 64);
    assert_int_equal(offsetof(struct pyfault_ctl, allocations), 128);
    assert_int_equal(offsetof(struct pyfault_ctl, injected), 192);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_own_version_read_whole),
        cmocka_unit_test(test_other_version_not_read),
        cmocka_unit_test(test_unclaimed_page),
        cmocka_unit_test(test_layout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
