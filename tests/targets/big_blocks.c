/*
 * big_blocks: blocks of 32 MiB and more, through every call that makes,
 * moves or frees one, each checked as glibc's are; prints "ok" or the
 * first thing that differs, and exits 1 then. The process's first big
 * blocks are made by eight threads at once, and each must be known as
 * big when it is freed (the shim's first big block sets the secret that
 * tells them apart).
 *
 * Under glibc (and the shim, bigblock.c) such a block is a mapping of its
 * own: 16 bytes into a page, usable to the mapping's end, its contents
 * kept across realloc whichever way it crosses 32 MiB, calloc's zeroed.
 */
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MIB ((size_t)1 << 20)

static int failed;

static void expect(int ok, const char *what)
{
    if (!ok && !failed) {
        printf("%s\n", what);
        failed = 1;
    }
}

/* P holds BYTE in its first N bytes' first, middle and last byte. */
static int holds(const unsigned char *p, size_t n, unsigned char byte)
{
    return p[0] == byte && p[n / 2] == byte && p[n - 1] == byte;
}

static void mark(unsigned char *p, size_t n, unsigned char byte)
{
    p[0] = p[n / 2] = p[n - 1] = byte;
}

/* A big block's place and size, as glibc's mmapped chunks have them. */
static void expect_big(void *p, size_t size, const char *what)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t usable = malloc_usable_size(p);
    expect(p != NULL, what);
    if (!p)
        return;
    expect((uintptr_t)p % page == 16, what);
    expect(usable >= size && usable < size + page, what);
}

static pthread_barrier_t start;

/* One thread's first big block, made with the others' at once. */
static void *first_big_block(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&start);
    void *p = malloc(33 * MIB);
    expect_big(p, 33 * MIB, "a first big block made by one of eight threads");
    return p;
}

int main(void)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    pthread_t t[8];
    void *first[8];
    pthread_barrier_init(&start, NULL, 8);
    for (int i = 0; i < 8; i++)
        pthread_create(&t[i], NULL, first_big_block, NULL);
    for (int i = 0; i < 8; i++)
        pthread_join(t[i], &first[i]);
    for (int i = 0; i < 8; i++) {
        /* known as big: its usable size is its mapping's, not jemalloc's */
        expect(first[i] && malloc_usable_size(first[i]) < 34 * MIB,
               "a first big block made by one of eight threads not known at once");
        free(first[i]);
    }
    unsigned char *p = malloc(40 * MIB);
    expect_big(p, 40 * MIB, "malloc(40 MiB): not 16 bytes into a page, or usable size off");
    mark(p, 40 * MIB, 0xa5);
    /* grown in place or moved, the contents stay */
    p = realloc(p, 100 * MIB);
    expect_big(p, 100 * MIB, "realloc to 100 MiB");
    expect(p && holds(p, 40 * MIB, 0xa5), "realloc to 100 MiB lost the contents");
    mark(p, 100 * MIB, 0x5a);
    /* shrunk below 32 MiB: an ordinary block again */
    p = realloc(p, 1 * MIB);
    expect(p && p[0] == 0x5a, "realloc to 1 MiB lost the first byte");
    expect(p && malloc_usable_size(p) >= 1 * MIB, "realloc to 1 MiB: usable size short");
    mark(p, 1 * MIB, 0x3c);
    /* and back up */
    p = realloc(p, 64 * MIB);
    expect_big(p, 64 * MIB, "realloc from 1 to 64 MiB");
    expect(p && holds(p, 1 * MIB, 0x3c), "realloc from 1 to 64 MiB lost the contents");
    p = reallocarray(p, 3, 16 * MIB);
    expect_big(p, 48 * MIB, "reallocarray to 48 MiB");
    expect(p && realloc(p, 0) == NULL, "realloc(p, 0) of a big block returned a block");
    /* calloc: zeroed, the whole way */
    unsigned char *z = calloc(33, MIB);
    expect_big(z, 33 * MIB, "calloc(33, 1 MiB)");
    expect(z && holds(z, 33 * MIB, 0), "calloc(33, 1 MiB) not zeroed");
    free(z);
    /* an alignment past malloc's: jemalloc's, aligned as asked */
    void *a = NULL;
    expect(posix_memalign(&a, 2 * MIB, 40 * MIB) == 0 && (uintptr_t)a % (2 * MIB) == 0,
           "posix_memalign(2 MiB, 40 MiB) not aligned");
    free(a);
    void *v = valloc(40 * MIB);
    expect(v && (uintptr_t)v % page == 0, "valloc(40 MiB) not page-aligned");
    free(v);
    /* many at once, freed out of order */
    void *many[8];
    for (int i = 0; i < 8; i++) {
        many[i] = malloc((32 + (size_t)i) * MIB);
        expect_big(many[i], (32 + (size_t)i) * MIB, "one of eight big blocks");
    }
    for (int i = 7; i >= 0; i -= 2)
        free(many[i]);
    for (int i = 0; i < 8; i += 2)
        free(many[i]);
    if (!failed)
        printf("ok\n");
    return failed;
}
