/*
 * trialenv.c: what a forked trial's own children inherit.
 *
 * An exec'd trial's child finds that trial's spec (nth=N, from=N) and
 * control page name in its environment, and fails its own Nth allocation
 * as the trial failed its. A forked trial holds the server's instead
 * (count only, fork-fd=), so its children only counted. At the fork the
 * trial swaps its own into environ, which execv, execvp, system, popen
 * and posix_spawn's default pass on; and execve and posix_spawn(p) swap
 * them in an environment passed explicitly, where a copy made before the
 * fork (Python's os.environ) still names the server's. Outside a forked
 * trial the wrappers pass everything through untouched. execvpe, execle,
 * fexecve and execveat are not wrapped: their children still count.
 */
#include "internal.h"

#include <dlfcn.h>
#include <errno.h>
#include <spawn.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define PF_EXPORT __attribute__((visibility("default")))
/* Environments longer than this are passed on as they are. */
#define PF_ENV_MAX_ENTRIES 1024
/* One "NAME=value": the spec (the harness's is under 2048 bytes) or the
 * control page's path. */
#define PF_ENV_ENTRY_MAX (PYFAULT_PATH_MAX + 2048 + 32)

extern char **environ;

/* "NAME=value" of the server (to be replaced) and of the trial; set once,
 * in the trial, before anything reads them. */
struct swap {
    char server[PF_ENV_ENTRY_MAX];
    char trial[PF_ENV_ENTRY_MAX];
};
static struct swap swaps[2]; /* the spec, the control page */
static bool active;

/* Whether E is NAME=... */
static bool names(const char *e, const char *name)
{
    size_t n = strlen(name);
    return strncmp(e, name, n) == 0 && e[n] == '=';
}

/* The entry to pass on for E: the trial's where E is the server's. */
static char *pass_on(char *e)
{
    for (int i = 0; i < 2; i++)
        if (swaps[i].server[0] && strcmp(e, swaps[i].server) == 0)
            return swaps[i].trial;
    return e;
}

void pf_trialenv_adopt(const char *spec, const char *ctl_path)
{
    static const char *const name[2] = {PYFAULT_ENV_SPEC, PYFAULT_ENV_CTL};
    const char *value[2] = {spec, ctl_path};
    int found = 0;
    for (char **e = environ; e && *e; e++)
        for (int i = 0; i < 2; i++)
            if (names(*e, name[i]) && strlen(*e) < sizeof swaps[i].server) {
                strcpy(swaps[i].server, *e);
                *e = swaps[i].trial; /* filled below, before anyone reads it */
                found |= 1 << i;
                break;
            }
    for (int i = 0; i < 2; i++) {
        size_t need = strlen(name[i]) + 1 + strlen(value[i]) + 1;
        if (need > sizeof swaps[i].trial)
            value[i] = "";
        strcpy(swaps[i].trial, name[i]);
        strcat(swaps[i].trial, "=");
        strcat(swaps[i].trial, value[i]);
    }
    active = found != 0;
}

/* ENVP with the server's entries swapped for the trial's, in OUT (room
 * for PF_ENV_MAX_ENTRIES + 1); ENVP itself when nothing is to be swapped. */
static char *const *swapped(char *const envp[], char **out)
{
    if (!active || !envp)
        return envp;
    size_t n = 0;
    bool hit = false;
    for (; envp[n]; n++)
        hit |= pass_on(envp[n]) != envp[n];
    if (!hit || n > PF_ENV_MAX_ENTRIES)
        return envp;
    for (size_t i = 0; i < n; i++)
        out[i] = pass_on(envp[i]);
    out[n] = NULL;
    return out;
}

/* glibc's execve is the bare system call: so is this one, with no lookup
 * of the next definition (it may run in a vfork child). */
PF_EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
    char *buf[PF_ENV_MAX_ENTRIES + 1];
    return (int)syscall(SYS_execve, path, argv, swapped(envp, buf));
}

typedef int spawn_fn(pid_t *, const char *, const posix_spawn_file_actions_t *,
                     const posix_spawnattr_t *, char *const[], char *const[]);

/* The next definition of NAME (libc's), looked up once; guarded: the
 * lookup's allocations are not the program's. */
static spawn_fn *next_spawn(spawn_fn **cache, const char *name)
{
    spawn_fn *fn = __atomic_load_n(cache, __ATOMIC_ACQUIRE);
    if (!fn) {
        pf_guard_enter();
        fn = (spawn_fn *)dlsym(RTLD_NEXT, name);
        pf_guard_leave();
        __atomic_store_n(cache, fn, __ATOMIC_RELEASE);
    }
    return fn;
}

PF_EXPORT int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,
                          const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
    static spawn_fn *next;
    char *buf[PF_ENV_MAX_ENTRIES + 1];
    spawn_fn *fn = next_spawn(&next, "posix_spawn");
    return fn ? fn(pid, path, actions, attr, argv, swapped(envp, buf)) : ENOSYS;
}

PF_EXPORT int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *actions,
                           const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
    static spawn_fn *next;
    char *buf[PF_ENV_MAX_ENTRIES + 1];
    spawn_fn *fn = next_spawn(&next, "posix_spawnp");
    return fn ? fn(pid, file, actions, attr, argv, swapped(envp, buf)) : ENOSYS;
}
