/* sample.h: stack samples of a live process through ptrace + libunwind. */
#ifndef PF_SAMPLE_H
#define PF_SAMPLE_H

#include <sys/types.h>

#include "frames.h"

/* Stops PID (PTRACE_SEIZE + PTRACE_INTERRUPT), unwinds its main thread
 * with libunwind-ptrace, symbolizes each frame through symbolize.h
 * (inline frames, file:line; code no symbol covers becomes
 * "object+0xoffset"), and detaches. Returns 0; -1 when PID cannot be
 * traced; -2 when PID ended while being sampled (its wait status is in
 * *ENDED_STATUS and it has been reaped). Not thread-safe towards other
 * tracers of the same PID. */
int pf_sample_stack(pid_t pid, struct pf_frames *out, int *ended_status);

#endif
