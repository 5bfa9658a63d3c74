/*
 * test_symbolize: the libdw symbolizer (harness/run/symbolize.c) on this
 * very program: names, inline frames, file:line, and what a stripped copy
 * of it (no symbol for a static function) is named instead; a library
 * that a second mapping of its own file sits right below.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <dlfcn.h>
#include <link.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "skipping.h"
#include "symbolize.h"

static volatile uint64_t captured;

/* Records its own return address: an address inside its caller. */
__attribute__((noinline)) static void capture(void)
{
    captured = (uint64_t)(uintptr_t)__builtin_return_address(0);
    __asm__ volatile("" ::: "memory");
}

/* Always inlined: the captured address is in its inlined copy. */
__attribute__((always_inline)) static inline void inlined_helper(void)
{
    capture();
    __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) static void holder(void)
{
    inlined_helper();
    __asm__ volatile("" ::: "memory");
}

__attribute__((noinline)) int pf_test_marker_function(int x);
__attribute__((noinline)) int pf_test_marker_function(int x)
{
    return x * 3 + 1;
}

static void test_named_by_address_in_a_live_process(void **state)
{
    (void)state;
    uint64_t start = (uint64_t)(uintptr_t)&pf_test_marker_function;
    /* return addresses: one inside the function, one past any mapping */
    uint64_t ips[2] = {start + 2, 8};
    struct pf_frames fr = {0};
    assert_int_equal(pf_symbolize_process(getpid(), ips, 2, 0, &fr), 2);
    assert_string_equal(fr.f[0].sym, "pf_test_marker_function");
    assert_non_null(strstr(fr.f[0].obj, "test_symbolize"));
    assert_non_null(strstr(fr.f[0].src, "unit/test_symbolize.c:"));
    assert_int_equal(fr.f[0].inlined, 0);
    assert_string_equal(fr.f[1].sym, "");
    assert_int_equal(pf_test_marker_function(1), 4);
}

static void test_inline_frames_with_lines(void **state)
{
    (void)state;
    holder();
    struct pf_frames fr = {0};
    uint64_t ip = captured;
    assert_int_equal(pf_symbolize_process(getpid(), &ip, 1, 0, &fr), 2);
    assert_string_equal(fr.f[0].sym, "inlined_helper");
    assert_int_equal(fr.f[0].inlined, 1);
    assert_string_equal(fr.f[1].sym, "holder");
    assert_int_equal(fr.f[1].inlined, 0);
    /* the helper's line is its call of capture(), the holder's the call
     * of the helper: lines 38 and 44 of this file */
    assert_string_equal(fr.f[0].src, "unit/test_symbolize.c:38");
    assert_string_equal(fr.f[1].src, "unit/test_symbolize.c:44");
}

/* The link-time address of run-time address IP of this program. */
static uint64_t link_time(uint64_t ip)
{
    Dl_info info;
    struct link_map *lm = NULL;
    assert_true(dladdr1((void *)(uintptr_t)ip, &info, (void **)&lm, RTLD_DL_LINKMAP));
    return ip - lm->l_addr;
}

/* Names the one frame at REL of PATH (a return address) into OUT; returns
 * how many frames that appended. */
static unsigned name_frame(const char *path, uint64_t rel, uint64_t ip, struct pf_frames *out)
{
    unsigned before = out->n;
    const struct pf_logged_frame one = {ip, rel, path, ""};
    return pf_symbolize_logged(&one, 1, 0, out) - before;
}

static void test_stripped_copy_gives_object_and_offset(void **state)
{
    (void)state;
    char self[4096], copy[] = "/tmp/pf-test-symbolize-XXXXXX";
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    assert_true(n > 0);
    self[n] = '\0';
    int fd = mkstemp(copy);
    assert_true(fd >= 0);
    close(fd);
    char cmd[8300];
    snprintf(cmd, sizeof cmd, "objcopy --strip-all '%s' '%s'", self, copy);
    assert_int_equal(system(cmd), 0);

    holder();
    uint64_t rel = link_time(captured);
    uint64_t fn = link_time((uint64_t)(uintptr_t)&holder);
    struct pf_frames fr = {0};
    assert_int_equal(name_frame(copy, rel, captured, &fr), 1);
    /* holder is static: only .symtab named it, and that is gone. Its
     * start comes from .eh_frame; no exported neighbour lends a name. */
    char want[128];
    const char *base = strrchr(copy, '/') + 1;
    snprintf(want, sizeof want, "%s+0x%llx", base, (unsigned long long)fn);
    assert_string_equal(fr.f[0].sym, want);
    assert_string_equal(fr.f[0].src, "");

    /* the unstripped original names it, from the same cache */
    fr.n = 0;
    assert_int_equal(name_frame(self, rel, captured, &fr), 2);
    assert_string_equal(fr.f[1].sym, "holder");
    unlink(copy);
    pf_symbolize_flush();
}

/* Logged frames are named together as each alone: a run of two in this
 * test's own executable, one in a file that is not ELF (the shim's name
 * kept), and one with no link-time address (kept too). */
static void test_logged_frames(void **state)
{
    (void)state;
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    assert_true(n > 0);
    self[n] = '\0';
    holder();
    uint64_t rel = link_time(captured);
    const struct pf_logged_frame logged[] = {
        {captured, rel, self, "shim_name"},
        {captured, rel, self, "shim_name"},
        {0x1234, 0x1000, "/proc/self/status", "kept"},
        {0x5678, 0, self, "no_rel"},
    };
    struct pf_frames one = {0}, all = {0};
    assert_int_equal(name_frame(self, rel, captured, &one), 2);
    assert_int_equal(pf_symbolize_logged(logged, 4, 0, &all), 6);
    for (unsigned i = 0; i < 2; i++) {
        assert_string_equal(all.f[i].sym, one.f[i].sym);
        assert_string_equal(all.f[2 + i].sym, one.f[i].sym);
    }
    assert_string_equal(all.f[1].sym, "holder");
    assert_string_equal(all.f[4].sym, "kept");
    assert_string_equal(all.f[5].sym, "no_rel");
    pf_symbolize_flush();
}

static void test_not_an_elf_file(void **state)
{
    (void)state;
    struct pf_frames fr = {0};
    const struct pf_logged_frame logged[] = {
        {1, 0x1000, "/proc/self/status", "a"},
        {2, 0x1000, "/nonexistent/x.so", "b"},
    };
    /* nothing named: each keeps the shim's name and its object */
    assert_int_equal(pf_symbolize_logged(logged, 2, 0, &fr), 2);
    assert_string_equal(fr.f[0].sym, "a");
    assert_string_equal(fr.f[0].obj, "status");
    assert_string_equal(fr.f[1].sym, "b");
    assert_string_equal(fr.f[1].obj, "x.so");
}

/* The lowest address at which /proc/self/maps maps a file whose name
 * holds NAME, and whether the line before it maps a file; 0 when none. */
static uint64_t lowest_mapping(const char *name, int *after_file)
{
    FILE *f = fopen("/proc/self/maps", "r");
    char line[4096];
    int prev_file = 0;
    uint64_t found = 0;
    while (f && !found && fgets(line, sizeof line, f)) {
        unsigned long long start;
        if (strstr(line, name) && sscanf(line, "%llx-", &start) == 1) {
            found = start;
            *after_file = prev_file;
        }
        prev_file = strchr(line, '/') != NULL;
    }
    if (f)
        fclose(f);
    return found;
}

/* A second, private mapping of a library right below its own (as the
 * shim makes of each object whose symbols it reads, injectors/symtab.c):
 * the library's functions are still named. libdw's grouping of
 * /proc/PID/maps took the two for one module that starts at the copy,
 * and named every address of the library wrongly. */
static void test_second_mapping_of_a_library(void **state)
{
    (void)state;
    const char *lib = "/usr/lib/x86_64-linux-gnu/libexpat.so.1";
    void *h = dlopen(lib, RTLD_NOW);
    if (!h)
        skip_because("libexpat1 is not installed");
    void *fn = dlsym(h, "XML_ParserCreate");
    assert_non_null(fn);
    int after_file = 0;
    uint64_t low = lowest_mapping("libexpat", &after_file);
    assert_true(low != 0);
    int fd = open(lib, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    uint64_t len = ((uint64_t)st.st_size + 4095) & ~4095ull;
    void *copy = mmap((void *)(uintptr_t)(low - len), (size_t)len, PROT_READ,
                      MAP_PRIVATE | MAP_FIXED_NOREPLACE, fd, 0);
    close(fd);
    if (copy == MAP_FAILED)
        skip_because("something else is mapped right below libexpat (an ASan build's "
                     "shadow or allocator, say): no room for the copy");
    uint64_t ip = (uint64_t)(uintptr_t)fn + 1; /* a return address in it */
    struct pf_frames fr = {0};
    assert_int_equal(pf_symbolize_process(getpid(), &ip, 1, 0, &fr), 1);
    munmap(copy, (size_t)len);
    assert_string_equal(fr.f[0].sym, "XML_ParserCreate");
    assert_non_null(strstr(fr.f[0].obj, "libexpat"));
    dlclose(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_named_by_address_in_a_live_process),
        cmocka_unit_test(test_inline_frames_with_lines),
        cmocka_unit_test(test_stripped_copy_gives_object_and_offset),
        cmocka_unit_test(test_not_an_elf_file),
        cmocka_unit_test(test_logged_frames),
        cmocka_unit_test(test_second_mapping_of_a_library),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
