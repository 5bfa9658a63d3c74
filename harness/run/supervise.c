/* supervise.c: one poll loop per target: its pipes, a pidfd for its exit,
 * the control page (an unwind-loop window, and the time since the last
 * allocation), the deadline and the interrupt flag. Whatever ends the loop, the process group is killed
 * while its leader is still unreaped (so the group id cannot be reused
 * under us) and then everything in it is reaped; then whatever left the
 * group (setsid) but carries the trial's control page in its environment.
 * A build command gets the same end without the watch (pf_supervise_group). */
#include "supervise.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "classify.h"
#include "clock.h"
#include "symbolize.h"
#include "escaped.h"
#include "interrupt.h"
#include "procstat.h"
#include "sample.h"

/* The shim parks a watched thread at the streak that is the counted proof. */
_Static_assert(PYFAULT_LOOP_PARK == PF_LOOP_STREAK + PF_LOOP_CONFIRM,
               "the shim parks a loop where pf_loop_counted() calls it");

#define POLL_MS 10
/* How long a trial killed by SIGINT, SIGTERM or SIGHUP waits to see the
 * harness get one too (stopped_with_harness). */
#define INTERRUPT_GRACE_MS 200
/* ... but every millisecond over a trial's first FAST_POLL_SPAN_MS, where
 * most end or loop: a verdict then waits for no tick. */
#define FAST_POLL_MS 1
#define FAST_POLL_SPAN_MS 100
#define CPU_WINDOW_MS 200
#define SAMPLE_GAP_MS 20
/* A stalled group with a thread still runnable is watched this long for
 * CPU use before it is called spinning (or found asleep after all). */
#define SPIN_PROBE_MS 100

static void sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_reaper(void)
{
    prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

void pf_supervise_init(void)
{
    pthread_once(&init_once, init_reaper);
}

/* Reads what is available on *FD into C; closes it at EOF. */
static void drain(int *fd, struct pf_capture *c)
{
    char buf[8192];
    while (*fd >= 0) {
        ssize_t n = read(*fd, buf, sizeof buf);
        if (n > 0) {
            pf_capture_add(c, buf, (size_t)n);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            return;
        close(*fd);
        *fd = -1;
    }
}

/* Has the leader exited? Leaves it unreaped (WNOWAIT). */
static int leader_exited(pid_t pid, int *killed_by)
{
    siginfo_t si;
    si.si_pid = 0;
    *killed_by = 0;
    if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) < 0)
        return errno == ECHILD;
    if (si.si_pid == pid && (si.si_code == CLD_KILLED || si.si_code == CLD_DUMPED))
        *killed_by = si.si_status;
    return si.si_pid == pid;
}

/* Whether a trial that SIG killed was stopped with the harness: by the
 * SIGINT, SIGTERM or SIGHUP that a scheduler (Slurm's requeue or
 * scancel) or a terminal sends every process of the job at once. Then
 * the harness gets its own within a moment, and the trial is no result
 * to record (a resumed sweep runs it again). A target that raises one of
 * them itself waits INTERRUPT_GRACE_MS longer for its verdict. */
static int stopped_with_harness(int sig)
{
    if (sig != SIGINT && sig != SIGTERM && sig != SIGHUP)
        return 0;
    for (int ms = 0; ms < INTERRUPT_GRACE_MS && !pf_interrupted; ms++) {
        struct timespec one = {0, 1000000L};
        nanosleep(&one, NULL);
    }
    return pf_interrupted != 0;
}

/* Kills the group, reaps the leader (its status into *STATUS) unless
 * LEADER_REAPED, and every other member that is our child or was
 * re-parented to us. */
static void kill_and_reap(pid_t pid, int *status, int leader_reaped)
{
    kill(-pid, SIGKILL);
    if (!leader_reaped) {
        kill(pid, SIGKILL); /* in case the leader left its group */
        while (waitpid(pid, status, 0) < 0 && errno == EINTR)
            ;
    }
    for (;;) {
        pid_t r = waitpid(-pid, NULL, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            break;
    }
}

/* Measures the stuck group's CPU use and injection rate over a window. */
static void measure_stuck(pid_t pid, struct pf_watch *w, unsigned window_ms)
{
    struct pf_ctl_snapshot a, b;
    if (w->ctl)
        pf_ctlpage_read(w->ctl, &a);
    uint64_t t0 = pf_now_ms();
    struct pf_group_cpu c0, c1;
    pf_group_cpu_read(pid, &c0);
    sleep_ms(window_ms);
    pf_group_cpu_read(pid, &c1);
    int busy = pf_group_busy_threads(pid);
    uint64_t dt = pf_now_ms() - t0;
    if (busy >= 0)
        w->stuck = busy ? PF_STUCK_RUNNABLE : PF_STUCK_ASLEEP;
    w->cpu = dt ? (double)pf_group_cpu_spent(&c0, &c1) / (double)pf_ticks_per_second() * 1000.0 /
                      (double)dt
                : 0;
    if (w->ctl) {
        pf_ctlpage_read(w->ctl, &b);
        /* keep the loop watch's own delta when it already proved a loop */
        if (w->stop != PF_STOP_LOOP) {
            w->injected_delta = b.injected - a.injected;
            w->streak_start = a.site_streak;
            w->site_streak = b.site_streak;
        }
    }
}

/* The group's CPU use averaged since it started ELAPSED_MS ago. */
static double average_cpu(pid_t pid, uint64_t elapsed_ms)
{
    uint64_t ticks = pf_group_cpu_ticks(pid, NULL);
    return elapsed_ms ? (double)ticks * 1000.0 / (double)pf_ticks_per_second() / (double)elapsed_ms
                      : 0;
}

/* The process to sample: the one that claimed the control page when it
 * is in the group, else the leader. */
static pid_t sample_pid(pid_t leader, const struct pf_watch *w)
{
    if (w->ctl && w->snap.owner_pid > 0 && getpgid(w->snap.owner_pid) == leader)
        return w->snap.owner_pid;
    return leader;
}

/* Samples the stuck target; returns 1 when the leader itself ended (and
 * was reaped, status in W) meanwhile. */
static int take_samples(pid_t leader, struct pf_watch *w)
{
    pid_t pid = sample_pid(leader, w);
    w->nsamples = 0;
    for (unsigned i = 0; i < PF_SAMPLES; i++) {
        int ended = 0;
        unsigned nt = 0;
        int rc = pf_sample_threads(pid, w->threads, PF_THREADS_MAX, &nt, &ended);
        if (rc == 0) {
            w->nthreads = nt;
            if (nt > 0 && w->threads[0].n > 0)
                w->samples[w->nsamples++] = w->threads[0];
        }
        if (rc == -2 && pid == leader) {
            w->status = ended;
            return 1;
        }
        if (rc != 0)
            break;
        if (i + 1 < PF_SAMPLES)
            sleep_ms(SAMPLE_GAP_MS);
    }
    return 0;
}

/* Progress seen on the control page, for the stall verdict. */
struct stall_watch {
    uint64_t allocations;  /* at the last change */
    uint64_t last_change;  /* when it changed (or the spawn) */
    uint64_t probe_t;      /* a spin probe's start, 0 = none running */
    struct pf_group_cpu probe_cpu; /* each process's CPU ticks then */
    uint64_t next_check;   /* the probe's last look */
};

/* Notes a new allocation count in W->snap; keeps the longest gap. */
static void note_progress(struct pf_watch *w, struct stall_watch *sw, uint64_t now)
{
    uint64_t gap = now - sw->last_change;
    if (w->snap.allocations != sw->allocations) {
        if (gap > w->max_gap_ms)
            w->max_gap_ms = gap;
        sw->allocations = w->snap.allocations;
        sw->last_change = now;
        sw->probe_t = 0;
    }
}

/* Is the group stuck: no allocation for w->stall_ms, and every thread
 * asleep, or runnable threads spending CPU without allocating? Normal
 * code allocates at least every stall_ms / 4 of wall time, and so of CPU
 * time, by the counting run; a thread that burned that much CPU since the
 * stall began is off that path, however loaded the machine. A runnable
 * thread that gets no CPU yet is neither: wait. Sets w->cpu, w->stuck. */
static int stalled(pid_t pid, struct pf_watch *w, struct stall_watch *sw, uint64_t now)
{
    note_progress(w, sw, now);
    /* only a target that runs the shim reports its allocations */
    if (!w->stall_ms || w->snap.owner_pid == 0 || now - sw->last_change < w->stall_ms)
        return 0;
    if (sw->probe_t && now - sw->next_check < SPIN_PROBE_MS)
        return 0;
    sw->next_check = now;
    if (pf_group_busy_threads(pid) == 0) {
        w->cpu = 0;
        w->stuck = PF_STUCK_ASLEEP;
        return 1;
    }
    struct pf_group_cpu cpu;
    pf_group_cpu_read(pid, &cpu);
    if (!sw->probe_t) {
        sw->probe_t = now;
        sw->probe_cpu = cpu;
        return 0;
    }
    double cpu_ms = (double)pf_group_cpu_spent(&sw->probe_cpu, &cpu) * 1000.0 /
                    (double)pf_ticks_per_second();
    if (cpu_ms < (double)(w->stall_ms / 4))
        return 0;
    w->cpu = cpu_ms / (double)(now - sw->probe_t);
    w->stuck = PF_STUCK_RUNNABLE;
    return 1;
}

const char *pf_stop_name(unsigned stop)
{
    return stop == PF_STOP_LOOP ? "loop" : stop == PF_STOP_STALL ? "stall"
         : stop == PF_STOP_TIMEOUT ? "timeout" : NULL;
}

static int open_pidfd(pid_t pid)
{
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    return -1;
#endif
}

void pf_supervise(struct pf_child *ch, struct pf_watch *w,
                  struct pf_capture *out, struct pf_capture *err)
{
    pf_supervise_init();
    const pid_t pid = ch->pid;
    const uint64_t t0 = pf_now_ms();
    const uint64_t deadline = t0 + (uint64_t)(w->timeout_s * 1000.0);
    const unsigned window = w->window_ms ? w->window_ms : PF_WATCH_WINDOW_MS;
    uint64_t win_t = t0, win_injected = 0, win_streak = 0;
    struct stall_watch sw = {.last_change = t0};
    int pidfd = open_pidfd(pid);

    w->nsamples = 0;
    w->nthreads = 0;
    w->cpu = 0;
    w->stuck = PF_STUCK_UNKNOWN;
    w->streak_start = w->site_streak = w->injected_delta = 0;
    w->verdict_ms = 0;
    w->max_gap_ms = 0;
    for (;;) {
        if (pf_interrupted) {
            w->stop = PF_STOP_INTERRUPTED;
            break;
        }
        uint64_t now = pf_now_ms();
        if (now >= deadline) {
            w->stop = PF_STOP_TIMEOUT;
            break;
        }
        struct pollfd pf[3];
        int nfd = 0;
        if (ch->out_fd >= 0)
            pf[nfd++] = (struct pollfd){.fd = ch->out_fd, .events = POLLIN};
        if (ch->err_fd >= 0)
            pf[nfd++] = (struct pollfd){.fd = ch->err_fd, .events = POLLIN};
        if (pidfd >= 0)
            pf[nfd++] = (struct pollfd){.fd = pidfd, .events = POLLIN};
        uint64_t tick = now - t0 < FAST_POLL_SPAN_MS ? FAST_POLL_MS : POLL_MS;
        uint64_t wait = deadline - now < tick ? deadline - now : tick;
        poll(pf, (nfds_t)nfd, (int)wait);
        drain(&ch->out_fd, out);
        drain(&ch->err_fd, err);
        int killed_by;
        if (leader_exited(pid, &killed_by)) {
            w->stop = stopped_with_harness(killed_by) ? PF_STOP_INTERRUPTED : PF_STOP_EXITED;
            break;
        }
        now = pf_now_ms();
        if (!w->ctl)
            continue;
        pf_ctlpage_read(w->ctl, &w->snap);
        if (pf_loop_counted(w->snap.site_streak)) {
            /* the streak passed PF_LOOP_STREAK and has failed on since;
             * first, as its thread now waits parked (a stall to the watch) */
            w->stop = PF_STOP_LOOP;
            w->streak_start = PF_LOOP_STREAK;
            w->site_streak = w->snap.site_streak;
            w->injected_delta = w->snap.site_streak - PF_LOOP_STREAK;
            w->verdict_ms = now - t0;
            break;
        }
        if (stalled(pid, w, &sw, now)) {
            w->stop = PF_STOP_STALL;
            w->verdict_ms = now - t0;
            break;
        }
        if (now - win_t >= window) {
            uint64_t delta = w->snap.injected - win_injected;
            if (pf_loop_observed(win_streak, w->snap.site_streak, delta)) {
                w->stop = PF_STOP_LOOP;
                w->streak_start = win_streak;
                w->site_streak = w->snap.site_streak;
                w->injected_delta = delta;
                w->verdict_ms = now - t0;
                break;
            }
            win_t = now;
            win_injected = w->snap.injected;
            win_streak = w->snap.site_streak;
        }
    }
    w->elapsed_ms = pf_now_ms() - t0;
    if (w->ctl) {
        pf_ctlpage_read(w->ctl, &w->snap);
        uint64_t end = pf_now_ms();
        note_progress(w, &sw, end);
        /* a quiet stretch before exit counts too: a trial may stop there */
        if (w->stop == PF_STOP_EXITED && end - sw.last_change > w->max_gap_ms)
            w->max_gap_ms = end - sw.last_change;
    }

    w->status = 0;
    int reaped = 0;
    if (w->stop == PF_STOP_TIMEOUT || w->stop == PF_STOP_LOOP || w->stop == PF_STOP_STALL) {
        /* a loop or a stall verdict already knows what it needs */
        if (w->stop == PF_STOP_LOOP)
            w->cpu = average_cpu(pid, w->elapsed_ms);
        else if (w->stop == PF_STOP_TIMEOUT)
            measure_stuck(pid, w, CPU_WINDOW_MS);
        w->site.n = 0;
        if (w->ctl && w->snap.injected > 0 && w->snap.site_depth > 0)
            pf_symbolize_process(sample_pid(pid, w), w->snap.site_frames, w->snap.site_depth,
                                 0, &w->site);
        int need = w->want_samples == PF_SAMPLES_ALWAYS ||
                   (w->want_samples == PF_SAMPLES_WHEN_NEEDED &&
                    (w->stop != PF_STOP_LOOP || w->site.n == 0));
        if (need)
            reaped = take_samples(pid, w);
    }
    kill_and_reap(pid, &w->status, reaped);
    if (w->ctl) {
        /* a forked trial's children are exec'd with its runner's page
         * name too (injectors/trialenv.c) */
        char marker[sizeof w->ctl->path + 32];
        snprintf(marker, sizeof marker, "%s=%s", PYFAULT_ENV_CTL, w->ctl->path);
        pf_escaped_kill(marker);
    }
    if (pidfd >= 0)
        close(pidfd);
    drain(&ch->out_fd, out);
    drain(&ch->err_fd, err);
    if (ch->out_fd >= 0)
        close(ch->out_fd);
    if (ch->err_fd >= 0)
        close(ch->err_fd);
    ch->out_fd = ch->err_fd = -1;
}

int pf_supervise_group(pid_t pid, const char *marker)
{
    int pidfd = open_pidfd(pid);
    int killed_by = 0;
    while (!pf_interrupted && !leader_exited(pid, &killed_by)) {
        /* the pidfd wakes us at the exit, a signal at an interrupt */
        struct pollfd pf = {.fd = pidfd, .events = POLLIN};
        poll(&pf, pidfd >= 0, POLL_MS);
    }
    int interrupted = pf_interrupted || stopped_with_harness(killed_by);
    int status = 0;
    kill_and_reap(pid, &status, 0);
    if (marker)
        pf_escaped_kill(marker);
    if (pidfd >= 0)
        close(pidfd);
    return interrupted ? -1 : status;
}
