/*
 * unwind.c: call stacks as raw return addresses, and the site= filters.
 *
 * libunwind's unw_backtrace walks with cached unwind info and does not
 * allocate once warmed up; names are resolved later (symtab.c), and only
 * for what is written to the log.
 */
#define UNW_LOCAL_ONLY
#include "internal.h"

#include <dlfcn.h>
#include <libunwind.h>
#include <link.h>
#include <string.h>

/* The shim's own text, to drop its frames from the top of a stack. */
static uintptr_t self_lo, self_hi;

static int find_self(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    uintptr_t me = (uintptr_t)&find_self;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD)
            continue;
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
        uintptr_t hi = lo + ph->p_memsz;
        if (me >= lo && me < hi) {
            self_lo = lo;
            self_hi = hi;
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
    dl_iterate_phdr(find_self, NULL);
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

struct pf_site {
    char name[PYFAULT_SYMBOL_MAX];
    struct pf_range ranges[PF_SITE_RANGES];
    int nranges;
    int resolved;
    unsigned long long adds_seen; /* loader generation at the last miss */
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

static int loader_adds(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    *(unsigned long long *)data = info->dlpi_adds;
    return 1;
}

bool pf_site_on_stack(struct pf_site *site, const uintptr_t *ips, int n)
{
    if (!site)
        return false;
    if (!site->resolved) {
        /* Retry only when a library was loaded since the last miss: the
         * function may live in an extension module loaded later. */
        unsigned long long adds = 0;
        dl_iterate_phdr(loader_adds, &adds);
        if (adds == site->adds_seen)
            return false;
        site->adds_seen = adds;
        /* NAME may list alternatives, A|B: the same place in two versions */
        site->nranges = 0;
        const char *p = site->name;
        while (*p && site->nranges < PF_SITE_RANGES) {
            char one[PYFAULT_SYMBOL_MAX];
            size_t len = strcspn(p, "|");
            memcpy(one, p, len);
            one[len] = '\0';
            if (len > 0)
                site->nranges += pf_symtab_find(one, site->ranges + site->nranges,
                                                PF_SITE_RANGES - site->nranges);
            p += len + (p[len] == '|');
        }
        if (site->nranges == 0)
            return false;
        site->resolved = 1;
    }
    /* a return address points past its call: test the call itself */
    for (int i = 0; i < n; i++)
        for (int r = 0; r < site->nranges; r++)
            if (ips[i] - 1 >= site->ranges[r].start && ips[i] - 1 < site->ranges[r].end)
                return true;
    return false;
}
