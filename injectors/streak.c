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
 *
 * A thread whose streak reaches PYFAULT_LOOP_PARK on a page a supervisor
 * watches is the unwind-loop verdict already (pyfault.h): it parks there
 * rather than fail on until the supervisor's next look (a seventh of a
 * persistent start-up sweep's CPU, bench/loop_park.sh). Its streak and
 * site stay on the page; other threads' failures no longer overwrite them.
 */
#include "internal.h"

#include <unistd.h>

#define PF_LOOP_SITES 4

static __thread uint64_t loop_sites[PF_LOOP_SITES] __attribute__((tls_model("initial-exec")));
static __thread unsigned loop_next __attribute__((tls_model("initial-exec")));
static __thread uint64_t streak __attribute__((tls_model("initial-exec")));

static int parked;           /* a thread parked: the page's site is its */
static unsigned site_writers; /* threads writing the page's site now */

static uint64_t hash_site(const uintptr_t *ips, int n)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a over the addresses */
    for (int i = 0; i < n && i < PF_SITE_HASH_FRAMES; i++) {
        h ^= (uint64_t)ips[i];
        h *= 1099511628211ull;
    }
    return h;
}

/* Counts a failure at site H into the calling thread's streak. */
static void count_streak(uint64_t h)
{
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
}

/* Writes the calling thread's streak and site H, IPS to the page. */
static void show_site(struct pyfault_ctl *page, uint64_t h, const uintptr_t *ips, int nips)
{
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

/* The calling thread's loop is proven: stops it for good, the supervisor
 * kills it. The first to park shows its site, once no other thread is
 * writing one. Seq-cst here and in visible(): each reads the flag the other
 * wrote. */
__attribute__((noreturn)) static void park(struct pyfault_ctl *page, uint64_t h,
                                           const uintptr_t *ips, int nips)
{
    if (!__atomic_exchange_n(&parked, 1, __ATOMIC_SEQ_CST)) {
        while (__atomic_load_n(&site_writers, __ATOMIC_SEQ_CST) != 0)
            ;
        show_site(page, h, ips, nips);
    }
    for (;;)
        pause();
}

/* Enters a write of the page's site; false (and not entered) once a
 * thread has parked and the site is its. */
static bool visible(void)
{
    __atomic_add_fetch(&site_writers, 1, __ATOMIC_SEQ_CST);
    if (!__atomic_load_n(&parked, __ATOMIC_SEQ_CST))
        return true;
    __atomic_sub_fetch(&site_writers, 1, __ATOMIC_RELEASE);
    return false;
}

static void visible_done(void)
{
    __atomic_sub_fetch(&site_writers, 1, __ATOMIC_RELEASE);
}

void pf_streak_record(struct pyfault_ctl *page, const uintptr_t *ips, int nips)
{
    uint64_t h = hash_site(ips, nips);
    count_streak(h);
    if (!pf_ctl_watched()) {
        show_site(page, h, ips, nips); /* a private page: nothing parks */
        return;
    }
    if (PF_UNLIKELY(streak == PYFAULT_LOOP_PARK))
        park(page, h, ips, nips);
    if (visible()) {
        show_site(page, h, ips, nips);
        visible_done();
    }
}

void pf_streak_success(struct pyfault_ctl *page)
{
    if (PF_UNLIKELY(streak)) {
        streak = 0;
        if (visible()) {
            __atomic_store_n(&page->site_streak, 0, __ATOMIC_RELAXED);
            visible_done();
        }
    }
}
