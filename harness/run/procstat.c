/* procstat.c: is a stuck process group burning CPU or asleep? */
#include "procstat.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procenv.h"

/* No more processes than this are walked below the harness. */
#define MAX_DESCENDANTS 65536

int pf_parse_stat(const char *line, struct pf_stat *out)
{
    /* the command name may hold spaces and parentheses: start after the
     * last ')' */
    const char *p = strrchr(line, ')');
    if (!p)
        return -1;
    p++;
    /* fields after comm: 3 state, 4 ppid, 5 pgrp, ..., 14 utime, 15 stime,
     * 16-21 (cutime to itrealvalue), 22 starttime */
    unsigned long long utime = 0, stime = 0, start = 0;
    int pg = 0;
    if (sscanf(p, " %*c %*d %d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu %*d %*d %*d %*d %*d %*d %llu",
               &pg, &utime, &stime, &start) != 4)
        return -1;
    out->pgrp = pg;
    out->ticks = (uint64_t)(utime + stime);
    out->start = (uint64_t)start;
    return 0;
}

/* Reads /proc/PID/stat (or a task's) into BUF; returns 0 or -1. */
static int read_stat(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, len - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    return 0;
}

/* What is called with each process or thread read: its name (PID or
 * TID), its stat line and what was parsed of it. */
typedef void stat_fn(const char *name, const char *line, const struct pf_stat *st, void *arg);

/* Calls FN for the process or thread NAME whose stat file is DIR/NAME/stat
 * when it is in group PGID (any group for 0); a gone one is skipped. */
static void stat_one(const char *dir, const char *name, pid_t pgid, stat_fn *fn, void *arg)
{
    char path[600], buf[1024];
    snprintf(path, sizeof path, "%s/%s/stat", dir, name);
    struct pf_stat st;
    if (read_stat(path, buf, sizeof buf) < 0 || pf_parse_stat(buf, &st) < 0 ||
        (pgid > 0 && st.pgrp != pgid))
        return;
    fn(name, buf, &st, arg);
}

/* Calls FN(pid, its stat line, ARG) for every process (numeric entry of
 * DIR, "/proc" or a /proc/PID/task folder) whose stat line reads; with
 * PGID > 0, only those of that process group. Returns -1 when DIR cannot
 * be opened. */
static int each_stat(const char *dir, pid_t pgid, stat_fn *fn, void *arg)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
            stat_one(dir, e->d_name, pgid, fn, arg);
    closedir(d);
    return 0;
}

/* As each_stat("/proc", PGID, ...), but over the harness's descendants
 * alone: a trial's processes are all below it (an orphan comes back to
 * it, the subreaper), and a node may run thousands of others. Falls back
 * to all of /proc where children cannot be listed. */
static void each_group_stat(pid_t pgid, stat_fn *fn, void *arg)
{
    pid_t *v = NULL;
    size_t n = 0, cap = 0;
    if (pf_proc_children((long)getpid(), &v, &n, &cap, MAX_DESCENDANTS) < 0) {
        free(v);
        each_stat("/proc", pgid, fn, arg);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        char name[24];
        snprintf(name, sizeof name, "%d", (int)v[i]);
        stat_one("/proc", name, pgid, fn, arg);
        /* one that ended has none */
        pf_proc_children((long)v[i], &v, &n, &cap, MAX_DESCENDANTS);
    }
    free(v);
}

struct tick_sum {
    uint64_t sum;
    unsigned n;
};

static void add_ticks(const char *name, const char *line, const struct pf_stat *st, void *arg)
{
    (void)name;
    (void)line;
    struct tick_sum *ts = arg;
    ts->sum += st->ticks;
    ts->n++;
}

uint64_t pf_group_cpu_ticks(pid_t pgid, unsigned *count)
{
    struct tick_sum ts = {0, 0};
    each_group_stat(pgid, add_ticks, &ts);
    if (count)
        *count = ts.n;
    return ts.sum;
}

static void keep_ticks(const char *name, const char *line, const struct pf_stat *st, void *arg)
{
    (void)line;
    struct pf_group_cpu *g = arg;
    if (g->n < PF_GROUP_CPU_MAX)
        g->proc[g->n++] = (struct pf_proc_ticks){(pid_t)atol(name), st->start, st->ticks};
}

void pf_group_cpu_read(pid_t pgid, struct pf_group_cpu *out)
{
    out->n = 0;
    each_group_stat(pgid, keep_ticks, out);
}

uint64_t pf_group_cpu_spent(struct pf_group_cpu *since, const struct pf_group_cpu *now)
{
    uint64_t spent = 0;
    const unsigned before = since->n;
    for (unsigned i = 0; i < now->n; i++) {
        const struct pf_proc_ticks *a = &now->proc[i];
        unsigned j = 0;
        while (j < before && (since->proc[j].pid != a->pid || since->proc[j].start != a->start))
            j++;
        if (j == before) {
            if (since->n < PF_GROUP_CPU_MAX)
                since->proc[since->n++] = *a;
        } else if (a->ticks > since->proc[j].ticks) {
            spent += a->ticks - since->proc[j].ticks;
        }
    }
    return spent;
}

/* The state letter of a stat line, or 0 when malformed. */
static char stat_state(const char *line)
{
    const char *p = strrchr(line, ')');
    return p && p[1] == ' ' ? p[2] : 0;
}

struct busy_count {
    int busy, live;
};

/* A thread in state R or D may still be making progress. */
static void count_busy_thread(const char *name, const char *line, const struct pf_stat *st, void *arg)
{
    (void)name;
    (void)st;
    char state = stat_state(line);
    if (state == 'R' || state == 'D')
        ((struct busy_count *)arg)->busy++;
}

static void count_busy_process(const char *name, const char *line, const struct pf_stat *st, void *arg)
{
    (void)st;
    char state = stat_state(line);
    if (state == 'Z' || state == 'X')
        return;
    ((struct busy_count *)arg)->live++;
    char dir[300];
    snprintf(dir, sizeof dir, "/proc/%s/task", name);
    each_stat(dir, 0, count_busy_thread, arg);
}

int pf_group_busy_threads(pid_t pgid)
{
    struct busy_count bc = {0, 0};
    each_group_stat(pgid, count_busy_process, &bc);
    if (bc.live == 0)
        return -1;
    return bc.busy;
}

long pf_ticks_per_second(void)
{
    long t = sysconf(_SC_CLK_TCK);
    return t > 0 ? t : 100;
}
