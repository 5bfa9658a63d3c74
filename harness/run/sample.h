/* sample.h: stack samples of every thread of a live process, through
 * ptrace + libunwind. */
#ifndef PF_SAMPLE_H
#define PF_SAMPLE_H

#include <sys/types.h>

#include "frames.h"

#define PF_THREADS_MAX 8

/* Stops every thread of PID (PTRACE_SEIZE + PTRACE_INTERRUPT on each tid
 * in /proc/PID/task, up to MAX and PF_THREADS_MAX), unwinds each with
 * libunwind-ptrace into OUT[0..*N) (PID's own thread first, then by tid;
 * each with its tid), symbolizes them through symbolize.h (inline frames,
 * file:line; code no symbol covers becomes "object+0xSTART"), and
 * detaches. Returns 0; -1 when PID cannot be traced; -2 when PID ended
 * while being sampled (its wait status is in *ENDED_STATUS and it has been
 * reaped). Not thread-safe towards other tracers of the same PID. */
int pf_sample_threads(pid_t pid, struct pf_frames *out, unsigned max, unsigned *n,
                      int *ended_status);

#endif
