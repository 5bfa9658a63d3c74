/*
 * init.c: the shim's lifecycle: start-up, fork, exit.
 *
 * Start-up happens on whichever comes first: the first allocation call or
 * the constructor. The spec is parsed before jemalloc starts, so that the
 * `junk` flag can still reach jemalloc's configuration.
 *
 * fork: a child keeps counting from the parent's count at the moment of
 * fork, on private counters, under the same plan (nth=N can fail once in
 * the parent and once in a child). The control page stays with the parent.
 * An exec'd child starts afresh from its environment and leaves a control
 * page that another process owns alone.
 */
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


/* jemalloc reads this at its own start-up (renamed from malloc_conf).
 * retain:false: jemalloc unmaps the virtual memory it no longer uses, as
 * glibc does, instead of keeping it mapped (its default on 64-bit Linux)
 * and growing its mappings geometrically. Under RLIMIT_AS (ulimit -v) the
 * retained address space counted against the limit: with 1 GiB, malloc of
 * 400 MiB, free, then 500 MiB failed under the shim and not under glibc
 * (README.md, "RLIMIT_AS"). */
#define JE_CONF "retain:false"
static char jemalloc_conf[64] = JE_CONF;
const char *pf_je_malloc_conf = jemalloc_conf;

/* jemalloc's one look at the environment (its secure_getenv, renamed by
 * jemalloc.syms). The target's MALLOC_CONF is meant for another
 * allocator, or for a jemalloc of the target's own, never for ours: read
 * by ours, background_thread:true started a thread in every target (and
 * sent every fork-engine point to exec), junk:true filled its blocks,
 * and a setting ours did not know printed "<jemalloc>: Invalid conf
 * pair" on the target's stderr. Ours reads PYFAULT_MALLOC_CONF. */
char *pf_je_secure_getenv(const char *name);
char *pf_je_secure_getenv(const char *name)
{
    return secure_getenv(strcmp(name, "MALLOC_CONF") == 0 ? "PYFAULT_MALLOC_CONF" : name);
}

extern char **environ;

/* getenv without locale or allocation; falls back to /proc/self/environ
 * when called before libc has set up environ. */
static const char *find_env(const char *name, char *scratch, size_t cap)
{
    size_t nlen = strlen(name);
    if (environ) {
        for (char **e = environ; *e; e++)
            if (strncmp(*e, name, nlen) == 0 && (*e)[nlen] == '=')
                return *e + nlen + 1;
        return NULL;
    }
    int fd = open("/proc/self/environ", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    ssize_t got = read(fd, scratch, cap - 1);
    close(fd);
    if (got <= 0)
        return NULL;
    scratch[got] = '\0';
    for (char *p = scratch; p < scratch + got; p += strlen(p) + 1)
        if (strncmp(p, name, nlen) == 0 && p[nlen] == '=')
            return p + nlen + 1;
    return NULL;
}

static void prefork(void)
{
    pf_guard_enter();
    pf_plan_prefork();
}

static void postfork_parent(void)
{
    pf_guard_leave();
}

static void postfork_child(void)
{
    pf_ctl_detach_after_fork();
    pf_plan_postfork_child();
    pf_dso_after_fork();
    pf_sites_after_fork();
    pf_forksrv_after_fork();
    /* a trial's child faults on its own pages, not on the server's */
    __atomic_store_n(&pf_precopy_armed, false, __ATOMIC_RELAXED);
    /* a process of its own under the spec: a fork server reads that it
     * began, and whether it ended with a summary (childlog.c) */
    pf_event_start();
    pf_guard_leave();
}

/* The layer in effect: pymem (or all) needs CPython's allocator API in
 * the process; without it, and when asked, libc. */
static int choose_layer(int asked)
{
    if (asked == PYFAULT_LAYER_LIBC || !pf_pymem_available())
        return PYFAULT_LAYER_LIBC;
    return asked == PYFAULT_LAYER_ALL ? PYFAULT_LAYER_ALL : PYFAULT_LAYER_PYMEM;
}

static pthread_mutex_t init_lock = PTHREAD_MUTEX_INITIALIZER;
static int init_done_late;

/* The part of start-up that may allocate: runs with the guard held. */
static void init_late(void)
{
    pf_guard_enter();
    if (pf_spec.trial_stdio)
        pf_trial_stdio(); /* before the target's main looks at its streams */
    pf_log_open();
    pf_sites_open();
    if (pf_spec.site[0] || pf_spec.skip_site[0] || pf_spec.dso[0] || pf_log_enabled() ||
        pf_spec.sites_path[0] || getenv(PYFAULT_ENV_CTL))
        pf_unwind_warmup();
    if (pf_log_enabled() || getenv(PYFAULT_ENV_CTL))
        pf_crash_install();
    if (pf_layer != PYFAULT_LAYER_LIBC)
        pf_pymem_install();
    pf_trialenv_init();
    pthread_atfork(prefork, postfork_parent, postfork_child);
    pf_event_start();
    pf_forksrv_open();
    pf_guard_leave();
}

void pf_init_slow(void)
{
    /* A thread that re-enters from inside init (jemalloc's own start-up
     * allocates nothing through us, but be safe) sees pf_guarded(). */
    pthread_mutex_lock(&init_lock);
    if (pf_ready) {
        pthread_mutex_unlock(&init_lock);
        return;
    }
    char scratch[4096];
    char err[256];
    const char *text = find_env(PYFAULT_ENV_SPEC, scratch, sizeof scratch);
    if (pyfault_spec_parse(text, &pf_spec, err, sizeof err) < 0) {
        pf_stderr(err, "");
        pf_exit_now(PYFAULT_EXIT_BADSPEC);
    }
    if (pf_spec.junk)
        memcpy(jemalloc_conf, JE_CONF ",junk:true", sizeof JE_CONF ",junk:true");
    else
        pf_freemark_init();
    pf_filters_active = pf_spec.min_size || pf_spec.site[0] ||
                        pf_spec.skip_site[0] || pf_spec.dso[0] || pf_spec.region;
    pf_decide_init();
    pf_layer = choose_layer(pf_spec.layer);
    pf_ctl_attach();
    __atomic_store_n(&pf_page->layer, (uint32_t)pf_layer, __ATOMIC_RELEASE);
    /* a supervisor that armed the page before we started has the last word */
    if (__atomic_load_n(&pf_page->arm_generation, __ATOMIC_ACQUIRE) == 0)
        pf_plan_publish(&pf_spec.plan);
    __atomic_store_n(&pf_ready, 1, __ATOMIC_RELEASE);
    pthread_mutex_unlock(&init_lock);
}

/* Priority 101: before jemalloc's own constructor, in this same object. */
__attribute__((constructor(101))) static void pf_constructor(void)
{
    pf_ensure_init();
    if (!init_done_late) {
        init_done_late = 1;
        init_late();
    }
}

__attribute__((destructor)) static void pf_destructor(void)
{
    pf_guard_enter();
    pf_event_summary();
    __atomic_or_fetch(&pf_page->state, PYFAULT_STATE_EXITED, __ATOMIC_RELEASE);
    pf_guard_leave();
}
