/* procenv.h: find live processes by what their environment holds. */
#ifndef PF_PROCENV_H
#define PF_PROCENV_H

#include <stddef.h>
#include <sys/types.h>

/* Which processes pf_procenv_find() wants. */
struct pf_procenv_query {
    const char *entry;  /* an exact "NAME=value" entry, or NULL */
    const char *value_prefix; /* or: any entry whose value starts with this */
    pid_t parent;       /* only children of this pid; 0: any parent */
    const pid_t *exclude; /* never these NEXCLUDE processes */
    size_t nexclude;
    int outside_excluded_groups; /* nor a member of a group one of them leads */
};

/* Fills PIDS (at most MAX) with the live (not zombie) processes matching
 * Q, this process aside; returns how many. Reads /proc/PID/stat and
 * /proc/PID/environ (the environment a process was started with); a
 * process we may not read is skipped. */
size_t pf_procenv_find(const struct pf_procenv_query *q, pid_t *pids, size_t max);

/* Appends the children of every thread of process PID to *V (*N of them,
 * room for *CAP; a pf_array), while *N < MAX. Returns 0, or -1 when they
 * cannot be read (PID is gone, or the kernel has no children files:
 * CONFIG_PROC_CHILDREN). */
int pf_proc_children(long pid, pid_t **v, size_t *n, size_t *cap, size_t max);

/* Reads all of /proc/PID/NAME into a heap buffer (NUL-terminated); *LEN
 * gets its length. NULL when it cannot be read. */
char *pf_proc_slurp(long pid, const char *name, size_t *len);

#endif
