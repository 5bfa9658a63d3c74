/*
 * bigblock.c: blocks of PF_BIG_MIN (32 MiB) or more, given a mapping of
 * their own as glibc gives them.
 *
 * glibc maps such a block whole (its size and a 16-byte header, rounded to
 * pages), unmaps it at free and grows it with mremap. jemalloc maps the
 * block's size class instead, up to a quarter more, and grows it by
 * copying into a second one: invisible but for RLIMIT_AS (`ulimit -v`),
 * where the shim then refused blocks glibc grants. A big block's header
 * holds its mapping's length and a key: the process's secret mixed with
 * the block's address. A pointer is tested only when it sits 16 bytes
 * into a page (as every big block does), where its header shares its page
 * and can always be read; a jemalloc block there holds no key unless it
 * guessed the secret.
 */
#include "internal.h"

#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <unistd.h>

struct big_header {
    uint64_t key;
    uint64_t map_len;
};
_Static_assert(sizeof(struct big_header) == 16, "glibc's chunk header, max_align_t's size");

static uint64_t secret;   /* 0 until the first big block */
static size_t page;       /* set before the secret */

static size_t page_size(void)
{
    return __atomic_load_n(&page, __ATOMIC_RELAXED);
}

static uint64_t key_of(const void *p)
{
    return pf_hash_mix(__atomic_load_n(&secret, __ATOMIC_ACQUIRE), (uint64_t)(uintptr_t)p);
}

static struct big_header *header_of(void *p)
{
    return (struct big_header *)((char *)p - sizeof(struct big_header));
}

/* The mapping's length for a block of SIZE; 0 on overflow. */
static size_t map_len_for(size_t size)
{
    size_t len;
    if (__builtin_add_overflow(size, sizeof(struct big_header) + page_size() - 1, &len))
        return 0;
    return len & ~(page_size() - 1);
}

/* Sets the secret, once: two threads making their first big blocks at
 * once agree on the first one's (a block keyed with a secret that was
 * then replaced would not be known at its free). */
static void init_once(void)
{
    if (__atomic_load_n(&secret, __ATOMIC_ACQUIRE))
        return;
    __atomic_store_n(&page, (size_t)sysconf(_SC_PAGESIZE), __ATOMIC_RELAXED);
    const unsigned char *random = (const unsigned char *)getauxval(AT_RANDOM);
    uint64_t s = 0x5046426967426c6bull;
    if (random)
        memcpy(&s, random, sizeof s);
    /* never 0: 0 says no big block was ever made */
    uint64_t none = 0, mine = pf_hash_mix(s, (uint64_t)(uintptr_t)&s) | 1;
    __atomic_compare_exchange_n(&secret, &none, mine, false, __ATOMIC_ACQ_REL,
                                __ATOMIC_ACQUIRE);
}

bool pf_big_is(void *p)
{
    if (PF_LIKELY(!__atomic_load_n(&secret, __ATOMIC_ACQUIRE)) || !p)
        return false;
    if (((uintptr_t)p & (page_size() - 1)) != sizeof(struct big_header))
        return false;
    return header_of(p)->key == key_of(p);
}

/* Writes P's header for a mapping of LEN bytes at BASE; returns P. */
static void *publish(char *base, size_t len)
{
    void *p = base + sizeof(struct big_header);
    struct big_header *h = header_of(p);
    h->map_len = len;
    h->key = key_of(p);
    return p;
}

void *pf_big_alloc(size_t size)
{
    init_once();
    size_t len = map_len_for(size);
    if (!len)
        return NULL;
    char *base = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    return base == MAP_FAILED ? NULL : publish(base, len);
}

void pf_big_free(void *p)
{
    /* a second free reads an unmapped header and faults, as glibc's does */
    struct big_header *h = header_of(p);
    munmap(h, h->map_len);
}

void *pf_big_realloc(void *p, size_t size)
{
    struct big_header *h = header_of(p);
    size_t len = map_len_for(size);
    if (!len)
        return NULL;
    char *base = mremap(h, h->map_len, len, MREMAP_MAYMOVE);
    return base == MAP_FAILED ? NULL : publish(base, len);
}

size_t pf_big_usable(void *p)
{
    return header_of(p)->map_len - sizeof(struct big_header);
}
