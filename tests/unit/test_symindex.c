/*
 * test_symindex: the shim's symbol index (injectors/symindex.c) names
 * every address as a walk over the table in order does: the first
 * function symbol that holds it. Checked on real tables: this test's own
 * .symtab, libc's .dynsym, and the .symtab of Debian's python3.11 debug
 * file (python3.11-dbg) when it is there; at each function's first byte,
 * last byte, the byte after it and the byte before it. The shim's walk
 * (pf_symtab_walk, for a table without an index) gives the same.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <fcntl.h>
#include <gelf.h>
#include <glob.h>
#include <unistd.h>

#include "internal.h"
#include "skipping.h"

struct table {
    Elf64_Sym *syms;
    size_t n;
    size_t strs_len;
};

/* PATH's .symtab, else its .dynsym; 0 or -1. */
static int read_table(const char *path, struct table *t)
{
    elf_version(EV_CURRENT);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    Elf *e = elf_begin(fd, ELF_C_READ, NULL);
    Elf_Scn *scn = NULL, *best = NULL;
    GElf_Shdr sh, best_sh;
    while (e && (scn = elf_nextscn(e, scn)) != NULL) {
        gelf_getshdr(scn, &sh);
        if (sh.sh_type == SHT_SYMTAB || (sh.sh_type == SHT_DYNSYM && !best)) {
            best = scn;
            best_sh = sh;
        }
    }
    int rc = -1;
    if (best) {
        Elf_Data *d = elf_getdata(best, NULL);
        GElf_Shdr strsh;
        gelf_getshdr(elf_getscn(e, best_sh.sh_link), &strsh);
        t->n = d->d_size / sizeof(Elf64_Sym);
        t->syms = malloc(d->d_size);
        memcpy(t->syms, d->d_buf, d->d_size);
        t->strs_len = strsh.sh_size;
        rc = 0;
    }
    if (e)
        elf_end(e);
    close(fd);
    return rc;
}

/* The reference: a walk in table order. */
static long walk(const struct table *t, uint64_t rel)
{
    for (size_t i = 0; i < t->n; i++) {
        const Elf64_Sym *s = &t->syms[i];
        if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx == SHN_UNDEF ||
            s->st_name >= t->strs_len)
            continue;
        if (rel >= s->st_value && rel < s->st_value + (s->st_size ? s->st_size : 1))
            return (long)i;
    }
    return -1;
}

/* Compares index and walk around every function of PATH; returns how
 * many functions were probed. */
static size_t compare(const char *path)
{
    struct table t;
    if (read_table(path, &t) < 0)
        fail_msg("%s: no symbol table", path);
    struct pf_symindex ix;
    assert_int_equal(pf_symindex_build(&ix, t.syms, t.n, t.strs_len), 0);
    size_t probed = 0;
    for (size_t i = 0; i < t.n; i++) {
        const Elf64_Sym *s = &t.syms[i];
        if (ELF64_ST_TYPE(s->st_info) != STT_FUNC || s->st_shndx == SHN_UNDEF)
            continue;
        uint64_t size = s->st_size ? s->st_size : 1;
        uint64_t at[] = {s->st_value, s->st_value + size - 1, s->st_value + size,
                         s->st_value - 1};
        for (size_t k = 0; k < sizeof at / sizeof at[0]; k++) {
            long want = walk(&t, at[k]), got = pf_symindex_find(&ix, t.syms, at[k]);
            if (want != got)
                fail_msg("%s at 0x%llx: index %ld, walk %ld", path, (unsigned long long)at[k],
                         got, want);
            /* the shim's own walk, for a table it could not index */
            assert_int_equal(pf_symtab_walk(t.syms, t.n, t.strs_len, at[k]), want);
        }
        probed++;
    }
    free(t.syms);
    return probed;
}

static void test_own_symtab(void **state)
{
    (void)state;
    assert_true(compare("/proc/self/exe") > 20);
}

static void test_libc_dynsym(void **state)
{
    (void)state;
    assert_true(compare("/lib/x86_64-linux-gnu/libc.so.6") > 1000);
}

static void test_python_debug_symtab(void **state)
{
    (void)state;
    glob_t g;
    /* python3.11-dbg's files are named by build-id; the big ones are it */
    if (glob("/usr/lib/debug/.build-id/*/*.debug", 0, NULL, &g) != 0)
        skip_because("no debug files under /usr/lib/debug/.build-id (make deps installs python3.11-dbg)");
    size_t best = 0;
    for (size_t i = 0; i < g.gl_pathc && best < 10000; i++) {
        struct table t;
        if (read_table(g.gl_pathv[i], &t) < 0)
            continue;
        size_t n = t.n;
        free(t.syms);
        if (n > 10000)
            best = compare(g.gl_pathv[i]);
    }
    globfree(&g);
    if (best == 0)
        skip_because("no debug file with a big .symtab (make deps installs python3.11-dbg)");
    assert_true(best > 5000);
}

/* The reference for data starts: does a sized data symbol start at REL? */
static bool data_starts_walk(const struct table *t, uint64_t rel)
{
    for (size_t i = 0; i < t->n; i++) {
        const Elf64_Sym *s = &t->syms[i];
        if (ELF64_ST_TYPE(s->st_info) == STT_OBJECT && s->st_shndx != SHN_UNDEF &&
            s->st_size > 0 && s->st_name < t->strs_len && s->st_value == rel)
            return true;
    }
    return false;
}

/* The data index against the walk at every data symbol's first byte, the
 * byte after and every function's first byte; returns the data symbols. */
static size_t compare_data(const char *path)
{
    struct table t;
    if (read_table(path, &t) < 0)
        fail_msg("%s: no symbol table", path);
    struct pf_symindex ix;
    assert_int_equal(pf_symindex_build_data(&ix, t.syms, t.n, t.strs_len), 0);
    size_t probed = 0;
    for (size_t i = 0; i < t.n; i++) {
        const Elf64_Sym *s = &t.syms[i];
        int type = ELF64_ST_TYPE(s->st_info);
        if ((type != STT_OBJECT && type != STT_FUNC) || s->st_shndx == SHN_UNDEF)
            continue;
        uint64_t at[] = {s->st_value, s->st_value + 1};
        for (size_t k = 0; k < 2; k++) {
            bool want = data_starts_walk(&t, at[k]);
            if (pf_symindex_starts(&ix, t.syms, at[k]) != want)
                fail_msg("%s at 0x%llx: index %d, walk %d", path, (unsigned long long)at[k],
                         !want, want);
        }
        probed += type == STT_OBJECT && s->st_size > 0;
    }
    free(t.syms);
    return probed;
}

static void test_data_starts(void **state)
{
    (void)state;
    assert_true(compare_data("/proc/self/exe") > 5);
    assert_true(compare_data("/lib/x86_64-linux-gnu/libc.so.6") > 20);
}

static void test_empty_table(void **state)
{
    (void)state;
    Elf64_Sym none[2];
    memset(none, 0, sizeof none);
    struct pf_symindex ix;
    assert_int_equal(pf_symindex_build(&ix, none, 2, 1), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_own_symtab),
        cmocka_unit_test(test_libc_dynsym),
        cmocka_unit_test(test_python_debug_symtab),
        cmocka_unit_test(test_data_starts),
        cmocka_unit_test(test_empty_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
