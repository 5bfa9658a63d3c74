/* sample.c: what is a stuck process doing? One ptrace stop per sample,
 * kept short: unwind, name the frames (symbolize.h), let go. */
#include "sample.h"

#include <errno.h>
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

/* Unwinds the stopped PID into OUT: libunwind walks, the symbolizer
 * names (while PID is still stopped: it reads PID's mappings). */
static void unwind(pid_t pid, struct pf_frames *out)
{
    uint64_t ips[PF_FRAMES_MAX];
    unsigned n = 0;
    unw_addr_space_t as = unw_create_addr_space(&_UPT_accessors, 0);
    if (!as)
        return;
    void *ui = _UPT_create(pid);
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
    pf_symbolize_process(pid, ips, n, 1, out);
}

int pf_sample_stack(pid_t pid, struct pf_frames *out, int *ended_status)
{
    out->n = 0;
    if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0)
        return -1;
    if (ptrace(PTRACE_INTERRUPT, pid, 0, 0) < 0) {
        ptrace(PTRACE_DETACH, pid, 0, 0);
        return -1;
    }
    int rc = wait_stop(pid, ended_status);
    if (rc != 0)
        return rc;
    unwind(pid, out);
    ptrace(PTRACE_DETACH, pid, 0, 0);
    return 0;
}
