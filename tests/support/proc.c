/*
 * proc.c: run a child process for a test and capture what it did.
 */
#include "proc.h"
#include "lifeline.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/wait.h>
#include <unistd.h>

static void append(char **buf, size_t *len, const char *data, size_t n)
{
    char *grown = realloc(*buf, *len + n + 1);
    if (!grown)
        abort();
    memcpy(grown + *len, data, n);
    *len += n;
    grown[*len] = '\0';
    *buf = grown;
}

static void apply_env(char *const env[])
{
    for (int i = 0; env && env[i]; i++) {
        const char *eq = strchr(env[i], '=');
        if (!eq)
            continue;
        char name[256];
        size_t n = (size_t)(eq - env[i]);
        if (n >= sizeof name)
            continue;
        memcpy(name, env[i], n);
        name[n] = '\0';
        if (eq[1] == '\0')
            unsetenv(name);
        else
            setenv(name, eq + 1, 1);
    }
}

enum child_env { INHERITED, INHERITED_FIXED, CLEAN_FIXED };

/* Runs the child, with address-space randomization off unless AS is
 * INHERITED, and with only ENV for CLEAN_FIXED. */
static int run_child(char *const argv[], char *const env[], enum child_env as,
                     struct proc_result *r)
{
    int outp[2], errp[2];
    memset(r, 0, sizeof *r);
    if (pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0)
        return -1;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        /* a test stopped by its timeout or a crash leaves no child behind */
        if (pf_lifeline_bind(parent) < 0)
            _exit(127);
        dup2(outp[1], 1);
        dup2(errp[1], 2);
        if (as == CLEAN_FIXED)
            clearenv();
        apply_env(env);
        if (as != INHERITED)
            personality((unsigned long)personality(0xffffffffUL) | ADDR_NO_RANDOMIZE);
        execvp(argv[0], argv);
        fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(outp[1]);
    close(errp[1]);
    r->out = calloc(1, 1);
    r->err = calloc(1, 1);
    struct pollfd fds[2] = {{outp[0], POLLIN, 0}, {errp[0], POLLIN, 0}};
    int open_fds = 2;
    char buf[65536];
    while (open_fds > 0) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (int i = 0; i < 2; i++) {
            if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP)))
                continue;
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n <= 0) {
                close(fds[i].fd);
                fds[i].fd = -1;
                open_fds--;
            } else if (i == 0) {
                append(&r->out, &r->out_len, buf, (size_t)n);
            } else {
                append(&r->err, &r->err_len, buf, (size_t)n);
            }
        }
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    r->exited = WIFEXITED(status);
    r->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    return 0;
}

int proc_run(char *const argv[], char *const env[], struct proc_result *r)
{
    return run_child(argv, env, INHERITED, r);
}

int proc_run_fixed(char *const argv[], char *const env[], struct proc_result *r)
{
    return run_child(argv, env, INHERITED_FIXED, r);
}

int proc_run_clean(char *const argv[], char *const env[], struct proc_result *r)
{
    return run_child(argv, env, CLEAN_FIXED, r);
}

void proc_result_free(struct proc_result *r)
{
    free(r->out);
    free(r->err);
    memset(r, 0, sizeof *r);
}

const char *project_path(const char *relative)
{
    static char paths[16][PATH_MAX];
    static int next;
    char cwd[PATH_MAX];
    char *slot = paths[next++ % 16];
    if (!getcwd(cwd, sizeof cwd))
        abort();
    if ((size_t)snprintf(slot, PATH_MAX, "%.*s/%s", PATH_MAX / 2, cwd, relative) >= PATH_MAX)
        abort();
    return slot;
}

const char *shim_path(void)
{
    return project_path("build/libpyfault.so");
}
