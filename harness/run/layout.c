/* layout.c: a fixed address layout for targets. With randomization on,
 * where the loader and mmap put things varies from run to run, and
 * CPython's allocations with it: 3.11's obmalloc callocs a node of its
 * radix tree when a new arena straddles a 16 GiB boundary, about one run
 * in a thousand of `python3.11 -c pass`. A sweep's counting run and its
 * trials would number allocations differently, an exec trial and a forked
 * one (which has the fork server's layout) could meet different crashes,
 * and a repro would not replay its trial's layout. */
#include "layout.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>

#define PERSONA_QUERY 0xffffffffUL

enum pf_layout pf_layout_fix(void)
{
    const char *env = getenv("PYFAULT_ASLR");
    bool random = env && env[0] && strcmp(env, "0") != 0;
    int now = personality(PERSONA_QUERY);
    if (now < 0)
        return random ? PF_LAYOUT_RANDOM : PF_LAYOUT_REFUSED;
    /* both ways: a harness started under gdb or setarch -R has it off */
    unsigned long want = random ? (unsigned long)now & ~(unsigned long)ADDR_NO_RANDOMIZE
                                : (unsigned long)now | ADDR_NO_RANDOMIZE;
    /* Docker's default seccomp profile refuses ADDR_NO_RANDOMIZE (EPERM) */
    if (want != (unsigned long)now)
        personality(want);
    now = personality(PERSONA_QUERY);
    if (now >= 0 && (now & ADDR_NO_RANDOMIZE))
        return PF_LAYOUT_FIXED;
    return random ? PF_LAYOUT_RANDOM : PF_LAYOUT_REFUSED;
}

const char *pf_layout_name(enum pf_layout l)
{
    return l == PF_LAYOUT_FIXED ? "fixed" : l == PF_LAYOUT_RANDOM ? "random" : "random (refused)";
}
