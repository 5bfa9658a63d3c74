/* procstat.c: is a stuck process group burning CPU or asleep? */
#include "procstat.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int pf_parse_stat(const char *line, pid_t *pgrp, uint64_t *ticks)
{
    /* the command name may hold spaces and parentheses: start after the
     * last ')' */
    const char *p = strrchr(line, ')');
    if (!p)
        return -1;
    p++;
    /* fields after comm: 3 state, 4 ppid, 5 pgrp, ..., 14 utime, 15 stime */
    unsigned long long utime = 0, stime = 0;
    int pg = 0;
    if (sscanf(p, " %*c %*d %d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu",
               &pg, &utime, &stime) != 3)
        return -1;
    *pgrp = pg;
    *ticks = (uint64_t)(utime + stime);
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

uint64_t pf_group_cpu_ticks(pid_t pgid, unsigned *count)
{
    uint64_t sum = 0;
    unsigned n = 0;
    DIR *d = opendir("/proc");
    if (!d) {
        if (count)
            *count = 0;
        return 0;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        char path[300], buf[1024];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        if (read_stat(path, buf, sizeof buf) < 0)
            continue;
        pid_t pg;
        uint64_t t;
        if (pf_parse_stat(buf, &pg, &t) == 0 && pg == pgid) {
            sum += t;
            n++;
        }
    }
    closedir(d);
    if (count)
        *count = n;
    return sum;
}

/* The state letter of a stat line, or 0 when malformed. */
static char stat_state(const char *line)
{
    const char *p = strrchr(line, ')');
    return p && p[1] == ' ' ? p[2] : 0;
}

/* Counts PID's threads in state R or D. */
static int busy_threads(const char *pid)
{
    char dir[300];
    snprintf(dir, sizeof dir, "/proc/%s/task", pid);
    DIR *d = opendir(dir);
    if (!d)
        return 0;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        char path[600], buf[1024];
        snprintf(path, sizeof path, "%s/%s/stat", dir, e->d_name);
        if (read_stat(path, buf, sizeof buf) < 0)
            continue;
        char st = stat_state(buf);
        if (st == 'R' || st == 'D')
            n++;
    }
    closedir(d);
    return n;
}

int pf_group_busy_threads(pid_t pgid)
{
    DIR *d = opendir("/proc");
    if (!d)
        return -1;
    int busy = 0, live = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        char path[300], buf[1024];
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        pid_t pg;
        uint64_t t;
        if (read_stat(path, buf, sizeof buf) < 0 || pf_parse_stat(buf, &pg, &t) < 0 || pg != pgid)
            continue;
        char st = stat_state(buf);
        if (st == 'Z' || st == 'X')
            continue;
        live++;
        busy += busy_threads(e->d_name);
    }
    closedir(d);
    return live ? busy : -1;
}

long pf_ticks_per_second(void)
{
    long t = sysconf(_SC_CLK_TCK);
    return t > 0 ? t : 100;
}
