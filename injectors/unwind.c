/*
 * unwind.c: call stacks as raw return addresses, and the site= filters.
 *
 * libunwind's unw_backtrace walks with cached unwind info and does not
 * allocate once warmed up; names are resolved later (symtab.c), and only
 * for what is written to the log.
 */
#define UNW_LOCAL_ONLY
#include "internal.h"
#include "loader_lock.h"

#include <dlfcn.h>
#include <libunwind.h>
#include <link.h>
#include <string.h>

/* The shim's own text, to drop its frames from the top of a stack. */
static uintptr_t self_lo, self_hi;

/* The loaded segment holding AT. */
struct segment {
    uintptr_t at, lo, hi;
};

static int find_segment(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    struct segment *seg = data;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD)
            continue;
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
        uintptr_t hi = lo + ph->p_memsz;
        if (seg->at >= lo && seg->at < hi) {
            seg->lo = lo;
            seg->hi = hi;
            return 1;
        }
    }
    return 0;
}

bool pf_ip_in_shim(uintptr_t ip)
{
    return ip >= self_lo && ip < self_hi;
}

void pf_unwind_warmup(void)
{
    void *ips[8];
    struct segment self = {(uintptr_t)&find_segment, 0, 0};
    dl_iterate_phdr(find_segment, &self);
    self_lo = self.lo;
    self_hi = self.hi;
    /* libunwind makes its memory-validation pipe at its first unwind,
     * just below: its pipe2 calls must come out high (fdhigh.c) */
    struct segment unwinder = {(uintptr_t)&unw_backtrace, 0, 0};
    if (dl_iterate_phdr(find_segment, &unwinder) == 1 && unwinder.hi != self.hi)
        pf_fd_note_unwinder(unwinder.lo, unwinder.hi);
    unw_backtrace(ips, 8);
}

int pf_backtrace(uintptr_t *ips, int max)
{
    void *raw[PF_MAX_FRAMES + 8];
    if (max > PF_MAX_FRAMES)
        max = PF_MAX_FRAMES;
    int n = unw_backtrace(raw, max + 8);
    int skip = 0;
    while (skip < n && pf_ip_in_shim((uintptr_t)raw[skip]))
        skip++;
    int out = 0;
    for (int i = skip; i < n && out < max; i++)
        ips[out++] = (uintptr_t)raw[i];
    return out;
}

#define PF_SITE_RANGES 8

/* A site= filter. NAME is written once, before any thread can see the
 * site. RANGES and NRANGES are written once, by the thread that resolves
 * NAME, before it publishes RESOLVED with release order; a reader that
 * sees RESOLVED with acquire order reads them frozen. Resolution attempts
 * are serialized by the loader's own lock (they run inside a
 * dl_iterate_phdr callback), so two threads never write them at once and
 * no lock of ours is held anywhere (nothing to deadlock on, nothing to
 * reset at fork). */
struct pf_site {
    char name[PYFAULT_SYMBOL_MAX];
    struct pf_range ranges[PF_SITE_RANGES];
    int nranges;
    int resolved;                 /* atomic: 1 once RANGES are final */
    unsigned long long adds_seen; /* atomic: loader generation at the last miss */
};

static struct pf_site sites[2];
static int sites_used;

struct pf_site *pf_site_new(const char *name)
{
    if (sites_used >= 2)
        return NULL;
    struct pf_site *s = &sites[sites_used++];
    strncpy(s->name, name, sizeof s->name - 1);
    s->adds_seen = ~0ull;
    return s;
}

/* Looks NAME up in the loaded objects; NAME may list alternatives, A|B
 * (the same place in two versions). Returns how many ranges it found. */
static int resolve_ranges(const char *name, struct pf_range *ranges, int max)
{
    int n = 0;
    const char *p = name;
    while (*p && n < max) {
        char one[PYFAULT_SYMBOL_MAX];
        size_t len = strcspn(p, "|");
        memcpy(one, p, len);
        one[len] = '\0';
        if (len > 0)
            n += pf_symtab_find(one, ranges + n, max - n);
        p += len + (p[len] == '|');
    }
    return n;
}

/* One resolution attempt, with the loader's lock held (the callback's
 * first call; it stops the iteration). Retries only when a library was
 * loaded since the last miss: the function may live in an extension
 * module loaded later. */
static void resolve_once(struct dl_phdr_info *info, struct pf_site *site)
{
    if (__atomic_load_n(&site->resolved, __ATOMIC_ACQUIRE))
        return; /* another thread got there first */
    if (info->dlpi_adds == __atomic_load_n(&site->adds_seen, __ATOMIC_RELAXED))
        return;
    __atomic_store_n(&site->adds_seen, info->dlpi_adds, __ATOMIC_RELAXED);
    struct pf_range found[PF_SITE_RANGES];
    int n = resolve_ranges(site->name, found, PF_SITE_RANGES);
    if (n == 0)
        return;
    memcpy(site->ranges, found, sizeof found[0] * (size_t)n);
    site->nranges = n;
    __atomic_store_n(&site->resolved, 1, __ATOMIC_RELEASE);
}

static int resolve_locked(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    pf_loader_locked_enter();
    resolve_once(info, data);
    pf_loader_locked_leave();
    return 1;
}

bool pf_site_on_stack(struct pf_site *site, const uintptr_t *ips, int n)
{
    if (!site)
        return false;
    if (!__atomic_load_n(&site->resolved, __ATOMIC_ACQUIRE)) {
        dl_iterate_phdr(resolve_locked, site);
        if (!__atomic_load_n(&site->resolved, __ATOMIC_ACQUIRE))
            return false;
    }
    for (int i = 0; i < n; i++)
        for (int r = 0; r < site->nranges; r++)
            if (pf_range_has_call(&site->ranges[r], ips[i]))
                return true;
    return false;
}
