/*
 * region.c: the per-thread region depth and pyfault_region_enter/leave (a
 * leaf: it calls nothing).
 *
 * Initial-exec TLS, so entering, leaving and the `region` filter's test in
 * decide.c never allocate. Callable before the spec is read: the depth is
 * all there is.
 */
#include "internal.h"

#define PF_EXPORT __attribute__((visibility("default")))

__thread int pf_region_depth __attribute__((tls_model("initial-exec")));

PF_EXPORT void pyfault_region_enter(void)
{
    pf_region_depth++;
}

PF_EXPORT void pyfault_region_leave(void)
{
    if (pf_region_depth > 0)
        pf_region_depth--;
}
