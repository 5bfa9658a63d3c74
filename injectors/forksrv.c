/*
 * forksrv.c: the fork server (PYFAULT_FORK_FD, pyfault.h): a counting run
 * that stops at the supervisor's points and forks the trials from there,
 * so that no trial pays again for start-up and imports.
 *
 * The service is asked for with the spec's fork-fd=, not an environment
 * variable: one more variable would move CPython's allocation numbers.
 * The stop happens inside the allocation hook, once the allocation is
 * numbered and before it is decided; the trial is a fork from that very
 * place, so it decides the same allocation under its own plan. It is
 * the supervisor's child (CLONE_PARENT), which can then wait for it,
 * trace it and kill its group like any trial it spawned itself.
 * Nothing here allocates: syscalls, stack buffers and the copied page.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int fork_fd = -1;
uint64_t pf_fork_next;

static bool send_msg(uint32_t kind, uint32_t arg, uint64_t n, int64_t pid)
{
    struct pyfault_fork_msg m = {kind, arg, n, pid};
    ssize_t w;
    do
        w = send(fork_fd, &m, sizeof m, MSG_NOSIGNAL);
    while (w < 0 && errno == EINTR);
    return w == (ssize_t)sizeof m;
}

/* What follows a FORK message: the spec and the control page's path an
 * exec'd trial would get, each NUL-terminated. */
struct fork_env {
    char text[PYFAULT_FORK_ENV_MAX];
    size_t len;
};

/* Receives one message and up to 4 descriptors into FDS (-1 when absent),
 * and what follows it into ENV. False on a closed socket or a malformed
 * message. */
static bool recv_msg(struct pyfault_fork_msg *m, int fds[4], struct fork_env *env)
{
    char control[CMSG_SPACE(4 * sizeof(int))];
    struct iovec iov[2] = {{m, sizeof *m}, {env->text, sizeof env->text}};
    struct msghdr h = {.msg_iov = iov, .msg_iovlen = 2,
                       .msg_control = control, .msg_controllen = sizeof control};
    for (int i = 0; i < 4; i++)
        fds[i] = -1;
    ssize_t r;
    do
        r = recvmsg(fork_fd, &h, MSG_CMSG_CLOEXEC);
    while (r < 0 && errno == EINTR);
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&h); c; c = CMSG_NXTHDR(&h, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        memcpy(fds, CMSG_DATA(c), (n > 4 ? 4 : n) * sizeof(int));
    }
    env->len = r > (ssize_t)sizeof *m ? (size_t)r - sizeof *m : 0;
    return r >= (ssize_t)sizeof *m && !(h.msg_flags & MSG_TRUNC);
}

/* ENV's two strings, or false when it does not hold two. */
static bool env_strings(const struct fork_env *env, const char **spec, const char **ctl)
{
    const char *end = env->text + env->len;
    const char *nul = memchr(env->text, '\0', env->len);
    if (!nul || !memchr(nul + 1, '\0', (size_t)(end - nul - 1)))
        return false;
    *spec = env->text;
    *ctl = nul + 1;
    return true;
}

static void close_fds(const int fds[4])
{
    for (int i = 0; i < 4; i++)
        if (fds[i] >= 0)
            close(fds[i]);
}

static void stop_serving(void)
{
    if (fork_fd >= 0)
        close(fork_fd);
    fork_fd = -1;
    __atomic_store_n(&pf_fork_next, 0, __ATOMIC_RELAXED);
}

/* The calling process's thread count, from /proc/self/stat (field 20);
 * 0 when it cannot be read. */
static unsigned threads_alive(void)
{
    char buf[1024];
    int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    /* the command name may hold spaces and ')': count from the last ')' */
    char *p = strrchr(buf, ')');
    if (!p)
        return 0;
    /* fields 3.. follow; num_threads is field 20, the 18th after ')' */
    for (int field = 2; field < 20 && p; field++)
        p = strchr(p + 1, ' ');
    return p ? (unsigned)strtoul(p + 1, NULL, 10) : 0;
}

/* Whether a trial forked at N would differ from an exec'd one for a
 * child of the process's own since the service opened. One running or
 * not yet reaped: a trial's wait() would find no child. One ended: it
 * ran in the server, counting, where an exec'd trial's child inherits
 * its plan and may fail there; unless every process the shim started
 * in under our spec has ended counting well below N (childlog.c). A
 * child the shim did not run in (static, or given another environment)
 * could not fail in an exec'd trial either. The log, not our children's
 * usage, tells: a child reaped by the kernel (SIGCHLD ignored) adds no
 * usage. The trials are the supervisor's children (CLONE_PARENT), not
 * ours. */
static bool children_differ(uint64_t n)
{
    siginfo_t si;
    si.si_pid = 0;
    if (waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT | __WALL) == 0)
        return true;
    return !pf_childlog_below(n);
}

/* Stops at a writable shared mapping (perms rw-s) other than the
 * control page, whose address ARG holds. */
static bool is_other_shared_writable(const struct pf_maps_line *line, void *arg)
{
    uintptr_t own = *(const uintptr_t *)arg;
    bool shared_writable = line->perms[1] == 'w' && line->perms[3] == 's';
    return !shared_writable || (own >= line->start && own < line->end);
}

/* Whether the process has a writable shared mapping other than the
 * control page: a forked trial would share it with the server and every
 * later trial (a flag it sets, a POSIX semaphore it dies holding), where
 * each exec'd trial has its own. Runs inside malloc (mapswalk.c). */
static bool shared_writable_mapping(void)
{
    uintptr_t own = (uintptr_t)__atomic_load_n(&pf_page, __ATOMIC_ACQUIRE);
    return !pf_maps_walk(is_other_shared_writable, &own);
}

/* Whether a timer would be lost: an interval timer armed (a fork does
 * not inherit them: the trial would run on where an exec'd one gets its
 * signal, and the server would get it instead), or a POSIX timer made
 * (/proc/self/timers lists them, when the kernel has it). */
static bool timer_armed(void)
{
    static const int which[] = {ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF};
    for (size_t i = 0; i < sizeof which / sizeof which[0]; i++) {
        struct itimerval v;
        if (getitimer(which[i], &v) == 0 && (v.it_value.tv_sec || v.it_value.tv_usec))
            return true;
    }
    int fd = open("/proc/self/timers", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    char c;
    ssize_t n;
    do
        n = read(fd, &c, 1);
    while (n < 0 && errno == EINTR);
    close(fd);
    return n > 0;
}

/* What the AT message says in its pid field: the PYFAULT_FORK_UNSAFE_*
 * reasons a trial forked here would not be an exec'd one, beyond the
 * threads alive. With threads alive the point is exec'd anyway: the
 * costlier checks are skipped. */
static int64_t unsafe_reasons(uint64_t n, unsigned threads, int64_t descriptors)
{
    int64_t r = children_differ(n) ? PYFAULT_FORK_UNSAFE_CHILDREN : 0;
    if (threads != 1 || r)
        return r;
    r |= descriptors;
    if (timer_armed())
        r |= PYFAULT_FORK_UNSAFE_TIMER;
    if (shared_writable_mapping())
        r |= PYFAULT_FORK_UNSAFE_SHARED;
    return r;
}

/* Is FD the supervisor's socket, not a descriptor an exec'd descendant
 * holds under that number (the spec travels in the environment, the
 * socket is close-on-exec)? */
static bool is_service_socket(int fd)
{
    int type = 0, domain = 0;
    socklen_t len = sizeof type;
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_SEQPACKET)
        return false;
    len = sizeof domain;
    return getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 && domain == AF_UNIX;
}

/* Read ends of the pipes of trials still copying what they hold of the
 * server's (fork_trial); a trial's own copy of the list is closed at its
 * start. */
#define PF_COPYING_MAX 8
static int copying[PF_COPYING_MAX];
static int ncopying;

static bool copying_full(void)
{
    return ncopying == PF_COPYING_MAX;
}

static void copying_add(int fd)
{
    copying[ncopying++] = fd;
}

/* Waits until every trial in the list has its copies (or is dead). */
static void copies_made(void)
{
    for (int i = 0; i < ncopying; i++) {
        char c;
        while (read(copying[i], &c, 1) < 0 && errno == EINTR)
            ;
        close(copying[i]);
    }
    ncopying = 0;
}

/* In a new trial: the other trials' pipes are the server's to wait on. */
static void copying_drop(void)
{
    for (int i = 0; i < ncopying; i++)
        close(copying[i]);
    ncopying = 0;
}

/* In a trial that could not be given its own of F: says so in its log
 * and exits before its target runs on, where it would share F with the
 * server and the other trials (a wrong answer); the supervisor execs
 * the point instead. */
static _Noreturn void unforked(const struct pf_place_failure *f)
{
    pf_event_unforked(f->what, f->fd, f->err);
    pf_exit_now(PYFAULT_EXIT_UNFORKED);
}

/* In the trial: take the supervisor's descriptors and plan, and the spec
 * and page name (SPEC, CTL) its children are to inherit. FDS: control
 * page, stdout, stderr, event log; COPIED: the pipe whose write end is
 * closed once its files are its own (-1s when the server does not wait). */
static void become_trial(uint64_t n, uint32_t mode, const int fds[4], const char *spec,
                         const char *ctl, const int copied[2])
{
    /* die with the supervisor, our parent (CLONE_PARENT) */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (pf_ppid() == 1)
        pf_exit_now(1); /* it is gone already */
    setpgid(0, 0);
    stop_serving();
    struct pyfault_ctl *page = pf_map_aside(sizeof *page, PROT_READ | PROT_WRITE, MAP_SHARED,
                                            fds[0], 0);
    int page_err = errno;
    close(fds[0]); /* one more free for fdprivate.c near the limit */
    if (page != MAP_FAILED) {
        /* the counts go on from the server's: allocation n is this one;
         * the plan is written before the page is published, so no reader
         * sees it half done (the seqlock's generation left even) */
        memcpy(page, pf_page, sizeof *page);
        page->owner_pid = (int32_t)pf_pid();
        page->state = PYFAULT_STATE_ATTACHED;
        memset(&page->plan, 0, sizeof page->plan);
        page->plan.mode = mode == 2 ? PYFAULT_MODE_FROM : PYFAULT_MODE_NTH;
        page->plan.a = n;
        page->arm_generation = 2;
        __atomic_store_n(&pf_page, page, __ATOMIC_RELEASE);
    }
    pf_log_adopt(fds[3]);
    pf_event_adopted();
    if (page == MAP_FAILED)
        unforked(&(struct pf_place_failure){"the trial's control page", -1, page_err});
    /* the trial's pipes where the server's were (fds 1 and 2 included),
     * its own description of each file where the server's offset was:
     * an offset it moves must not move the server's (stdin is the
     * harness's /dev/null, in the server as in an exec'd trial) */
    if (copied[0] >= 0)
        close(copied[0]);
    copying_drop();
    const struct pf_place_failure *unplaced = pf_fds_privatise(fds[1], fds[2]);
    if (unplaced)
        unforked(unplaced);
    if (copied[1] >= 0)
        close(copied[1]); /* the server may run on */
    close(fds[1]);
    close(fds[2]);
    pf_trialenv_adopt(spec, ctl);
    pf_precopy_arm();
}

/* Forks a trial for N as the supervisor's own child. Returns true in the
 * trial, false in the server (which has reported the trial's pid).
 *
 * One clone with CLONE_PARENT: the supervisor waits for, traces and
 * kills the trial like any trial it spawned itself, with no intermediate
 * process to fork twice and hand over through (a millisecond a trial on
 * a busy machine). Being a raw clone, it runs no pthread_atfork handlers
 * and leaves glibc's cached thread id stale; the server has one thread
 * (checked before every fork), and glibc >= 2.34 signals its own thread
 * (raise, abort) by the kernel's thread id, not the cached one. The
 * trial shows its target the server's pid (trialpid.c), as an exec'd
 * trial's pid stays one.
 *
 * A trial copies the nameless files it holds at its start (fdprivate.c),
 * and the bytes queued in its pipes and socket pairs (fdchannel.c): the
 * server must not run on before it has, or it would write into the file
 * or channel, or read from it, and the trial would copy what the server
 * did after the stop (125 of the 604 points of
 * tests/harness/data/fork_copy_at_stop.py ended otherwise than exec'd).
 * Each such trial holds the write end of a pipe until its copies are
 * made (or it dies); the server waits for them all before it runs on
 * (copies_made), so the trials of one stop copy side by side. */
static bool fork_trial(uint64_t n, uint32_t mode, const int fds[4], const char *spec,
                       const char *ctl)
{
    int copied[2] = {-1, -1};
    long pid = -1;
    pid_t server = pf_pid();
    if (copying_full())
        copies_made();
    if (!pf_fds_copying() || syscall(SYS_pipe2, copied, O_CLOEXEC) == 0)
        pid = syscall(SYS_clone, (unsigned long)(CLONE_PARENT | SIGCHLD), 0UL, NULL, NULL, 0UL);
    if (pid == 0) {
        pf_trialpid_become(server);
        become_trial(n, mode, fds, spec, ctl, copied);
        return true;
    }
    if (copied[1] >= 0)
        close(copied[1]);
    if (copied[0] >= 0)
        copying_add(copied[0]);
    if (!send_msg(PYFAULT_FORK_PID, mode, n, pid > 0 ? pid : -1))
        stop_serving();
    return false;
}

void pf_forksrv_open(void)
{
    if (pf_spec.fork_fd < 0)
        return;
    /* a process the target started inherits the spec, not the socket: it
     * is no server, and says nothing (its output is the target's) */
    if (!is_service_socket(pf_spec.fork_fd))
        return;
    /* out of the target's numbering, as an exec'd trial has no socket
     * (fdhigh.c); close-on-exec: the target's own children must not
     * inherit the service */
    fork_fd = pf_fd_move_high(pf_spec.fork_fd);
    fcntl(fork_fd, F_SETFD, FD_CLOEXEC);
    /* the harness's descriptors, before the target can move them */
    pf_fds_note_start(fork_fd);
    struct pyfault_fork_msg m;
    int fds[4];
    struct fork_env env;
    if (!recv_msg(&m, fds, &env) || m.kind != PYFAULT_FORK_NEXT) {
        close_fds(fds);
        pf_stderr("pyfault: the fork server's socket did not start with NEXT", "");
        stop_serving();
        return;
    }
    __atomic_store_n(&pf_fork_next, m.n, __ATOMIC_RELAXED);
}

void pf_forksrv_after_fork(void)
{
    /* the target's own fork: the server is its parent, not this child */
    stop_serving();
}

void pf_forksrv_serve(uint64_t n)
{
    /* what every trial's records will name frames with, built once here */
    pf_symtab_prepare();
    /* the offsets each trial starts from, before the server reads on */
    int64_t descriptors = pf_fds_note(fork_fd);
    unsigned threads = fork_fd >= 0 ? threads_alive() : 0;
    if (fork_fd < 0 ||
        !send_msg(PYFAULT_FORK_AT, threads, n, unsafe_reasons(n, threads, descriptors))) {
        stop_serving();
        return;
    }
    for (;;) {
        struct pyfault_fork_msg m;
        int fds[4];
        struct fork_env env;
        const char *spec, *ctl;
        if (!recv_msg(&m, fds, &env)) {
            close_fds(fds);
            copies_made();
            stop_serving();
            return;
        }
        if (m.kind == PYFAULT_FORK_NEXT) {
            close_fds(fds);
            copies_made(); /* before the server runs on */
            __atomic_store_n(&pf_fork_next, m.n, __ATOMIC_RELAXED);
            return;
        }
        if (m.kind != PYFAULT_FORK_FORK || fds[0] < 0 || fds[1] < 0 || fds[2] < 0 ||
            !env_strings(&env, &spec, &ctl)) {
            close_fds(fds);
            copies_made();
            stop_serving();
            return;
        }
        if (fork_trial(n, m.arg, fds, spec, ctl))
            return; /* the trial: decide allocation n under its own plan */
        close_fds(fds);
    }
}
