/*
 * test_signature: signatures and the skip list (harness/classify/skip-frames.txt).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "frames.h"
#include "signature.h"
#include "skip_list.h"

static struct pf_verdict verdict(enum pf_class c)
{
    struct pf_verdict v;
    memset(&v, 0, sizeof v);
    v.cls = c;
    return v;
}

static void test_skip_list_is_the_data_file(void **state)
{
    (void)state;
    const char *text = pf_skip_list_default();
    assert_non_null(strstr(text, "skip-frames.txt"));
    assert_non_null(strstr(text, "\nabort\n"));
    /* libc, the shim, the abort machinery, CPython's error reporting */
    assert_true(pf_skip_frame(text, "strlen", "libc.so.6"));
    assert_true(pf_skip_frame(text, "malloc", "libpyfault.so"));
    assert_true(pf_skip_frame(text, "pf_backtrace", "libpyfault.so"));
    assert_true(pf_skip_frame(text, "abort", "whatever"));
    assert_true(pf_skip_frame(text, "__assert_fail", "x"));
    assert_true(pf_skip_frame(text, "PyErr_NoMemory", "python3.11"));
    assert_true(pf_skip_frame(text, "_PyErr_SetObject", "python3.11"));
    assert_true(pf_skip_frame(text, "fatal_error_exit", "python3.11"));
    assert_true(pf_skip_frame(text, "faulthandler_fatal_error", "python3.11"));
    assert_true(pf_skip_frame(text, "PyMem_RawMalloc", "python3.11"));
    /* unnamed frames say nothing */
    assert_true(pf_skip_frame(text, "", "python3.11"));
    /* meaningful ones */
    assert_false(pf_skip_frame(text, "main", "h_null_write"));
    assert_false(pf_skip_frame(text, "PyLong_FromLong", "python3.11"));
    assert_false(pf_skip_frame(text, "_PyEval_EvalFrameDefault", "python3.11"));
    assert_false(pf_skip_frame(text, "PyErrorLike", "python3.11"));
}

static void test_custom_skip_text(void **state)
{
    (void)state;
    const char *text = "# comment\n\nfoo_*\nobj:libbar.so  \n";
    assert_true(pf_skip_frame(text, "foo_x", "a"));
    assert_true(pf_skip_frame(text, "anything", "libbar.so"));
    assert_false(pf_skip_frame(text, "foo", "a"));
    assert_false(pf_skip_frame(text, "# comment", "a"));
}

static void test_signature_top_three_meaningful(void **state)
{
    (void)state;
    struct pf_frames fr = {0};
    pf_frames_push(&fr, 1, "raise+0x10", "/lib/x86_64-linux-gnu/libc.so.6");
    pf_frames_push(&fr, 2, "abort+0x20", "/lib/x86_64-linux-gnu/libc.so.6");
    pf_frames_push(&fr, 3, "", "/usr/bin/python3.11");
    pf_frames_push(&fr, 4, "list_resize+0x1", "/usr/bin/python3.11");
    pf_frames_push(&fr, 5, "PyErr_NoMemory", "/usr/bin/python3.11");
    pf_frames_push(&fr, 6, "list_append+0x2", "/usr/bin/python3.11");
    pf_frames_push(&fr, 7, "_PyEval_EvalFrameDefault+0x3", "/usr/bin/python3.11");
    pf_frames_push(&fr, 8, "main", "/usr/bin/python3.11");
    char sig[PF_SIG_MAX];
    struct pf_verdict v = verdict(PF_SEGFAULT);
    pf_signature(&v, &fr, pf_skip_list_default(), sig, sizeof sig);
    assert_string_equal(sig, "segfault: list_resize < list_append < _PyEval_EvalFrameDefault");

    v = verdict(PF_HANG);
    v.sub = PF_SUB_SPINNING;
    pf_signature(&v, &fr, pf_skip_list_default(), sig, sizeof sig);
    assert_string_equal(sig, "hang/spinning: list_resize < list_append < _PyEval_EvalFrameDefault");

    /* offsets are dropped, so two runs of the same bug agree */
    struct pf_frames other = fr;
    snprintf(other.f[3].sym, sizeof other.f[3].sym, "list_resize");
    char sig2[PF_SIG_MAX];
    v = verdict(PF_SEGFAULT);
    pf_signature(&v, &other, pf_skip_list_default(), sig2, sizeof sig2);
    pf_signature(&v, &fr, pf_skip_list_default(), sig, sizeof sig);
    assert_string_equal(sig, sig2);
}

static void test_signature_fatal_and_abort(void **state)
{
    (void)state;
    char sig[PF_SIG_MAX];
    struct pf_verdict v = verdict(PF_FATAL);
    snprintf(v.func, sizeof v.func, "_PyErr_NoMemory");
    snprintf(v.detail, sizeof v.detail, "Out of memory");
    struct pf_frames fr = {0};
    pf_frames_push(&fr, 1, "somewhere", "x");
    pf_signature(&v, &fr, pf_skip_list_default(), sig, sizeof sig);
    assert_string_equal(sig, "fatal: _PyErr_NoMemory: Out of memory");

    v = verdict(PF_ABORT);
    snprintf(v.detail, sizeof v.detail, "n == 42");
    pf_signature(&v, &fr, pf_skip_list_default(), sig, sizeof sig);
    assert_string_equal(sig, "abort: n == 42: somewhere");

    v = verdict(PF_OK);
    pf_signature(&v, NULL, pf_skip_list_default(), sig, sizeof sig);
    assert_string_equal(sig, "ok");
}

static void test_signature_truncates_safely(void **state)
{
    (void)state;
    char sig[16];
    struct pf_verdict v = verdict(PF_FATAL);
    memset(v.detail, 'x', sizeof v.detail - 1);
    pf_signature(&v, NULL, pf_skip_list_default(), sig, sizeof sig);
    assert_int_equal(strlen(sig), sizeof sig - 1);
    assert_memory_equal(sig, "fatal: xxxxxxxx", 15);
}

/* Inline frames: a header helper inlined at the crash, and a function
 * split in two (foo.part.0 out of line, its head inlined in the caller)
 * name the same finding as a build that inlined neither. */
static void test_signature_inline_frames(void **state)
{
    (void)state;
    struct pf_frames fr = {0};
    pf_frames_push_src(&fr, 1, "Py_DECREF", "python3.11", "Include/object.h:500", 1);
    fr.f[0].helper = 1;
    pf_frames_push_src(&fr, 1, "buffered_dealloc", "python3.11", "Modules/_io/bufferedio.c:10", 0);
    pf_frames_push_src(&fr, 2, "PyUnicode_New", "python3.11", "Objects/unicodeobject.c:1", 0);
    pf_frames_push_src(&fr, 3, "PyUnicode_New", "python3.11", "Objects/unicodeobject.c:2", 1);
    pf_frames_push_src(&fr, 3, "unicode_decode_utf8", "python3.11", "Objects/unicodeobject.c:3", 0);
    struct pf_verdict v = verdict(PF_SEGFAULT);
    char sig[PF_SIG_MAX];
    pf_signature(&v, &fr, pf_skip_list_default(), sig, sizeof sig);
    assert_string_equal(sig, "segfault: buffered_dealloc < PyUnicode_New < unicode_decode_utf8");
    /* not inlined either (foo calling foo.part.0, both named foo by the
     * debug info): still one function */
    fr.f[3].inlined = 0;
    pf_signature(&v, &fr, pf_skip_list_default(), sig, sizeof sig);
    assert_string_equal(sig, "segfault: buffered_dealloc < PyUnicode_New < unicode_decode_utf8");
}

static void test_frames_push(void **state)
{
    (void)state;
    struct pf_frames fr = {0};
    for (int i = 0; i < PF_FRAMES_MAX; i++)
        assert_int_equal(pf_frames_push(&fr, (uint64_t)i, "f+0x1", "/a/b/c.so"), 0);
    assert_int_equal(pf_frames_push(&fr, 0, "f", "x"), -1);
    assert_string_equal(fr.f[0].sym, "f");
    assert_string_equal(fr.f[0].obj, "c.so");
    assert_true(pf_frames_deep_repeat(&fr));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_skip_list_is_the_data_file),
        cmocka_unit_test(test_custom_skip_text),
        cmocka_unit_test(test_signature_top_three_meaningful),
        cmocka_unit_test(test_signature_fatal_and_abort),
        cmocka_unit_test(test_signature_truncates_safely),
        cmocka_unit_test(test_frames_push),
        cmocka_unit_test(test_signature_inline_frames),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
