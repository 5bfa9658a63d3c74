/* layout.c: a fixed address layout for targets. With randomization on,
 * where the loader and mmap put things varies from run to run, and
 * CPython's allocations with it: 3.11's obmalloc callocs a node of its
 * radix tree when a new arena straddles a 16 GiB boundary, about one run
 * in a thousand of `python3.11 -c pass`. A sweep's counting run and its
 * trials would number allocations differently, an exec trial and a forked
 * one (which has the fork server's layout) could meet different crashes,
 * and a repro would not replay its trial's layout. */
#include "layout.h"

#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>

#define PERSONA_QUERY 0xffffffffUL

enum pf_layout pf_layout_fix(void)
{
    const char *keep = getenv("PYFAULT_ASLR");
    if (keep && keep[0] && strcmp(keep, "0") != 0)
        return PF_LAYOUT_RANDOM;
    int now = personality(PERSONA_QUERY);
    if (now < 0)
        return PF_LAYOUT_REFUSED;
    if (now & ADDR_NO_RANDOMIZE)
        return PF_LAYOUT_FIXED;
    /* Docker's default seccomp profile refuses this persona (EPERM) */
    if (personality((unsigned long)now | ADDR_NO_RANDOMIZE) < 0)
        return PF_LAYOUT_REFUSED;
    now = personality(PERSONA_QUERY);
    return now >= 0 && (now & ADDR_NO_RANDOMIZE) ? PF_LAYOUT_FIXED : PF_LAYOUT_REFUSED;
}

const char *pf_layout_name(enum pf_layout l)
{
    return l == PF_LAYOUT_FIXED ? "fixed" : l == PF_LAYOUT_RANDOM ? "random" : "random (refused)";
}
