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
 * fork (Python's os.environ) still names the server's; so do execle,
 * execvpe, fexecve and execveat, which reach the system call inside libc,
 * past an exported execve. Outside a forked trial the wrappers pass the
 * environment through untouched.
 *
 * Every exec also ends the image in the event log ("exec", with its
 * count; "start" again when the exec fails): a fork server's child that
 * execs a program the shim does not run in (static, or given another
 * environment) leaves an end all the same (childlog.c). So execv, execvp,
 * execl and execlp are wrapped too, as glibc's are: execve or execvpe
 * with environ.
 */
#include "internal.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
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

/* The next definition of NAME (libc's), looked up once into *CACHE;
 * guarded: the lookup's allocations are not the program's. */
static void *next_symbol(void **cache, const char *name)
{
    void *fn = __atomic_load_n(cache, __ATOMIC_ACQUIRE);
    if (!fn) {
        pf_guard_enter();
        fn = dlsym(RTLD_NEXT, name);
        pf_guard_leave();
        __atomic_store_n(cache, fn, __ATOMIC_RELEASE);
    }
    return fn;
}

typedef int execvpe_fn(const char *, char *const[], char *const[]);
static void *next_execvpe_sym;

/* libc's execvpe (the PATH search is its). A forked trial looks it up at
 * its start, so that an execvpe in a vfork child finds it known. */
static execvpe_fn *next_execvpe(void)
{
    return (execvpe_fn *)next_symbol(&next_execvpe_sym, "execvpe");
}

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
    if (active)
        (void)next_execvpe();
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

void pf_trialenv_init(void)
{
    (void)next_execvpe();
}

/* RC of an exec that returned (it failed): the image runs on, and says so
 * in the log; errno kept. */
static int exec_failed(int rc)
{
    int err = errno;
    pf_event_exec_failed();
    errno = err;
    return rc;
}

/* glibc's execve is the bare system call: so is this one, with no lookup
 * of the next definition (it may run in a vfork child). */
PF_EXPORT int execve(const char *path, char *const argv[], char *const envp[])
{
    char *buf[PF_ENV_MAX_ENTRIES + 1];
    char *const *env = swapped(envp, buf);
    pf_event_exec();
    return exec_failed((int)syscall(SYS_execve, path, argv, env));
}

PF_EXPORT int execv(const char *path, char *const argv[])
{
    return execve(path, argv, environ);
}

/* The execl family's argv: ARG and the arguments after it in AP up to
 * the NULL. How many (the NULL left out), then the N + 1 entries. */
static size_t count_args(va_list *ap)
{
    size_t n = 1;
    while (va_arg(*ap, const char *))
        n++;
    return n;
}

static void take_args(const char **argv, const char *arg, size_t n, va_list *ap)
{
    argv[0] = arg;
    for (size_t i = 1; i <= n; i++)
        argv[i] = va_arg(*ap, const char *); /* argv[n] is the NULL */
}

/* As glibc's execle: ARG and the arguments after it up to the NULL make
 * argv, and the pointer after that is the environment. */
PF_EXPORT int execle(const char *path, const char *arg, ...)
{
    va_list ap;
    va_start(ap, arg);
    size_t n = count_args(&ap);
    va_end(ap);
    const char *argv[n + 1];
    va_start(ap, arg);
    take_args(argv, arg, n, &ap);
    char *const *envp = va_arg(ap, char *const *);
    va_end(ap);
    return execve(path, (char *const *)argv, envp);
}

PF_EXPORT int execveat(int dirfd, const char *path, char *const argv[], char *const envp[],
                       int flags)
{
    char *buf[PF_ENV_MAX_ENTRIES + 1];
    char *const *env = swapped(envp, buf);
    pf_event_exec();
    return exec_failed((int)syscall(SYS_execveat, dirfd, path, argv, env, flags));
}

/* As glibc's: execveat on the descriptor itself, and where the kernel
 * has no execveat, its /proc/self/fd name. */
PF_EXPORT int fexecve(int fd, char *const argv[], char *const envp[])
{
    if (fd < 0) {
        errno = EINVAL;
        return -1;
    }
    execveat(fd, "", argv, envp, AT_EMPTY_PATH);
    if (errno != ENOSYS)
        return -1;
    char name[32];
    snprintf(name, sizeof name, "/proc/self/fd/%d", fd);
    execve(name, argv, envp);
    int err = errno;
    struct stat st;
    if (stat("/proc/self/fd", &st) != 0 && errno == ENOENT)
        err = ENOSYS; /* no /proc: the descriptor cannot be named */
    errno = err;
    return -1;
}

PF_EXPORT int execvpe(const char *file, char *const argv[], char *const envp[])
{
    char *buf[PF_ENV_MAX_ENTRIES + 1];
    execvpe_fn *fn = next_execvpe();
    if (!fn) {
        errno = ENOSYS;
        return -1;
    }
    char *const *env = swapped(envp, buf);
    pf_event_exec();
    return exec_failed(fn(file, argv, env));
}

PF_EXPORT int execvp(const char *file, char *const argv[])
{
    return execvpe(file, argv, environ);
}

typedef int exec_fn(const char *, char *const[]);

/* EXEC of FILE with ARG and the N - 1 arguments after it in AP. */
static int exec_listed(exec_fn *exec, const char *file, const char *arg, size_t n, va_list *ap)
{
    const char *argv[n + 1];
    take_args(argv, arg, n, ap);
    return exec(file, (char *const *)argv);
}

PF_EXPORT int execl(const char *path, const char *arg, ...)
{
    va_list ap;
    va_start(ap, arg);
    size_t n = count_args(&ap);
    va_end(ap);
    va_start(ap, arg);
    int rc = exec_listed(execv, path, arg, n, &ap);
    va_end(ap);
    return rc;
}

PF_EXPORT int execlp(const char *file, const char *arg, ...)
{
    va_list ap;
    va_start(ap, arg);
    size_t n = count_args(&ap);
    va_end(ap);
    va_start(ap, arg);
    int rc = exec_listed(execvp, file, arg, n, &ap);
    va_end(ap);
    return rc;
}

typedef int spawn_fn(pid_t *, const char *, const posix_spawn_file_actions_t *,
                     const posix_spawnattr_t *, char *const[], char *const[]);

PF_EXPORT int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *actions,
                          const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
    static void *next;
    char *buf[PF_ENV_MAX_ENTRIES + 1];
    spawn_fn *fn = (spawn_fn *)next_symbol(&next, "posix_spawn");
    return fn ? fn(pid, path, actions, attr, argv, swapped(envp, buf)) : ENOSYS;
}

PF_EXPORT int posix_spawnp(pid_t *pid, const char *file, const posix_spawn_file_actions_t *actions,
                           const posix_spawnattr_t *attr, char *const argv[], char *const envp[])
{
    static void *next;
    char *buf[PF_ENV_MAX_ENTRIES + 1];
    spawn_fn *fn = (spawn_fn *)next_symbol(&next, "posix_spawnp");
    return fn ? fn(pid, file, actions, attr, argv, swapped(envp, buf)) : ENOSYS;
}
