/*
 * freemark.c: the double-free check glibc makes and jemalloc does not.
 *
 * glibc aborts on most double frees ("free(): double free detected in
 * tcache 2"); jemalloc, which serves every block under the shim, takes
 * them silently. Count-only mode would then turn an abort into a clean
 * exit, and a sweep would call a double free on an error path "ok". So
 * free writes a per-process random mark into the block's first word
 * before handing it to jemalloc (which keeps its own records elsewhere,
 * never in a freed block), finds the mark on a second free, and aborts
 * as glibc does. Each allocation zeroes its block's first word, as glibc
 * zeroes a recycled block's tcache key, so that no mark outlives a free.
 * Every jemalloc size class holds a word. jemalloc's junk-on-free (the
 * junk flag) overwrites the mark: no check under junk.
 */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>

uint64_t pf_freemark;

void pf_freemark_init(void)
{
    const unsigned char *random = (const unsigned char *)getauxval(AT_RANDOM);
    uint64_t m = 0x5046467265656421ull;
    if (random)
        memcpy(&m, random + 8, sizeof m);
    /* odd, so never 0 (no marks) and never an aligned pointer */
    __atomic_store_n(&pf_freemark, pf_hash_mix(m, (uint64_t)(uintptr_t)&m) | 1, __ATOMIC_RELAXED);
}

void pf_freemark_abort(const char *func)
{
    pf_stderr(func, "(): double free detected (pyfault)");
    abort();
}
