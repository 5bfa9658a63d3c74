/*
 * childlog.c: what the fork server's own children counted, read from
 * its event log.
 *
 * A child the server had before a point ran there counting, where an
 * exec'd trial's child inherits the trial's plan and may fail its own
 * Nth allocation: a forked trial would differ, so such points were
 * exec'd. Yet a child that counts fewer than N (uname, ldconfig, a
 * Python child outside any region) could not fail in an exec'd trial
 * either. Each process the shim runs in writes "start" to the log the
 * spec names (and a child forked from one writes it too, init.c), and
 * "summary" with its eligible count when it exits; the server's
 * children inherit its spec, and so its log. Once every process that
 * started there has ended with a summary, the largest count, with a
 * margin on what it counted itself (a forked child's "start" gives what
 * it inherited of its parent's numbering), bounds the points a trial
 * can be forked at. An exec ends an
 * image too ("exec", with its count so far, trialenv.c): a child that
 * execs a program the shim does not run in ends there, and one it does
 * run in starts again under the same pid.
 *
 * The log is read on from where the last stop left it. Unknown is
 * unsafe: a log that cannot be read, a line too long, a process that
 * started and has no end (running, or killed), more
 * of those than the table holds. A child the shim does not run in
 * (static, or given another environment) cannot fail, and is not in
 * the log. Nor is one made by a raw clone system call that runs on in
 * the shim without an exec: it runs no fork handlers, and it counts on
 * in the server's own page, which is then wrong already.
 * Nothing here allocates (called inside the allocation hook).
 */
#include "internal.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Processes started and not yet ended one stop can hold; one more makes
 * every later point unsafe. */
#define PF_CHILDLOG_OPEN_MAX 64

static off_t read_to;             /* the log is parsed up to here */
static struct {
    pid_t pid;
    uint64_t inherited; /* its count at its start: its parent's, when forked */
} open_procs[PF_CHILDLOG_OPEN_MAX];
static int nopen;
static uint64_t most_counted;     /* the largest eligible count of an ended one */
static uint64_t fork_bound;       /* points above it fork: the largest count with its margin */
static bool unknowable;           /* a line or a table overflowed: for good */
static char chunk[8192];

static void started(pid_t pid, uint64_t inherited)
{
    for (int i = 0; i < nopen; i++)
        if (open_procs[i].pid == pid)
            return; /* an exec after a fork: one process */
    if (nopen == PF_CHILDLOG_OPEN_MAX) {
        unknowable = true;
    } else {
        open_procs[nopen].pid = pid;
        open_procs[nopen++].inherited = inherited;
    }
}

static void ended(pid_t pid, uint64_t eligible)
{
    uint64_t inherited = 0;
    for (int i = 0; i < nopen; i++)
        if (open_procs[i].pid == pid) {
            inherited = open_procs[i].inherited;
            open_procs[i] = open_procs[--nopen];
            break;
        }
    if (eligible > most_counted)
        most_counted = eligible;
    /* a child of an exec'd trial gets another spec in its environment,
     * which can move a Python child's numbering a little: but only what
     * it counted itself, not what it inherited, which was the trial's
     * and the server's alike */
    uint64_t own = eligible > inherited ? eligible - inherited : eligible;
    uint64_t bound = eligible + own / 4 + 64;
    if (bound > fork_bound)
        fork_bound = bound;
}

/* One record: start or summary of a process other than us. */
static void parse_line(const char *line, const char *end, pid_t self)
{
    static const char start[] = "{\"event\":\"start\",";
    static const char summary[] = "{\"event\":\"summary\",";
    static const char exec[] = "{\"event\":\"exec\",";
    bool is_start = (size_t)(end - line) > sizeof start &&
                    memcmp(line, start, sizeof start - 1) == 0;
    /* an exec ends the image as a summary does (its count so far) */
    bool is_summary = ((size_t)(end - line) > sizeof summary &&
                       memcmp(line, summary, sizeof summary - 1) == 0) ||
                      ((size_t)(end - line) > sizeof exec &&
                       memcmp(line, exec, sizeof exec - 1) == 0);
    unsigned long long pid, eligible;
    if (!(is_start || is_summary) || !pf_fdinfo_field(line, end, "\"pid\":", 10, &pid) ||
        (pid_t)pid == self)
        return;
    if (is_start)
        /* no count (an older shim's line): all it counted is its own */
        started((pid_t)pid, pf_fdinfo_field(line, end, "\"eligible\":", 10, &eligible)
                                ? eligible : 0);
    else if (pf_fdinfo_field(line, end, "\"eligible\":", 10, &eligible))
        ended((pid_t)pid, eligible);
    else
        unknowable = true; /* a summary we cannot read */
}

/* Reads the log on from READ_TO, whole lines only. False when it cannot. */
static bool read_on(void)
{
    int held = pf_log_fd();
    if (held < 0)
        return false;
    /* nothing new since the last stop: the usual case, one call */
    struct stat st;
    if (fstat(held, &st) == 0 && st.st_size == read_to)
        return true;
    /* our own description: the writer's is append-only, and the target
     * may have moved to another directory than the spec's name needs */
    int fd = open(pf_fd_proc_path("fd", held).path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    pid_t self = pf_pid();
    bool ok = true;
    for (;;) {
        ssize_t got = pread(fd, chunk, sizeof chunk, read_to);
        if (got < 0) {
            ok = false;
            break;
        }
        const char *p = chunk, *end = chunk + got;
        const char *nl;
        while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
            parse_line(p, nl, self);
            p = nl + 1;
        }
        if (p == chunk && got == (ssize_t)sizeof chunk) {
            unknowable = true; /* a line longer than the chunk */
            break;
        }
        read_to += p - chunk;
        if (got < (ssize_t)sizeof chunk)
            break; /* a line not yet whole stays for the next stop */
    }
    close(fd);
    return ok;
}

bool pf_childlog_below(uint64_t n)
{
    if (unknowable || !read_on() || unknowable || nopen > 0)
        return false;
    if (most_counted == 0)
        return true; /* none counted any: a filter left them out whole */
    return fork_bound < n;
}
