/* cmd_bisect.c: "pyfault bisect-run": build this commit, run the target
 * under the shim, and answer git bisect run with 0, 1, 125 or 128 only:
 * any other status (a crash's 139 above all) would mislead or stop git. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bisect.h"
#include "clock.h"
#include "cmd.h"
#include "first_line.h"
#include "interrupt.h"
#include "lifeline.h"
#include "private_file.h"
#include "replay.h"
#include "supervise.h"
#include "tmpdir.h"
#include "trial.h"

#define DEFAULT_TIMEOUT 30.0
#define MAX_RUNS 3
#define LOG_TAIL_LINES 8

/* First line of "sh -c CMD"'s stdout into OUT ("" when it fails). */
static void first_line(const char *cmd, char *out, size_t outlen)
{
    char *argv[] = {"/bin/sh", "-c", (char *)cmd, NULL};
    if (pf_first_line(argv, out, outlen) < 0)
        out[0] = '\0';
}

/* Runs "sh -c CMD" in the working tree with output appended to the log
 * open on FD, in a process group of its own with MARK ("NAME=value") in
 * its environment, so that its whole tree can be found and killed (see
 * pf_supervise_group). pyfault's own make variables must not reach the
 * project's make. Returns its exit status (128 + a signal), or -1 when it
 * could not start or the harness was interrupted (pf_interrupted). */
static int run_logged(const char *cmd, int fd, char *mark)
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (setpgid(0, 0) < 0 || pf_lifeline_bind(parent) < 0 || null < 0)
            _exit(127);
        dup2(null, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        signal(SIGPIPE, SIG_DFL); /* pf_interrupt_install ignores it; exec keeps that */
        putenv(mark);
        unsetenv("MAKEFLAGS");
        unsetenv("MFLAGS");
        unsetenv("MAKEOVERRIDES");
        unsetenv("MAKELEVEL");
        dprintf(1, "pyfault bisect-run: $ %s\n", cmd);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    setpgid(pid, pid); /* on both sides: the group exists before a kill */
    int status = pf_supervise_group(pid, mark);
    if (status < 0)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The last lines of the log open on FD on stderr, indented: enough to
 * see the error. Read through the descriptor, never by the log's name:
 * whatever has the name by now (a link, a FIFO) is not opened. */
static void show_tail(int fd)
{
    char buf[4096];
    struct stat st;
    if (fstat(fd, &st) < 0)
        return;
    off_t from = st.st_size > (off_t)sizeof buf - 1 ? st.st_size - (off_t)sizeof buf + 1 : 0;
    ssize_t got = pread(fd, buf, sizeof buf - 1, from);
    size_t n = got > 0 ? (size_t)got : 0;
    buf[n] = '\0';
    while (n && buf[n - 1] == '\n')
        buf[--n] = '\0';
    const char *p = buf + n;
    for (int lines = 0; p > buf && lines < LOG_TAIL_LINES; p--)
        if (p[-1] == '\n' && ++lines == LOG_TAIL_LINES)
            break;
    for (const char *q = p; *q;) {
        size_t len = strcspn(q, "\n");
        fprintf(stderr, "  | %.*s\n", (int)len, q);
        q += len + (q[len] == '\n');
    }
}

/* Builds the commit: --build, or ./configure (when there is no Makefile)
 * then make -j$(nproc), each marked with MARK (run_logged). Returns 0, or
 * -1 with the failing command in WHAT (or pf_interrupted set). */
static int build(const struct pf_bisect_opts *o, int log, char *mark, char *what, size_t whatlen)
{
    if (o->build) {
        snprintf(what, whatlen, "%s", o->build);
        return run_logged(o->build, log, mark) == 0 ? 0 : -1;
    }
    if (access("Makefile", F_OK) < 0 && access("makefile", F_OK) < 0 &&
        access("GNUmakefile", F_OK) < 0) {
        if (access("configure", X_OK) < 0) {
            snprintf(what, whatlen, "no Makefile and no ./configure");
            return -1;
        }
        snprintf(what, whatlen, "./configure");
        if (run_logged("./configure", log, mark) != 0)
            return -1;
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    char make[64];
    snprintf(make, sizeof make, "make -j%ld", n > 0 ? n : 1);
    snprintf(what, whatlen, "%s", make);
    return run_logged(make, log, mark) == 0 ? 0 : -1;
}

/* Creates the build log: the repository's git dir's
 * pyfault-bisect-build.log made anew (whatever has the name, a previous
 * log, a link, a FIFO or a device node, is removed, never opened), else a
 * fresh $TMPDIR/pyfault-bisect-build.XXXXXX.log. Its name into OUT;
 * returns the descriptor (read and write: show_tail reads it back), or -1
 * with errno. */
static int open_log(char *out, size_t outlen)
{
    char gitdir[PATH_MAX];
    first_line("git rev-parse --absolute-git-dir 2>/dev/null", gitdir, sizeof gitdir);
    if (gitdir[0]) {
        snprintf(out, outlen, "%.4000s/pyfault-bisect-build.log", gitdir);
        return pf_private_recreate(out, O_RDWR);
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(out, outlen, "%.4000s/pyfault-bisect-build.XXXXXX.log", tmp && *tmp ? tmp : "/tmp");
    return pf_private_temp(out, 4);
}

struct step {
    char commit[64];
    double build_s;
    char classes[256];   /* "segfault, segfault" */
    unsigned runs, hits;
};

static int say(const struct step *s, enum pf_bisect_status v, int find_fix, const char *why)
{
    /* with --find-fix, git's "old" (0) is a commit that still has the bug */
    const char *meaning = !find_fix ? "" : v == PF_BISECT_GOOD ? " = still broken"
                        : v == PF_BISECT_BAD ? " = fixed" : "";
    printf("bisect-run: %s | build %.1fs | %s | %s%s (exit %d)%s%s\n", s->commit, s->build_s,
           s->classes[0] ? s->classes : "-", pf_bisect_status_name(v), meaning, (int)v,
           why[0] ? ": " : "", why);
    fflush(stdout);
    return (int)v;
}

/* The run target: the scenario on its interpreter, or the command. */
static int make_target(const struct pf_bisect_opts *o, struct pf_context *ctx, const char *scratch,
                       struct pf_target *t, struct pf_scenario *sc, char *err, size_t errlen)
{
    memset(sc, 0, sizeof *sc);
    if (o->command)
        return pf_target_command(t, o->ncommand, o->command, err, errlen);
    char python[PATH_MAX];
    if (o->python)
        snprintf(python, sizeof python, "%s", o->python);
    else if (access("./python", X_OK) == 0 && realpath("./python", python))
        ; /* a CPython checkout: the interpreter just built */
    else
        snprintf(python, sizeof python, "python3");
    return pf_replay_target(ctx, python, o->scenario, scratch, t, sc, err, errlen);
}

/* Runs T until the verdict is clear (see pf_bisect_needs_confirm), adds
 * the classes to S, prints the step's line and returns git's status. */
static int run_and_judge(const struct pf_bisect_opts *o, const struct pf_context *ctx,
                         struct pf_runner *r, const struct pf_target *t, const char *inject,
                         struct pf_result *res, struct step *s)
{
    unsigned errors = 0;
    size_t used = 0;
    for (int more = 1; more && s->runs < MAX_RUNS;) {
        pf_trial_run(ctx, r, t, inject, res);
        if (pf_interrupted)
            return say(s, PF_BISECT_BROKEN, o->find_fix, "interrupted");
        int hit = pf_bisect_hit(o, res->v.cls, res->signature);
        s->runs++;
        s->hits += (unsigned)hit;
        errors += res->v.cls == PF_HARNESS_ERROR;
        used += (size_t)snprintf(s->classes + used, sizeof s->classes - used, "%s%s",
                                 s->runs > 1 ? ", " : "", pf_class_name(res->v.cls));
        if (used >= sizeof s->classes)
            used = sizeof s->classes - 1;
        /* the signature, to narrow a later bisect with --signature */
        if (hit && !o->signature && s->runs == 1)
            fprintf(stderr, "pyfault bisect-run: %s\n", res->signature);
        /* one run is enough for a clean answer; a second that agrees
         * settles a hit or a timing-dependent class; a third breaks a tie */
        if (s->runs == 1)
            more = pf_bisect_needs_confirm(hit, res->v.cls);
        else if (s->runs == 2)
            more = s->hits == 1;
    }
    if (errors * 2 > s->runs) {
        fprintf(stderr, "pyfault bisect-run: the target cannot run: %s\n", res->error);
        return say(s, PF_BISECT_SKIP, o->find_fix, "harness-error running the target");
    }
    enum pf_bisect_status v = pf_bisect_verdict(s->hits, s->runs, o->find_fix);
    char why[128];
    snprintf(why, sizeof why, "wanted class seen in %u of %u run%s", s->hits, s->runs,
             s->runs == 1 ? "" : "s");
    return say(s, v, o->find_fix, why);
}

int pf_cmd_bisect_run(int argc, char **argv)
{
    struct pf_bisect_opts o;
    char err[1024];
    int quit = pf_bisect_args(argc, argv, &o);
    if (quit >= 0)
        return quit;
    struct step s;
    memset(&s, 0, sizeof s);
    first_line("git rev-parse --short HEAD 2>/dev/null", s.commit, sizeof s.commit);
    if (!s.commit[0])
        snprintf(s.commit, sizeof s.commit, "(not git)");

    /* the harness first: without a shim no verdict is worth anything */
    struct pf_context ctx;
    if (pf_context_init(&ctx, DEFAULT_TIMEOUT, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault bisect-run: %s\n", err);
        return say(&s, PF_BISECT_BROKEN, o.find_fix, "harness broken");
    }
    char dir[4096];
    struct pf_janitor jan = {.pid = -1, .fd = -1};
    if (pf_tmpdir_create_guarded(dir, sizeof dir, &jan) < 0) {
        fprintf(stderr, "pyfault bisect-run: %s\n", dir);
        pf_context_free(&ctx);
        return say(&s, PF_BISECT_BROKEN, o.find_fix, "harness broken");
    }
    int status = PF_BISECT_BROKEN;
    struct pf_runner *r = calloc(1, sizeof *r);
    struct pf_result *res = calloc(1, sizeof *res);
    struct pf_target t;
    struct pf_scenario sc;
    int have_t = 0;
    if (!r || !res) {
        status = say(&s, PF_BISECT_BROKEN, o.find_fix, "out of memory");
        goto out;
    }

    char log[PATH_MAX + 64], what[512];
    int log_fd = open_log(log, sizeof log);
    if (log_fd < 0) {
        fprintf(stderr, "pyfault bisect-run: %s: %s\n", log, strerror(errno));
        status = say(&s, PF_BISECT_BROKEN, o.find_fix, "harness broken");
        goto out;
    }
    /* the build's tree carries the scratch directory's name: should we be
     * SIGKILLed, its janitor kills it; on SIGINT, SIGTERM or SIGHUP we do */
    char mark[sizeof dir + 32];
    snprintf(mark, sizeof mark, "PYFAULT_BUILD=%s/build", dir);
    pf_supervise_init();
    pf_interrupt_install();
    double t0 = pf_now_s();
    int built = build(&o, log_fd, mark, what, sizeof what);
    s.build_s = pf_now_s() - t0;
    /* the tail from our descriptor, before it goes: the name may lead
     * elsewhere by now */
    if (!pf_interrupted && built < 0) {
        fprintf(stderr, "pyfault bisect-run: build failed: %s (log: %s)\n", what, log);
        show_tail(log_fd);
    }
    close(log_fd);
    if (pf_interrupted) {
        status = say(&s, PF_BISECT_BROKEN, o.find_fix, "interrupted during the build");
        goto out;
    }
    if (built < 0) {
        status = say(&s, PF_BISECT_SKIP, o.find_fix, "does not build");
        goto out;
    }
    if (make_target(&o, &ctx, dir, &t, &sc, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault bisect-run: %s\n", err);
        status = say(&s, PF_BISECT_SKIP, o.find_fix, "cannot run the target");
        goto out;
    }
    have_t = 1;
    ctx.timeout_s = o.timeout_s > 0 ? o.timeout_s : sc.timeout_s > 0 ? sc.timeout_s : DEFAULT_TIMEOUT;
    const char *inject = o.inject ? o.inject : sc.inject;
    if (pf_runner_init(r, dir, 0, err, sizeof err) < 0) {
        fprintf(stderr, "pyfault bisect-run: %s\n", err);
        status = say(&s, PF_BISECT_BROKEN, o.find_fix, "harness broken");
        goto out;
    }
    status = run_and_judge(&o, &ctx, r, &t, inject, res, &s);
    pf_runner_free(r);
out:
    if (have_t)
        pf_target_free(&t);
    free(r);
    free(res);
    pf_tmpdir_release(dir, &jan);
    pf_context_free(&ctx);
    return status;
}
