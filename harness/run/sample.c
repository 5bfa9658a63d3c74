/* sample.c: what is a stuck process doing? One ptrace stop per sample,
 * kept short: stop every thread, unwind each, name the frames
 * (symbolize.h), let go. */
#include "sample.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <libunwind-ptrace.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include "symbolize.h"

/* Waits for the ptrace stop of PID. Returns 0 when stopped, -2 when it
 * ended instead (status in *ended). */
static int wait_stop(pid_t pid, int *ended)
{
    for (;;) {
        int st;
        pid_t r = waitpid(pid, &st, __WALL);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -1;
        }
        if (WIFSTOPPED(st))
            return 0;
        if (WIFEXITED(st) || WIFSIGNALED(st)) {
            if (ended)
                *ended = st;
            return -2;
        }
    }
}

/* Unwinds the stopped thread TID of process PID into OUT: libunwind
 * walks, the symbolizer names (while TID is still stopped: it reads PID's
 * mappings). */
static void unwind(pid_t pid, pid_t tid, struct pf_frames *out)
{
    uint64_t ips[PF_FRAMES_MAX];
    unsigned n = 0;
    unw_addr_space_t as = unw_create_addr_space(&_UPT_accessors, 0);
    if (!as)
        return;
    void *ui = _UPT_create(tid);
    if (!ui) {
        unw_destroy_addr_space(as);
        return;
    }
    unw_cursor_t cur;
    if (unw_init_remote(&cur, as, ui) == 0) {
        do {
            unw_word_t ip = 0;
            unw_get_reg(&cur, UNW_REG_IP, &ip);
            ips[n++] = ip;
        } while (n < PF_FRAMES_MAX && unw_step(&cur) > 0);
    }
    _UPT_destroy(ui);
    unw_destroy_addr_space(as);
    /* frame 0 is where the thread was interrupted, the rest return addresses */
    out->n = 0;
    out->tid = tid;
    pf_symbolize_process(pid, ips, n, 1, out);
}

static int by_tid(const void *a, const void *b)
{
    pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;
    return (x > y) - (x < y);
}

/* The threads of PID (/proc/PID/task): PID itself first, then the others
 * by tid, at most MAX. Returns how many (at least PID itself). */
static unsigned list_threads(pid_t pid, pid_t *tids, unsigned max)
{
    char path[64];
    unsigned n = 0;
    tids[n++] = pid;
    snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && n < max && (e = readdir(d))) {
        long tid = strtol(e->d_name, NULL, 10);
        if (tid > 0 && tid != pid)
            tids[n++] = (pid_t)tid;
    }
    if (d)
        closedir(d);
    qsort(tids + 1, n - 1, sizeof *tids, by_tid);
    return n;
}

int pf_sample_threads(pid_t pid, struct pf_frames *out, unsigned max, unsigned *n,
                      int *ended_status)
{
    pid_t tids[PF_THREADS_MAX];
    int stopped[PF_THREADS_MAX] = {0};
    *n = 0;
    if (max > PF_THREADS_MAX)
        max = PF_THREADS_MAX;
    if (max == 0)
        return -1;
    unsigned nt = list_threads(pid, tids, max);
    /* stop them all first, so that the stacks are of one moment */
    for (unsigned i = 0; i < nt; i++) {
        if (ptrace(PTRACE_SEIZE, tids[i], 0, 0) < 0)
            continue; /* a thread that has just ended */
        if (ptrace(PTRACE_INTERRUPT, tids[i], 0, 0) < 0) {
            ptrace(PTRACE_DETACH, tids[i], 0, 0);
            continue;
        }
        stopped[i] = 1;
    }
    int rc = stopped[0] ? 0 : -1;
    for (unsigned i = 0; i < nt; i++) {
        if (!stopped[i])
            continue;
        int ended = 0;
        int w = wait_stop(tids[i], &ended);
        if (w != 0)
            stopped[i] = 0; /* ended, and reaped if it was the leader */
        if (i == 0 && w == -2) {
            *ended_status = ended;
            rc = -2;
        } else if (i == 0 && w != 0) {
            rc = -1;
        }
    }
    for (unsigned i = 0; i < nt; i++) {
        if (!stopped[i])
            continue;
        if (rc == 0)
            unwind(pid, tids[i], &out[(*n)++]);
        ptrace(PTRACE_DETACH, tids[i], 0, 0);
    }
    return rc;
}
