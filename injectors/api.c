/*
 * api.c: the pyfault_* functions a target may call on itself.
 */
#include "internal.h"

#include <string.h>

#define PF_EXPORT __attribute__((visibility("default")))

PF_EXPORT void pyfault_set_nomemory(uint64_t start, uint64_t stop)
{
    pf_ensure_init();
    struct pyfault_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.mode = PYFAULT_MODE_NOMEMORY;
    plan.a = start;
    plan.b = stop;
    /* counting restarts here: numbers are relative to this base */
    plan.base = __atomic_load_n(&pf_page->eligible, __ATOMIC_ACQUIRE);
    pf_plan_publish(&plan);
}

PF_EXPORT void pyfault_remove_hooks(void)
{
    pf_ensure_init();
    struct pyfault_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.mode = PYFAULT_MODE_COUNT;
    pf_plan_publish(&plan);
}

PF_EXPORT void pyfault_arm(const struct pyfault_plan *plan)
{
    pf_ensure_init();
    pf_plan_publish(plan);
}

PF_EXPORT uint64_t pyfault_allocations(void)
{
    pf_ensure_init();
    return __atomic_load_n(&pf_page->allocations, __ATOMIC_RELAXED);
}

PF_EXPORT uint64_t pyfault_eligible(void)
{
    pf_ensure_init();
    return __atomic_load_n(&pf_page->eligible, __ATOMIC_RELAXED);
}

PF_EXPORT uint64_t pyfault_injected(void)
{
    pf_ensure_init();
    return __atomic_load_n(&pf_page->injected, __ATOMIC_RELAXED);
}

PF_EXPORT unsigned pyfault_layer(void)
{
    pf_ensure_init();
    return (unsigned)pf_layer;
}

PF_EXPORT int pyfault_pymem_hooked(void)
{
    pf_ensure_init();
    return pf_pymem_hooked();
}

PF_EXPORT unsigned pyfault_version(void)
{
    return PYFAULT_CTL_VERSION;
}
