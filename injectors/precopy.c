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
 * PRECOPY_FAULTS minor faults since its start (getrusage: copy-on-write
 * faults for the most part), it populates every page still resident in
 * its anonymous private writable mappings (mincore: never a page the
 * server had not touched, which would cost memory for nothing; never a
 * file's mapping, below), STEP_PAGES at a poll. It looks at allocations
 * that go through only: one that fails every allocation (an unwind loop
 * until its verdict, a persistent plan's way to a fatal error) rarely
 * reaches a finalization, and copying made persistent start-up sweeps
 * 12% slower. A trial that ends or crashes within its first steps never
 * gets there and pays only the polls. Nor does a trial under a seccomp
 * filter, which might refuse or punish the calls. The contents of memory
 * are the same either way, and so is errno: only when the copies are
 * made changes, never what the target reads or how it counts (no
 * allocation here).
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

/* Minor faults a trial takes before it copies the rest: about its first
 * steps after its point (measured, bench/precopy.sh: at a quarter of the
 * private pages, a trial of a dozen-import script's body met
 * finalization's collection first, which writes every tracked object,
 * and copied nearly nothing in one go) */
#define PRECOPY_FAULTS 128
/* Past this much anonymous memory (RssAnon), a trial goes on faulting:
 * -j copies of a heap it may not write all of would cost memory */
#define PRECOPY_MAX_KIB (256L << 10)
/* how often the poll reads the trial's faults (a power of two) */
#define POLL_EVERY 256
/* pages one poll copies at most (16 MiB of 4 KiB pages), and looks at
 * with mincore at most: the rest waits for the next poll, so that no
 * allocation waits long (a harness calls a trial that makes none for
 * 200 ms a stall) */
#define STEP_PAGES 4096
#define STEP_SCAN_PAGES (1L << 20)
/* pages looked at by one mincore call (its vector is static) */
#define MINCORE_CHUNK 4096

bool pf_precopy_armed PF_HIDDEN;
static unsigned long polls;
static long faults_at_start;
static long faults_at_copy;   /* 0 until the trial starts copying */
static uintptr_t resume_at;   /* the next address to look at */
static long copied;           /* pages populated so far */
static bool busy;             /* a thread is copying a step */
static long page_size;

/* This process's minor faults so far, or -1. */
static long minor_faults(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_minflt : -1;
}

/* The number after FIELD (e.g. "RssAnon:") in TEXT, or -1. */
static long status_field(const char *text, const char *field)
{
    const char *at = strstr(text, field);
    if (!at)
        return -1;
    char *end;
    long v = strtol(at + strlen(field), &end, 10);
    return end == at + strlen(field) ? -1 : v;
}

void pf_precopy_arm(void)
{
    if (pf_spec.no_precopy)
        return;
    static char status[4096];
    int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return;
    ssize_t got = read(fd, status, sizeof status - 1);
    close(fd);
    if (got <= 0)
        return;
    status[got] = '\0';
    /* a seccomp filter may refuse, or kill for, the calls the copy makes
     * (getrusage, mincore, madvise), where an exec'd trial makes none */
    long seccomp = status_field(status, "Seccomp:");
    long anon_kib = status_field(status, "RssAnon:");
    page_size = sysconf(_SC_PAGESIZE);
    faults_at_start = minor_faults();
    if (seccomp != 0 || anon_kib <= 0 || anon_kib > PRECOPY_MAX_KIB || page_size <= 0 ||
        faults_at_start < 0)
        return;
    __atomic_store_n(&pf_precopy_armed, true, __ATOMIC_RELEASE);
}

/* What a step may still do: pages to copy and pages to look at. */
struct step {
    long copy_left, scan_left;
    bool refused; /* MADV_POPULATE_WRITE is unknown here (before 5.14) */
};

/* Populates the resident pages of [start, end) for writing, in runs, as
 * far as STEP allows; returns where it stopped (END when done). */
static uintptr_t populate_resident(uintptr_t start, uintptr_t end, struct step *step)
{
    static unsigned char vec[MINCORE_CHUNK];
    uintptr_t at = start;
    while (at < end && step->copy_left > 0 && step->scan_left > 0 && !step->refused) {
        size_t pages = (end - at) / (uintptr_t)page_size;
        if (pages > MINCORE_CHUNK)
            pages = MINCORE_CHUNK;
        if (pages == 0 || mincore((void *)at, pages * (size_t)page_size, vec) != 0)
            return end; /* gone or changed under us: leave it to fault */
        step->scan_left -= (long)pages;
        size_t i = 0;
        while (i < pages && step->copy_left > 0) {
            if (!(vec[i] & 1)) {
                i++;
                continue;
            }
            size_t run = i;
            while (run < pages && (vec[run] & 1) && (long)(run - i) < step->copy_left)
                run++;
            int rc = madvise((void *)(at + i * (uintptr_t)page_size),
                             (run - i) * (size_t)page_size, MADV_POPULATE_WRITE);
            if (rc == 0) {
                copied += (long)(run - i);
                step->copy_left -= (long)(run - i);
            } else if (errno == EINVAL) {
                step->refused = true;
                return end;
            }
            i = run;
        }
        at += i * (uintptr_t)page_size;
    }
    return at;
}

/* Whether LINE is an anonymous private writable mapping (the heap, the
 * allocators' arenas). Not a file's private mapping: a page of it not yet
 * written still shows what the file holds now, as it would in an exec'd
 * trial, and a copy made early would stop following the file. Not the
 * stack: it grows and faults as it does. */
static bool anonymous_private_writable(const struct pf_maps_line *line)
{
    return line->end > line->start && line->perms[0] == 'r' && line->perms[1] == 'w' &&
           line->perms[3] == 'p' && line->inode == 0 && !strstr(line->path, "[stack]");
}

/* Copies LINE's resident pages from resume_at on as far as STEP (ARG)
 * goes; stops the walk where the step ends or the copy is refused. */
static bool copy_mapping(const struct pf_maps_line *line, void *arg)
{
    struct step *step = arg;
    uintptr_t start = (uintptr_t)line->start, end = (uintptr_t)line->end;
    if (!anonymous_private_writable(line) || end <= resume_at)
        return true;
    resume_at = populate_resident(start > resume_at ? start : resume_at, end, step);
    return !step->refused && resume_at >= end && step->copy_left > 0 && step->scan_left > 0;
}

/* One step of the copy: the resident pages of the anonymous private
 * writable mappings from resume_at on, as far as a step goes. Returns
 * true when it reached the end (or cannot go on). Allocation-free (this
 * runs inside the allocation hook). */
static bool copy_step(void)
{
    struct step step = {STEP_PAGES, STEP_SCAN_PAGES, false};
    /* where it stopped short, the next poll goes on from resume_at */
    return pf_maps_walk(copy_mapping, &step) || step.refused;
}

void pf_precopy_poll(void)
{
    /* a system call every POLL_EVERY allocations that go through */
    if ((__atomic_add_fetch(&polls, 1, __ATOMIC_RELAXED) & (POLL_EVERY - 1)) != 0)
        return;
    if (__atomic_exchange_n(&busy, true, __ATOMIC_ACQUIRE))
        return; /* another thread is at it */
    int saved = errno; /* the target's, around an allocation that succeeds */
    if (!faults_at_copy) {
        long faults = minor_faults();
        if (faults < 0 || faults - faults_at_start < PRECOPY_FAULTS) {
            errno = saved;
            __atomic_store_n(&busy, false, __ATOMIC_RELEASE);
            return;
        }
        faults_at_copy = faults - faults_at_start;
    }
    if (copy_step()) {
        __atomic_store_n(&pf_precopy_armed, false, __ATOMIC_RELEASE);
        if (copied > 0)
            pf_event_precopied(faults_at_copy, copied);
    }
    errno = saved;
    __atomic_store_n(&busy, false, __ATOMIC_RELEASE);
}
