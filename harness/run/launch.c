/* launch.c: vfork + exec, so the child can be put on a lifeline
 * (PR_SET_PDEATHSIG, which posix_spawn cannot ask for) between the two.
 * vfork keeps a sweep's spawns fast, suspends only the calling thread (so
 * many workers may spawn at once), and the child reports an exec error
 * through the memory it shares with us. The child makes only system
 * calls: no locks, no allocation. */
#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "inherited_fds.h"
#include "lifeline.h"

/* What the vforked child does; filled by the parent beforehand. */
struct plan {
    const char *path;
    char *const *argv;
    char *const *envp;
    pid_t parent;
    const char *tty;     /* a pseudo-terminal's slave: new session on it */
    int out_fd, err_fd;  /* pipes' write ends (no tty) */
    volatile int error;  /* set by the child when it cannot exec */
};

/* dup2 that also clears close-on-exec when FROM is TO already. */
static int move_fd(int from, int to)
{
    if (from == to)
        return fcntl(to, F_SETFD, 0);
    return dup2(from, to) < 0 ? -1 : 0;
}

/* The child: its own process group (or session), its standard streams,
 * the lifeline, every signal at its default and unblocked, exec. */
static void child(struct plan *p)
{
    int fail = 0;
    if (p->tty) {
        int fd;
        fail |= setsid() < 0;
        /* opened after setsid: the terminal becomes the controlling one */
        fail |= (fd = open(p->tty, O_RDWR)) < 0;
        fail |= move_fd(fd, 0) < 0 || move_fd(0, 1) < 0 || move_fd(0, 2) < 0;
        if (fd > 2)
            close(fd);
    } else {
        int null;
        fail |= setpgid(0, 0) < 0;
        fail |= (null = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0;
        fail |= move_fd(null, 0) < 0 || move_fd(p->out_fd, 1) < 0 || move_fd(p->err_fd, 2) < 0;
    }
    if (fail || pf_lifeline_bind(p->parent) < 0) {
        p->error = errno ? errno : ESRCH;
        _exit(127);
    }
    /* what the harness was given, nothing it opened since */
    pf_inherited_fds_close_others(-1);
    struct sigaction dfl;
    memset(&dfl, 0, sizeof dfl);
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++)
        sigaction(sig, &dfl, NULL); /* SIGKILL, SIGSTOP and glibc's own refuse: fine */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(p->path, p->argv, p->envp);
    p->error = errno;
    _exit(127);
}

/* vfork with every signal blocked in this thread meanwhile: none of our
 * handlers may run in the child on our stack. Returns the pid, or -1
 * with P->error set (the exec failed: the child is reaped). */
static pid_t start(struct plan *p)
{
    sigset_t all, old;
    sigfillset(&all);
    p->parent = getpid();
    p->error = 0;
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pid_t pid = vfork();
    if (pid == 0)
        child(p);
    int e = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (pid < 0) {
        p->error = e;
        return -1;
    }
    if (p->error) {
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        return -1;
    }
    return pid;
}

int pf_spawn(const char *path, char *const argv[], char *const envp[],
             struct pf_child *out)
{
    int outp[2] = {-1, -1}, errp[2] = {-1, -1};
    int rc;
    out->pid = -1;
    out->out_fd = out->err_fd = -1;
    /* O_CLOEXEC at creation: other threads' children must not inherit */
    if (pipe2(outp, O_CLOEXEC) < 0)
        return errno;
    if (pipe2(errp, O_CLOEXEC) < 0) {
        rc = errno;
        close(outp[0]);
        close(outp[1]);
        return rc;
    }
    struct plan p = {.path = path, .argv = argv, .envp = envp,
                     .out_fd = outp[1], .err_fd = errp[1]};
    pid_t pid = start(&p);
    close(outp[1]);
    close(errp[1]);
    if (pid < 0) {
        close(outp[0]);
        close(errp[0]);
        return p.error;
    }
    fcntl(outp[0], F_SETFL, O_NONBLOCK);
    fcntl(errp[0], F_SETFL, O_NONBLOCK);
    out->pid = pid;
    out->out_fd = outp[0];
    out->err_fd = errp[0];
    return 0;
}

/* Writes all of TEXT to FD (a terminal master), waiting while it is full. */
static void type_text(int fd, const char *text, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, text, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        text += n;
        len -= (size_t)n;
    }
}

int pf_spawn_pty(const char *path, char *const argv[], char *const envp[],
                 const char *input, struct pf_child *out)
{
    out->pid = -1;
    out->out_fd = out->err_fd = -1;
    int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0)
        return errno;
    char slave[128];
    if (grantpt(master) < 0 || unlockpt(master) < 0 ||
        ptsname_r(master, slave, sizeof slave) != 0) {
        int rc = errno;
        close(master);
        return rc;
    }
    /* a sane terminal size: line editors refuse a 0x0 screen */
    struct winsize ws = {.ws_row = 40, .ws_col = 120};
    ioctl(master, TIOCSWINSZ, &ws);

    struct plan p = {.path = path, .argv = argv, .envp = envp, .tty = slave,
                     .out_fd = -1, .err_fd = -1};
    pid_t pid = start(&p);
    if (pid < 0) {
        close(master);
        return p.error;
    }
    if (input) {
        type_text(master, input, strlen(input));
        type_text(master, "\x04", 1);
    }
    fcntl(master, F_SETFL, O_NONBLOCK);
    out->pid = pid;
    out->err_fd = master;
    return 0;
}
