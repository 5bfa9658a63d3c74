/*
 * streak.c: failure streaks, the unwind loop's trace in the control page.
 *
 * The unwind loop of gh-134163 fails at a few sites in turn (the int for
 * lasti, the traceback entry, ...), so a "streak" is a run of failures
 * whose sites all belong to the last few distinct sites, with no success
 * between them. Sites and streak are kept per thread (initial-exec TLS): a
 * loop is one thread's, and other threads, failing elsewhere or
 * succeeding meanwhile, neither race on the ring nor end the loop's
 * streak. The control page shows the streak of the thread that failed
 * last (site_streak, 0 once that streak ended) and the longest of all.
 */
#include "internal.h"

#define PF_LOOP_SITES 4

static __thread uint64_t loop_sites[PF_LOOP_SITES] __attribute__((tls_model("initial-exec")));
static __thread unsigned loop_next __attribute__((tls_model("initial-exec")));
static __thread uint64_t streak __attribute__((tls_model("initial-exec")));

static uint64_t hash_site(const uintptr_t *ips, int n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a over the addresses */
    for (int i = 0; i < n && i < PF_SITE_HASH_FRAMES; i++) {
        h ^= (uint64_t)ips[i];
        h *= 1099511628211ull;
    }
    return h;
}

void pf_streak_record(struct pyfault_ctl *page, const uintptr_t *ips, int nips)
{
    uint64_t h = hash_site(ips, nips);
    bool known = false;
    for (int i = 0; i < PF_LOOP_SITES; i++)
        known |= loop_sites[i] == h;
    if (known && streak > 0) {
        streak++;
    } else {
        if (!known) {
            loop_sites[loop_next] = h;
            loop_next = (loop_next + 1) % PF_LOOP_SITES;
        }
        streak = 1;
    }
    __atomic_store_n(&page->site_streak, streak, __ATOMIC_RELAXED);
    uint64_t max = __atomic_load_n(&page->site_streak_max, __ATOMIC_RELAXED);
    while (streak > max &&
           !__atomic_compare_exchange_n(&page->site_streak_max, &max, streak, 1,
                                        __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        ;
    __atomic_store_n(&page->site_hash, h, __ATOMIC_RELAXED);
    int depth = nips < PYFAULT_CTL_SITE_FRAMES ? nips : PYFAULT_CTL_SITE_FRAMES;
    for (int i = 0; i < depth; i++)
        __atomic_store_n(&page->site_frames[i], (uint64_t)ips[i], __ATOMIC_RELAXED);
    __atomic_store_n(&page->site_depth, (uint32_t)depth, __ATOMIC_RELEASE);
}

void pf_streak_success(struct pyfault_ctl *page)
{
    if (PF_UNLIKELY(streak)) {
        streak = 0;
        __atomic_store_n(&page->site_streak, 0, __ATOMIC_RELAXED);
    }
}
