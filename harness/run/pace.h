/* pace.h: how fast a target allocates, measured by a sweep's counting run,
 * and the verdict limits derived from it: the unwind-loop watch window,
 * the stall limit that ends a hang early, and the backstop timeout. */
#ifndef PF_PACE_H
#define PF_PACE_H

#include <stdint.h>

/* A pace with no allocations means "not measured": fixed defaults apply. */
struct pf_pace {
    uint64_t wall_ms;      /* the counting run, spawn to exit */
    uint64_t allocations;  /* allocations it counted */
    uint64_t max_gap_ms;   /* its longest stretch without a new allocation */
};

/* The unwind-loop watch window: long enough for a few thousand allocations
 * at the measured rate, between 10 and 200 ms; 50 ms when not measured.
 * Pure. */
unsigned pf_pace_loop_window_ms(const struct pf_pace *p);
/* How long a trial may go without allocating before it is judged stuck:
 * four times the counting run's longest gap, at least 200 ms; 0 (never)
 * when not measured. Pure. */
unsigned pf_pace_stall_ms(const struct pf_pace *p);
/* The backstop timeout in seconds for a trial that keeps allocating
 * without ending: ten times the counting run, plus one second, at least
 * three seconds. Pure. */
double pf_pace_timeout_s(const struct pf_pace *p);

#endif
