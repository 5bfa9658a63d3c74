/*
 * aside.c: the shim's own mappings, kept out of the target's way.
 *
 * The kernel places a mapping made without an address below the lowest
 * one it placed before (top-down from the mmap base), so every mapping
 * of the shim's would move every later one of the target's: its arenas,
 * jemalloc's extents, its threads' stacks. And the shim maps at moments
 * that differ between runs of one point: an exec'd trial maps the symbol
 * tables of its backtrace's objects at the failure, the fork server maps
 * all of them at its first stop, a forked trial maps its own control
 * page at its start. A forked trial's arenas then lay where an exec'd
 * trial's did not, and where a crash depends on addresses (a freed block
 * read again, gh-151112's double free in assemble_init), the two engines
 * met different crashes at one point.
 *
 * So the shim asks for its mappings at a hint far below where the
 * kernel's own placement goes, claimed from a running address: none of
 * them is in the target's sequence. A hint the kernel cannot honour
 * (taken, or reserved by a sanitizer) gives the usual placement, as
 * before.
 */
#include "internal.h"

#include <errno.h>
#include <sys/mman.h>
#include <unistd.h>

/* 32 TiB: above ASan's shadow (which ends at 0x10007fff7fff), below a
 * PIE image (85 TiB without randomization) and far below the mmap base
 * (near 128 TiB), far above a non-PIE image and its brk heap. */
#define PF_ASIDE_BASE 0x200000000000UL

static uintptr_t aside_next = PF_ASIDE_BASE;

void *pf_map_aside(size_t len, int prot, int flags, int fd, off_t offset)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t span = (len + page - 1) / page * page;
    if (span < len) {
        errno = ENOMEM; /* the rounding overflowed: no such mapping */
        return MAP_FAILED;
    }
    uintptr_t at = __atomic_fetch_add(&aside_next, span, __ATOMIC_RELAXED);
    return mmap((void *)at, len, prot, flags & ~MAP_FIXED, fd, offset);
}
