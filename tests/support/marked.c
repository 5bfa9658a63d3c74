/*
 * marked.c: the live processes that carry a test's mark among their
 * arguments, found and killed through /proc (a process set loose by a
 * trial or a build is nobody's child we could wait for).
 */
#include "marked.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Does /proc/PID/cmdline hold the argument MARK? */
static int has_arg(const char *pid, const char *mark)
{
    char path[300], buf[8192];
    snprintf(path, sizeof path, "/proc/%s/cmdline", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    for (ssize_t i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1)
        if (strcmp(buf + i, mark) == 0)
            return 1;
    return 0;
}

/* Is PID a zombie (dead, only waiting for its parent)? */
static int zombie(const char *pid)
{
    char path[300], buf[512];
    snprintf(path, sizeof path, "/proc/%s/stat", pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    return !p || p[1] == '\0' || p[2] == 'Z';
}

/* Is PID's command name COMM? */
static int named(const char *pid, const char *comm)
{
    char path[300], buf[64] = "";
    snprintf(path, sizeof path, "/proc/%s/comm", pid);
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    int ok = fgets(buf, sizeof buf, f) != NULL;
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
    return ok && strcmp(buf, comm) == 0;
}

int marked_processes(const char *mark, const char *comm, int kill_them)
{
    DIR *d = opendir("/proc");
    if (!d)
        abort();
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        if (has_arg(e->d_name, mark) && !zombie(e->d_name) && (!comm || named(e->d_name, comm))) {
            n++;
            if (kill_them)
                kill(atoi(e->d_name), SIGKILL);
        }
    }
    closedir(d);
    return n;
}
