/*
 * sites.c: the call-site table of a counting run (sites=PATH), from which
 * `pyfault sweep --plan sites` picks its points.
 *
 * Each eligible allocation gets a key: a hash of its top sites-depth
 * return addresses, each made relative to the loaded object that holds it
 * and mixed with a hash of that object's name, so that a key does not
 * depend on where the loader put things (ASLR). The first sites-k
 * allocations of every key (and with sites-pow2 its 2nd, 4th, 8th, ...)
 * are written to PATH as "N KEY" lines, one write(2) each on an O_APPEND
 * descriptor; the harness sorts them.
 *
 * The table of keys seen is open addressing in an anonymous mapping,
 * claimed with compare-and-swap, so threads record without a lock and
 * nothing here calls malloc. A forked child stops recording: its
 * allocations are counted on a private control page, not in the run's
 * numbering.
 */
#include "internal.h"

#include <elf.h>
#include <fcntl.h>
#include <link.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* 2^20 slots: ample for a few hundred thousand distinct keys, and only
 * the pages touched are ever backed by memory. */
#define PF_SITES_SLOTS (1u << 20)
#define PF_SITES_FULL (PF_SITES_SLOTS / 4 * 3)

struct slot {
    uint64_t key;  /* 0 = free */
    uint64_t seen; /* allocations with this key so far */
};

static struct slot *table;
static uint64_t used;
/* reopened without O_CREAT and links: the harness made the file */
static struct pf_held_file sites_file = {.fd = -1, .reopen_flags = O_NOFOLLOW};
static int full_reported;

int pf_sites_on;

void pf_sites_open(void)
{
    if (!pf_spec.sites_path[0])
        return;
    void *m = pf_map_aside((size_t)PF_SITES_SLOTS * sizeof(struct slot),
                           PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                           -1, 0);
    /* no O_CREAT: the harness makes the file; a target's own children
     * started with the same spec append to it */
    int fd = pf_open_for_append(pf_spec.sites_path, O_NOFOLLOW);
    /* pf_held_install leaves sites_file as it was when it fails */
    if (m == MAP_FAILED || fd < 0 || !pf_held_install(&sites_file, fd, pf_spec.sites_path)) {
        pf_stderr("pyfault: cannot record call sites in ", pf_spec.sites_path);
        if (m != MAP_FAILED)
            munmap(m, (size_t)PF_SITES_SLOTS * sizeof(struct slot));
        if (fd >= 0)
            close(fd);
        return;
    }
    table = m;
    __atomic_store_n(&pf_sites_on, 1, __ATOMIC_RELEASE);
}

void pf_sites_after_fork(void)
{
    pf_sites_on = 0;
}

struct normalise {
    const uintptr_t *ips;
    uint64_t *out; /* per frame: object-relative address mixed with the object */
    int n;
};

/* One loaded object, the loader's lock held: the frames it holds. */
static int visit_object(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    struct normalise *v = data;
    uint64_t name = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
            continue;
        struct pf_range text = {info->dlpi_addr + ph->p_vaddr,
                                info->dlpi_addr + ph->p_vaddr + ph->p_memsz};
        for (int f = 0; f < v->n; f++) {
            if (!pf_range_has_call(&text, v->ips[f]))
                continue;
            if (!name) /* the executable is "" to the loader: fine as a name */
                name = pf_hash_str(info->dlpi_name ? info->dlpi_name : "") | 1;
            v->out[f] = pf_hash_mix(name, v->ips[f] - info->dlpi_addr);
        }
    }
    return 0;
}

/* Is the call at IP in the executable (the object the loader names "")? */
static int in_executable(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    uintptr_t ip = *(uintptr_t *)data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_LOAD && ip >= lo && ip < lo + ph->p_memsz)
            return (info->dlpi_name && info->dlpi_name[0]) ? 2 : 1;
    }
    return 0;
}

static bool is_executable(uintptr_t ip)
{
    return dl_iterate_phdr(in_executable, &ip) == 1;
}

/* The key of a stack: its top frames, normalised per object, and with
 * sites-py the Python file:line on top (PYFILE "" = none). Never 0. */
static uint64_t key_of(const uintptr_t *ips, int n, const char *pyfile, uint32_t pyline)
{
    /* the shim's own frames are dropped everywhere, not only on top (a
     * PyMem hook that falls through to a hooked raw allocator leaves one
     * mid-stack): hashed, they made the key depend on the shim's path
     * (the loader's name for it is LD_PRELOAD's, the checkout's folder)
     * and on its build, and a stride then sampled other sites in another
     * checkout */
    uintptr_t own[PYFAULT_SITES_DEPTH_MAX];
    uint64_t norm[PYFAULT_SITES_DEPTH_MAX];
    int kept = 0;
    for (int f = 0; f < n && kept < pf_spec.sites_depth && kept < PYFAULT_SITES_DEPTH_MAX; f++)
        if (!pf_ip_in_shim(ips[f]))
            own[kept++] = ips[f];
    n = kept;
    for (int f = 0; f < n; f++)
        norm[f] = own[f]; /* outside every object (JIT code): as it is */
    struct normalise v = {own, norm, n};
    dl_iterate_phdr(visit_object, &v);
    uint64_t h = 0x243f6a8885a308d3ull;
    for (int f = 0; f < n; f++)
        h = pf_hash_mix(h, norm[f]);
    if (pf_spec.sites_py && pyfile[0]) /* one C path serves many Python lines */
        h = pf_hash_mix(pf_hash_mix(h, pf_hash_str(pyfile)), pyline);
    if (pf_spec.sites_data) /* one C path serves many static objects */
        h = pf_hash_mix(h, pf_sitedata_context(pf_spec.sites_depth));
    return h ? h : 1;
}

void pf_sites_fail_key(struct pyfault_ctl *page, const uintptr_t *ips, int nips)
{
    if (nips <= 0)
        return;
    /* the caller: the call instruction just before the return address */
    char name[PYFAULT_CTL_NAME_MAX], obj[PYFAULT_PATH_MAX];
    uintptr_t off, rel;
    pf_symbolize(ips[0] - 1, name, sizeof name, &off, &rel, obj, sizeof obj);
    memcpy(page->fail_func, name, sizeof name);
    /* the executable is "" as the loader names it (and as key_of hashes
     * it): two builds of one interpreter in two folders agree */
    const char *base = strrchr(obj, '/');
    base = base ? base + 1 : obj;
    size_t blen = strnlen(base, sizeof page->fail_obj - 1);
    if (is_executable(ips[0] - 1))
        blen = 0;
    memcpy(page->fail_obj, base, blen);
    page->fail_obj[blen] = '\0';
    page->fail_off = (uint32_t)off;
    page->fail_rel = rel;
    uint32_t line;
    pf_pyframe_top(page->fail_pyfile, sizeof page->fail_pyfile, &line);
    page->fail_pyline = line;
    __atomic_store_n(&page->fail_key, key_of(ips, nips, page->fail_pyfile, line), __ATOMIC_RELEASE);
}

/* How many allocations of KEY there have been, this one included; 0 when
 * the table is full (the key could not be placed). */
static uint64_t count_key(uint64_t key)
{
    for (uint64_t i = key & (PF_SITES_SLOTS - 1);; i = (i + 1) & (PF_SITES_SLOTS - 1)) {
        uint64_t k = __atomic_load_n(&table[i].key, __ATOMIC_ACQUIRE);
        if (k == 0) {
            if (__atomic_load_n(&used, __ATOMIC_RELAXED) >= PF_SITES_FULL)
                return 0;
            if (!__atomic_compare_exchange_n(&table[i].key, &k, key, 0, __ATOMIC_ACQ_REL,
                                             __ATOMIC_ACQUIRE)) {
                if (k != key)
                    continue; /* another thread took the slot for another key */
            } else {
                __atomic_add_fetch(&used, 1, __ATOMIC_RELAXED);
            }
        } else if (k != key) {
            continue;
        }
        return __atomic_add_fetch(&table[i].seen, 1, __ATOMIC_RELAXED);
    }
}

void pf_sites_record(uint64_t n, const uintptr_t *ips, int nips)
{
    char pyfile[PYFAULT_CTL_PYFILE_MAX] = "";
    uint32_t pyline = 0;
    if (pf_spec.sites_py)
        pf_pyframe_top(pyfile, sizeof pyfile, &pyline);
    uint64_t key = key_of(ips, nips, pyfile, pyline);
    uint64_t seen = count_key(key);
    struct pf_buf b;
    b.len = 0;
    if (seen == 0) {
        if (__atomic_exchange_n(&full_reported, 1, __ATOMIC_RELAXED))
            return;
        /* the harness refuses a plan from a table that overflowed */
        pf_buf_str(&b, "full\n");
    } else if (seen > pf_spec.sites_k && !(pf_spec.sites_pow2 && (seen & (seen - 1)) == 0)) {
        return;
    } else {
        pf_buf_u64(&b, n);
        pf_buf_str(&b, " ");
        pf_buf_hex(&b, key);
        pf_buf_str(&b, "\n");
    }
    int fd = pf_held_current(&sites_file);
    if (fd >= 0)
        pf_write_all(fd, b.data, b.len);
}
