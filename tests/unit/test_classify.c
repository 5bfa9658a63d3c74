/*
 * test_classify: every class, from hand-made evidence; no process runs.
 */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "classify.h"
#include "controls.h"
#include "signature.h"

static struct pf_verdict classify(const struct pf_evidence *ev)
{
    struct pf_verdict v;
    pf_classify(ev, &v);
    return v;
}

static struct pf_evidence exited(int code, const char *err)
{
    struct pf_evidence ev = {0};
    ev.finished = 1;
    ev.exit_code = code;
    ev.stderr_text = err;
    return ev;
}

static struct pf_evidence killed(int sig, const char *err)
{
    struct pf_evidence ev = {0};
    ev.finished = 1;
    ev.signal = sig;
    ev.stderr_text = err;
    return ev;
}

static void test_ok_and_error(void **state)
{
    (void)state;
    struct pf_evidence ev = exited(0, "");
    assert_int_equal(classify(&ev).cls, PF_OK);
    ev = exited(1, "Traceback (most recent call last):\nMemoryError\n");
    assert_int_equal(classify(&ev).cls, PF_ERROR);
    ev = exited(120, NULL);
    assert_int_equal(classify(&ev).cls, PF_ERROR);
    /* a fatal-looking text on a clean exit does not make it fatal */
    ev = exited(0, "Fatal Python error: f: printed by a test\n");
    assert_int_equal(classify(&ev).cls, PF_OK);
}

static void test_fatal_keeps_function_and_message(void **state)
{
    (void)state;
    struct pf_evidence ev = killed(SIGABRT,
        "Fatal Python error: _PyErr_NoMemory: Out of memory and PyExc_MemoryError is not initialized yet\n"
        "Python runtime state: initializing\n");
    struct pf_verdict v = classify(&ev);
    assert_int_equal(v.cls, PF_FATAL);
    assert_string_equal(v.func, "_PyErr_NoMemory");
    assert_string_equal(v.detail, "Out of memory and PyExc_MemoryError is not initialized yet");
    /* old style, no function */
    ev = killed(SIGABRT, "Fatal Python error: memory allocation failed\n");
    v = classify(&ev);
    assert_int_equal(v.cls, PF_FATAL);
    assert_string_equal(v.func, "");
    assert_string_equal(v.detail, "memory allocation failed");
    /* a fatal error that exits (Py_Exit path) rather than aborts */
    ev = exited(1, "x\nFatal Python error: init_import_site: Failed to import the site module\n");
    v = classify(&ev);
    assert_int_equal(v.cls, PF_FATAL);
    assert_string_equal(v.func, "init_import_site");
}

static void test_faulthandler_lines_are_crashes(void **state)
{
    (void)state;
    struct pf_evidence ev = killed(SIGSEGV, "Fatal Python error: Segmentation fault\n\nCurrent thread:\n");
    assert_int_equal(classify(&ev).cls, PF_SEGFAULT);
    ev = killed(SIGABRT, "Fatal Python error: Aborted\n\nCurrent thread:\n");
    assert_int_equal(classify(&ev).cls, PF_ABORT);
    ev = killed(SIGBUS, "Fatal Python error: Bus error\n");
    assert_int_equal(classify(&ev).cls, PF_SEGFAULT);
    /* a real fatal error after a faulthandler line still wins */
    ev = killed(SIGABRT, "Fatal Python error: Aborted\nFatal Python error: f: g\n");
    assert_int_equal(classify(&ev).cls, PF_FATAL);
}

static void test_abort_keeps_assertion(void **state)
{
    (void)state;
    struct pf_evidence ev = killed(SIGABRT,
        "h_abort: h_abort.c:9: check_invariant: Assertion `n == 42' failed.\n");
    struct pf_verdict v = classify(&ev);
    assert_int_equal(v.cls, PF_ABORT);
    assert_string_equal(v.detail, "n == 42");
    ev = killed(SIGABRT, "Objects/obj.c:1: _PyObject_AssertFailed: Assertion failed: refcnt > 0\n");
    v = classify(&ev);
    assert_int_equal(v.cls, PF_ABORT);
    assert_string_equal(v.detail, "refcnt > 0");
    ev = killed(SIGABRT, "");
    v = classify(&ev);
    assert_int_equal(v.cls, PF_ABORT);
    assert_string_equal(v.detail, "");
    /* the loader's fatal error: _exit(127), no signal (a C++ throw with
     * no memory for its exception data, in brotli's _brotli.so) */
    ev = exited(127, "Traceback...\npython3.11: cannot allocate memory for thread-local "
                     "data: ABORT\n");
    v = classify(&ev);
    assert_int_equal(v.cls, PF_ABORT);
    assert_string_equal(v.detail, "python3.11: cannot allocate memory for thread-local data: ABORT");
    /* the text alone, or 127 alone (command not found), is not it */
    ev = exited(1, "cannot allocate memory for thread-local data: ABORT\n");
    assert_int_equal(classify(&ev).cls, PF_ERROR);
    ev = exited(127, "sh: 1: nosuch: not found\n");
    assert_int_equal(classify(&ev).cls, PF_ERROR);
}

static void test_segfault_and_stack_overflow(void **state)
{
    (void)state;
    struct pf_evidence ev = killed(SIGSEGV, "");
    assert_int_equal(classify(&ev).cls, PF_SEGFAULT);
    ev = killed(SIGBUS, "");
    assert_int_equal(classify(&ev).cls, PF_SEGFAULT);
    ev = killed(SIGSEGV, "");
    ev.stack_overflow_hint = 1;
    assert_int_equal(classify(&ev).cls, PF_STACK_OVERFLOW);

    struct pf_frames fr = {0};
    pf_frames_push(&fr, 1, "crash_here+0x10", "/x/prog");
    for (int i = 0; i < 30; i++)
        pf_frames_push(&fr, 100, "recurse+0x1f", "/x/prog");
    ev = killed(SIGSEGV, "");
    ev.crash_frames = &fr;
    assert_int_equal(classify(&ev).cls, PF_STACK_OVERFLOW);

    /* a cycle of two frames counts too */
    struct pf_frames two = {0};
    for (int i = 0; i < 20; i++) {
        pf_frames_push(&two, 1, "a", "p");
        pf_frames_push(&two, 2, "b", "p");
    }
    ev.crash_frames = &two;
    assert_int_equal(classify(&ev).cls, PF_STACK_OVERFLOW);

    /* a shallow ordinary stack is a plain segfault */
    struct pf_frames flat = {0};
    pf_frames_push(&flat, 1, "write_null", "p");
    pf_frames_push(&flat, 2, "main", "p");
    pf_frames_push(&flat, 3, "__libc_start_main", "libc.so.6");
    ev.crash_frames = &flat;
    assert_int_equal(classify(&ev).cls, PF_SEGFAULT);
}

static void test_other_signal(void **state)
{
    (void)state;
    struct pf_evidence ev = killed(SIGTERM, "");
    assert_int_equal(classify(&ev).cls, PF_SIGNAL);
    ev = killed(SIGFPE, "");
    assert_int_equal(classify(&ev).cls, PF_SIGNAL);
    ev = killed(SIGKILL, "");
    assert_int_equal(classify(&ev).cls, PF_SIGNAL);
}

static void test_unfinished(void **state)
{
    (void)state;
    struct pf_evidence ev = {0};
    /* one site failing thousands of times, still failing: unwind loop */
    ev.streak_start = 38000;
    ev.site_streak = 50000;
    ev.injected_delta = 12000;
    ev.cpu = 0.99;
    struct pf_verdict v = classify(&ev);
    assert_int_equal(v.cls, PF_UNWIND_LOOP);
    assert_int_equal(v.sub, PF_SUB_NONE);
    /* a long streak that has stopped growing is not a loop */
    ev.injected_delta = 0;
    v = classify(&ev);
    assert_int_equal(v.cls, PF_HANG);
    assert_int_equal(v.sub, PF_SUB_SPINNING);
    /* failing a lot, but from changing sites: not a loop */
    ev.site_streak = 3;
    ev.injected_delta = 5000;
    v = classify(&ev);
    assert_int_equal(v.cls, PF_HANG);
    /* a burst that only reached the threshold during the window is not
     * proof yet: the streak must already be long when the window opens */
    ev.streak_start = 10;
    ev.site_streak = 9000;
    ev.injected_delta = 8990;
    v = classify(&ev);
    assert_int_equal(v.cls, PF_HANG);
    ev.streak_start = 0;
    ev.site_streak = 0;
    ev.injected_delta = 0;
    ev.cpu = 0.0;
    v = classify(&ev);
    assert_int_equal(v.cls, PF_HANG);
    assert_int_equal(v.sub, PF_SUB_BLOCKED);
    ev.cpu = 0.95;
    v = classify(&ev);
    assert_int_equal(v.sub, PF_SUB_SPINNING);
    /* thread states, when seen, beat a CPU fraction a loaded machine skews */
    ev.cpu = 0.1;
    ev.stuck = PF_STUCK_RUNNABLE;
    v = classify(&ev);
    assert_int_equal(v.sub, PF_SUB_SPINNING);
    ev.cpu = 0.95;
    ev.stuck = PF_STUCK_ASLEEP;
    v = classify(&ev);
    assert_int_equal(v.sub, PF_SUB_BLOCKED);
    ev.stuck = PF_STUCK_UNKNOWN;
    assert_true(pf_loop_observed(PF_LOOP_STREAK, PF_LOOP_STREAK + 1, 1));
    assert_false(pf_loop_observed(PF_LOOP_STREAK - 1, PF_LOOP_STREAK + 1000, 1001));
    assert_false(pf_loop_observed(PF_LOOP_STREAK, PF_LOOP_STREAK, 0)); /* stopped */
    assert_false(pf_loop_observed(5000, 4, 100));                      /* reset */
    /* one read proves it by count, and what it proves the window accepts */
    assert_false(pf_loop_counted(PF_LOOP_STREAK + PF_LOOP_CONFIRM - 1));
    assert_true(pf_loop_counted(PF_LOOP_STREAK + PF_LOOP_CONFIRM));
    assert_true(pf_loop_observed(PF_LOOP_STREAK, PF_LOOP_STREAK + PF_LOOP_CONFIRM,
                                 PF_LOOP_CONFIRM));
}

static void test_harness_error_wins(void **state)
{
    (void)state;
    struct pf_evidence ev = killed(SIGSEGV, "Fatal Python error: f: g\n");
    ev.harness_failed = 1;
    assert_int_equal(classify(&ev).cls, PF_HARNESS_ERROR);
}

static void test_names(void **state)
{
    (void)state;
    static const char *const want[] = {
        "ok", "error", "fatal", "abort", "segfault", "stack-overflow",
        "unwind-loop", "hang", "signal", "harness-error",
    };
    for (int c = 0; c < PF_CLASS_COUNT; c++) {
        assert_string_equal(pf_class_name((enum pf_class)c), want[c]);
        assert_int_equal(pf_class_from_name(want[c]), c);
    }
    assert_int_equal(pf_class_from_name("crash"), -1);
    assert_string_equal(pf_subkind_name(PF_SUB_BLOCKED), "blocked");
    assert_string_equal(pf_subkind_name(PF_SUB_SPINNING), "spinning");
    assert_string_equal(pf_subkind_name(PF_SUB_NONE), "");
}

/* Does S hold a byte a terminal acts on: C0, DEL, or a C1 control? */
static int has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f || (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
            return 1;
    return 0;
}

static void test_target_controls_become_question_marks(void **state)
{
    (void)state;
    /* a title-setting OSC, BEL, a screen clear, a colour, a C1 CSI, a tab */
    struct pf_evidence ev = killed(SIGABRT,
        "Fatal Python error: \x1b]0;PWNED\x07" "evil\x1b[2J: msg\x1b[31m red\xc2\x9b" "1m\tx\x7f\n");
    struct pf_verdict v = classify(&ev);
    assert_int_equal(v.cls, PF_FATAL);
    assert_string_equal(v.func, "");
    /* one '?' per control, C1's two bytes included; tabs too */
    assert_string_equal(v.detail, "?]0;PWNED?evil?[2J: msg?[31m red?1m?x?");
    char sig[512];
    pf_signature(&v, NULL, "", sig, sizeof sig);
    assert_string_equal(sig, "fatal: ?]0;PWNED?evil?[2J: msg?[31m red?1m?x?");
    assert_false(has_control(sig));
    /* a function name stays; the assertion text and loader line as well */
    ev = killed(SIGABRT, "Fatal Python error: f: a\x1b[2Jb\n");
    v = classify(&ev);
    assert_string_equal(v.func, "f");
    assert_string_equal(v.detail, "a?[2Jb");
    ev = killed(SIGABRT, "t: t.c:1: g: Assertion `x\x1b[2J' failed.\n");
    assert_string_equal(classify(&ev).detail, "x?[2J");
    ev = killed(SIGABRT, "Assertion failed: \x07y\n");
    assert_string_equal(classify(&ev).detail, "?y");
    ev = exited(127, "\x1b[31mcannot allocate memory for thread-local data\n");
    assert_string_equal(classify(&ev).detail, "?[31mcannot allocate memory for thread-local data");
    /* a verdict made elsewhere: pf_signature scrubs it too */
    struct pf_verdict made = {.cls = PF_ABORT};
    strcpy(made.detail, "a\x1b\xc2\x85" "b \xc3\xa9");
    pf_signature(&made, NULL, "", sig, sizeof sig);
    assert_string_equal(sig, "abort: a??b \xc3\xa9");
}

static void test_control_len(void **state)
{
    (void)state;
    assert_int_equal(pf_control_len("\x1b["), 1);
    assert_int_equal(pf_control_len("\t"), 1);
    assert_int_equal(pf_control_len("\x7f"), 1);
    assert_int_equal(pf_control_len("\xc2\x80"), 2);
    assert_int_equal(pf_control_len("\xc2\x9f"), 2);
    assert_int_equal(pf_control_len("\xc2\xa0"), 0); /* NBSP: not a control */
    assert_int_equal(pf_control_len("\xc2"), 0);      /* cut short */
    assert_int_equal(pf_control_len("\x9b"), 0);      /* a stray byte, not UTF-8 C1 */
    assert_int_equal(pf_control_len(""), 0);
    /* Unicode's Bidi_Control characters: marks, embeddings, overrides and
     * isolates reorder what a reader sees */
    assert_int_equal(pf_control_len("\xd8\x9c"), 2);     /* U+061C ALM */
    assert_int_equal(pf_control_len("\xe2\x80\x8e"), 3); /* U+200E LRM */
    assert_int_equal(pf_control_len("\xe2\x80\x8f"), 3); /* U+200F RLM */
    assert_int_equal(pf_control_len("\xe2\x80\xaa"), 3); /* U+202A LRE */
    assert_int_equal(pf_control_len("\xe2\x80\xae"), 3); /* U+202E RLO */
    assert_int_equal(pf_control_len("\xe2\x81\xa6"), 3); /* U+2066 LRI */
    assert_int_equal(pf_control_len("\xe2\x81\xa9"), 3); /* U+2069 PDI */
    assert_int_equal(pf_control_len("\xe2\x80\x8d"), 0); /* U+200D ZWJ: emoji need it */
    assert_int_equal(pf_control_len("\xe2\x80\xaf"), 0); /* U+202F narrow NBSP */
    assert_int_equal(pf_control_len("\xe2\x81\xaa"), 0); /* U+206A: deprecated, no bidi */
    assert_int_equal(pf_control_len("\xd8\x9b"), 0);     /* U+061B, a semicolon */
    assert_int_equal(pf_control_len("\xe2\x80"), 0);     /* cut short */
    assert_int_equal(pf_control_len("\xe2"), 0);
    char s[] = "a\x01\xc2\x9b\x1b" "b";
    assert_string_equal(pf_scrub_controls(s), "a???b");
    char t[] = "x\xe2\x80\xae" "evil\xe2\x81\xa6y\xe2\x81\xa9\xd8\x9cz";
    assert_string_equal(pf_scrub_controls(t), "x?evil?y??z");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ok_and_error),
        cmocka_unit_test(test_fatal_keeps_function_and_message),
        cmocka_unit_test(test_faulthandler_lines_are_crashes),
        cmocka_unit_test(test_abort_keeps_assertion),
        cmocka_unit_test(test_segfault_and_stack_overflow),
        cmocka_unit_test(test_other_signal),
        cmocka_unit_test(test_unfinished),
        cmocka_unit_test(test_harness_error_wins),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_target_controls_become_question_marks),
        cmocka_unit_test(test_control_len),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
