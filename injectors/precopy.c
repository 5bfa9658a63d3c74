/*
 * precopy.c: a forked trial that has begun writing the server's memory
 * copies the rest of it in one go.
 *
 * A forked trial shares the server's pages until it writes them, and
 * each first write is a copy-on-write fault. A trial that runs on to
 * CPython's finalization writes nearly every page the server holds (the
 * collector writes every tracked object's header): on a dozen-import
 * script's body, a forked trial took about as many minor faults as the
 * server had resident private pages. Faults one by one cost more than
 * one MADV_POPULATE_WRITE over the same pages, and much more when the
 * trials and the server fault on shared pages side by side (-j 3 on 2
 * cores: 288 ms a trial against 135 ms, bench/precopy.sh).
 *
 * The trial decides for itself, as it goes: once it has taken
 * PRECOPY_FAULTS faults since its start, it populates every page still
 * resident in its anonymous private writable mappings (mincore: never a
 * page the server had not touched, which would cost memory for nothing;
 * never a file's mapping, below). It looks
 * at allocations that go through only: one that fails every allocation
 * (an unwind loop until its verdict, a persistent plan's error path to a
 * fatal error) rarely reaches a finalization, and copying cost start-up
 * sweeps 12% in persistent mode. A trial that ends or crashes within its
 * first steps never gets there and pays only the polls. The contents of memory are the same either way: only
 * when the copies are made changes, never what the target reads or how
 * it counts (no allocation here).
 */
#include "internal.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

/* pages looked at by one mincore call (its vector is static) */
#define MINCORE_CHUNK 4096
/* /proc/self/maps is read in pieces this long; a line is shorter */
#define MAPS_PIECE 8192

/* Faults a trial takes before it copies the rest: about the trial's first
 * steps after its point (the budget was measured, bench/precopy.sh: at a
 * quarter of the private pages, a trial of a dozen-import script's body
 * met finalization's collection first, which writes every tracked object,
 * and copied nearly nothing in one go) */
#define PRECOPY_FAULTS 128
/* Past this much private memory, a trial goes on faulting: -j copies of a
 * heap it may not write all of (a large buffer) would cost memory */
#define PRECOPY_MAX_BYTES (256L << 20)

/* how often the poll reads the trial's faults (a power of two) */
#define POLL_EVERY 256

bool pf_precopy_armed PF_HIDDEN;
static unsigned long polls;
static long faults_at_start;
static long page_size;

/* This process's minor faults so far, or -1. */
static long minor_faults(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_minflt : -1;
}

/* Resident pages not shared with a file (statm: resident - shared), or -1. */
static long private_resident_pages(void)
{
    char buf[128];
    int fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t got = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (got <= 0)
        return -1;
    buf[got] = '\0';
    unsigned long size, resident, shared;
    char *p = buf;
    size = strtoul(p, &p, 10);
    resident = strtoul(p, &p, 10);
    shared = strtoul(p, &p, 10);
    (void)size;
    return resident > shared ? (long)(resident - shared) : 0;
}

void pf_precopy_arm(void)
{
    if (pf_spec.no_precopy)
        return;
    page_size = sysconf(_SC_PAGESIZE);
    long pages = private_resident_pages();
    faults_at_start = minor_faults();
    if (pages <= 0 || pages > PRECOPY_MAX_BYTES / page_size || faults_at_start < 0 ||
        page_size <= 0)
        return;
    __atomic_store_n(&pf_precopy_armed, true, __ATOMIC_RELEASE);
}

/* Populates the resident pages of [start, end) for writing, in runs;
 * returns how many pages it asked for. */
static long populate_resident(uintptr_t start, uintptr_t end)
{
    static unsigned char vec[MINCORE_CHUNK];
    long asked = 0;
    for (uintptr_t at = start; at < end;) {
        size_t pages = (end - at) / (uintptr_t)page_size;
        if (pages > MINCORE_CHUNK)
            pages = MINCORE_CHUNK;
        if (mincore((void *)at, pages * (size_t)page_size, vec) != 0)
            return asked;
        for (size_t i = 0; i < pages;) {
            if (!(vec[i] & 1)) {
                i++;
                continue;
            }
            size_t run = i;
            while (run < pages && (vec[run] & 1))
                run++;
            /* errors (a mapping that went away, an old kernel) only
             * leave the faults to happen as they would have */
            madvise((void *)(at + i * (uintptr_t)page_size), (run - i) * (size_t)page_size,
                    MADV_POPULATE_WRITE);
            asked += (long)(run - i);
            i = run;
        }
        at += pages * (uintptr_t)page_size;
    }
    return asked;
}

/* Whether a line of /proc/self/maps is an anonymous private writable
 * mapping (the heap, the allocators' arenas), and its range. Not a file's
 * private mapping: a page of it not yet written still shows what the
 * file holds now, as it would in an exec'd trial, and a copy made early
 * would stop following the file. Not the stack: it grows and faults as
 * it does. */
static bool anonymous_private_writable(const char *line, uintptr_t *start, uintptr_t *end)
{
    char *p;
    unsigned long a = strtoul(line, &p, 16);
    if (*p != '-')
        return false;
    unsigned long b = strtoul(p + 1, &p, 16);
    if (*p != ' ' || p[1] != 'r' || p[2] != 'w' || p[4] != 'p' || p[5] != ' ')
        return false;
    /* offset, device, inode: a file's mapping has an inode */
    p += 6;
    strtoul(p, &p, 16);
    while (*p == ' ')
        p++;
    while (*p && *p != ' ')
        p++;
    unsigned long inode = strtoul(p, &p, 10);
    if (inode != 0 || strstr(p, "[stack]"))
        return false;
    *start = a;
    *end = b;
    return true;
}

/* Populates every anonymous private writable mapping's resident pages;
 * returns how many pages it asked for. Reads /proc/self/maps in pieces,
 * with no allocation (this runs inside the allocation hook). */
static long populate_all(void)
{
    static char buf[MAPS_PIECE + 1];
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    long asked = 0;
    size_t held = 0;
    for (;;) {
        ssize_t got = read(fd, buf + held, MAPS_PIECE - held);
        if (got <= 0)
            break;
        held += (size_t)got;
        buf[held] = '\0';
        char *line = buf;
        char *nl;
        while ((nl = strchr(line, '\n')) != NULL) {
            *nl = '\0';
            uintptr_t a, b;
            if (anonymous_private_writable(line, &a, &b))
                asked += populate_resident(a, b);
            line = nl + 1;
        }
        held = (size_t)(buf + held - line);
        memmove(buf, line, held);
        if (held == MAPS_PIECE)
            held = 0; /* no line is that long: drop it */
    }
    close(fd);
    return asked;
}

void pf_precopy_poll(void)
{
    /* a system call every POLL_EVERY allocations that go through */
    if ((__atomic_add_fetch(&polls, 1, __ATOMIC_RELAXED) & (POLL_EVERY - 1)) != 0)
        return;
    long faults = minor_faults();
    if (faults < 0 || faults - faults_at_start < PRECOPY_FAULTS)
        return;
    /* once, whichever thread gets here first */
    if (!__atomic_exchange_n(&pf_precopy_armed, false, __ATOMIC_ACQ_REL))
        return;
    long asked = populate_all();
    pf_event_precopied(faults - faults_at_start, asked);
}
