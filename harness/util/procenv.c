/* procenv.c: a walk over /proc: parent and state from stat (after the
 * last ')', since a command name may hold anything), then the environment
 * block, NUL-separated entries, read whole. Our own children are found
 * through each thread's /proc/self/task/TID/children when the kernel has it. */
#include "procenv.h"

#include "array.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char *pf_proc_slurp(long pid, const char *name, size_t *len)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/%s", pid, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return NULL;
    size_t cap = 4096, used = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf)
            break;
        if (cap - used < 2) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                free(buf);
                buf = NULL;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        ssize_t n = read(fd, buf + used, cap - used - 1);
        if (n <= 0)
            break;
        used += (size_t)n;
    }
    close(fd);
    if (buf) {
        buf[used] = '\0';
        *len = used;
    }
    return buf;
}

/* The parent, process group and state of PID; -1 when it is gone. One
 * read into the stack: called for every child at every trial's end. */
static int stat_of(long pid, pid_t *ppid, pid_t *pgrp, char *state)
{
    char path[64], text[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, text, sizeof text - 1);
    close(fd);
    if (n <= 0)
        return -1;
    text[n] = '\0';
    char *close_paren = strrchr(text, ')');
    long pp = 0, group = 0;
    int ok = close_paren && sscanf(close_paren + 1, " %c %ld %ld", state, &pp, &group) == 3;
    *ppid = (pid_t)pp;
    *pgrp = (pid_t)group;
    return ok ? 0 : -1;
}

static int entry_matches(const char *e, const struct pf_procenv_query *q)
{
    if (q->entry && strcmp(e, q->entry) == 0)
        return 1;
    if (q->value_prefix) {
        const char *eq = strchr(e, '=');
        return eq && strncmp(eq + 1, q->value_prefix, strlen(q->value_prefix)) == 0;
    }
    return 0;
}

static int env_matches(long pid, const struct pf_procenv_query *q)
{
    size_t len;
    char *env = pf_proc_slurp(pid, "environ", &len);
    if (!env)
        return 0;
    int hit = 0;
    for (size_t i = 0; i < len && !hit; i += strlen(env + i) + 1)
        hit = entry_matches(env + i, q);
    free(env);
    return hit;
}

/* Does live process PID (not us, not a zombie) match Q? */
static int process_matches(long pid, long self, const struct pf_procenv_query *q)
{
    for (size_t i = 0; i < q->nexclude; i++)
        if (q->exclude[i] == (pid_t)pid)
            return 0;
    pid_t ppid, pgrp;
    char state;
    if (pid == self || stat_of(pid, &ppid, &pgrp, &state) < 0 || state == 'Z')
        return 0;
    if (q->parent && ppid != q->parent)
        return 0;
    if (q->outside_excluded_groups)
        for (size_t i = 0; i < q->nexclude; i++)
            if (q->exclude[i] == pgrp)
                return 0;
    return env_matches(pid, q);
}

int pf_proc_children(long pid, pid_t **v, size_t *n, size_t *cap, size_t max)
{
    char dir[64];
    snprintf(dir, sizeof dir, "/proc/%ld/task", pid);
    DIR *tasks = opendir(dir);
    if (!tasks)
        return -1;
    int readable = 0;
    struct dirent *de;
    while (*n < max && (de = readdir(tasks)) != NULL) {
        if (!isdigit((unsigned char)de->d_name[0]))
            continue;
        char name[48];
        size_t len;
        snprintf(name, sizeof name, "task/%.20s/children", de->d_name);
        char *list = pf_proc_slurp(pid, name, &len);
        if (!list)
            continue;
        readable = 1;
        for (char *p = list, *end; *n < max; p = end) {
            long child = strtol(p, &end, 10);
            if (end == p || pf_array_reserve(*v, *cap, *n + 1, 64) < 0)
                break;
            (*v)[(*n)++] = (pid_t)child;
        }
        free(list);
    }
    closedir(tasks);
    return readable ? 0 : -1;
}

/* Our own children, from each of our threads' /proc/self/task/TID/children
 * (an orphan re-parented to a subreaper becomes one thread's child): a
 * few reads instead of one per process on the machine, at every trial's
 * end. Returns how many matched, or -1 when the kernel has no such files
 * (CONFIG_PROC_CHILDREN). */
static long find_among_children(const struct pf_procenv_query *q, long self, pid_t *pids,
                                size_t max)
{
    pid_t *kids = NULL;
    size_t nkids = 0, cap = 0, n = 0;
    if (pf_proc_children(self, &kids, &nkids, &cap, SIZE_MAX) < 0) {
        free(kids);
        return -1;
    }
    for (size_t i = 0; i < nkids && n < max; i++)
        if (process_matches(kids[i], self, q))
            pids[n++] = kids[i];
    free(kids);
    return (long)n;
}

size_t pf_procenv_find(const struct pf_procenv_query *q, pid_t *pids, size_t max)
{
    long self = (long)getpid();
    if (q->parent == (pid_t)self) {
        long found = find_among_children(q, self, pids, max);
        if (found >= 0)
            return (size_t)found;
    }
    DIR *d = opendir("/proc");
    if (!d)
        return 0;
    size_t n = 0;
    struct dirent *de;
    while (n < max && (de = readdir(d)) != NULL) {
        if (!isdigit((unsigned char)de->d_name[0]))
            continue;
        long pid = strtol(de->d_name, NULL, 10);
        if (process_matches(pid, self, q))
            pids[n++] = (pid_t)pid;
    }
    closedir(d);
    return n;
}
