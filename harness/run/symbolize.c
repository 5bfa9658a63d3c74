/* symbolize.c: Dwfl over one object at a time. Each object file gets its
 * own offline Dwfl, reported at bias 0 so that module addresses are the
 * file's link-time addresses; a live process only lends its mappings
 * (/proc/PID/maps, procmaps.h) to turn run-time addresses into (file,
 * link-time address). Reading DWARF is the slow part, so the per-object Dwfls
 * are kept for the life of the harness process, keyed by path and
 * build-id, and shared by every trial (one lock: Dwfl is not thread-safe). */
#include "symbolize.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwelf.h>
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <gelf.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "procmaps.h"

#define CACHE_MAX 16
#define BUILD_ID_MAX 64

/* One object file's Dwfl, and what identifies the file. */
struct entry {
    char *path;
    unsigned char id[BUILD_ID_MAX];
    int idlen;
    dev_t dev;
    ino_t ino;
    off_t size;
    struct timespec mtime;
    Dwfl *dwfl;       /* NULL: not an ELF file libdw can read */
    Dwfl_Module *mod;
    uint64_t used;    /* LRU clock */
    uint64_t gen;     /* which opening of a slot the memo's entries belong to */
};

/* Named addresses, remembered: trials of one sweep crash and fail at the
 * same few call sites, and finding an address's scopes walks its whole
 * compilation unit (milliseconds in a big one). */
#define MEMO_SLOTS 4096
#define MEMO_FRAMES 8
struct memo {
    uint64_t gen; /* 0: empty */
    Dwarf_Addr addr;
    unsigned n;
    struct pf_frame f[MEMO_FRAMES];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct entry cache[CACHE_MAX]; /* guarded by lock */
static uint64_t clock_now;            /* guarded by lock */
static uint64_t generation;           /* guarded by lock */
static struct memo *memo;             /* guarded by lock; MEMO_SLOTS, allocated on first use */
static char *debuginfo_path;          /* guarded by lock; Dwfl keeps its address */

static const Dwfl_Callbacks offline_callbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = dwfl_offline_section_address,
    .debuginfo_path = &debuginfo_path,
};

/* The debug-file search path, read once: NULL leaves libdw's default. */
static void init_debuginfo_path(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    const char *env = getenv(PF_ENV_DEBUGINFO_PATH);
    if (env && env[0])
        debuginfo_path = strdup(env);
}

/* Reads the GNU build-id of the ELF file open on FD into ID. Returns its
 * length, 0 when it has none, -1 when FD is not ELF. */
static int read_build_id(int fd, unsigned char *id)
{
    elf_version(EV_CURRENT);
    Elf *elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
    if (!elf)
        return -1;
    const void *bits = NULL;
    int len = elf_kind(elf) == ELF_K_ELF ? (int)dwelf_elf_gnu_build_id(elf, &bits) : -1;
    if (len > BUILD_ID_MAX)
        len = BUILD_ID_MAX;
    if (len > 0)
        memcpy(id, bits, (size_t)len);
    elf_end(elf);
    return len < 0 ? -1 : len;
}

static void entry_clear(struct entry *e)
{
    if (e->dwfl)
        dwfl_end(e->dwfl);
    free(e->path);
    memset(e, 0, sizeof *e);
}

static int same_file(const struct entry *e, const struct stat *st)
{
    return e->dev == st->st_dev && e->ino == st->st_ino && e->size == st->st_size &&
           e->mtime.tv_sec == st->st_mtim.tv_sec && e->mtime.tv_nsec == st->st_mtim.tv_nsec;
}

/* Opens a Dwfl on PATH alone into E. */
static void entry_open(struct entry *e, const char *path)
{
    e->dwfl = dwfl_begin(&offline_callbacks);
    if (!e->dwfl)
        return;
    const char *base = strrchr(path, '/');
    e->mod = dwfl_report_elf(e->dwfl, base ? base + 1 : path, path, -1, 0, false);
    dwfl_report_end(e->dwfl, NULL, NULL);
    if (!e->mod) {
        dwfl_end(e->dwfl);
        e->dwfl = NULL;
    }
}

/* The cache entry of PATH, opening it on first use; NULL when PATH is not
 * a readable ELF file. Called with lock held. */
static struct entry *entry_for(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
        return NULL;
    clock_now++;
    for (unsigned i = 0; i < CACHE_MAX; i++)
        if (cache[i].path && strcmp(cache[i].path, path) == 0 && same_file(&cache[i], &st)) {
            cache[i].used = clock_now;
            return cache[i].mod ? &cache[i] : NULL;
        }
    /* the file changed, or is new: its build-id decides */
    unsigned char id[BUILD_ID_MAX];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    int idlen = read_build_id(fd, id);
    close(fd);
    if (idlen < 0)
        return NULL;
    struct entry *slot = &cache[0];
    for (unsigned i = 0; i < CACHE_MAX; i++) {
        struct entry *e = &cache[i];
        if (e->path && strcmp(e->path, path) == 0 && idlen > 0 && e->idlen == idlen &&
            memcmp(e->id, id, (size_t)idlen) == 0) {
            /* same build, touched or copied: keep its debug info */
            e->dev = st.st_dev, e->ino = st.st_ino, e->size = st.st_size, e->mtime = st.st_mtim;
            e->used = clock_now;
            return e->mod ? e : NULL;
        }
        if (!e->path || (slot->path && e->used < slot->used))
            slot = e;
    }
    entry_clear(slot);
    slot->path = strdup(path);
    if (!slot->path)
        return NULL;
    memcpy(slot->id, id, (size_t)(idlen > 0 ? idlen : 0));
    slot->idlen = idlen;
    slot->dev = st.st_dev, slot->ino = st.st_ino, slot->size = st.st_size;
    slot->mtime = st.st_mtim;
    slot->used = clock_now;
    slot->gen = ++generation;
    entry_open(slot, path);
    return slot->mod ? slot : NULL;
}

/* "dir/file.c:LINE": the last two components of FILE, which stay the same
 * whatever directory each build was made in ("./" and "../" dropped). */
static void format_src(char *out, size_t len, const char *file, int line)
{
    out[0] = '\0';
    if (!file || line <= 0)
        return;
    const char *last = strrchr(file, '/');
    const char *start = last ? last + 1 : file;
    if (last && last > file) {
        const char *dir = last;
        while (dir > file && dir[-1] != '/')
            dir--;
        size_t dl = (size_t)(last - dir);
        if (!(dl == 1 && dir[0] == '.') && !(dl == 2 && dir[0] == '.' && dir[1] == '.'))
            start = dir;
    }
    snprintf(out, len, "%s:%d", start, line);
}

/* A function DIE's name, following abstract origins and specifications. */
static const char *die_name(Dwarf_Die *die)
{
    Dwarf_Attribute a;
    const char *name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &a));
    if (!name)
        name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_linkage_name, &a));
    return name;
}

/* The ELF symbol whose extent holds ADDR (a sized function symbol, or a
 * sizeless one starting exactly there); libdw would also offer the
 * nearest one below, which on a stripped file is a neighbour's name. */
static const char *symbol_at(Dwfl_Module *mod, Dwarf_Addr addr)
{
    GElf_Off off = 0;
    GElf_Sym sym;
    const char *name = dwfl_module_addrinfo(mod, addr, &off, &sym, NULL, NULL, NULL);
    if (!name)
        return NULL;
    int type = GELF_ST_TYPE(sym.st_info);
    if (type != STT_FUNC && type != STT_GNU_IFUNC)
        return NULL;
    if (sym.st_size ? off >= sym.st_size : off != 0)
        return NULL;
    return name;
}

#define CHAIN_MAX 32

/* Collects into CHAIN (outermost first) the function scopes below PARENT
 * that hold PC: the subprogram, then each inlined call inside it. Returns
 * the chain's new length. (dwarf_getscopes would do, but it gives up on
 * LTO units whose abstract origins live in other units, as Debian's.) */
static int scope_chain(Dwarf_Die *parent, Dwarf_Addr pc, Dwarf_Die *chain, int n)
{
    Dwarf_Die c;
    if (dwarf_child(parent, &c) != 0)
        return n;
    do {
        int tag = dwarf_tag(&c);
        if (tag != DW_TAG_subprogram && tag != DW_TAG_inlined_subroutine &&
            tag != DW_TAG_lexical_block)
            continue;
        /* a block without addresses of its own may still hold inlined calls */
        int open_block = tag == DW_TAG_lexical_block && !dwarf_hasattr(&c, DW_AT_low_pc) &&
                         !dwarf_hasattr(&c, DW_AT_ranges);
        if (!open_block && dwarf_haspc(&c, pc) <= 0)
            continue;
        int m = n;
        if (tag != DW_TAG_lexical_block && m < CHAIN_MAX)
            chain[m++] = c;
        m = scope_chain(&c, pc, chain, m);
        if (!open_block || m > n)
            return m;
    } while (dwarf_siblingof(&c, &c) == 0);
    return n;
}

/* Appends the inline chain at ADDR (from debug info) and the function
 * holding it, innermost first. Returns frames appended; 0 without DWARF. */
static unsigned push_dwarf(Dwfl_Module *mod, Dwarf_Addr addr, uint64_t ip, const char *obj,
                           struct pf_frames *out)
{
    Dwarf_Addr bias = 0;
    Dwarf_Die *cu = dwfl_module_addrdie(mod, addr, &bias);
    if (!cu)
        return 0;
    Dwarf_Die chain[CHAIN_MAX];
    int n = scope_chain(cu, addr - bias, chain, 0);
    if (n <= 0 || dwarf_tag(&chain[0]) != DW_TAG_subprogram)
        return 0;
    Dwarf_Files *files = NULL;
    dwarf_getsrcfiles(cu, &files, NULL);

    /* the innermost frame's position is the line table's */
    char src[PF_SRC_MAX] = "";
    Dwfl_Line *line = dwfl_module_getsrc(mod, addr);
    int lineno = 0;
    const char *file = line ? dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL) : NULL;
    format_src(src, sizeof src, file, lineno);

    unsigned pushed = 0;
    for (int i = n - 1; i >= 0; i--) {
        const char *name = die_name(&chain[i]);
        if (i == 0 && !name)
            name = symbol_at(mod, addr);
        if (pf_frames_push_src(out, ip, name ? name : "", obj, src, i > 0) < 0)
            break;
        pushed++;
        const char *decl = i > 0 ? dwarf_decl_file(&chain[i]) : NULL;
        size_t dl = decl ? strlen(decl) : 0;
        out->f[out->n - 1].helper = dl > 2 && strcmp(decl + dl - 2, ".h") == 0;
        /* the caller's position is where this one was inlined */
        Dwarf_Attribute a;
        Dwarf_Word fileno = 0, callline = 0;
        const char *callfile = NULL;
        if (files && dwarf_formudata(dwarf_attr(&chain[i], DW_AT_call_file, &a), &fileno) == 0)
            callfile = dwarf_filesrc(files, fileno, NULL, NULL);
        dwarf_formudata(dwarf_attr(&chain[i], DW_AT_call_line, &a), &callline);
        format_src(src, sizeof src, callfile, (int)callline);
    }
    return pushed;
}

/* Where the function holding ADDR starts: the nearest FDE start at or
 * below it in .eh_frame_hdr's sorted table (which survives stripping);
 * ADDR itself when the table is absent or in another encoding. */
static Dwarf_Addr function_start(Dwfl_Module *mod, Dwarf_Addr addr)
{
    Dwarf_Addr bias = 0;
    Elf *elf = dwfl_module_getelf(mod, &bias);
    size_t shstrndx;
    if (!elf || elf_getshdrstrndx(elf, &shstrndx) != 0)
        return addr;
    Elf_Scn *scn = NULL;
    while ((scn = elf_nextscn(elf, scn))) {
        GElf_Shdr sh;
        const char *name = gelf_getshdr(scn, &sh) ? elf_strptr(elf, shstrndx, sh.sh_name) : NULL;
        if (!name || strcmp(name, ".eh_frame_hdr") != 0)
            continue;
        Elf_Data *d = elf_getdata(scn, NULL);
        const unsigned char *p = d ? d->d_buf : NULL;
        /* version 1; count: udata4; table: (start, fde) datarel sdata4 */
        if (!p || d->d_size < 12 || p[0] != 1 || p[2] != 0x03 || p[3] != 0x3b)
            return addr;
        uint32_t count;
        memcpy(&count, p + 8, 4);
        if ((d->d_size - 12) / 8 < count)
            return addr;
        int64_t want = (int64_t)(addr - bias) - (int64_t)sh.sh_addr;
        uint32_t lo = 0, hi = count; /* the last entry starting <= want */
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            int32_t start;
            memcpy(&start, p + 12 + (size_t)mid * 8, 4);
            if (start <= want)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo == 0)
            return addr;
        int32_t start;
        memcpy(&start, p + 12 + (size_t)(lo - 1) * 8, 4);
        return (Dwarf_Addr)((int64_t)sh.sh_addr + start) + bias;
    }
    return addr;
}

/* Appends the frames of ADDR in MOD (of file PATH). Called with lock held. */
static unsigned name_address(Dwfl_Module *mod, const char *path, Dwarf_Addr addr, uint64_t ip,
                             struct pf_frames *out)
{
    unsigned pushed = push_dwarf(mod, addr, ip, path, out);
    if (pushed)
        return pushed;
    const char *name = symbol_at(mod, addr);
    char anon[PF_SYM_MAX];
    if (!name) {
        /* no symbol covers it: the object and the function's start (from
         * the unwind table, else the address itself), stable across runs
         * and across the points that stop in the same function */
        const char *base = strrchr(path, '/');
        snprintf(anon, sizeof anon, "%s+0x%" PRIx64, base ? base + 1 : path,
                 function_start(mod, addr));
        name = anon;
    }
    return pf_frames_push_src(out, ip, name, path, NULL, 0) == 0;
}

/* Names REL, a link-time address in E's file, through the memo (the
 * caller found E with entry_for). Called with lock held. */
static unsigned symbolize_locked(struct entry *e, uint64_t rel, int return_addr, uint64_t ip,
                                 struct pf_frames *out)
{
    /* name the call instruction, not the one after it */
    Dwarf_Addr addr = return_addr && rel ? rel - 1 : rel;
    if (!memo)
        memo = calloc(MEMO_SLOTS, sizeof *memo);
    struct memo *m = memo ? &memo[(addr * 0x9e3779b97f4a7c15ull + e->gen) >> 52] : NULL;
    if (m && m->gen == e->gen && m->addr == addr) {
        unsigned k = 0;
        for (; k < m->n && out->n < PF_FRAMES_MAX; k++) {
            out->f[out->n] = m->f[k];
            out->f[out->n++].ip = ip;
        }
        return k;
    }
    unsigned first = out->n;
    unsigned pushed = name_address(e->mod, e->path, addr, ip, out);
    /* a chain cut short by a full OUT is not the whole answer */
    if (m && pushed > 0 && pushed <= MEMO_FRAMES && out->n < PF_FRAMES_MAX) {
        m->gen = e->gen;
        m->addr = addr;
        m->n = pushed;
        memcpy(m->f, &out->f[first], pushed * sizeof *m->f);
    }
    return pushed;
}

/* The object of the frames last looked up: frames come in runs of one
 * object, and each run needs one lookup (one stat), not one per frame. */
struct run {
    char path[PATH_MAX];
    struct entry *e;
};

/* The cache entry of PATH (not ""), looked up again only when it is not
 * R's. Called with lock held. */
static struct entry *entry_in_run(struct run *r, const char *path)
{
    if (strcmp(path, r->path) != 0) {
        r->e = entry_for(path);
        snprintf(r->path, sizeof r->path, "%s", path);
    }
    return r->e;
}

unsigned pf_symbolize_logged(const struct pf_logged_frame *frames, unsigned n, int first_is_pc,
                             struct pf_frames *out)
{
    pthread_mutex_lock(&lock);
    init_debuginfo_path();
    struct run run = {"", NULL};
    for (unsigned i = 0; i < n; i++) {
        const struct pf_logged_frame *f = &frames[i];
        struct entry *e = f->path[0] && f->rel ? entry_in_run(&run, f->path) : NULL;
        if (e && symbolize_locked(e, f->rel, !(i == 0 && first_is_pc), f->ip, out) > 0)
            continue;
        if (pf_frames_push(out, f->ip, f->sym, f->path) < 0)
            break;
    }
    pthread_mutex_unlock(&lock);
    return out->n;
}

unsigned pf_symbolize_process(pid_t pid, const uint64_t *ips, unsigned n, int first_is_pc,
                              struct pf_frames *out)
{
    pthread_mutex_lock(&lock);
    init_debuginfo_path();
    /* the process only tells where its files are mapped */
    char *maps = pf_procmaps_read(pid);
    struct run run = {"", NULL};
    for (unsigned i = 0; i < n && out->n < PF_FRAMES_MAX; i++) {
        struct pf_mapping m;
        char path[PATH_MAX] = "";
        if (maps && pf_procmaps_find(maps, ips[i], &m) == 0 && m.path_len < sizeof path) {
            memcpy(path, m.path, m.path_len);
            path[m.path_len] = '\0';
        }
        struct entry *e = path[0] ? entry_in_run(&run, path) : NULL;
        Dwarf_Addr ignored;
        uint64_t rel;
        int is_return = !(i == 0 && first_is_pc);
        if (e && pf_procmaps_link_address(dwfl_module_getelf(e->mod, &ignored), &m, ips[i],
                                          &rel) == 0 &&
            symbolize_locked(e, rel, is_return, ips[i], out) > 0)
            continue;
        if (pf_frames_push(out, ips[i], "", path) < 0)
            break;
    }
    free(maps);
    pthread_mutex_unlock(&lock);
    return out->n;
}

void pf_symbolize_flush(void)
{
    pthread_mutex_lock(&lock);
    for (unsigned i = 0; i < CACHE_MAX; i++)
        entry_clear(&cache[i]);
    free(memo);
    memo = NULL;
    pthread_mutex_unlock(&lock);
}
