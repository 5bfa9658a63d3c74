/* interp.c: probing an interpreter: version and binary hash. */
#include "interp.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lifeline.h"
#include "locate.h"

/* Runs ARGV with stdin from /dev/null and reads the first line it prints
 * into OUT. Returns 0 when it exited 0 and printed something. */
static int first_line_of(char *const argv[], char *out, size_t outlen)
{
    int fds[2];
    if (pipe(fds) < 0)
        return -1;
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        if (pf_lifeline_bind(parent) < 0)
            _exit(127);
        dup2(fds[1], 1);
        close(fds[0]);
        close(fds[1]);
        freopen("/dev/null", "r", stdin);
        /* the probe must not run under a shim a caller preloaded */
        unsetenv("LD_PRELOAD");
        execv(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    size_t used = 0;
    ssize_t n;
    char buf[4096];
    while ((n = read(fds[0], buf, sizeof buf)) > 0) {
        size_t take = (size_t)n;
        if (used + take >= outlen)
            take = outlen - 1 - used;
        memcpy(out + used, buf, take);
        used += take;
    }
    close(fds[0]);
    out[used] = '\0';
    char *nl = strchr(out, '\n');
    if (nl)
        *nl = '\0';
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 && out[0] ? 0 : -1;
}

static int describe(struct pf_interp *i, const char *id, const char *path,
                    int ask_version, char *err, size_t errlen)
{
    memset(i, 0, sizeof *i);
    snprintf(i->id, sizeof i->id, "%s", id);
    char resolved[PATH_MAX];
    if (pf_resolve_exec(path, resolved, sizeof resolved) != 0) {
        snprintf(err, errlen, "interpreter %s: no executable at %s", id, path);
        return -1;
    }
    if (!realpath(resolved, i->path)) {
        snprintf(err, errlen, "interpreter %s: %s: %s", id, resolved, strerror(errno));
        return -1;
    }
    char *vargv[] = {i->path, "-c", "import sys; print(sys.version.split()[0])", NULL};
    if (ask_version && first_line_of(vargv, i->version, sizeof i->version) < 0) {
        snprintf(err, errlen, "interpreter %s: %s does not run as a Python", id, i->path);
        return -1;
    }
    char line[PATH_MAX + 80];
    char *hargv[] = {"/usr/bin/sha256sum", "--", i->path, NULL};
    if (first_line_of(hargv, line, sizeof line) < 0 || strlen(line) < 64) {
        snprintf(err, errlen, "interpreter %s: cannot hash %s", id, i->path);
        return -1;
    }
    for (int k = 0; k < 64; k++)
        i->sha256[k] = (char)tolower((unsigned char)line[k]);
    i->sha256[64] = '\0';
    return 0;
}

int pf_interp_probe(struct pf_interp *i, const char *id, const char *path,
                    char *err, size_t errlen)
{
    return describe(i, id, path, 1, err, errlen);
}

int pf_interp_describe(struct pf_interp *i, const char *id, const char *path,
                       char *err, size_t errlen)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return describe(i, id, path, strncmp(base, "python", 6) == 0, err, errlen);
}

void pf_interp_default_id(const char *path, char *out, size_t outlen)
{
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", path);
    char *slash = strrchr(copy, '/');
    const char *base = slash ? slash + 1 : copy;
    if (slash && strcmp(base, "python") == 0) {
        *slash = '\0';
        const char *dir = strrchr(copy, '/');
        snprintf(out, outlen, "%s", dir ? dir + 1 : copy);
        if (out[0])
            return;
    }
    snprintf(out, outlen, "%s", base);
}

int pf_interp_parse_arg(const char *arg, char *id, size_t idlen,
                        char *path, size_t pathlen, char *err, size_t errlen)
{
    const char *eq = strchr(arg, '=');
    if (!eq || eq == arg || !eq[1]) {
        snprintf(err, errlen, "--interp '%s': want NAME=PATH", arg);
        return -1;
    }
    size_t n = (size_t)(eq - arg);
    if (n >= idlen || strlen(eq + 1) >= pathlen) {
        snprintf(err, errlen, "--interp '%s': too long", arg);
        return -1;
    }
    for (size_t k = 0; k < n; k++)
        if (!isalnum((unsigned char)arg[k]) && !strchr(".-_", arg[k])) {
            snprintf(err, errlen, "--interp '%s': the name may hold letters, digits, '.', '-', '_'", arg);
            return -1;
        }
    memcpy(id, arg, n);
    id[n] = '\0';
    snprintf(path, pathlen, "%s", eq + 1);
    return 0;
}
