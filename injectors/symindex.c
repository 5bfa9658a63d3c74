/*
 * symindex.c: an address index over one ELF symbol table, so that naming
 * a frame is a binary search, not a walk over every symbol (tens of
 * thousands in an unstripped CPython, for each of a record's 30 frames).
 *
 * Built without the heap (the shim is the allocator's hook): two arrays
 * from mmap, sorted in place by a heapsort. The answer is the one a walk
 * in table order gives, the first function symbol that contains the
 * address, so names do not depend on whether an index was built.
 */
#include "internal.h"

#include <sys/mman.h>

static bool is_indexed(const Elf64_Sym *s, size_t strs_len)
{
    return ELF64_ST_TYPE(s->st_info) == STT_FUNC && s->st_shndx != SHN_UNDEF &&
           s->st_name < strs_len;
}

static bool is_data(const Elf64_Sym *s, size_t strs_len)
{
    return ELF64_ST_TYPE(s->st_info) == STT_OBJECT && s->st_shndx != SHN_UNDEF &&
           s->st_size > 0 && s->st_name < strs_len;
}

static uint64_t end_of(const Elf64_Sym *s)
{
    return s->st_value + (s->st_size ? s->st_size : 1);
}

/* Orders symbol indices by address, then by table index. */
static bool before(const Elf64_Sym *syms, uint32_t a, uint32_t b)
{
    if (syms[a].st_value != syms[b].st_value)
        return syms[a].st_value < syms[b].st_value;
    return a < b;
}

static void sift_down(const Elf64_Sym *syms, uint32_t *v, size_t root, size_t n)
{
    for (;;) {
        size_t child = 2 * root + 1;
        if (child >= n)
            return;
        if (child + 1 < n && before(syms, v[child], v[child + 1]))
            child++;
        if (!before(syms, v[root], v[child]))
            return;
        uint32_t t = v[root];
        v[root] = v[child];
        v[child] = t;
        root = child;
    }
}

static void heapsort_by_address(const Elf64_Sym *syms, uint32_t *v, size_t n)
{
    for (size_t i = n / 2; i-- > 0;)
        sift_down(syms, v, i, n);
    for (size_t end = n; end-- > 1;) {
        uint32_t t = v[0];
        v[0] = v[end];
        v[end] = t;
        sift_down(syms, v, 0, end);
    }
}

/* Builds IX over the symbols WANTED picks. */
static int build(struct pf_symindex *ix, const Elf64_Sym *syms, size_t nsyms, size_t strs_len,
                 bool (*wanted)(const Elf64_Sym *, size_t))
{
    ix->n = 0;
    size_t n = 0;
    for (size_t i = 0; i < nsyms && i <= UINT32_MAX; i++)
        n += wanted(&syms[i], strs_len);
    if (n == 0)
        return -1;
    size_t bytes = n * (sizeof(uint32_t) + sizeof(uint64_t));
    void *mem = pf_map_aside(bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED)
        return -1;
    uint64_t *reach = mem;
    uint32_t *order = (uint32_t *)(reach + n);
    size_t k = 0;
    for (size_t i = 0; i < nsyms && i <= UINT32_MAX; i++)
        if (wanted(&syms[i], strs_len))
            order[k++] = (uint32_t)i;
    heapsort_by_address(syms, order, n);
    uint64_t far = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t e = end_of(&syms[order[i]]);
        far = e > far ? e : far;
        reach[i] = far; /* no symbol up to i ends later */
    }
    ix->order = order;
    ix->reach = reach;
    ix->n = n;
    ix->bytes = bytes;
    return 0;
}

int pf_symindex_build(struct pf_symindex *ix, const Elf64_Sym *syms, size_t nsyms,
                      size_t strs_len)
{
    return build(ix, syms, nsyms, strs_len, is_indexed);
}

int pf_symindex_build_data(struct pf_symindex *ix, const Elf64_Sym *syms, size_t nsyms,
                           size_t strs_len)
{
    return build(ix, syms, nsyms, strs_len, is_data);
}

bool pf_symindex_starts(const struct pf_symindex *ix, const Elf64_Sym *syms, uint64_t rel)
{
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (syms[ix->order[mid]].st_value < rel)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ix->n && syms[ix->order[lo]].st_value == rel;
}

long pf_symtab_walk(const Elf64_Sym *syms, size_t nsyms, size_t strs_len, uint64_t rel)
{
    for (size_t i = 0; i < nsyms; i++)
        if (is_indexed(&syms[i], strs_len) && syms[i].st_value <= rel && rel < end_of(&syms[i]))
            return (long)i;
    return -1;
}

long pf_symindex_find(const struct pf_symindex *ix, const Elf64_Sym *syms, uint64_t rel)
{
    /* hi: how many indexed symbols start at or before REL */
    size_t lo = 0, hi = ix->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (syms[ix->order[mid]].st_value <= rel)
            lo = mid + 1;
        else
            hi = mid;
    }
    long best = -1;
    /* back over those that may still reach REL; the first in the table wins */
    for (size_t j = lo; j-- > 0 && ix->reach[j] > rel;) {
        uint32_t i = ix->order[j];
        if (rel < end_of(&syms[i]) && (best < 0 || i < (uint32_t)best))
            best = i;
    }
    return best;
}
