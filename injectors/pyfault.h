/*
 * pyfault.h: the whole protocol between libpyfault.so and whoever drives it.
 *
 * Three things cross the boundary and all of them are declared here:
 *   1. the injection spec (environment variable PYFAULT) and its parser,
 *   2. the control page (a file named by PYFAULT_CTL, mapped shared),
 *   3. the exported pyfault_* C API a target can call on itself.
 * The event log written by log=PATH is documented at the end of this file.
 *
 * Nothing else from injectors/ is visible to the harness or to targets.
 */
#ifndef PYFAULT_H
#define PYFAULT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Environment
 * ------------------------------------------------------------------- */

/* The injection spec, read once at start-up. */
#define PYFAULT_ENV_SPEC "PYFAULT"
/* Path of an existing control page file (struct pyfault_ctl). Optional. */
#define PYFAULT_ENV_CTL "PYFAULT_CTL"

/* Exit status of a target whose PYFAULT spec does not parse. */
#define PYFAULT_EXIT_BADSPEC 2
/* Exit status of a forked trial that could not be given its own
 * descriptions (its "unforked" event says which); it runs none of the
 * target, and the supervisor execs its point. */
#define PYFAULT_EXIT_UNFORKED 125

/* ---------------------------------------------------------------------
 * The spec
 *
 * A comma-separated list of tokens; a key=value key at most once (a flag
 * twice means it once); at most one mode token:
 *   count            count only, never fail (the default)
 *   nth=N            fail eligible allocation N (1-based), once
 *   from=N           fail allocation N and every later one
 *   range=A:B        fail allocations A..B inclusive
 *   every=K          fail every Kth allocation (K, 2K, 3K, ...)
 *   random=P         fail each allocation with probability P (0..1);
 *   seed=S           ... decided by a hash of (S, N): same seed, same failures
 *                    (refused without random=P)
 * Filters (decide which allocations are eligible, i.e. counted for N):
 *   min-size=BYTES   only requests of at least BYTES
 *   site=SYMBOL      only allocations with SYMBOL on the call stack; the
 *                    compiler's clones of it (SYMBOL.part.0, .cold, ...)
 *                    count as SYMBOL; SYMBOL|OTHER names alternatives
 *                    (none empty: a stray '|' is refused, as in dso=)
 *   skip-site=SYMBOL never allocations with SYMBOL on the call stack
 *   dso=GLOB         only allocations with a frame on the call stack inside
 *                    a loaded object (the executable, a library, an
 *                    extension module) whose file name matches GLOB:
 *                    '*' any run of characters, '?' one, [a-z] and [!a-z]
 *                    sets, '\' quotes the next character; a GLOB with a '/'
 *                    is matched against the whole path as the loader knows
 *                    it (dlpi_name; the executable's from /proc/self/exe),
 *                    one without against its last component; GLOB|OTHER
 *                    names alternatives (no commas in GLOB). An
 *                    extension's frames are on the stack of every
 *                    allocation it makes, directly or through a library it
 *                    calls; a bundled library that calls malloc is counted
 *                    in layer=libc or layer=all. Objects loaded later
 *                    (dlopen, import) are seen, unloaded ones forgotten.
 *   region           only allocations the calling thread makes inside a
 *                    region: between pyfault_region_enter() and the
 *                    matching pyfault_region_leave() (Python: `with
 *                    pyfault.region():`); other threads' allocations
 *                    meanwhile are not eligible
 * Filters combine: an allocation is eligible when it passes every one.
 * Where allocations are counted (the layer):
 *   layer=pymem      CPython's allocator API (PEP 445): hooks around the
 *                    raw, mem and obj domains, counted exactly as
 *                    _testcapi.set_nomemory counts (every malloc, calloc
 *                    and realloc call of every domain; the obj domain's
 *                    fall-back to raw counts twice). pymalloc, mimalloc and
 *                    the debug hooks stay in place. Falls back to libc in
 *                    a process that is not CPython.
 *   layer=libc       the C library's allocator family (malloc, calloc, ...)
 *   layer=all        both; a libc call made from inside a pymem hook (the
 *                    hook's own forwarding) is not counted a second time
 *   (no layer=)      pymem in a CPython process, libc elsewhere
 * Output and debugging:
 *   log=PATH         JSON-lines event log (appended; no commas in PATH)
 *   log-max=N        full records for the first N failures (default 64)
 *   sites=PATH       the call-site table of a counting run (what `pyfault
 *                    sweep --plan sites` plans from): for each eligible
 *                    allocation a key, the hash of its top sites-depth
 *                    return addresses made relative to their loaded
 *                    objects; the first sites-k allocations of each key
 *                    are appended to PATH (which must exist) as "N 0xKEY"
 *                    lines, and "full" once 786,432 keys are held
 *   sites-k=K        allocations recorded per key (default 1)
 *   sites-pow2       ... and also its 2nd, 4th, 8th, 16th, ... allocation:
 *                    a loop that allocates at one site on every pass is
 *                    tried early, middle and late, at a cost that grows
 *                    with the log of its passes
 *   sites-depth=D    frames in a key, 1..32 (default 8)
 *   sites-py         a key also holds the Python file:line on top (3.11,
 *                    3.13): one C path run by many Python lines is many
 *                    sites. Opt-in: more sites, a slower counting run.
 *                    The failure's fail_key follows the same flag
 *   sites-data       a key also holds the static objects its frames work
 *                    on: callee-saved registers pointing at the first byte
 *                    of a data symbol (.symtab, or the debug file's by
 *                    build id). Tells apart the passes of a loop over
 *                    static types; more sites. fail_key follows the flag
 *   fork-fd=FD       serve forks on descriptor FD > 2 (pyfault sweep --engine
 *                    fork; "The fork server" below). A spec token and not
 *                    a variable of its own: one more environment variable
 *                    would move CPython's allocation numbers
 *   pad=ANY          ignored. The harness pads every spec it composes to
 *                    one length for a target and its filters, whatever the
 *                    point (a sweep's trials, its fork server, a repro):
 *                    CPython sizes os.environ's objects by their text, and
 *                    a crash that reads freed memory can hang on where
 *                    they land
 *   trial-stdio      the streams a harness trial has: stdin /dev/null,
 *                    stdout and stderr pipes, relayed to the streams given
 *                    (pyfault repro --gdb: CPython's start-up allocates by
 *                    what its streams are, and under gdb's terminal a
 *                    point was another allocation than its trial's);
 *                    nothing where they are a trial's already
 *   no-precopy       a forked trial never copies the server's pages in one
 *                    go (precopy.c), only fault by fault as it writes them
 *   junk             jemalloc fills new and freed memory with junk bytes;
 *                    in the pymem layer the hooks also fill each new block
 *                    (malloc, realloc of NULL) with 0xa5, as pymalloc's and
 *                    mimalloc's blocks never reach jemalloc one by one
 *   trap             raise SIGTRAP at each injected failure
 * ------------------------------------------------------------------- */

enum pyfault_mode {
    PYFAULT_MODE_COUNT = 0,
    PYFAULT_MODE_NTH = 1,
    PYFAULT_MODE_FROM = 2,
    PYFAULT_MODE_RANGE = 3,
    PYFAULT_MODE_EVERY = 4,
    PYFAULT_MODE_RANDOM = 5,
    /* _testcapi.set_nomemory: fail when a < n-base && (b == 0 || n-base <= b) */
    PYFAULT_MODE_NOMEMORY = 6,
};

/* The counting layer (layer=); pyfault_ctl.layer holds the one in effect. */
enum pyfault_layer {
    PYFAULT_LAYER_AUTO = 0,  /* spec only: pymem in CPython, else libc */
    PYFAULT_LAYER_LIBC = 1,
    PYFAULT_LAYER_PYMEM = 2,
    PYFAULT_LAYER_ALL = 3,
};

/* "auto", "libc", "pymem", "all"; "?" for anything else. */
const char *pyfault_layer_name(unsigned layer);

#define PYFAULT_SYMBOL_MAX 128
#define PYFAULT_PATH_MAX 512
#define PYFAULT_LOG_MAX_DEFAULT 64
#define PYFAULT_SITES_DEPTH_DEFAULT 8
#define PYFAULT_SITES_DEPTH_MAX 32

/* Which allocations fail. Plain data: copied into the control page too. */
struct pyfault_plan {
    uint32_t mode;           /* enum pyfault_mode */
    uint32_t reserved;
    uint64_t a;              /* nth N, from N, range A, every K, nomemory start */
    uint64_t b;              /* range B, nomemory stop (0 = forever) */
    uint64_t base;           /* nomemory: eligible count when it was armed */
    uint64_t threshold;      /* random: fail when hash < threshold (P * 2^64) */
    uint64_t seed;           /* random */
};

struct pyfault_spec {
    struct pyfault_plan plan;
    uint64_t min_size;
    uint32_t log_max;
    uint8_t junk;
    uint8_t trap;
    uint8_t layer;                      /* enum pyfault_layer */
    uint8_t region;                     /* the region flag */
    uint8_t sites_depth;                /* sites-depth= */
    uint8_t sites_pow2;                 /* the sites-pow2 flag */
    uint8_t sites_py;                   /* the sites-py flag */
    uint8_t sites_data;                 /* the sites-data flag */
    uint8_t trial_stdio;                /* the trial-stdio flag */
    uint8_t no_precopy;                 /* the no-precopy flag */
    uint64_t sites_k;                   /* sites-k= */
    int32_t fork_fd;                    /* fork-fd=; -1 = no fork server */
    char site[PYFAULT_SYMBOL_MAX];      /* "" = no filter */
    char skip_site[PYFAULT_SYMBOL_MAX]; /* "" = no filter */
    char dso[PYFAULT_PATH_MAX];         /* dso= globs; "" = no filter */
    char log_path[PYFAULT_PATH_MAX];    /* "" = no log */
    char sites_path[PYFAULT_PATH_MAX];  /* sites=; "" = no site table */
};

/* Parses TEXT (NULL or "" means "count") into OUT. Returns 0 on success;
 * on error returns -1 and writes a one-line message naming the bad token to
 * ERR. Allocation-free and async-signal-safe: the shim calls it before its
 * allocator is ready, the harness calls it to check --inject up front. */
int pyfault_spec_parse(const char *text, struct pyfault_spec *out,
                       char *err, size_t errlen);

/* Does eligible allocation number N (1-based) fail under PLAN? Pure. */
int pyfault_plan_fails(const struct pyfault_plan *plan, uint64_t n);

/* Does the loaded object at PATH match GLOBS, a dso= value (GLOB|GLOB...)?
 * Pure, allocation-free and async-signal-safe. */
int pyfault_dso_matches(const char *globs, const char *path);

/* ---------------------------------------------------------------------
 * The control page
 *
 * The supervisor creates a file of at least sizeof(struct pyfault_ctl)
 * bytes filled with zeros and names it in PYFAULT_CTL. The first process
 * that starts under the shim claims it (owner_pid); forked children and
 * the programs they exec leave it alone. A process that execs itself
 * keeps its pid and so keeps the page (a shell wrapper that execs python
 * hands the page on); the new image's counts go on from the old one's.
 * All fields are naturally aligned 64-bit or
 * 32-bit words accessed with atomic loads and stores.
 *
 * Arming from outside (a sequence lock): increment `arm_generation` (it
 * becomes odd), write `plan` (struct pyfault_plan; base = 0 for absolute
 * numbering over eligible allocations), increment `arm_generation` again
 * (even), each increment atomic with release order. The target picks the
 * new plan up at its next allocation. A page armed before the target
 * starts (arm_generation != 0) overrides the PYFAULT spec's plan.
 * Disarm: the same with plan.mode = PYFAULT_MODE_COUNT.
 *
 * site_streak counts consecutive injected failures of one thread, with no
 * successful eligible allocation of that thread between them, all at one
 * call site or a cycle of up to 4 sites (the gh-134163 unwind loop fails at
 * a few sites in turn); it shows the thread that failed last. A streak in
 * the thousands that keeps growing is an unwind loop. A thread whose
 * streak on a shared page reaches PYFAULT_LOOP_PARK is an unwind loop by
 * that alone: it stops there, in pause(), for the supervisor to see and
 * kill, and burns no more CPU. A supervisor reads the page only when magic
 * and version are its own.
 * `allocations` counts the calls of the layer in effect (`layer`);
 * `eligible` equals `allocations` when the spec has no filter.
 * ------------------------------------------------------------------- */

#define PYFAULT_CTL_MAGIC 0x50594654u /* "PYFT" */
/* The streak at which a watched thread stops (see above). */
#define PYFAULT_LOOP_PARK 6000u
#define PYFAULT_CTL_VERSION 4u /* 3: the plan and the hot counters on lines of their own;
                                * 4: the first failure's site key */

/* ctl->state bits, set by the target */
#define PYFAULT_STATE_ATTACHED 0x1u /* the owner mapped the page */
#define PYFAULT_STATE_EXITED 0x2u   /* the owner ran its exit handler */
#define PYFAULT_STATE_CRASHED 0x4u  /* the owner took a fatal signal */

/* Sizes of the site key's strings in the control page (NUL included). */
#define PYFAULT_CTL_NAME_MAX 128
#define PYFAULT_CTL_PYFILE_MAX 256

/* Number of instruction pointers kept of the last failure's call site. */
#define PYFAULT_CTL_SITE_FRAMES 16

/* Cache lines: the plan is read on every allocation by every thread and
 * written almost never; the allocation counters are written on every
 * allocation. Each group has a 64-byte line of its own, so that a counter
 * increment never evicts the plan from the other threads' caches. */
#define PYFAULT_CTL_LINE 64

struct pyfault_ctl {
    /* line 0: identity and state */
    uint32_t magic;          /* written by the target: PYFAULT_CTL_MAGIC */
    uint32_t version;        /* PYFAULT_CTL_VERSION */
    uint32_t size;           /* sizeof(struct pyfault_ctl) */
    int32_t owner_pid;       /* 0 until claimed */
    uint32_t state;          /* PYFAULT_STATE_* */
    uint32_t layer;          /* enum pyfault_layer in effect (never AUTO
                              * once attached) */

    /* line 1, read-mostly: written by the supervisor (or the API) */
    uint64_t arm_generation __attribute__((aligned(PYFAULT_CTL_LINE)));
    struct pyfault_plan plan;

    /* line 2, hot: counters written by the target at every allocation */
    uint64_t allocations __attribute__((aligned(PYFAULT_CTL_LINE)));
                             /* every allocation call counted */
    uint64_t eligible;       /* allocations that passed the filters */

    /* line 3 on: written by the target at each injected failure */
    uint64_t injected __attribute__((aligned(PYFAULT_CTL_LINE)));
                             /* failures injected */
    uint64_t first_injected; /* eligible number of the first failure, 0 = none */
    uint64_t last_injected;  /* eligible number of the latest failure */
    uint64_t site_hash;      /* hash of the latest failure's call stack */
    uint64_t site_streak;    /* the streak of the thread that failed last
                              * (0 once it ended) */
    uint64_t site_streak_max;/* the longest streak seen */
    uint64_t site_frames[PYFAULT_CTL_SITE_FRAMES]; /* its raw return addresses */
    uint32_t site_depth;     /* how many of site_frames are valid */

    /* crash record, written by the target's fatal-signal handler */
    int32_t crash_signal;    /* 0 = none */
    uint64_t crash_addr;     /* si_addr for kernel-sent faults, else 0 */
    uint32_t crash_stack_overflow; /* 1 when crash_addr is in a guard region */
    uint32_t reserved1;

    /* from a line of its own: the site key of the first injected failure,
     * written once by the thread that injected it (the one that set
     * first_injected), the strings first, then fail_key with release
     * order; a reader loads fail_key with acquire and reads the rest only
     * when it is not 0 */
    uint64_t fail_key __attribute__((aligned(PYFAULT_CTL_LINE)));
                             /* the stack's per-object-normalised key, as
                              * --plan sites has it (sites.c); 0 = none yet */
    uint64_t fail_rel;       /* the caller's return address less its
                              * object's load bias */
    uint32_t fail_off;       /* the call's offset into fail_func */
    uint32_t fail_pyline;    /* line of the Python frame on top, 0 = none */
    char fail_func[PYFAULT_CTL_NAME_MAX];   /* the allocation's caller: its
                              * function's name, "" when no symbol covers it */
    char fail_obj[PYFAULT_CTL_NAME_MAX];    /* the caller's object: the last
                              * component of its name, "" for the executable */
    char fail_pyfile[PYFAULT_CTL_PYFILE_MAX]; /* co_filename of the Python
                              * frame on top (its tail when longer), "" = none */
};

/* ---------------------------------------------------------------------
 * The fork server (pyfault sweep --engine fork)
 *
 * A target whose spec has fork-fd=FD (a SOCK_SEQPACKET socket) runs in
 * count mode and stops at eligible allocations the supervisor names,
 * so that trials are forked from it instead of started afresh. Messages
 * are one struct pyfault_fork_msg each:
 *   target -> supervisor:
 *     AT n, threads,  stopped at eligible allocation n, before deciding
 *        unsafe       it; `threads` alive (forking is safe only at 1);
 *                     `unsafe` (in pid) the PYFAULT_FORK_UNSAFE_* bits
 *                     below, each a reason a trial forked here would not
 *                     be an exec'd one (forking is safe only at 0): the
 *                     target has a child process of its own running or
 *                     unreaped, or has had one that the shim ran in
 *                     (its "start" in the log) with no "summary" there,
 *                     or one counting n or near it (an exec'd trial's
 *                     child could fail at n); it has an interval timer armed or a
 *                     POSIX timer (a fork inherits neither); it has a
 *                     writable shared mapping other than its control
 *                     page (the trials would share it with the server
 *                     and with each other); it holds a pipe, socket,
 *                     terminal or anonymous-inode descriptor (timerfd,
 *                     signalfd, ...) of its own, not one it was
 *                     started with nor the harness's stdout and stderr
 *                     pipes (the trials would share its data, peer or
 *                     registrations), nameless files too large to copy,
 *                     more files than the shim notes, or too few free
 *                     descriptors for a trial; it holds a file lock (a
 *                     trial would not, and an exec'd trial would wait
 *                     for the server's: the supervisor ends the server).
 *                     With more than one thread
 *                     only CHILDREN is looked for.
 *     PID n, pid      forked a trial for n: pid is its process, already
 *                     re-parented to the supervisor (it must be a child
 *                     subreaper), leader of its own process group
 *   supervisor -> target:
 *     NEXT n          run on and stop at eligible allocation n (0: never
 *                     again: run to the end)
 *     FORK n, mode    with 4 descriptors (SCM_RIGHTS): control page,
 *                     stdout, stderr, event log. The trial gets them as
 *                     its page (the counters carried over), its stdout
 *                     and stderr wherever the server held the
 *                     supervisor's pipes (fds 1 and 2, and their
 *                     copies), and its log; the plan
 *                     nth=n (mode 1) or from=n (mode 2), and runs on
 *                     from allocation n as an exec'd trial would; one
 *                     that cannot be given its own descriptions logs
 *                     "unforked" and exits first (the event log below). The
 *                     message goes on with two NUL-terminated strings
 *                     (PYFAULT_FORK_ENV_MAX bytes in all): the PYFAULT
 *                     and PYFAULT_CTL values an exec'd trial would get,
 *                     which the trial's own children inherit.
 * The first message is the supervisor's NEXT, read at start-up. A closed
 * socket ends the service: the target runs on, counting.
 * ------------------------------------------------------------------- */

enum pyfault_fork_kind {
    PYFAULT_FORK_AT = 1,
    PYFAULT_FORK_PID = 2,
    PYFAULT_FORK_NEXT = 3,
    PYFAULT_FORK_FORK = 4,
};

enum pyfault_fork_unsafe {
    PYFAULT_FORK_UNSAFE_CHILDREN = 1,
    PYFAULT_FORK_UNSAFE_TIMER = 2,
    PYFAULT_FORK_UNSAFE_SHARED = 4,
    PYFAULT_FORK_UNSAFE_DESCRIPTOR = 8,
    PYFAULT_FORK_UNSAFE_LOCK = 16,
};

/* The most a FORK message carries after its struct. */
#define PYFAULT_FORK_ENV_MAX (2048 + PYFAULT_PATH_MAX)

struct pyfault_fork_msg {
    uint32_t kind;     /* enum pyfault_fork_kind */
    uint32_t arg;      /* AT: threads alive; FORK: 1 oneshot, 2 persistent */
    uint64_t n;        /* eligible allocation number */
    int64_t pid;       /* PID: the trial's process; AT: PYFAULT_FORK_UNSAFE_* */
};

/* ---------------------------------------------------------------------
 * In-process API (exported by libpyfault.so; resolve it with dlsym or
 * ctypes.CDLL(None) so that a target still runs without the shim).
 * All of them are allocation-free and thread-safe.
 * ------------------------------------------------------------------- */

/* _testcapi.set_nomemory semantics: counting restarts at the call; the
 * eligible allocations numbered above START and up to STOP fail; STOP = 0
 * means forever. */
void pyfault_set_nomemory(uint64_t start, uint64_t stop);
/* Back to count-only mode (_testcapi.remove_mem_hooks). */
void pyfault_remove_hooks(void);
/* Replace the plan (absolute numbering over eligible allocations). */
void pyfault_arm(const struct pyfault_plan *plan);
/* Counters since start-up. */
uint64_t pyfault_allocations(void);
uint64_t pyfault_eligible(void);
uint64_t pyfault_injected(void);
/* Called at every injected failure; never inlined: break here in gdb. */
void pyfault_injected_failure(uint64_t n, size_t size);
/* The counting layer in effect: enum pyfault_layer (never AUTO). */
unsigned pyfault_layer(void);
/* In the pymem layer: 1 when the shim's hooks are in every domain's
 * allocator chain (a probe allocation passes through each), 0 when not,
 * -1 outside the pymem layer. Call with the GIL held. */
int pyfault_pymem_hooked(void);
/* Regions (the spec flag `region`): the calling thread enters, and
 * leaves, a region; regions nest (a per-thread depth, initial-exec TLS), a
 * leave without an enter is ignored. Allocation-free, async-signal-safe. */
void pyfault_region_enter(void);
void pyfault_region_leave(void);
/* The version of this protocol: PYFAULT_CTL_VERSION. */
unsigned pyfault_version(void);

/* ---------------------------------------------------------------------
 * The event log (log=PATH): one JSON object per line, appended with
 * O_APPEND by every process that runs under the spec. Keys:
 *   {"event":"start","pid":P,"eligible":E,"spec":"..."}
 *      (at the shim's start in a process, and in a child forked from
 *      one: a new process under the spec; E its count then, what a
 *      forked child inherited of its parent's numbering)
 *   {"event":"fail","pid":P,"n":N,"size":S,"func":"malloc",
 *    "frames":[{"ip":"0x..","rel":"0x..","sym":"name","off":31,"obj":"/path"},...]}
 *       (func: the libc function, __libc_malloc and glibc's other
 *       __libc_ names logged as the function they alias, or in the pymem
 *       layer the domain's API name: PyMem_RawMalloc, PyMem_Calloc,
 *       PyObject_Realloc, ...;
 *       rel: the address in the object's own numbering (ip less the
 *       object's load bias), for offline symbolizers such as addr2line;
 *       sym: the function containing the call, "" when unknown; off: the
 *       call's offset into it)
 *       (only the first log-max failures; later ones are counted)
 *   {"event":"crash","pid":P,"signal":11,"name":"SIGSEGV","addr":"0x..",
 *    "stack_overflow":true,"tid":T,"main_thread":false,"thread":"NAME",
 *    "frames":[...]}
 *      (tid and name of the thread that crashed; the name as prctl gives
 *      it, at most 15 characters, with '?' for '"', '\' and controls)
 *   {"event":"summary","pid":P,"layer":"pymem","allocations":A,"eligible":E,
 *    "injected":K,"first":F,"streak_max":M}
 *      (at exit, and at _exit or _Exit, which skip the exit handlers)
 *   {"event":"exec","pid":P,"eligible":E}
 *      (before an exec, from the process that wrote "start": the end of
 *      this image, with its count so far; a failed exec writes "start"
 *      again, and a new image the shim runs in writes its own)
 *   {"event":"unforked","pid":P,"what":"an eventfd counter","fd":5,
 *    "errno":"EMFILE"}
 *      (a forked trial that could not be given its own of what the server
 *      held at fd: it exits before its target runs on, and the
 *      supervisor execs the point; "errno" is "0" when none was set)
 *   {"event":"precopied","pid":P,"faults":F,"pages":N}
 *      (a forked trial that copied the server's resident private pages in
 *      one go, after F copy-on-write faults: N pages asked for)
 * ------------------------------------------------------------------- */

#ifdef __cplusplus
}
#endif
#endif /* PYFAULT_H */
