/*
 * symtab.c: function names from ELF symbol tables, without the heap.
 *
 * The dynamic loader only knows exported symbols; CPython's interesting
 * functions are often static (handle_weakrefs, exception_unwind's caller).
 * So object files are mapped read-only and their .symtab (or, when
 * stripped, .dynsym) searched directly. Mappings are cached for the life of
 * the process in a fixed table claimed with atomics, so that a signal
 * handler can use it too.
 */
#include "internal.h"

#include <dlfcn.h>
#include <errno.h>
#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define PF_IMAGES 64

struct image {
    int state; /* 0 free, 1 being loaded, 2 ready, 3 unusable */
    char path[PYFAULT_PATH_MAX];
    const uint8_t *map;
    size_t len;
    const Elf64_Sym *syms;
    size_t nsyms;
    const char *strs;
    size_t strs_len;
    struct pf_symindex ix; /* n == 0: not built, the table is walked */
    bool full;             /* the table is .symtab, not .dynsym */
    /* sites-data: the data symbols, from .symtab or the debug file's */
    const Elf64_Sym *dsyms;
    struct pf_symindex dix; /* n == 0: none */
    uint64_t path_hash;
};

static struct image images[PF_IMAGES];

/* Finds the symbol table in a mapped ELF file: .symtab if present. */
static int find_symbols(struct image *im)
{
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)im->map;
    if (im->len < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
        eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_shoff == 0 ||
        eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr) > im->len)
        return -1;
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(im->map + eh->e_shoff);
    const Elf64_Shdr *best = NULL;
    for (int i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type == SHT_SYMTAB)
            best = &sh[i];
        else if (sh[i].sh_type == SHT_DYNSYM && !best)
            best = &sh[i];
    }
    if (!best || best->sh_link >= eh->e_shnum)
        return -1;
    const Elf64_Shdr *str = &sh[best->sh_link];
    if (best->sh_offset + best->sh_size > im->len ||
        str->sh_offset + str->sh_size > im->len)
        return -1;
    im->full = best->sh_type == SHT_SYMTAB;
    im->syms = (const Elf64_Sym *)(im->map + best->sh_offset);
    im->nsyms = best->sh_size / sizeof(Elf64_Sym);
    im->strs = (const char *)(im->map + str->sh_offset);
    im->strs_len = str->sh_size;
    return 0;
}

/* The file PATH mapped read-only into *MAP, *LEN; false when unreadable. */
static bool map_file(const char *path, const uint8_t **map, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0 || st.st_size <= 0) {
        if (fd >= 0)
            close(fd);
        return false;
    }
    void *m = pf_map_aside((size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    if (m == MAP_FAILED)
        return false;
    *map = m;
    *len = (size_t)st.st_size;
    return true;
}

/* "/usr/lib/debug/.build-id/xx/rest.debug" for IM's build id into OUT;
 * false when it has none. */
static bool debug_file_of(const struct image *im, char *out, size_t outlen)
{
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)im->map;
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(im->map + eh->e_shoff);
    static const char hex[] = "0123456789abcdef", prefix[] = "/usr/lib/debug/.build-id/";
    for (int i = 0; i < eh->e_shnum; i++) {
        if (sh[i].sh_type != SHT_NOTE || sh[i].sh_offset + sh[i].sh_size > im->len)
            continue;
        const uint8_t *p = im->map + sh[i].sh_offset, *end = p + sh[i].sh_size;
        while (p + sizeof(Elf64_Nhdr) <= end) {
            const Elf64_Nhdr *nh = (const Elf64_Nhdr *)p;
            const uint8_t *name = p + sizeof *nh;
            const uint8_t *desc = name + ((nh->n_namesz + 3) & ~3u);
            p = desc + ((nh->n_descsz + 3) & ~3u);
            if (p > end)
                break;
            if (nh->n_type != NT_GNU_BUILD_ID || nh->n_namesz != 4 ||
                memcmp(name, "GNU", 4) != 0 || nh->n_descsz < 2 ||
                sizeof prefix + 2 * nh->n_descsz + 8 > outlen)
                continue;
            size_t at = sizeof prefix - 1;
            memcpy(out, prefix, at);
            for (uint32_t b = 0; b < nh->n_descsz; b++) {
                out[at++] = hex[desc[b] >> 4];
                out[at++] = hex[desc[b] & 15];
                if (b == 0)
                    out[at++] = '/';
            }
            memcpy(out + at, ".debug", sizeof ".debug");
            return true;
        }
    }
    return false;
}

/* sites-data: IM's data symbols, from its own .symtab or, stripped, from
 * its debug file (python3.11-dbg's, for Debian's python3.11). */
static void load_data_symbols(struct image *im)
{
    im->path_hash = pf_hash_str(im->path);
    struct image dbg = {0};
    const struct image *from = im;
    char path[PYFAULT_PATH_MAX];
    if (!im->full) {
        if (!debug_file_of(im, path, sizeof path) || !map_file(path, &dbg.map, &dbg.len))
            return;
        if (find_symbols(&dbg) < 0 || !dbg.full) {
            munmap((void *)dbg.map, dbg.len);
            return;
        }
        from = &dbg; /* kept mapped: the index points into it */
    }
    im->dsyms = from->syms;
    (void)pf_symindex_build_data(&im->dix, from->syms, from->nsyms, from->strs_len);
}

static void load_image(struct image *im, const char *path)
{
    size_t plen = strlen(path);
    if (plen >= sizeof im->path)
        plen = sizeof im->path - 1;
    memcpy(im->path, path, plen);
    im->path[plen] = '\0';
    const uint8_t *map;
    size_t len;
    if (!map_file(path, &map, &len))
        return;
    im->map = map;
    im->len = len;
    if (find_symbols(im) < 0) {
        munmap((void *)map, im->len);
        im->map = NULL;
        return;
    }
    (void)pf_symindex_build(&im->ix, im->syms, im->nsyms, im->strs_len);
    if (pf_spec.sites_data)
        load_data_symbols(im);
}

/* The cached image of PATH, loading it on first use; NULL if unusable. */
static struct image *image_for(const char *path)
{
    for (int i = 0; i < PF_IMAGES; i++) {
        struct image *im = &images[i];
        int state = __atomic_load_n(&im->state, __ATOMIC_ACQUIRE);
        if (state == 0) {
            int expected = 0;
            if (!__atomic_compare_exchange_n(&im->state, &expected, 1, 0,
                                             __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
                state = expected;
            else {
                load_image(im, path);
                __atomic_store_n(&im->state, im->map ? 2 : 3, __ATOMIC_RELEASE);
                return im->map ? im : NULL;
            }
        }
        if ((state == 2 || state == 3) && strcmp(im->path, path) == 0)
            return state == 2 ? im : NULL;
    }
    return NULL;
}

/* The file behind a link map entry: the main program has an empty name. */
static const char *object_path(const char *l_name)
{
    return (l_name && l_name[0]) ? l_name : "/proc/self/exe";
}

static bool is_function(const Elf64_Sym *s)
{
    return ELF64_ST_TYPE(s->st_info) == STT_FUNC && s->st_shndx != SHN_UNDEF;
}

/* The first function symbol of IM, in table order, that holds REL. */
static const Elf64_Sym *containing(const struct image *im, uint64_t rel)
{
    long i = im->ix.n ? pf_symindex_find(&im->ix, im->syms, rel)
                      : pf_symtab_walk(im->syms, im->nsyms, im->strs_len, rel);
    return i >= 0 ? &im->syms[i] : NULL;
}

void pf_symbolize(uintptr_t ip, char *name, size_t namelen,
                  uintptr_t *off, uintptr_t *rel, char *obj, size_t objlen)
{
    Dl_info info = {0};
    struct link_map *lm = NULL;
    name[0] = '\0';
    obj[0] = '\0';
    *off = 0;
    *rel = ip;
    /* the loader's object lookup without dladdr's walk over its symbols */
    struct dl_find_object found;
    int looked_up = _dl_find_object((void *)ip, &found) == 0;
    if (looked_up)
        lm = found.dlfo_link_map;
    else if (!dladdr1((void *)ip, &info, (void **)&lm, RTLD_DL_LINKMAP))
        lm = NULL;
    if (!lm)
        return;
    *rel = ip - lm->l_addr;
    const char *path = object_path(lm->l_name);
    /* the main program as dladdr names it: by the loader's argv[0] */
    const char *shown = (lm->l_name && lm->l_name[0]) ? lm->l_name
                        : looked_up ? program_invocation_name
                        : (info.dli_fname ? info.dli_fname : path);
    size_t n = strlen(shown);
    if (n >= objlen)
        n = objlen - 1;
    memcpy(obj, shown, n);
    obj[n] = '\0';

    const char *best = NULL;
    uintptr_t best_addr = 0;
    struct image *im = image_for(path);
    const Elf64_Sym *s = im ? containing(im, *rel) : NULL;
    if (s) {
        best = im->strs + s->st_name;
        best_addr = s->st_value + lm->l_addr;
    } else if (!im) {
        /* no table of its own to read: the loader's exported names. With
         * a table read, even a stripped one's .dynsym, the loader holds no
         * function the table lacks, and its walk over every symbol costs a
         * forked trial more than all its other symbolizing. */
        if (looked_up && !dladdr1((void *)ip, &info, (void **)&lm, RTLD_DL_LINKMAP))
            info.dli_sname = NULL;
        best = info.dli_sname;
        best_addr = (uintptr_t)info.dli_saddr;
    }
    if (best) {
        n = strnlen(best, namelen - 1);
        memcpy(name, best, n);
        name[n] = '\0';
        *off = ip - best_addr;
    }
}

struct find_request {
    const char *name;
    size_t name_len;
    struct pf_range *ranges;
    int max, found;
};

/* NAME itself, or a clone the compiler split off it: "NAME.part.0",
 * "NAME.cold", "NAME.isra.0", "NAME.constprop.0" (a tail call into the
 * clone leaves only the clone on the stack). */
static bool names_function(const char *sym, const char *name, size_t len)
{
    return strncmp(sym, name, len) == 0 && (sym[len] == '\0' || sym[len] == '.');
}

static int find_in_object(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    struct find_request *req = data;
    const char *path = object_path(info->dlpi_name);
    if (strncmp(path, "linux-vdso", 10) == 0)
        return 0;
    struct image *im = image_for(path);
    if (!im)
        return 0;
    for (size_t i = 0; i < im->nsyms && req->found < req->max; i++) {
        const Elf64_Sym *s = &im->syms[i];
        if (!is_function(s) || s->st_name >= im->strs_len)
            continue;
        if (names_function(im->strs + s->st_name, req->name, req->name_len)) {
            struct pf_range *r = &req->ranges[req->found++];
            r->start = info->dlpi_addr + s->st_value;
            r->end = r->start + (s->st_size ? s->st_size : 1);
        }
    }
    /* the first object that has the function is the one */
    return req->found > 0;
}

int pf_symtab_find(const char *name, struct pf_range *ranges, int max)
{
    struct find_request req = {name, strlen(name), ranges, max, 0};
    dl_iterate_phdr(find_in_object, &req);
    return req.found;
}

static int prepare_object(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    const char *path = object_path(info->dlpi_name);
    if (strncmp(path, "linux-vdso", 10) != 0)
        (void)image_for(path);
    return 0;
}

void pf_symtab_prepare(void)
{
    dl_iterate_phdr(prepare_object, NULL);
}

bool pf_symtab_data_start(uintptr_t addr, uint64_t *obj, uintptr_t *rel)
{
    struct dl_find_object found;
    if (_dl_find_object((void *)addr, &found) != 0 || !found.dlfo_link_map)
        return false;
    const struct link_map *lm = found.dlfo_link_map;
    struct image *im = image_for(object_path(lm->l_name));
    if (!im || im->dix.n == 0 || !pf_symindex_starts(&im->dix, im->dsyms, addr - lm->l_addr))
        return false;
    *obj = im->path_hash;
    *rel = addr - lm->l_addr;
    return true;
}
