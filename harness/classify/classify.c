/* classify.c: evidence in, class out. No I/O, no clocks, no processes:
 * every class is unit-tested from hand-made evidence. */
#include "classify.h"

#include <signal.h>
#include <string.h>

#include "controls.h"

static const char *const class_names[PF_CLASS_COUNT] = {
    [PF_OK] = "ok",
    [PF_ERROR] = "error",
    [PF_FATAL] = "fatal",
    [PF_ABORT] = "abort",
    [PF_SEGFAULT] = "segfault",
    [PF_STACK_OVERFLOW] = "stack-overflow",
    [PF_UNWIND_LOOP] = "unwind-loop",
    [PF_HANG] = "hang",
    [PF_SIGNAL] = "signal",
    [PF_HARNESS_ERROR] = "harness-error",
};

const char *pf_class_name(enum pf_class c)
{
    return (unsigned)c < PF_CLASS_COUNT ? class_names[c] : "harness-error";
}

const char *pf_subkind_name(enum pf_subkind s)
{
    return s == PF_SUB_BLOCKED ? "blocked" : s == PF_SUB_SPINNING ? "spinning" : "";
}

int pf_class_from_name(const char *name)
{
    for (int c = 0; c < PF_CLASS_COUNT; c++)
        if (strcmp(class_names[c], name) == 0)
            return c;
    return -1;
}

int pf_loop_observed(uint64_t streak_start, uint64_t streak_end, uint64_t injected_delta)
{
    return streak_start >= PF_LOOP_STREAK && streak_end > streak_start && injected_delta > 0;
}

int pf_loop_counted(uint64_t streak)
{
    return streak >= PF_LOOP_STREAK + PF_LOOP_CONFIRM;
}

/* Copies N bytes of S into OUT (cut to OUTLEN), control characters made
 * '?': the target's bytes end up in signatures printed to terminals. */
static void copy_text(char *out, size_t outlen, const char *s, size_t n)
{
    if (n >= outlen)
        n = outlen - 1;
    memcpy(out, s, n);
    out[n] = '\0';
    pf_scrub_controls(out);
}

/* Copies the line starting at S (up to '\n' or NUL) into OUT, as
 * copy_text does. */
static void copy_line(char *out, size_t outlen, const char *s)
{
    copy_text(out, outlen, s, strcspn(s, "\n"));
}

/* faulthandler reports a fatal signal as "Fatal Python error: <name>";
 * those are crashes, not Py_FatalError calls. */
static int is_faulthandler_line(const char *msg)
{
    static const char *const names[] = {
        "Segmentation fault", "Bus error", "Floating point exception",
        "Aborted", "Illegal instruction",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t n = strlen(names[i]);
        if (strncmp(msg, names[i], n) == 0 && (msg[n] == '\n' || msg[n] == '\0'))
            return 1;
    }
    return 0;
}

/* An identifier-like function name followed by ": " opens the message. */
static size_t func_prefix_len(const char *s)
{
    size_t i = 0;
    while (s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') ||
           (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
           s[i] == '.')
        i++;
    return (i > 0 && s[i] == ':' && s[i + 1] == ' ') ? i : 0;
}

int pf_find_fatal(const char *text, char *func, size_t funclen, char *msg,
                  size_t msglen)
{
    static const char prefix[] = "Fatal Python error: ";
    if (!text)
        return 0;
    for (const char *p = strstr(text, prefix); p; p = strstr(p + 1, prefix)) {
        const char *rest = p + sizeof prefix - 1;
        if (is_faulthandler_line(rest))
            continue;
        size_t flen = func_prefix_len(rest);
        if (flen > 0) {
            size_t n = flen < funclen ? flen : funclen - 1;
            memcpy(func, rest, n);
            func[n] = '\0';
            rest += flen + 2;
        } else {
            func[0] = '\0';
        }
        copy_line(msg, msglen, rest);
        return 1;
    }
    return 0;
}

int pf_find_assertion(const char *text, char *out, size_t outlen)
{
    if (!text)
        return 0;
    const char *p = strstr(text, "Assertion `");
    if (p) {
        p += strlen("Assertion `");
        const char *end = strstr(p, "' failed");
        copy_text(out, outlen, p, end ? (size_t)(end - p) : strcspn(p, "\n"));
        return 1;
    }
    p = strstr(text, "Assertion failed: ");
    if (p) {
        copy_line(out, outlen, p + strlen("Assertion failed: "));
        return 1;
    }
    return 0;
}

static void classify_unfinished(const struct pf_evidence *ev, struct pf_verdict *out)
{
    if (pf_loop_observed(ev->streak_start, ev->site_streak, ev->injected_delta)) {
        out->cls = PF_UNWIND_LOOP;
        return;
    }
    out->cls = PF_HANG;
    if (ev->stuck != PF_STUCK_UNKNOWN)
        out->sub = ev->stuck == PF_STUCK_RUNNABLE ? PF_SUB_SPINNING : PF_SUB_BLOCKED;
    else
        out->sub = ev->cpu >= PF_SPIN_CPU ? PF_SUB_SPINNING : PF_SUB_BLOCKED;
}

static void classify_signal(const struct pf_evidence *ev, struct pf_verdict *out)
{
    switch (ev->signal) {
    case SIGABRT:
        out->cls = PF_ABORT;
        pf_find_assertion(ev->stderr_text, out->detail, sizeof out->detail);
        return;
    case SIGSEGV:
    case SIGBUS:
        if (ev->stack_overflow_hint ||
            (ev->crash_frames && pf_frames_deep_repeat(ev->crash_frames)))
            out->cls = PF_STACK_OVERFLOW;
        else
            out->cls = PF_SEGFAULT;
        return;
    default:
        out->cls = PF_SIGNAL;
        return;
    }
}

/* The dynamic loader's fatal error when a thread's TLS or a C++ throw's
 * exception data cannot be allocated: it prints this and calls _exit(127),
 * no signal. The process died where no error path runs: an abort. */
#define LOADER_TLS_FATAL "cannot allocate memory for thread-local data"

/* Finds the loader's fatal line in TEXT; copies it into OUT. */
static int find_loader_fatal(const char *text, char *out, size_t outlen)
{
    const char *p = text ? strstr(text, LOADER_TLS_FATAL) : NULL;
    if (!p)
        return 0;
    while (p > text && p[-1] != '\n')
        p--;
    copy_line(out, outlen, p);
    return 1;
}

void pf_classify(const struct pf_evidence *ev, struct pf_verdict *out)
{
    memset(out, 0, sizeof *out);
    if (ev->harness_failed) {
        out->cls = PF_HARNESS_ERROR;
        return;
    }
    if (!ev->finished) {
        classify_unfinished(ev, out);
        return;
    }
    /* Py_FatalError ends in abort(), but its own report is the better
     * name for it; faulthandler's signal reports are skipped inside. */
    if ((ev->signal != 0 || ev->exit_code != 0) &&
        pf_find_fatal(ev->stderr_text, out->func, sizeof out->func,
                      out->detail, sizeof out->detail)) {
        out->cls = PF_FATAL;
        return;
    }
    if (ev->signal != 0) {
        classify_signal(ev, out);
        return;
    }
    if (ev->exit_code == 127 && find_loader_fatal(ev->stderr_text, out->detail, sizeof out->detail)) {
        out->cls = PF_ABORT;
        return;
    }
    out->cls = ev->exit_code == 0 ? PF_OK : PF_ERROR;
}
