/*
 * internal.h: what the shim's files share with each other and nobody else.
 *
 * Safety classes used in the contracts below:
 *   allocation-free    never calls malloc and friends, directly or not
 *   async-signal-safe  may run in a signal handler
 *   guard held         the caller holds the recursion guard (pf_guard)
 */
#ifndef PYFAULT_INTERNAL_H
#define PYFAULT_INTERNAL_H

#include "pyfault.h"

#include <elf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct stat;

#define PF_HIDDEN __attribute__((visibility("hidden")))
#define PF_LIKELY(x) __builtin_expect(!!(x), 1)
#define PF_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* ---- the pid a forked trial shows (trialpid.c, a leaf) ----------------
 * getpid(), getppid() and kill() are interposed: a forked trial shows its
 * target the server's pid. The shim's own code asks the kernel. */
/* The kernel's pid of this process. */
pid_t pf_pid(void) PF_HIDDEN;
/* The kernel's pid of this process's parent. */
pid_t pf_ppid(void) PF_HIDDEN;
/* In a forked trial, before its target runs: show SERVER's pid. */
void pf_trialpid_become(pid_t server) PF_HIDDEN;

/* ---- jemalloc, linked in statically under a pf_je_ prefix (Makefile) -- */
void *pf_je_mallocx(size_t size, int flags);
void *pf_je_rallocx(void *ptr, size_t size, int flags);
size_t pf_je_sallocx(const void *ptr, int flags);
void pf_je_dallocx(void *ptr, int flags);
size_t pf_je_malloc_usable_size(const void *ptr);
int pf_je_mallctl(const char *name, void *oldp, size_t *oldlenp,
                  void *newp, size_t newlen);
#define PF_MALLOCX_ALIGN(a) ((int)(__builtin_ffsll((long long)(a)) - 1))
#define PF_MALLOCX_ZERO ((int)0x40)
/* jemalloc's MALLCTL_ARENAS_ALL, the arena index that names them all, as
 * mallctl names spell it */
#define PF_MALLCTL_ARENAS_ALL "4096"

/* ---- the recursion guard (guard.c, a leaf) ------------------------------
 * Per thread, initial-exec TLS: reading it never allocates. Anything the
 * shim does on its own behalf (unwinding, logging, dlsym) runs with the
 * guard held, and allocations made meanwhile pass straight through. */
extern __thread int pf_guard_depth PF_HIDDEN;
static inline bool pf_guarded(void) { return pf_guard_depth != 0; }
static inline void pf_guard_enter(void) { pf_guard_depth++; }
static inline void pf_guard_leave(void) { pf_guard_depth--; }

/* ---- regions (region.c, a leaf) ----------------------------------------
 * The calling thread's region depth (pyfault_region_enter/leave), in
 * initial-exec TLS: the `region` filter reads it without allocating. */
extern __thread int pf_region_depth PF_HIDDEN;
static inline bool pf_in_region(void) { return pf_region_depth > 0; }

/* FNV-1a of a string: an object's name in a site key. */
static inline uint64_t pf_hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

/* Mixes V into the key H. */
static inline uint64_t pf_hash_mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
    return h * 0xff51afd7ed558ccdull;
}

/* ---- the parsed spec (config.c, a leaf) --------------------------------- */
/* The parsed spec; valid once pf_ensure_init() has returned. */
extern struct pyfault_spec pf_spec PF_HIDDEN;
/* True once the spec is parsed: every exported function checks it first. */
extern int pf_ready PF_HIDDEN;
/* Whether the filters need a look at each allocation's size, stack or
 * thread (min-size, site, skip-site, dso, region). */
extern int pf_filters_active PF_HIDDEN;
/* The layer in effect (enum pyfault_layer, never AUTO); set with the spec. */
extern int pf_layer PF_HIDDEN;

/* ---- lifecycle (init.c: calls every module, called by none but through
 * pf_ensure_init) ---------------------------------------------------------- */
/* Parses the spec (exits with status 2 when malformed) and sets up the
 * control page; idempotent; allocation-free up to the spec parse. */
void pf_init_slow(void) PF_HIDDEN;
static inline void pf_ensure_init(void)
{
    if (PF_UNLIKELY(!__atomic_load_n(&pf_ready, __ATOMIC_ACQUIRE)))
        pf_init_slow();
}

/* ---- the double-free check (freemark.c) --------------------------------- */
/* This process's mark for freed blocks; 0 (nothing marked or checked)
 * until pf_freemark_init, which junk skips: its free-filling erases marks. */
extern uint64_t pf_freemark PF_HIDDEN;
/* Picks the mark. */
void pf_freemark_init(void) PF_HIDDEN;
/* Says FUNC(): double free detected, and aborts as glibc does. */
__attribute__((noreturn)) void pf_freemark_abort(const char *func) PF_HIDDEN;

/* Zeroes the first word of BLOCK (NULL allowed), fresh from jemalloc,
 * which may bear the mark of its last free. A store, not a compare: a
 * read of a block fresh from the kernel would fault its page in twice
 * (the zero page, then a copy) and stall on a cold line. */
static inline void pf_freemark_clear(void *block)
{
    if (block && __atomic_load_n(&pf_freemark, __ATOMIC_RELAXED))
        *(uint64_t *)block = 0;
}

/* Aborts when BLOCK (non-NULL) bears the mark: it was freed already. */
static inline void pf_freemark_check(void *block, const char *func)
{
    uint64_t m = __atomic_load_n(&pf_freemark, __ATOMIC_RELAXED);
    if (PF_UNLIKELY(m && *(uint64_t *)block == m))
        pf_freemark_abort(func);
}

/* pf_freemark_check, then marks BLOCK, which is about to be freed. */
static inline void pf_freemark_free(void *block, const char *func)
{
    uint64_t m = __atomic_load_n(&pf_freemark, __ATOMIC_RELAXED);
    if (m) {
        if (PF_UNLIKELY(*(uint64_t *)block == m))
            pf_freemark_abort(func);
        *(uint64_t *)block = m;
    }
}

/* ---- the pymem layer (pymem.c) -----------------------------------------
 * Hooks around CPython's PEP 445 allocator domains. */
/* Depth of pymem hooks forwarding on this thread: a libc call made while
 * it is non-zero is the hook's own, and never counted again. */
extern __thread int pf_pymem_depth PF_HIDDEN;
/* Non-zero until the interpreter reports Py_IsInitialized(): libc calls
 * made outside the hooks meanwhile check that CPython has not replaced
 * them (PYTHONMALLOC, -X dev, its temporary default-allocator windows). */
extern int pf_pymem_watching PF_HIDDEN;
/* Is CPython's PEP 445 API in this process? Allocation-free. */
bool pf_pymem_available(void) PF_HIDDEN;
/* Wraps the three domains' allocators. Guard held; once, at start-up. */
void pf_pymem_install(void) PF_HIDDEN;
/* Re-wraps any domain CPython replaced since. Called by the libc layer
 * while pf_pymem_watching, outside the hooks; takes the guard itself. */
void pf_pymem_recheck(void) PF_HIDDEN;
/* pyfault_pymem_hooked(): 1 when every domain's chain reaches a hook, 0
 * when one does not, -1 outside the pymem layer. GIL held. */
int pf_pymem_hooked(void) PF_HIDDEN;

/* ---- the control page (ctl.c) ------------------------------------------
 * pf_page is never NULL after init: a private static page when there is
 * no PYFAULT_CTL, the shared mapping when there is. */
extern struct pyfault_ctl *pf_page PF_HIDDEN;
/* Maps PYFAULT_CTL if set and unclaimed; else keeps the private page. */
void pf_ctl_attach(void) PF_HIDDEN;
/* In a forked child: go back to a private copy of the counters. */
void pf_ctl_detach_after_fork(void) PF_HIDDEN;
/* Whether a supervisor reads this process's counters (a shared page). */
bool pf_ctl_watched(void) PF_HIDDEN;

/* ---- the decision (decide.c) ------------------------------------------ */
enum pf_func {
    PF_MALLOC, PF_CALLOC, PF_REALLOC, PF_REALLOCARRAY, PF_POSIX_MEMALIGN,
    PF_ALIGNED_ALLOC, PF_MEMALIGN, PF_VALLOC, PF_PVALLOC,
    /* the pymem layer: PF_RAW_MALLOC + 3 * domain + operation */
    PF_RAW_MALLOC, PF_RAW_CALLOC, PF_RAW_REALLOC,
    PF_MEM_MALLOC, PF_MEM_CALLOC, PF_MEM_REALLOC,
    PF_OBJ_MALLOC, PF_OBJ_CALLOC, PF_OBJ_REALLOC,
};
/* Counts one allocation and says whether to fail it. Not guarded: call it
 * only when !pf_guarded(); takes the guard itself where it must. */
bool pf_should_fail(size_t size, enum pf_func func) PF_HIDDEN;
/* Sets up the site filters the spec names, once, at start-up (before any
 * thread can ask). Allocation-free. */
void pf_decide_init(void) PF_HIDDEN;

/* ---- the plan's sequence lock (plan.c) ---------------------------------- */
/* Replaces the active plan (API and set_nomemory); one in-process writer
 * at a time. Allocation-free. */
void pf_plan_publish(const struct pyfault_plan *plan) PF_HIDDEN;
/* Copies PAGE's plan consistently into OUT (seqlock reader; waits out a
 * writer). Allocation-free. */
void pf_plan_load(struct pyfault_ctl *page, struct pyfault_plan *out) PF_HIDDEN;
/* Before fork: a consistent copy of the plan (waits a bounded time for a
 * writer). Allocation-free. */
void pf_plan_prefork(void) PF_HIDDEN;
/* In the child, after pf_ctl_detach_after_fork: the private page gets the
 * copy and an even sequence number (count-only if no copy could be
 * taken). Allocation-free. */
void pf_plan_postfork_child(void) PF_HIDDEN;

/* ---- failure streaks (streak.c) --------------------------------------- */
/* Frames of a failure's stack that name its site (hashed for the streak). */
#define PF_SITE_HASH_FRAMES 16
/* Counts a failure at the site IPS into the streak, the calling thread's
 * own loop of up to four sites; records the site's frames in PAGE. Guard
 * held; allocation-free. */
void pf_streak_record(struct pyfault_ctl *page, const uintptr_t *ips, int nips) PF_HIDDEN;
/* An eligible allocation succeeded: the calling thread's streak is over
 * (the page's too, if it had one). Allocation-free. */
void pf_streak_success(struct pyfault_ctl *page) PF_HIDDEN;

/* ---- the call-site table of a counting run (sites.c) ------------------- */
/* Set once sites=PATH is open: every eligible allocation is recorded. */
extern int pf_sites_on PF_HIDDEN;
/* Opens sites=PATH and maps the key table; reports and stays off on
 * failure. Once, at start-up. */
void pf_sites_open(void) PF_HIDDEN;
/* Records eligible allocation N, whose stack is IPS[0..NIPS): its line
 * goes out when it is among the first sites-k of its key. Guard held;
 * allocation-free. */
void pf_sites_record(uint64_t n, const uintptr_t *ips, int nips) PF_HIDDEN;
/* In a forked child: stop recording (its count is its own). */
void pf_sites_after_fork(void) PF_HIDDEN;
/* The site key of a process's first injected failure, whose stack is
 * IPS[0..NIPS), into PAGE: the caller's function, offset and object, the
 * Python file:line on top, and the stack's key as above (published
 * last, with release order). Call once, from the thread that set
 * first_injected. Guard held; allocation-free. */
void pf_sites_fail_key(struct pyfault_ctl *page, const uintptr_t *ips, int nips) PF_HIDDEN;

/* ---- the Python frame on top (pyframe.c) -------------------------------- */
/* The calling thread's innermost complete Python frame: its co_filename
 * into FILE (the tail when longer) and its line into *LINE. False, with
 * FILE "" and *LINE 0, outside CPython 3.11, without a thread state or on
 * anything unreadable. Allocation-free, runs no Python; any thread. */
bool pf_pyframe_top(char *file, size_t filelen, uint32_t *line) PF_HIDDEN;

/* ---- big blocks (bigblock.c) ------------------------------------------ */
/* glibc serves a block of this size or more from a mapping of its own
 * (its largest mmap threshold on 64 bits); so does the shim. */
#define PF_BIG_MIN ((size_t)32 << 20)
/* A block of SIZE (>= PF_BIG_MIN) in a mapping of its own, zeroed, 16
 * bytes into its first page; NULL when the kernel refuses it. */
void *pf_big_alloc(size_t size) PF_HIDDEN;
/* Whether P (any pointer the allocator family gave, or NULL) is a big
 * block. Reads nothing outside P's own page. */
bool pf_big_is(void *p) PF_HIDDEN;
/* Unmaps big block P. */
void pf_big_free(void *p) PF_HIDDEN;
/* Big block P remapped to hold SIZE (>= PF_BIG_MIN); NULL when refused,
 * P then untouched. */
void *pf_big_realloc(void *p, size_t size) PF_HIDDEN;
/* What big block P can hold: its mapping less the header. */
size_t pf_big_usable(void *p) PF_HIDDEN;

/* ---- a forked trial's bulk copy (precopy.c) ----------------------------- */
/* Whether this forked trial still polls its faults (once true, from
 * pf_precopy_arm until the copy is made). */
extern bool pf_precopy_armed PF_HIDDEN;
/* In a forked trial, before its target runs on: notes its faults so far
 * and arms the poll (not under no-precopy, nor past PRECOPY_MAX_BYTES of
 * private resident memory). */
void pf_precopy_arm(void) PF_HIDDEN;
/* While armed, at every allocation that goes through (not failed), every
 * 256th: once the trial has taken PRECOPY_FAULTS faults since its start,
 * populates every resident page of its anonymous private writable
 * mappings and writes "precopied". Allocation-free. */
void pf_precopy_poll(void) PF_HIDDEN;

/* ---- the fork server (forksrv.c) --------------------------------------- */
/* The eligible allocation to stop at next; 0 = none (no server). */
extern uint64_t pf_fork_next PF_HIDDEN;
/* Reads PYFAULT_FORK_FD and the supervisor's first NEXT. Once, at
 * start-up, guard held. */
void pf_forksrv_open(void) PF_HIDDEN;
/* At eligible allocation N == pf_fork_next: reports it, forks the trials
 * asked for, and takes the next stop. Returns in the server, and in each
 * trial (which then decides N under its own page and plan: reload
 * pf_page). Guard held; allocation-free. */
void pf_forksrv_serve(uint64_t n) PF_HIDDEN;
/* In the child of the target's own fork(): it serves nobody (the trials
 * are raw clones, which run no fork handlers). */
void pf_forksrv_after_fork(void) PF_HIDDEN;
/* In a forked trial: its children are to inherit SPEC and CTL_PATH as an
 * exec'd trial's do, not the server's (trialenv.c). */
void pf_trialenv_adopt(const char *spec, const char *ctl_path) PF_HIDDEN;
/* At start-up, under trial-stdio: stdin /dev/null, stdout and stderr
 * pipes relayed to the streams given, unless they are so already
 * (trialstdio.c). Guard held; allocation-free. */
void pf_trial_stdio(void) PF_HIDDEN;
/* At start-up: looks up libc's execvpe, which execvp's wrapper may then
 * call in a vfork child. Guard held. */
void pf_trialenv_init(void) PF_HIDDEN;
/* When the fork service (OWN_FD) opens: notes the harness's stdout and
 * stderr pipes (fds 1 and 2 then), which each trial gets its own of, and
 * the stateful descriptors it inherited, which every trial inherits. */
void pf_fds_note_start(int own_fd) PF_HIDDEN;
/* In the fork server at a stop: notes its regular files and directories
 * with their offsets (a nameless file: to copy), and where it holds the
 * harness's pipes (fdprivate.c). Returns the PYFAULT_FORK_UNSAFE_* bits
 * of why a trial could not have all to itself: DESCRIPTOR for a pipe,
 * socket, terminal or anonymous inode of the target's own (not OWN_FD,
 * libunwind's pipe, nor one it started with), nameless files too large
 * to copy, more files than the table holds or too few free numbers;
 * LOCK for a file lock held. */
int64_t pf_fds_note(int own_fd) PF_HIDDEN;
/* In a forked trial: its own description of each file noted, at the
 * noted offset (a nameless one copied first), and OUT and ERR, its
 * pipes, wherever the server held the harness's; then its channels,
 * counters and sets. Returns the first that could not be made its own
 * (fdplace.c), or NULL when all were. */
const struct pf_place_failure *pf_fds_privatise(int out, int err) PF_HIDDEN;
/* Whether a trial forked at this stop copies a nameless file or the
 * bytes queued in a pipe or socket pair: the server must not run on (and
 * write into it, or read from it) before the trial has its copy. */
bool pf_fds_copying(void) PF_HIDDEN;
/* Whether our FD and process OTHER's OTHER_FD are one open description
 * (kcmp(2); false when it cannot tell). */
bool pf_fd_one_description(int fd, pid_t other, int other_fd) PF_HIDDEN;
/* Whether FD's /proc link starts with PREFIX ("pipe:" for an anonymous
 * pipe, "anon_inode:[eventpoll]" for an epoll set; at most 63 bytes). */
bool pf_fd_link_starts(int fd, const char *prefix) PF_HIDDEN;
/* Reads FD's /proc/self/fdinfo whole into BUF (SIZE bytes, NUL ended);
 * its length, or -1 when it cannot be read or does not fit. */
ssize_t pf_fdinfo_read(int fd, char *buf, size_t size) PF_HIDDEN;
/* The number after KEY in TEXT (up to END), parsed in BASE; false when
 * KEY is missing or no number follows it. */
bool pf_fdinfo_field(const char *text, const char *end, const char *key, int base,
                     unsigned long long *out) PF_HIDDEN;
/* Whether every process the shim started in under the server's spec
 * (its children and theirs: "start" in its log) has ended with a
 * "summary", each counting well below N eligible allocations, so that
 * none could have failed at N in an exec'd trial (childlog.c). False
 * when it cannot tell. */
bool pf_childlog_below(uint64_t n) PF_HIDDEN;
/* A description a forked trial could not be given of its own (fdplace.c):
 * WHAT it was to be, the number it was for, and errno then. */
struct pf_place_failure {
    const char *what;
    int fd;
    int err;
};
/* Forgets the last failure: before a trial's descriptions are placed. */
void pf_place_reset(void) PF_HIDDEN;
/* Notes WHAT at FD (with errno) as the failure, unless one came first.
 * Returns false, for its callers to return. */
bool pf_place_failed(const char *what, int fd) PF_HIDDEN;
/* The first failure noted since pf_place_reset, or NULL. */
const struct pf_place_failure *pf_place_failure(void) PF_HIDDEN;
/* Puts FROM's description at FD too, with CLOEXEC; false (noted as WHAT)
 * when it cannot. */
bool pf_fd_put(int from, int fd, bool cloexec, const char *what) PF_HIDDEN;
/* Puts FRESH, a description just made for the trial, at FD and closes
 * FRESH; false (noted as WHAT, with the errno of the making) when FRESH
 * is -1 or it cannot be put. */
bool pf_fd_place(int fresh, int fd, bool cloexec, const char *what) PF_HIDDEN;
/* At a stop, before noting: forgets the last stop's channels, counters
 * and sets (fdchannel.c, fdeventfd.c, fdepoll.c). */
void pf_channels_reset(void) PF_HIDDEN;
void pf_eventfds_reset(void) PF_HIDDEN;
void pf_epolls_reset(void) PF_HIDDEN;
/* Notes FD (of ST, CLOEXEC its flag), a pipe or socket the target made,
 * for each trial to have a new one with its queued bytes; false when it
 * cannot be (not an anonymous pipe nor an AF_UNIX stream socket whose
 * peer is its own, too much queued, the tables full). */
bool pf_channel_note(int fd, const struct stat *st, int cloexec) PF_HIDDEN;
/* After the noting pass: whether every socket noted had its peer noted. */
bool pf_channels_complete(void) PF_HIDDEN;
/* Whether any pipe or socket pair was noted at this stop. */
bool pf_channels_noted(void) PF_HIDDEN;
/* Whether FD is an eventfd counter. */
bool pf_is_eventfd(int fd) PF_HIDDEN;
/* Notes eventfd FD's value and mode (CLOEXEC its flag) for each trial
 * to have a counter of its own; false when it cannot (no semaphore mode
 * in fdinfo, the table full). */
bool pf_eventfd_note(int fd, int cloexec) PF_HIDDEN;
/* Whether FD is an epoll set. */
bool pf_is_epoll(int fd) PF_HIDDEN;
/* Notes epoll set FD's registrations for each trial to build a set of
 * its own; false when it cannot (edge-triggered or one-shot, a number
 * that no longer holds its file, a set in the set, the tables full). */
bool pf_epoll_note(int fd, int cloexec) PF_HIDDEN;
/* In a forked trial, after its files: a new pipe or socket pair for each
 * noted, queued bytes copied, at the same numbers and flags; a new
 * eventfd for each counter, with its value; then a new epoll set for
 * each, with the same registrations. A failure is noted (fdplace.c). */
void pf_channels_privatise(void) PF_HIDDEN;
void pf_eventfds_privatise(void) PF_HIDDEN;
void pf_epolls_privatise(void) PF_HIDDEN;

/* ---- call stacks and symbols (unwind.c, symtab.c) ---------------------- */
#define PF_MAX_FRAMES 256
/* Raw return addresses of the caller's stack, the shim's frames dropped.
 * Guard held; allocation-free once warmed up. */
int pf_backtrace(uintptr_t *ips, int max) PF_HIDDEN;
/* Is IP inside the shim's own text? Allocation-free, async-signal-safe. */
bool pf_ip_in_shim(uintptr_t ip) PF_HIDDEN;
/* Warms libunwind up (its caches allocate once). Guard held. */
void pf_unwind_warmup(void) PF_HIDDEN;
/* Does any of IPS lie inside function NAME? Resolves NAME lazily, again
 * whenever a library was loaded since the last miss, under the loader's
 * lock; a resolved site is read without a lock (release/acquire). Any
 * thread; guard held; allocation-free. */
struct pf_site;
bool pf_site_on_stack(struct pf_site *site, const uintptr_t *ips, int n) PF_HIDDEN;
struct pf_site *pf_site_new(const char *name) PF_HIDDEN; /* static slots */

/* The dso= filter (dso.c): does any of IPS lie in a loaded object whose
 * name matches pf_spec.dso? Follows objects loaded and unloaded since the
 * last call. Guard held; allocation-free. */
bool pf_dso_on_stack(const uintptr_t *ips, int n) PF_HIDDEN;
/* In a forked child: the table is built again at the next use. */
void pf_dso_after_fork(void) PF_HIDDEN;

/* Symbolizes IP into NAME (function, "" if unknown) and OBJ (object path);
 * OFF gets IP's offset into the function, REL IP less the object's load
 * bias (IP itself when no object covers it). Allocation-free; finds the
 * object with _dl_find_object and the name by binary search in its symbol
 * table's index (symindex.c); falls back on dladdr, not strictly
 * async-signal-safe, only for an object without a readable table. */
void pf_symbolize(uintptr_t ip, char *name, size_t namelen,
                  uintptr_t *off, uintptr_t *rel, char *obj, size_t objlen) PF_HIDDEN;
/* An address index over one symbol table's functions (symindex.c). */
struct pf_symindex {
    const uint32_t *order; /* symbol indices by address, then table index */
    const uint64_t *reach; /* reach[i]: the furthest end among order[0..i] */
    size_t n;
    size_t bytes;
};
/* Builds IX over the defined function symbols of SYMS (names below
 * STRS_LEN), in memory from mmap. Returns 0, or -1 (none, or no memory).
 * Allocation-free. */
int pf_symindex_build(struct pf_symindex *ix, const Elf64_Sym *syms, size_t nsyms,
                      size_t strs_len) PF_HIDDEN;
/* Builds IX over the defined data symbols (STT_OBJECT, sized) of SYMS,
 * as pf_symindex_build does over functions. */
int pf_symindex_build_data(struct pf_symindex *ix, const Elf64_Sym *syms, size_t nsyms,
                           size_t strs_len) PF_HIDDEN;
/* Does an indexed symbol start at REL? Pure. */
bool pf_symindex_starts(const struct pf_symindex *ix, const Elf64_Sym *syms,
                        uint64_t rel) PF_HIDDEN;
/* Is ADDR the first byte of a data symbol of a loaded object (its
 * .symtab, or its debug file's found by build id)? Then *OBJ is a hash of
 * the object's path and *REL ADDR less its load bias. Allocation-free. */
bool pf_symtab_data_start(uintptr_t addr, uint64_t *obj, uintptr_t *rel) PF_HIDDEN;
/* sites-data: a hash of the static objects the frames of the current
 * stack hold in callee-saved registers (sitedata.c); 0 for none. Skips
 * the shim's own frames. Allocation-free. */
uint64_t pf_sitedata_context(int depth) PF_HIDDEN;
/* The table index of the first function symbol, in table order, whose
 * [st_value, st_value + max(st_size, 1)) holds REL; -1 when none does.
 * Pure. */
long pf_symindex_find(const struct pf_symindex *ix, const Elf64_Sym *syms, uint64_t rel) PF_HIDDEN;
/* The same answer by a walk over the table, for a table left without an
 * index (no memory for one). Pure. */
long pf_symtab_walk(const Elf64_Sym *syms, size_t nsyms, size_t strs_len, uint64_t rel) PF_HIDDEN;
/* Builds the symbol index of every loaded object not indexed yet: done
 * where the fork server stops, so that no forked trial pays for it. */
void pf_symtab_prepare(void) PF_HIDDEN;
/* An address range [start, end). */
struct pf_range {
    uintptr_t start, end;
};
/* Whether the call that return address IP returns to lies in R: a return
 * address points past its call, so the call itself is IP - 1. */
static inline bool pf_range_has_call(const struct pf_range *r, uintptr_t ip)
{
    return ip - 1 >= r->start && ip - 1 < r->end;
}
/* Finds function NAME, and the clones the compiler split off it (NAME.part.0,
 * NAME.cold, ...), in the first loaded object that has it: up to MAX ranges.
 * Returns how many were found. */
int pf_symtab_find(const char *name, struct pf_range *ranges, int max) PF_HIDDEN;

/* ---- the event log (log.c) ---------------------------------------------
 * Heap-free: a stack buffer and write(2). Async-signal-safe. */
struct pf_buf {
    char data[8192];
    size_t len;
};
void pf_buf_str(struct pf_buf *b, const char *s) PF_HIDDEN;
void pf_buf_json_str(struct pf_buf *b, const char *s) PF_HIDDEN; /* quoted */
void pf_buf_u64(struct pf_buf *b, uint64_t v) PF_HIDDEN;
void pf_buf_i64(struct pf_buf *b, int64_t v) PF_HIDDEN;
void pf_buf_hex(struct pf_buf *b, uint64_t v) PF_HIDDEN; /* "0x..." */
/* Appends ,"frames":[...] for IPS, symbolized. */
void pf_buf_frames(struct pf_buf *b, const uintptr_t *ips, int n) PF_HIDDEN;
/* Opens the log named by the spec (O_APPEND, a high fd); -1 when none. */
void pf_log_open(void) PF_HIDDEN;
/* Writes B plus a newline to the log in one write(2), if there is a log. */
void pf_log_write(struct pf_buf *b) PF_HIDDEN;
/* The log's descriptor (reopened by name if the target took it), or -1. */
int pf_log_fd(void) PF_HIDDEN;
bool pf_log_enabled(void) PF_HIDDEN;
/* Makes FD (open for appending) the log from now on, closing the old one;
 * a forked trial's own log. */
void pf_log_adopt(int fd) PF_HIDDEN;
/* Writes P[0..LEN) to FD, over short writes; gives up on an error.
 * Async-signal-safe. */
void pf_write_all(int fd, const char *p, size_t len) PF_HIDDEN;
/* Writes one line on stderr. */
void pf_stderr(const char *a, const char *b) PF_HIDDEN;


/* ---- the shim's descriptors (fdhigh.c) --------------------------------- */
/* FD moved to the highest free number below min(RLIMIT_NOFILE, 1024),
 * close-on-exec, the old number closed; FD itself when there is no room
 * up there. Async-signal-safe. */
int pf_fd_move_high(int fd) PF_HIDDEN;
/* libunwind's text: its pipe2 calls get high numbers (fdhigh.c). */
void pf_fd_note_unwinder(uintptr_t lo, uintptr_t hi) PF_HIDDEN;
bool pf_fd_from_unwinder(uintptr_t ip) PF_HIDDEN;
/* "/proc/self/DIR/FD" (DIR: "fd", "fdinfo"), on the stack: pf_buf is
 * 8 KiB, and the stack the target's. */
struct pf_proc_path {
    char path[40];
};
struct pf_proc_path pf_fd_proc_path(const char *dir, int fd) PF_HIDDEN;
/* libunwind's pipe, as pipe2 made it for the unwinder; whether FD is
 * one of its ends (not the target's). */
void pf_fd_note_unwinders_pipe(const int fds[2]) PF_HIDDEN;
bool pf_fd_is_unwinders(int fd) PF_HIDDEN;

/* ---- files the shim appends to all run long (heldfile.c) -------------- */
/* One such file: its descriptor (atomic: read by every writer, replaced
 * by the one that reopens), what it held when opened, and its absolute
 * name to reopen it by ("" = cannot) with REOPEN_FLAGS. */
struct pf_held_file {
    int fd;
    int reopen_flags;
    dev_t dev;
    ino_t ino;
    char path[PYFAULT_PATH_MAX];
};
/* PATH opened to append to (FLAGS: O_CREAT, O_NOFOLLOW...), close-on-exec,
 * without waiting for a FIFO's reader. Returns the fd or -1 (errno). */
int pf_open_for_append(const char *path, int flags) PF_HIDDEN;
/* Notes what FD is (its identity and absolute name, else FALLBACK_PATH)
 * and publishes it as H's descriptor. False, H unchanged, when FD cannot
 * be examined. */
bool pf_held_install(struct pf_held_file *h, int fd, const char *fallback_path) PF_HIDDEN;
/* H's descriptor, reopened by name when its number no longer holds H's
 * file (closed, or the target's now); -1 when there is none.
 * Async-signal-safe. */
int pf_held_current(struct pf_held_file *h) PF_HIDDEN;

/* ---- events (events.c) ------------------------------------------------- */
void pf_event_start(void) PF_HIDDEN;
void pf_event_fail(uint64_t n, size_t size, enum pf_func func,
                   const uintptr_t *ips, int nips) PF_HIDDEN;
void pf_event_summary(void) PF_HIDDEN;
/* Before an exec: "exec" with the eligible count so far, the end of this
 * image, from the process that wrote "start" only (not a vfork child).
 * Allocation-free, safe in a vfork child. */
void pf_event_exec(void) PF_HIDDEN;
/* After an exec that failed: "start" again, the image runs on. The same
 * conditions. */
void pf_event_exec_failed(void) PF_HIDDEN;
/* A forked trial writes as the log's process from here on (it wrote no
 * "start": its log was adopted, forksrv.c). */
void pf_event_adopted(void) PF_HIDDEN;
/* At _exit: "summary", as the destructor would have written it, from the
 * log's process only (not a vfork child). Allocation-free. */
void pf_event_exit(void) PF_HIDDEN;
/* Ends the process at once with STATUS: no summary, no handlers (the
 * shim's own exits, quickexit.c). */
_Noreturn void pf_exit_now(int status) PF_HIDDEN;
/* The record of a forked trial that could not be given its own of what
 * the server held at FD: WHAT, and ERR's name. Allocation-free. */
void pf_event_unforked(const char *what, int fd, int err) PF_HIDDEN;
/* A forked trial that copied the server's pages in one go: the FAULTS it
 * had taken since its start, and the PAGES it populated. Allocation-free. */
void pf_event_precopied(long faults, long pages) PF_HIDDEN;
/* Name of FUNC for the log: "malloc", "calloc", "PyObject_Malloc", ... */
const char *pf_func_name(enum pf_func func) PF_HIDDEN;
/* The crash record: signal SIG at ADDR (0: not a fault), interrupted stack
 * pointer SP, the unwound IPS, and the calling thread (the one that
 * crashed). Async-signal-safe, allocation-free. */
void pf_event_crash(int sig, const char *signame, uintptr_t addr, uintptr_t sp,
                    bool overflow, bool depth_capped, const uintptr_t *ips, int nips) PF_HIDDEN;

/* ---- memory that may be unmapped (safemem.c, a leaf) ------------------- */
/* Copies LEN bytes at SRC into DST if every one is readable; false, and no
 * fault, if not. Async-signal-safe, allocation-free, keeps errno. */
bool pf_mem_read(void *dst, uintptr_t src, size_t len) PF_HIDDEN;

/* ---- the lines of /proc/self/maps (mapswalk.c, a leaf) ---------------- */
/* Bytes kept of a mapping's path, its NUL included. */
#define PF_MAPS_PATH 256
/* One mapping: "start-end perms offset dev inode path". */
struct pf_maps_line {
    uint64_t start, end;         /* [start, end) */
    uint64_t offset;             /* the file offset mapped at start */
    uint64_t inode;              /* 0 for anonymous memory */
    char perms[4];               /* "rw-p": not NUL-terminated */
    char path[PF_MAPS_PATH];     /* "", "[heap]", a file's path (a " (deleted)" kept) */
    bool path_cut;               /* the path was longer than PF_MAPS_PATH - 1 */
};
/* Called on each mapping; returns false to stop the walk. */
typedef bool (*pf_maps_visit)(const struct pf_maps_line *line, void *arg);
/* Calls VISIT on each well-formed line read from FD (maps text) in order;
 * false only when VISIT stopped it. Allocation-free, async-signal-safe. */
bool pf_maps_walk_fd(int fd, pf_maps_visit visit, void *arg) PF_HIDDEN;
/* pf_maps_walk_fd over /proc/self/maps (true, no call, if it cannot be
 * opened). Allocation-free, async-signal-safe, keeps errno. */
bool pf_maps_walk(pf_maps_visit visit, void *arg) PF_HIDDEN;

/* ---- the shim's own mappings (aside.c, a leaf) ------------------------ */
/* mmap(2) of LEN bytes (PROT, FLAGS without MAP_FIXED, FD, OFFSET) at an
 * address claimed from a range far below the kernel's own placement, so
 * that the target's later mappings land where they would without it;
 * where the kernel cannot honour it, where it would have put it anyway.
 * MAP_FAILED on failure. Async-signal-safe, allocation-free. */
void *pf_map_aside(size_t len, int prot, int flags, int fd, off_t offset) PF_HIDDEN;

/* ---- alternate signal stacks (altstack.c) ------------------------------ */
/* Set once the calling thread's alternate stack was seen to (initial-exec
 * TLS: the test on every allocation is one load). */
extern __thread int pf_altstack_checked PF_HIDDEN;
/* Gives the calling thread an mmap'd alternate signal stack if the crash
 * handlers are in and it has none; unmapped at thread exit. Not guarded
 * (takes the guard itself); allocation-free. */
void pf_altstack_setup(void) PF_HIDDEN;
static inline void pf_altstack_ensure(void)
{
    if (PF_UNLIKELY(!pf_altstack_checked))
        pf_altstack_setup();
}
/* With the crash handlers: from now on every thread gets one, the calling
 * thread at once. Guard held; once. */
void pf_altstack_install(void) PF_HIDDEN;

/* ---- fatal signals (crash.c) ------------------------------------------ */
/* Installs the handlers on an alternate stack; records the main thread's
 * stack bounds for the guard-region test. Call once at init. */
void pf_crash_install(void) PF_HIDDEN;

#endif /* PYFAULT_INTERNAL_H */
