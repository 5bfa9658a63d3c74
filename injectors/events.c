/*
 * events.c: the records of the event log (format in pyfault.h).
 */
#include "internal.h"

#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

const char *pf_func_name(enum pf_func func)
{
    static const char *const names[] = {
        "malloc", "calloc", "realloc", "reallocarray", "posix_memalign",
        "aligned_alloc", "memalign", "valloc", "pvalloc",
        "PyMem_RawMalloc", "PyMem_RawCalloc", "PyMem_RawRealloc",
        "PyMem_Malloc", "PyMem_Calloc", "PyMem_Realloc",
        "PyObject_Malloc", "PyObject_Calloc", "PyObject_Realloc",
    };
    return names[func];
}

static void begin(struct pf_buf *b, const char *event)
{
    b->len = 0;
    pf_buf_str(b, "{\"event\":\"");
    pf_buf_str(b, event);
    pf_buf_str(b, "\",\"pid\":");
    pf_buf_i64(b, (int64_t)pf_pid());
}

/* The log's process: the one that wrote the last "start", or a forked
 * trial that adopted its log; not a vfork child of it, which shares this
 * memory and must not write as it. */
static pid_t started_pid;

/* Whether this process writes the log as the one that started it. */
static bool writes_as_started(void)
{
    return pf_log_enabled() && started_pid == pf_pid();
}

void pf_event_start(void)
{
    if (!pf_log_enabled())
        return;
    started_pid = pf_pid();
    struct pf_buf b;
    extern char **environ;
    const char *spec = "";
    for (char **e = environ; e && *e; e++)
        if ((*e)[0] == 'P' && __builtin_strncmp(*e, PYFAULT_ENV_SPEC "=", sizeof PYFAULT_ENV_SPEC) == 0)
            spec = *e + sizeof PYFAULT_ENV_SPEC;
    begin(&b, "start");
    /* what a forked child inherited of its parent's numbering; before
     * the spec, whose text the log's readers need not scan */
    pf_buf_str(&b, ",\"eligible\":");
    pf_buf_u64(&b, __atomic_load_n(&pf_page->eligible, __ATOMIC_RELAXED));
    pf_buf_str(&b, ",\"spec\":");
    pf_buf_json_str(&b, spec);
    pf_buf_str(&b, "}");
    pf_log_write(&b);
}

void pf_event_adopted(void)
{
    started_pid = pf_pid();
}

void pf_event_exit(void)
{
    if (writes_as_started())
        pf_event_summary();
}

void pf_event_exec(void)
{
    if (!writes_as_started())
        return;
    struct pf_buf b;
    begin(&b, "exec");
    pf_buf_str(&b, ",\"eligible\":");
    pf_buf_u64(&b, __atomic_load_n(&pf_page->eligible, __ATOMIC_RELAXED));
    pf_buf_str(&b, "}");
    pf_log_write(&b);
}

void pf_event_exec_failed(void)
{
    if (writes_as_started())
        pf_event_start();
}

void pf_event_fail(uint64_t n, size_t size, enum pf_func func,
                   const uintptr_t *ips, int nips)
{
    struct pf_buf b;
    begin(&b, "fail");
    pf_buf_str(&b, ",\"n\":");
    pf_buf_u64(&b, n);
    pf_buf_str(&b, ",\"size\":");
    pf_buf_u64(&b, size);
    pf_buf_str(&b, ",\"func\":\"");
    pf_buf_str(&b, pf_func_name(func));
    pf_buf_str(&b, "\"");
    pf_buf_frames(&b, ips, nips);
    pf_buf_str(&b, "}");
    pf_log_write(&b);
}

void pf_event_summary(void)
{
    if (!pf_log_enabled())
        return;
    struct pyfault_ctl *page = pf_page;
    struct pf_buf b;
    begin(&b, "summary");
    pf_buf_str(&b, ",\"layer\":");
    pf_buf_json_str(&b, pyfault_layer_name((unsigned)pf_layer));
    pf_buf_str(&b, ",\"allocations\":");
    pf_buf_u64(&b, __atomic_load_n(&page->allocations, __ATOMIC_RELAXED));
    pf_buf_str(&b, ",\"eligible\":");
    pf_buf_u64(&b, __atomic_load_n(&page->eligible, __ATOMIC_RELAXED));
    pf_buf_str(&b, ",\"injected\":");
    pf_buf_u64(&b, __atomic_load_n(&page->injected, __ATOMIC_RELAXED));
    pf_buf_str(&b, ",\"first\":");
    pf_buf_u64(&b, __atomic_load_n(&page->first_injected, __ATOMIC_RELAXED));
    pf_buf_str(&b, ",\"streak_max\":");
    pf_buf_u64(&b, __atomic_load_n(&page->site_streak_max, __ATOMIC_RELAXED));
    pf_buf_str(&b, "}");
    pf_log_write(&b);
}

void pf_event_unforked(const char *what, int fd, int err)
{
    if (!pf_log_enabled())
        return;
    /* glibc's table of names: no allocation, unlike strerror's fallback */
    const char *name = err ? strerrorname_np(err) : "0";
    struct pf_buf b;
    begin(&b, "unforked");
    pf_buf_str(&b, ",\"what\":");
    pf_buf_json_str(&b, what);
    pf_buf_str(&b, ",\"fd\":");
    pf_buf_i64(&b, fd);
    pf_buf_str(&b, ",\"errno\":");
    pf_buf_json_str(&b, name ? name : "?");
    pf_buf_str(&b, "}");
    pf_log_write(&b);
}

void pf_event_precopied(long faults, long pages)
{
    if (!pf_log_enabled())
        return;
    struct pf_buf b;
    begin(&b, "precopied");
    pf_buf_str(&b, ",\"faults\":");
    pf_buf_i64(&b, faults);
    pf_buf_str(&b, ",\"pages\":");
    pf_buf_i64(&b, pages);
    pf_buf_str(&b, "}");
    pf_log_write(&b);
}

/* Appends the crashing thread: its tid, whether it is the main thread,
 * and its name (prctl: a system call, async-signal-safe), with any
 * character JSON would need escaped replaced by '?'. */
static void crash_thread(struct pf_buf *b)
{
    pid_t tid = (pid_t)syscall(SYS_gettid);
    char name[17] = {0};
    if (prctl(PR_GET_NAME, (unsigned long)name, 0, 0, 0) != 0)
        name[0] = '\0';
    for (char *c = name; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == '"' || *c == '\\' || (unsigned char)*c >= 0x7f)
            *c = '?';
    pf_buf_str(b, ",\"tid\":");
    pf_buf_i64(b, (int64_t)tid);
    pf_buf_str(b, ",\"main_thread\":");
    pf_buf_str(b, tid == pf_pid() ? "true" : "false");
    pf_buf_str(b, ",\"thread\":\"");
    pf_buf_str(b, name);
    pf_buf_str(b, "\"");
}

void pf_event_crash(int sig, const char *signame, uintptr_t addr, uintptr_t sp,
                    bool overflow, bool depth_capped, const uintptr_t *ips, int nips)
{
    if (!pf_log_enabled())
        return;
    struct pf_buf b;
    begin(&b, "crash");
    pf_buf_str(&b, ",\"signal\":");
    pf_buf_i64(&b, sig);
    pf_buf_str(&b, ",\"name\":\"");
    pf_buf_str(&b, signame);
    pf_buf_str(&b, "\",\"addr\":\"");
    pf_buf_hex(&b, addr);
    pf_buf_str(&b, "\",\"sp\":\"");
    pf_buf_hex(&b, sp);
    pf_buf_str(&b, "\",\"stack_overflow\":");
    pf_buf_str(&b, overflow ? "true" : "false");
    pf_buf_str(&b, ",\"depth_capped\":");
    pf_buf_str(&b, depth_capped ? "true" : "false");
    crash_thread(&b);
    pf_buf_frames(&b, ips, nips);
    pf_buf_str(&b, "}");
    pf_log_write(&b);
}
