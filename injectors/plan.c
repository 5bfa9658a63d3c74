/*
 * plan.c: the plan's sequence lock in the control page, and its state
 * across fork.
 *
 * Writers (the in-process API, or a supervisor from outside) make
 * arm_generation odd, write the plan, make it even again; readers copy the
 * plan between two equal even readings. A child forked while the number
 * was odd would spin for ever: the writer does not exist in the child (a
 * thread of the parent, or the supervisor, which writes the parent's
 * page). So before fork a consistent copy is taken, and the child's
 * private page starts from it, its number even.
 */
#include "internal.h"

#include <sched.h>
#include <string.h>

/* The plan as it was when fork began (taken in the prefork handler). */
static struct pyfault_plan fork_plan;
static uint64_t fork_generation;
static bool fork_plan_valid;

void pf_plan_publish(const struct pyfault_plan *plan)
{
    struct pyfault_ctl *page = pf_page;
    /* seqlock writer: claim an even number (one in-process writer at a
     * time), odd while the plan is being written */
    uint64_t g = __atomic_load_n(&page->arm_generation, __ATOMIC_RELAXED);
    for (;;) {
        if (g & 1) {
            sched_yield();
            g = __atomic_load_n(&page->arm_generation, __ATOMIC_RELAXED);
            continue;
        }
        if (__atomic_compare_exchange_n(&page->arm_generation, &g, g + 1, 0,
                                        __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
            break;
    }
    __atomic_thread_fence(__ATOMIC_RELEASE);
    memcpy(&page->plan, plan, sizeof *plan);
    __atomic_store_n(&page->arm_generation, g + 2, __ATOMIC_RELEASE);
}

/* One attempt of the seqlock reader: true with OUT consistent, and *GEN
 * the (even) number it was read under. */
static bool try_load(struct pyfault_ctl *page, struct pyfault_plan *out, uint64_t *gen)
{
    uint64_t g1 = __atomic_load_n(&page->arm_generation, __ATOMIC_ACQUIRE);
    if (g1 & 1)
        return false;
    memcpy(out, (const void *)&page->plan, sizeof *out);
    __atomic_thread_fence(__ATOMIC_ACQUIRE);
    *gen = g1;
    return __atomic_load_n(&page->arm_generation, __ATOMIC_RELAXED) == g1;
}

void pf_plan_load(struct pyfault_ctl *page, struct pyfault_plan *out)
{
    uint64_t gen;
    while (!try_load(page, out, &gen))
        ;
}

void pf_plan_prefork(void)
{
    /* the writer is live: another thread, or the supervisor. Bounded, for
     * a fork from a signal handler that interrupted this thread's own
     * publish: then the child counts only. */
    fork_plan_valid = false;
    for (int tries = 0; tries < 10000; tries++) {
        if (try_load(pf_page, &fork_plan, &fork_generation)) {
            fork_plan_valid = true;
            return;
        }
        sched_yield();
    }
}

void pf_plan_postfork_child(void)
{
    struct pyfault_ctl *page = pf_page; /* private by now */
    uint64_t g = __atomic_load_n(&page->arm_generation, __ATOMIC_RELAXED);
    if (fork_plan_valid) {
        memcpy(&page->plan, &fork_plan, sizeof fork_plan);
        g = fork_generation;
    } else {
        memset(&page->plan, 0, sizeof page->plan);
        page->plan.mode = PYFAULT_MODE_COUNT;
        g += g & 1;
    }
    __atomic_store_n(&page->arm_generation, g, __ATOMIC_RELEASE);
}
