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
/* Parses one /proc/PID/stat line: process group and utime + stime.
 * Returns 0, or -1 on a malformed line. Pure. */
int pf_parse_stat(const char *line, pid_t *pgrp, uint64_t *ticks);
/* Clock ticks per second. */
long pf_ticks_per_second(void);

#endif
