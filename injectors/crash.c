/*
 * crash.c: the in-process crash report.
 *
 * On a fatal signal: record the signal, the fault address, whether it lies
 * in a stack guard region, and a backtrace, in the control page and the
 * log; then restore the default action and let the signal kill the process,
 * so the exit status stays the target's own.
 *
 * CPython's faulthandler installs its handler over ours and re-raises the
 * signal with raise() from inside its own handler. Our handler then sees a
 * SI_TKILL signal with no address; the original fault is still on the
 * stack as an outer signal frame, and its saved registers (CR2, RSP) give
 * the address back. That is why the walk below looks at signal frames.
 */
#define UNW_LOCAL_ONLY
#include "internal.h"

#include <libunwind.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <ucontext.h>
#include <unistd.h>

#define PF_CRASH_FRAMES 128

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL};
#define N_FATAL ((int)(sizeof fatal_signals / sizeof fatal_signals[0]))

/* The main thread's stack: the highest address and the size limit. */
static uintptr_t main_stack_top;
static uintptr_t main_stack_limit;

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGABRT: return "SIGABRT";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    }
    return "SIG?";
}

/* Notes the top of the main thread's stack, the "[stack]" mapping. */
static bool note_main_stack(const struct pf_maps_line *line, void *arg)
{
    (void)arg;
    if (strcmp(line->path, "[stack]") != 0)
        return true;
    main_stack_top = (uintptr_t)line->end;
    return false;
}

/* Finds the main stack's top and its limit. */
static void find_main_stack(void)
{
    pf_maps_walk(note_main_stack, NULL);
    struct rlimit rl;
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        main_stack_limit = rl.rlim_cur;
}

/* Is X within the main stack's guard gap or its last 64 KiB? */
static bool near_main_stack_bottom(uintptr_t x)
{
    if (!main_stack_top || !main_stack_limit || !x)
        return false;
    uintptr_t low = main_stack_top - main_stack_limit;
    /* Linux keeps a gap of stack_guard_gap (1 MiB) below the stack */
    return x < low + 65536 && x + (1u << 20) + 65536 >= low;
}

/* A fault in the main stack's guard gap, or just below the faulting stack
 * pointer (any thread: a guard page sits right under every stack). When
 * the address is unknown (the signal was re-raised), the interrupted
 * frame's stack pointer at the very bottom of the stack tells the same. */
static bool in_guard_region(uintptr_t addr, uintptr_t sp)
{
    if (addr == 0)
        return near_main_stack_bottom(sp);
    if (near_main_stack_bottom(addr))
        return true;
    return sp && addr <= sp + 256 && sp - addr <= 65536;
}

struct crash_walk {
    uintptr_t ips[PF_CRASH_FRAMES];
    int n;
    uintptr_t interrupted_sp; /* SP of the frame the outermost signal hit */
};

/* glibc's __restore_rt on x86_64: mov $__NR_rt_sigreturn,%rax; syscall.
 * unw_is_signal_frame() answers for the frame the trampoline returns to,
 * not for the trampoline, so it is recognised by its code instead. */
static bool is_sigreturn_trampoline(uintptr_t ip)
{
    static const unsigned char code[] = {0x48, 0xc7, 0xc0, 0x0f, 0x00, 0x00, 0x00, 0x0f, 0x05};
    unsigned char here[sizeof code];
    /* IP may be anywhere: a jump to unmapped memory faults there */
    return pf_mem_read(here, ip, sizeof here) && memcmp(here, code, sizeof code) == 0;
}

/* Walks the stack; remembers the stack pointer of the frame that the
 * outermost signal interrupted (the fault itself when a handler such as
 * faulthandler re-raised the signal from inside its own handler). */
static void walk(struct crash_walk *w, void *uctx)
{
    unw_cursor_t cur;
    int after_signal = 0;
    w->n = 0;
    /* Start at the interrupted context itself: on x86_64 a ucontext_t is
     * an unw_context_t. */
    if (unw_init_local2(&cur, (unw_context_t *)uctx, UNW_INIT_SIGNAL_FRAME) < 0)
        return;
    do {
        unw_word_t ip = 0, sp = 0;
        unw_get_reg(&cur, UNW_REG_IP, &ip);
        if (after_signal) {
            unw_get_reg(&cur, UNW_REG_SP, &sp);
            w->interrupted_sp = (uintptr_t)sp;
            after_signal = 0;
        }
        if (is_sigreturn_trampoline((uintptr_t)ip)) {
            after_signal = 1;
            continue; /* the trampoline itself is no frame of the target */
        }
        if (w->n == 0 && pf_ip_in_shim((uintptr_t)ip))
            continue; /* the handler's own frames */
        w->ips[w->n++] = (uintptr_t)ip;
    } while (w->n < PF_CRASH_FRAMES && unw_step(&cur) > 0);
}

static void restore_defaults(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < N_FATAL; i++)
        sigaction(fatal_signals[i], &sa, NULL);
}

static void on_fatal_signal(int sig, siginfo_t *info, void *uctx)
{
    restore_defaults(); /* a fault in here must not come back to us */
    pf_guard_enter();

    struct crash_walk w;
    memset(&w, 0, sizeof w);
    walk(&w, uctx);

    uintptr_t addr = 0, sp = w.interrupted_sp;
    if (info && info->si_code > 0 && (sig == SIGSEGV || sig == SIGBUS)) {
        addr = (uintptr_t)info->si_addr;
        sp = (uintptr_t)((ucontext_t *)uctx)->uc_mcontext.gregs[REG_RSP];
    }
    bool overflow = (sig == SIGSEGV || sig == SIGBUS) && in_guard_region(addr, sp);

    struct pyfault_ctl *page = pf_page;
    page->crash_addr = addr;
    page->crash_stack_overflow = overflow;
    __atomic_store_n(&page->crash_signal, sig, __ATOMIC_RELEASE);
    __atomic_or_fetch(&page->state, PYFAULT_STATE_CRASHED, __ATOMIC_RELEASE);

    pf_event_crash(sig, signal_name(sig), addr, sp, overflow, w.n >= PF_CRASH_FRAMES, w.ips, w.n);
    pf_guard_leave();

    /* A kernel-sent fault repeats when we return, now with the default
     * action; a sent signal (abort, raise, kill) must be sent again. */
    if (!info || info->si_code <= 0 || sig == SIGABRT)
        raise(sig);
}

void pf_crash_install(void)
{
    find_main_stack();
    pf_altstack_install(); /* this thread now, every other at its first allocation */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fatal_signal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_NODEFER;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < N_FATAL; i++)
        sigaction(fatal_signals[i], &sa, NULL);
}
