/*
 * decide.c: counts allocations and decides which ones fail.
 *
 * The plan lives in the control page (shared or private) under a sequence
 * lock (plan.c), so a supervisor, the in-process API and every allocating
 * thread agree on it without a mutex on the hot path.
 */
#include "internal.h"

#include <errno.h>
#include <signal.h>
#include <string.h>

static uint64_t fail_records; /* failures written in full to the log */

static struct pf_site *site_filter;
static struct pf_site *skip_site_filter;

/* A breakpoint target: noinline and with a side effect the compiler keeps.
 * Exported (pyfault.h), so gdb finds it by name in any process. */
__attribute__((visibility("default"), noinline)) void pyfault_injected_failure(uint64_t n, size_t size)
{
    __asm__ volatile("" : : "r"(n), "r"(size) : "memory");
}

void pf_decide_init(void)
{
    if (pf_spec.site[0])
        site_filter = pf_site_new(pf_spec.site);
    if (pf_spec.skip_site[0])
        skip_site_filter = pf_site_new(pf_spec.skip_site);
}

/* Updates the failure counters and the streak. Guard held. */
static void record_failure(struct pyfault_ctl *page, uint64_t n,
                           const uintptr_t *ips, int nips)
{
    uint64_t zero = 0;
    __atomic_add_fetch(&page->injected, 1, __ATOMIC_RELAXED);
    /* the first failure's thread alone writes its site key */
    if (__atomic_compare_exchange_n(&page->first_injected, &zero, n, 0,
                                    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        pf_sites_fail_key(page, ips, nips);
    __atomic_store_n(&page->last_injected, n, __ATOMIC_RELAXED);

    pf_streak_record(page, ips, nips);
}

/* Applies site=, skip-site= and dso=; IPS gets the stack. Guard held. */
static bool passes_stack_filters(uintptr_t *ips, int *nips)
{
    if (!site_filter && !skip_site_filter && !pf_spec.dso[0])
        return true;
    *nips = pf_backtrace(ips, PF_MAX_FRAMES);
    if (site_filter && !pf_site_on_stack(site_filter, ips, *nips))
        return false;
    if (skip_site_filter && pf_site_on_stack(skip_site_filter, ips, *nips))
        return false;
    if (pf_spec.dso[0] && !pf_dso_on_stack(ips, *nips))
        return false;
    return true;
}

/* How many frames a failure's stack needs. The first failure's site key
 * and a failure written to the log take up to PYFAULT_SITES_DEPTH_MAX;
 * every later one feeds only the streak, which hashes and shows the top
 * PF_SITE_HASH_FRAMES. An unwind loop fails thousands of times before its
 * verdict, so the shallower walk halves the trial's unwinding. */
static int failure_depth(const struct pyfault_ctl *page)
{
    bool first = __atomic_load_n(&page->first_injected, __ATOMIC_RELAXED) == 0;
    bool logged = pf_log_enabled() &&
                  __atomic_load_n(&fail_records, __ATOMIC_RELAXED) < pf_spec.log_max;
    return first || logged ? PYFAULT_SITES_DEPTH_MAX : PF_SITE_HASH_FRAMES;
}

/* pf_should_fail's decision, without the forked trial's bulk copy. */
static bool decide(size_t size, enum pf_func func)
{
    struct pyfault_ctl *page = __atomic_load_n(&pf_page, __ATOMIC_ACQUIRE);
    uint64_t n_all = __atomic_add_fetch(&page->allocations, 1, __ATOMIC_RELAXED);
    uint64_t n;
    uintptr_t ips[PF_MAX_FRAMES];
    int nips = -1;

    if (PF_UNLIKELY(pf_filters_active)) {
        /* cheapest first: a thread-local, the size, then the stack */
        if (pf_spec.region && !pf_in_region())
            return false;
        if (size < pf_spec.min_size)
            return false;
        pf_guard_enter();
        bool eligible = passes_stack_filters(ips, &nips);
        pf_guard_leave();
        if (!eligible)
            return false;
        n = __atomic_add_fetch(&page->eligible, 1, __ATOMIC_RELAXED);
    } else {
        n = n_all;
        __atomic_store_n(&page->eligible, n_all, __ATOMIC_RELAXED);
    }
    if (PF_UNLIKELY(pf_sites_on)) {
        pf_guard_enter();
        if (nips < 0)
            nips = pf_backtrace(ips, PYFAULT_SITES_DEPTH_MAX);
        pf_sites_record(n, ips, nips);
        pf_guard_leave();
    }
    if (PF_UNLIKELY(n == __atomic_load_n(&pf_fork_next, __ATOMIC_RELAXED))) {
        int saved = errno; /* the target's: an exec'd run makes no stop */
        pf_guard_enter();
        pf_forksrv_serve(n);
        pf_guard_leave();
        errno = saved;
        /* in a forked trial the page is its own now */
        page = __atomic_load_n(&pf_page, __ATOMIC_ACQUIRE);
    }

    struct pyfault_plan plan;
    pf_plan_load(page, &plan);
    if (PF_LIKELY(!pyfault_plan_fails(&plan, n))) {
        pf_streak_success(page);
        return false;
    }

    pf_guard_enter();
    if (nips < 0)
        nips = pf_backtrace(ips, failure_depth(page));
    record_failure(page, n, ips, nips);
    if (pf_log_enabled() &&
        __atomic_fetch_add(&fail_records, 1, __ATOMIC_RELAXED) < pf_spec.log_max)
        pf_event_fail(n, size, func, ips, nips);
    pyfault_injected_failure(n, size);
    if (pf_spec.trap)
        raise(SIGTRAP);
    pf_guard_leave();
    return true;
}

bool pf_should_fail(size_t size, enum pf_func func)
{
    bool fail = decide(size, func);
    /* polled on the allocations that go through, filtered out ones
     * included (finalization, out of any region, is where a forked trial
     * writes most of the server's pages): a trial that fails every one,
     * in an unwind loop or a persistent plan's error path, is not on its
     * way to a finalization that writes them all */
    if (PF_UNLIKELY(__atomic_load_n(&pf_precopy_armed, __ATOMIC_RELAXED)) && !fail) {
        pf_guard_enter();
        pf_precopy_poll();
        pf_guard_leave();
    }
    return fail;
}
