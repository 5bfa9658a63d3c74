/* procstat.h: CPU time and run state of a process group, read from /proc. */
#ifndef PF_PROCSTAT_H
#define PF_PROCSTAT_H

#include <stdint.h>
#include <sys/types.h>

/* Sums utime + stime (in clock ticks) of every live process whose process
 * group is PGID; returns the number of such processes in *COUNT. Returns
 * the tick sum (0 when none). */
uint64_t pf_group_cpu_ticks(pid_t pgid, unsigned *count);
/* Counts the threads of PGID's live processes that are runnable (state R)
 * or in uninterruptible sleep (D): those that may still be making
 * progress. Returns -1 when the group has no live process. */
int pf_group_busy_threads(pid_t pgid);
/* What the supervisor reads of one /proc/PID/stat line. */
struct pf_stat {
    pid_t pgrp;     /* process group */
    uint64_t ticks; /* utime + stime */
    uint64_t start; /* starttime: with the pid, names one process */
};
/* Parses one /proc/PID/stat line into *OUT. Returns 0, or -1 on a
 * malformed line. Pure. */
int pf_parse_stat(const char *line, struct pf_stat *out);

/* The most processes of one group a CPU snapshot keeps. */
#define PF_GROUP_CPU_MAX 128
/* Each live process of a group and its CPU ticks at one moment. */
struct pf_group_cpu {
    unsigned n;
    struct pf_proc_ticks {
        pid_t pid;
        uint64_t start;
        uint64_t ticks;
    } proc[PF_GROUP_CPU_MAX];
};
/* Reads the CPU ticks of up to PF_GROUP_CPU_MAX live processes of PGID
 * into *OUT. The listing of processes may miss one that exists (the
 * kernel's child lists are not stable while siblings exit). */
void pf_group_cpu_read(pid_t pgid, struct pf_group_cpu *out);
/* Ticks spent from SINCE to NOW by the processes both hold: one seen
 * once (exited, reaped or missed by a listing) adds nothing, so that an
 * exit or a missed listing never reads as CPU spent. A process NOW holds
 * and SINCE lacks is added to SINCE, to be counted from then on. */
uint64_t pf_group_cpu_spent(struct pf_group_cpu *since, const struct pf_group_cpu *now);
/* Clock ticks per second. */
long pf_ticks_per_second(void);

#endif
