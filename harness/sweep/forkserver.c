/* forkserver.c: the supervisor's side of the shim's fork server. Workers
 * take their jobs in order from one dispenser; here each waits for its
 * turn, moves the server on to its point (NEXT, then AT), and asks for a
 * fork with the descriptors of its own runner (FORK), so the forked trial
 * is watched and classified exactly as a spawned one (trial.h). */
#include "forkserver.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "escaped.h"
#include "interrupt.h"
#include "inherited_fds.h"
#include "lifeline.h"
#include "options.h"
#include "spec_pad.h"

static void stop_serving(struct pf_forksrv *s, const char *why)
{
    if (!s->ended && why && !s->error[0])
        snprintf(s->error, sizeof s->error, "%s", why);
    s->ended = 1;
    if (s->sock >= 0)
        close(s->sock);
    s->sock = -1;
}

/* SIGKILL to the server and its group, if it was started; the trials
 * have groups of their own. pf_forksrv_stop reaps it. */
static void kill_server(const struct pf_forksrv *s)
{
    if (s->pid > 0) {
        kill(-s->pid, SIGKILL);
        kill(s->pid, SIGKILL);
    }
}

/* Adds PID to the live set (lock held). Returns 0 or -1 (no memory). */
static int live_add(struct pf_forksrv *s, pid_t pid)
{
    if (s->nlive == s->live_cap) {
        size_t cap = s->live_cap ? 2 * s->live_cap : 16;
        pid_t *bigger = realloc(s->live, cap * sizeof *bigger);
        if (!bigger)
            return -1;
        s->live = bigger;
        s->live_cap = cap;
    }
    s->live[s->nlive++] = pid;
    return 0;
}

static void live_remove(struct pf_forksrv *s, pid_t pid)
{
    for (size_t i = 0; i < s->nlive; i++)
        if (s->live[i] == pid) {
            s->live[i] = s->live[--s->nlive];
            return;
        }
}

/* Reads and drops what the server writes, so that it never blocks on a
 * full pipe; ends at end of file on both. */
static void *drain_output(void *arg)
{
    struct pf_forksrv *s = arg;
    int fds[2] = {s->out_fd, s->err_fd};
    char buf[4096];
    while (fds[0] >= 0 || fds[1] >= 0) {
        struct pollfd p[2];
        int n = 0;
        for (int i = 0; i < 2; i++)
            if (fds[i] >= 0)
                p[n++] = (struct pollfd){.fd = fds[i], .events = POLLIN};
        if (poll(p, (nfds_t)n, -1) < 0 && errno != EINTR)
            break;
        for (int k = 0; k < n; k++) {
            if (!p[k].revents)
                continue;
            ssize_t r = read(p[k].fd, buf, sizeof buf);
            if (r <= 0 && !(r < 0 && errno == EINTR))
                for (int i = 0; i < 2; i++)
                    if (fds[i] == p[k].fd)
                        fds[i] = -1;
        }
    }
    return NULL;
}

/* The server's process: its own group, /dev/null as stdin and pipes as
 * stdout and stderr (as an exec'd trial has: CPython's start-up
 * allocates differently on a file than on a pipe), the socket SOCK (> 2)
 * under its number, a lifeline to us, default signals. Returns 0 or an
 * errno. */
static int spawn_server_on(struct pf_forksrv *s, const struct pf_context *ctx, const char *dir,
                           const struct pf_target *t, const char *filters, int sock)
{
    /* the same variables as an exec'd trial's, or CPython would number
     * its allocations differently (each variable is two on 3.11), and of
     * the same lengths, or lay its objects out differently (spec_pad.h) */
    char spec[2048];
    snprintf(spec, sizeof spec, "%s%slog=%s/log.fork,log-max=1,fork-fd=%d",
             filters ? filters : "", filters && filters[0] ? "," : "", dir, sock);
    (void)pf_spec_pad(spec, sizeof spec, pf_spec_width(filters, strlen(dir))); /* as a trial's */
    struct pf_env env;
    if (pf_env_copy(&env, &ctx->env) < 0 || pf_env_set(&env, PYFAULT_ENV_SPEC, spec, 0) < 0 ||
        pf_env_set(&env, PYFAULT_ENV_CTL, s->page.path, 0) < 0) {
        pf_env_free(&env);
        return ENOMEM;
    }
    int outp[2], errp[2];
    if (pipe2(outp, O_CLOEXEC) < 0) {
        pf_env_free(&env);
        return errno;
    }
    if (pipe2(errp, O_CLOEXEC) < 0) {
        int e = errno;
        close(outp[0]);
        close(outp[1]);
        pf_env_free(&env);
        return e;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        /* async-signal-safe calls only: other threads may hold locks */
        int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (setpgid(0, 0) < 0 || null < 0 || dup2(null, 0) < 0 || dup2(outp[1], 1) < 0 ||
            dup2(errp[1], 2) < 0 || fcntl(sock, F_SETFD, 0) < 0 ||
            pf_lifeline_bind(parent) < 0)
            _exit(127);
        /* what the harness was given (as an exec'd trial), and the socket */
        pf_inherited_fds_close_others(sock);
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        for (int sig = 1; sig < NSIG; sig++)
            sigaction(sig, &dfl, NULL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execve(t->exe, t->argv, env.v);
        _exit(127);
    }
    int e = pid < 0 ? errno : 0;
    close(outp[1]);
    close(errp[1]);
    pf_env_free(&env);
    if (pid < 0) {
        close(outp[0]);
        close(errp[0]);
        return e;
    }
    s->pid = pid;
    (void)live_add(s, pid); /* room for it was made before the spawn */
    s->out_fd = outp[0];
    s->err_fd = errp[0];
    if (pthread_create(&s->drainer, NULL, drain_output, s) == 0)
        s->draining = 1;
    return 0;
}

/* spawn_server_on with CHILD_SOCK kept under the number it has here: no
 * descriptor we pass on to every exec'd trial (and so to the server) can
 * hold it, where a fixed 3 took the place of one; the shim then moves it
 * out of the target's numbering. Above the three the child replaces. */
static int spawn_server(struct pf_forksrv *s, const struct pf_context *ctx, const char *dir,
                        const struct pf_target *t, const char *filters, int child_sock)
{
    int sock = child_sock > 2 ? child_sock : fcntl(child_sock, F_DUPFD_CLOEXEC, 3);
    if (sock < 0)
        return errno;
    int rc = spawn_server_on(s, ctx, dir, t, filters, sock);
    if (sock != child_sock)
        close(sock);
    return rc;
}

/* Sends KIND with NFDS descriptors FDS, then LEN bytes of DATA. */
static int send_msg(struct pf_forksrv *s, uint32_t kind, uint32_t arg, uint64_t n,
                    const int *fds, int nfds, const void *data, size_t len)
{
    struct pyfault_fork_msg m = {kind, arg, n, 0};
    struct iovec iov[2] = {{&m, sizeof m}, {(void *)data, len}};
    char control[CMSG_SPACE(4 * sizeof(int))];
    struct msghdr h = {.msg_iov = iov, .msg_iovlen = len ? 2 : 1};
    if (nfds > 0) {
        memset(control, 0, sizeof control);
        h.msg_control = control;
        h.msg_controllen = CMSG_SPACE((size_t)nfds * sizeof(int));
        struct cmsghdr *c = CMSG_FIRSTHDR(&h);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN((size_t)nfds * sizeof(int));
        memcpy(CMSG_DATA(c), fds, (size_t)nfds * sizeof(int));
    }
    ssize_t w;
    do
        w = sendmsg(s->sock, &h, MSG_NOSIGNAL);
    while (w < 0 && errno == EINTR);
    return w == (ssize_t)(sizeof m + len) ? 0 : -1;
}

/* One message of KIND from the server; -1 when it is gone or says
 * something else. A server that stops answering is given up after the
 * trial timeout. */
static int recv_msg(struct pf_forksrv *s, uint32_t kind, double timeout_s,
                    struct pyfault_fork_msg *m)
{
    struct timeval tv = {(time_t)timeout_s, (suseconds_t)((timeout_s - (double)(time_t)timeout_s) * 1e6)};
    setsockopt(s->sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ssize_t r;
    do
        r = recv(s->sock, m, sizeof *m, 0);
    while (r < 0 && errno == EINTR && !pf_interrupted);
    return r == (ssize_t)sizeof *m && m->kind == kind ? 0 : -1;
}

void pf_forksrv_start(struct pf_forksrv *s, const struct pf_context *ctx, const char *dir,
                      const struct pf_target *t, const char *filters)
{
    memset(s, 0, sizeof *s);
    s->sock = -1;
    s->out_fd = s->err_fd = -1;
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/ctl.fork", dir); /* as long as ctl.%04u */
    if (t->pty_input) {
        stop_serving(s, "a target on a terminal is not forked");
        return;
    }
    s->live = malloc(16 * sizeof *s->live);
    if (!s->live) {
        stop_serving(s, "out of memory");
        return;
    }
    s->live_cap = 16;
    if (pf_ctlpage_create(&s->page, path) < 0) {
        stop_serving(s, "cannot create the fork server's control page");
        return;
    }
    snprintf(s->marker, sizeof s->marker, "%s=%s", PYFAULT_ENV_CTL, s->page.path);
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
        stop_serving(s, "cannot make the fork server's socket");
        return;
    }
    s->sock = sv[0];
    pf_supervise_init(); /* what the trials leave behind is re-parented to us */
    int rc = spawn_server(s, ctx, dir, t, filters, sv[1]);
    close(sv[1]);
    if (rc != 0)
        stop_serving(s, strerror(rc));
}

/* Moves the server on to POINT (lock held). */
static void reach(struct pf_forksrv *s, const struct pf_context *ctx, uint64_t point)
{
    if (s->ended || s->at >= point)
        return;
    struct pyfault_fork_msg m;
    /* the server may have to run a long way first: give it a trial's time */
    if (send_msg(s, PYFAULT_FORK_NEXT, 0, point, NULL, 0, NULL, 0) < 0 ||
        recv_msg(s, PYFAULT_FORK_AT, ctx->timeout_s, &m) < 0) {
        stop_serving(s, NULL); /* it ran to its end before POINT, or died */
        return;
    }
    s->at = m.n;
    s->threads = m.arg;
    s->children = (m.pid & PYFAULT_FORK_UNSAFE_CHILDREN) != 0;
    s->state = (m.pid & (PYFAULT_FORK_UNSAFE_TIMER | PYFAULT_FORK_UNSAFE_SHARED |
                         PYFAULT_FORK_UNSAFE_DESCRIPTOR | PYFAULT_FORK_UNSAFE_LOCK)) != 0;
    if (m.pid & PYFAULT_FORK_UNSAFE_LOCK) {
        /* a lock the stopped server holds, every exec'd trial would wait
         * for (a trial taking its own): end the server, as at the end of
         * the sweep; its points from here on are exec'd */
        stop_serving(s, NULL);
        kill_server(s);
    }
}

/* Asks for a fork at the current stop into CH (lock held), the trial's
 * children to inherit SPEC and R's page name as an exec'd trial's would.
 * Returns 0 or -1 (then the job is exec'd). */
static int fork_one(struct pf_forksrv *s, const struct pf_context *ctx, struct pf_runner *r,
                    unsigned mode, const char *spec, const struct pf_trial_log *log,
                    struct pf_child *ch)
{
    int out[2] = {-1, -1}, err[2] = {-1, -1};
    int page = open(r->ctl.path, O_RDWR | O_CLOEXEC);
    int logfd = open(log->path, O_WRONLY | O_APPEND | O_CLOEXEC);
    int rc = -1;
    char env[PYFAULT_FORK_ENV_MAX];
    int len = snprintf(env, sizeof env, "%s%c%s", spec, '\0', r->ctl.path);
    if (len < 0 || (size_t)len >= sizeof env || page < 0 || logfd < 0 ||
        pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
        goto out;
    int fds[4] = {page, out[1], err[1], logfd};
    struct pyfault_fork_msg m;
    if (send_msg(s, PYFAULT_FORK_FORK, mode == PF_MODE_PERSISTENT ? 2 : 1, s->at, fds, 4, env,
                 (size_t)len + 1) < 0 ||
        recv_msg(s, PYFAULT_FORK_PID, ctx->timeout_s, &m) < 0 || m.pid <= 0) {
        stop_serving(s, "the fork server stopped answering");
        goto out;
    }
    ch->pid = (pid_t)m.pid;
    if (live_add(s, ch->pid) < 0) {
        /* unwatched, it could be taken for a process a trial set loose */
        kill(ch->pid, SIGKILL);
        while (waitpid(ch->pid, NULL, 0) < 0 && errno == EINTR)
            ;
        stop_serving(s, "out of memory");
        goto out;
    }
    ch->out_fd = out[0];
    ch->err_fd = err[0];
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    fcntl(err[0], F_SETFL, O_NONBLOCK);
    out[0] = err[0] = -1;
    rc = 0;
out:
    for (int i = 0; i < 2; i++) {
        if (out[i] >= 0)
            close(out[i]);
        if (err[i] >= 0)
            close(err[i]);
    }
    if (page >= 0)
        close(page);
    if (logfd >= 0)
        close(logfd);
    return rc;
}

int pf_forksrv_trial(struct pf_forksrv *s, const struct pf_context *ctx, struct pf_runner *r,
                      const struct pf_target *t, uint64_t job, uint64_t point, unsigned mode,
                      const char *inject, struct pf_result *res)
{
    struct pf_trial_log log;
    struct pf_child ch;
    int forked = 0, how;
    int begun = pf_trial_begin(ctx, r, t, inject, res, &log) == 0;

    pthread_mutex_lock(&s->lock);
    while (s->cursor != job && !pf_interrupted) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 100 * 1000 * 1000;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&s->cond, &s->lock, &until);
    }
    reach(s, ctx, point);
    /* a trial forked with another thread alive would lack it, and one
     * forked while the target has a child would lack that child too; one
     * forked with a timer armed would lack the timer, and one forked with
     * a writable shared mapping, or a socket, timerfd or pty of the
     * target's that the shim cannot give it its own of, would share it
     * with the server and with every later trial */
    int at = !s->ended && s->at == point;
    if (begun && at && s->threads == 1 && !s->children && !s->state)
        forked = fork_one(s, ctx, r, mode, res->spec, &log, &ch) == 0;
    if (forked)
        s->forked++, how = PF_FORKSRV_FORKED;
    else if (at && (s->threads != 1 || s->children))
        s->exec_threads++, how = PF_FORKSRV_EXEC_THREADS;
    else if (at && s->state)
        s->exec_state++, how = PF_FORKSRV_EXEC_STATE;
    else /* past the server's run, it failed, or the trial could not begin */
        s->exec_other++, how = PF_FORKSRV_EXEC_OTHER;
    if (s->cursor == job)
        s->cursor++;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);

    if (forked) {
        pf_trial_finish(ctx, r, &ch, &log, res);
        /* what it set loose before an exec, or by an exec trialenv.c
         * does not look into, carries the server's page name, not the
         * runner's that pf_trial_finish looked for; the lock keeps a new
         * trial from being forked while the others are told apart */
        pthread_mutex_lock(&s->lock);
        live_remove(s, ch.pid);
        pf_escaped_kill_detached(s->marker, s->live, s->nlive);
        if (r->events.unforked) {
            /* it ran none of the target: exec'd, as for the state */
            s->forked--, s->exec_state++, how = PF_FORKSRV_EXEC_STATE;
            if (!s->unforked[0])
                snprintf(s->unforked, sizeof s->unforked, "%s", r->events.unforked_why);
        }
        pthread_mutex_unlock(&s->lock);
    }
    if (begun && how != PF_FORKSRV_FORKED)
        pf_trial_run(ctx, r, t, inject, res);
    return how;
}

void pf_forksrv_stop(struct pf_forksrv *s)
{
    pthread_mutex_lock(&s->lock);
    stop_serving(s, NULL);
    pthread_mutex_unlock(&s->lock);
    if (s->pid > 0) {
        /* what is left of its run is no trial's: end it */
        kill_server(s);
        while (waitpid(s->pid, NULL, 0) < 0 && errno == EINTR)
            ;
        s->pid = 0;
        /* and what it set loose (setsid), now ours: it may hold the
         * server's pipes open, and the drainer waits for their end */
        pf_escaped_kill(s->marker);
    }
    if (s->draining)
        pthread_join(s->drainer, NULL);
    if (s->out_fd >= 0)
        close(s->out_fd);
    if (s->err_fd >= 0)
        close(s->err_fd);
    if (s->page.ctl)
        pf_ctlpage_destroy(&s->page);
    free(s->live);
    s->live = NULL;
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->cond);
}
