/*
 * dso.c: the dso= filter: is a frame of this stack inside a loaded object
 * whose file name matches the spec's globs?
 *
 * The text ranges (executable PT_LOAD segments) of the matching objects are
 * kept in a fixed table, rebuilt whenever the loader's dlpi_adds or
 * dlpi_subs counter has moved since the last build: an extension imported
 * later is seen at its first allocation. Every read and write of the table
 * happens inside a dl_iterate_phdr callback, so under the loader's own
 * lock (dl_load_write_lock, recursive, held over the whole iteration): a
 * rebuild is never seen half done, by this thread or another, and no lock
 * of ours is held across fork. Nothing here allocates.
 */
#include "internal.h"
#include "loader_lock.h"

#include <elf.h>
#include <link.h>
#include <string.h>
#include <unistd.h>

/* Executable segments of matching objects. An object has one or two. */
#define PF_DSO_RANGES 128

static struct pf_range ranges[PF_DSO_RANGES];
static int nranges;
/* The loader's (adds, subs) when the table was built; valid only when
 * `built` is set. */
static unsigned long long built_adds, built_subs;
static int built;
static int overflow_reported;
/* The executable's path: the loader names it "". */
static char exe_path[PYFAULT_PATH_MAX];

struct visit {
    const uintptr_t *ips;
    int n;
    int rebuilding;
    bool hit;
};

static bool ips_in_table(const uintptr_t *ips, int n)
{
    for (int i = 0; i < n; i++)
        for (int r = 0; r < nranges; r++)
            if (pf_range_has_call(&ranges[r], ips[i]))
                return true;
    return false;
}

static const char *name_of(const struct dl_phdr_info *info)
{
    if (info->dlpi_name && info->dlpi_name[0])
        return info->dlpi_name;
    if (!exe_path[0]) {
        ssize_t len = readlink("/proc/self/exe", exe_path, sizeof exe_path - 1);
        exe_path[len > 0 ? len : 0] = '\0';
    }
    return exe_path;
}

/* Adds INFO's executable segments to the table when its name matches,
 * testing V's stack against each as it goes. */
static void add_object(const struct dl_phdr_info *info, struct visit *v)
{
    if (!pyfault_dso_matches(pf_spec.dso, name_of(info)))
        return;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X))
            continue;
        if (nranges == PF_DSO_RANGES) {
            if (!overflow_reported) {
                overflow_reported = 1;
                pf_stderr("pyfault: dso= matches more objects than it can follow; "
                          "some are left out: ", name_of(info));
            }
            return;
        }
        ranges[nranges].start = info->dlpi_addr + ph->p_vaddr;
        ranges[nranges].end = ranges[nranges].start + ph->p_memsz;
        nranges++;
        for (int k = 0; k < v->n && !v->hit; k++)
            v->hit = pf_range_has_call(&ranges[nranges - 1], v->ips[k]);
    }
}

/* One object of the loader's list, the loader's lock held (loader_lock.h).
 * The first call decides: the table is current (test and stop) or is
 * rebuilt from this object on, the stack tested against each object as it
 * is added: one iteration, one lock, one consistent answer. */
static int visit_locked(struct dl_phdr_info *info, struct visit *v)
{
    if (!v->rebuilding) {
        if (built && info->dlpi_adds == built_adds && info->dlpi_subs == built_subs) {
            v->hit = ips_in_table(v->ips, v->n);
            return 1;
        }
        v->rebuilding = 1;
        nranges = 0;
        built_adds = info->dlpi_adds;
        built_subs = info->dlpi_subs;
        built = 1; /* complete once this iteration ends: nobody looks before */
    }
    add_object(info, v);
    return 0;
}

static int visit_object(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    pf_loader_locked_enter();
    int stop = visit_locked(info, data);
    pf_loader_locked_leave();
    return stop;
}

bool pf_dso_on_stack(const uintptr_t *ips, int n)
{
    /* a rebuild answers too: no second pass, which another dlopen could
     * turn into a third and a fourth and then a wrong "no" */
    struct visit v = {ips, n, 0, false};
    dl_iterate_phdr(visit_object, &v);
    return v.hit;
}

void pf_dso_after_fork(void)
{
    /* another thread may have been rebuilding when the parent forked */
    built = 0;
}
