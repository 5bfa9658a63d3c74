/*
 * sitekey_vanilla: a stand-in interpreter for the site-key verdict test
 * (tests/harness/test_sitekeys.c), run by `pyfault matrix` as
 * "3.11-vanilla" with a scenario path it ignores (to `-c ...`, the
 * matrix's probe, it answers as CPython 3.11.2 does). Its allocations come
 * from distinct call sites, each in a function of its own: a failed one
 * ends the run with status 1 (error), except crash_site's, which writes
 * through the NULL (segfault). sitekey_patched.c is the same program with
 * one allocation more at start-up (the "patch"), so that every later
 * allocation's number moves up by one while its call, function + offset,
 * stays the same. Built -O0: main's code does not depend on the patch
 * (it reads a volatile flag).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SITEKEY_EXTRA
#define SITEKEY_EXTRA 0
#endif
static volatile int extra = SITEKEY_EXTRA;

static void *checked(void *p)
{
    if (!p) {
        fputs("sitekey: out of memory\n", stderr);
        exit(1);
    }
    return p;
}

__attribute__((noinline)) static void *patch_site(void) { return checked(malloc(24)); }
__attribute__((noinline)) static void *table_site(void) { return checked(malloc(40)); }
__attribute__((noinline)) static void *row_site(int i) { return checked(calloc(4, 8 + (size_t)i)); }
__attribute__((noinline)) static void *text_site(void) { return checked(strdup("sitekey")); }

/* The bug: an unchecked allocation. */
__attribute__((noinline)) static int *crash_site(void)
{
    int *p = malloc(64);
    p[1] = 7;
    return p;
}

__attribute__((noinline)) static void *tail_site(void) { return checked(malloc(56)); }

int main(int argc, char **argv)
{
    /* the matrix's probe (harness/matrix/interp.c) asks with -c for a
     * marker, the implementation and the version */
    if (argc > 1 && strcmp(argv[1], "-c") == 0) {
        puts("pyfault-probe cpython 3.11.2");
        return 0;
    }
    void *keep[16];
    int n = 0;
    if (extra)
        keep[n++] = patch_site();
    keep[n++] = table_site();
    for (int i = 0; i < 3; i++)
        keep[n++] = row_site(i);
    keep[n++] = text_site();
    keep[n++] = crash_site();
    keep[n++] = tail_site();
    for (int i = 0; i < 3; i++)
        keep[n++] = row_site(i);
    for (int i = 0; i < n; i++)
        free(keep[i]);
    return 0;
}
